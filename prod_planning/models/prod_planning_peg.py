from odoo import fields, models


class ProdPlanningPeg(models.Model):
    """Which demand a planned order covers, and how much of it."""

    _name = "prod.planning.peg"
    _description = "Planned Order Pegging"
    _order = "order_id, need_date, id"

    order_id = fields.Many2one(comodel_name="prod.planning.order", required=True, index=True, ondelete="cascade")
    quantity = fields.Float(digits="Product Unit")
    need_date = fields.Date()
    demand_type = fields.Selection(
        selection=[
            ("actual", "Actual demand"),
            ("forecast", "Forecast"),
            ("dependent", "Planned order of a parent"),
            ("safety", "Safety stock"),
        ]
    )
    demand_ref = fields.Reference(
        selection=[
            ("stock.move", "Stock move"),
            ("prod.planning.forecast", "Forecast"),
            ("prod.planning.order", "Planned order"),
        ],
        string="Demand",
    )
    parent_order_id = fields.Many2one(
        comodel_name="prod.planning.order",
        index=True,
        ondelete="cascade",
        help="The parent planned order whose components this demand is.",
    )
    description = fields.Char()
