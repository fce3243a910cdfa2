from odoo import fields, models
from odoo.tools import SQL, drop_view_if_exists

from .prod_planning_projection_series import WEEK_COLUMNS

# Weeks per series kept apart in the report's ids (series id * WEEK_SLOTS + week).
WEEK_SLOTS = 65536


class ProdPlanningProjection(models.Model):
    """Projected inventory of a product in a warehouse, week by week: a report
    over the series the planning run stores (``prod.planning.projection.series``)."""

    _name = "prod.planning.projection"
    _description = "Projected Inventory"
    _order = "product_id, warehouse_id, week_start"
    _auto = False

    series_id = fields.Many2one(comodel_name="prod.planning.projection.series", readonly=True)
    run_id = fields.Many2one(comodel_name="prod.planning.run", readonly=True)
    product_id = fields.Many2one(comodel_name="product.product", readonly=True)
    product_tmpl_id = fields.Many2one(related="product_id.product_tmpl_id")
    warehouse_id = fields.Many2one(comodel_name="stock.warehouse", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    week_start = fields.Date(readonly=True)
    forecast_qty = fields.Float(string="Forecast", aggregator="sum", readonly=True)
    actual_qty = fields.Float(string="Actual Demand", aggregator="sum", readonly=True)
    dependent_qty = fields.Float(string="Indirect Demand", aggregator="sum", readonly=True)
    receipt_qty = fields.Float(string="Scheduled Receipts", aggregator="sum", readonly=True)
    planned_qty = fields.Float(string="Planned Supply", aggregator="sum", readonly=True)
    # Grouped over weeks: the lowest projected stock, not a sum of balances.
    on_hand_qty = fields.Float(string="Projected On Hand", aggregator="min", readonly=True)
    safety_stock = fields.Float(aggregator="max", readonly=True)
    shortage_qty = fields.Float(string="Shortage", aggregator="sum", readonly=True)
    status = fields.Selection(selection=[("ok", "OK"), ("shortage", "Shortage"), ("excess", "Excess")], readonly=True)

    def init(self):
        quantities = SQL(", ").join(
            SQL("(week.value->>%s)::float8 AS %s", position, SQL.identifier(name))
            for position, name in enumerate(WEEK_COLUMNS)
        )
        drop_view_if_exists(self.env.cr, self._table)
        # The status as the planning run judges a week: below safety stock, or
        # stock well above both the safety stock and the week's demand with
        # nothing planned to arrive.
        self.env.cr.execute(
            SQL(
                """CREATE VIEW %s AS (
                    SELECT weeks.*,
                           CASE WHEN weeks.shortage_qty > 0 THEN 'shortage'
                                WHEN weeks.planned_qty = 0
                                 AND weeks.on_hand_qty > GREATEST(2 * weeks.safety_stock, 0)
                                 AND weeks.on_hand_qty
                                     > (weeks.forecast_qty + weeks.actual_qty + weeks.dependent_qty) * 4
                                THEN 'excess'
                                ELSE 'ok'
                           END::varchar AS status
                      FROM (
                        SELECT series.id::bigint * %s + week.position AS id,
                               series.id AS series_id, series.run_id, series.product_id,
                               series.warehouse_id, series.company_id,
                               series.first_week + (week.position::int - 1) * 7 AS week_start,
                               %s
                          FROM prod_planning_projection_series series
                         CROSS JOIN LATERAL jsonb_array_elements(series.weeks)
                               WITH ORDINALITY AS week(value, position)
                      ) weeks
                )""",
                SQL.identifier(self._table),
                WEEK_SLOTS,
                quantities,
            )
        )
