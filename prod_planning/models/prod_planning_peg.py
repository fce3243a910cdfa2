from odoo import fields, models
from odoo.tools import SQL, drop_view_if_exists

# Position of each value in a peg of ``prod.planning.order.pegging``.
PEG_COLUMNS = ("quantity", "need_date", "demand_type", "demand_ref", "parent_order_id")

# Pegs per planned order kept apart in the report's ids (order id * PEG_SLOTS + peg).
PEG_SLOTS = 65536


class ProdPlanningPeg(models.Model):
    """Which demand a planned order covers, and how much of it: a report over
    the pegging the planning run stores in each planned order
    (``prod.planning.order.pegging``), one record per peg."""

    _name = "prod.planning.peg"
    _description = "Planned Order Pegging"
    _order = "order_id, need_date, id"
    _auto = False

    order_id = fields.Many2one(comodel_name="prod.planning.order", readonly=True)
    quantity = fields.Float(digits="Product Unit", readonly=True)
    need_date = fields.Date(readonly=True)
    demand_type = fields.Selection(
        selection=[
            ("actual", "Actual demand"),
            ("forecast", "Forecast"),
            ("dependent", "Planned order of a parent"),
            ("safety", "Safety stock"),
        ],
        readonly=True,
    )
    demand_ref = fields.Reference(
        selection=[
            ("stock.move", "Stock move"),
            ("prod.planning.forecast", "Forecast"),
            ("prod.planning.order", "Planned order"),
        ],
        string="Demand",
        readonly=True,
    )
    parent_order_id = fields.Many2one(
        comodel_name="prod.planning.order",
        readonly=True,
        help="The parent planned order whose components this demand is.",
    )

    def init(self):
        drop_view_if_exists(self.env.cr, self._table)
        # A parent replaced by a later run is no parent any more (LEFT JOIN).
        self.env.cr.execute(
            SQL(
                """CREATE VIEW %s AS (
                    SELECT planned.id::bigint * %s + peg.position AS id,
                           planned.id AS order_id,
                           (peg.value->>0)::numeric AS quantity,
                           (peg.value->>1)::date AS need_date,
                           (peg.value->>2)::varchar AS demand_type,
                           (peg.value->>3)::varchar AS demand_ref,
                           parent.id AS parent_order_id
                      FROM prod_planning_order planned
                     CROSS JOIN LATERAL jsonb_array_elements(planned.pegging)
                           WITH ORDINALITY AS peg(value, position)
                      LEFT JOIN prod_planning_order parent ON parent.id = (peg.value->>4)::int
                )""",
                SQL.identifier(self._table),
                PEG_SLOTS,
            )
        )
