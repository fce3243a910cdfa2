from odoo import fields, models


class ProdPlanningProjection(models.Model):
    """Projected inventory of a product in a warehouse, week by week."""

    _name = "prod.planning.projection"
    _description = "Projected Inventory"
    _order = "product_id, warehouse_id, week_start"
    _check_company_auto = True

    run_id = fields.Many2one(comodel_name="prod.planning.run", index=True, ondelete="cascade", check_company=True)
    product_id = fields.Many2one(comodel_name="product.product", required=True, index=True, check_company=True)
    product_tmpl_id = fields.Many2one(related="product_id.product_tmpl_id")
    warehouse_id = fields.Many2one(comodel_name="stock.warehouse", required=True, check_company=True)
    company_id = fields.Many2one(comodel_name="res.company", required=True, index=True)
    week_start = fields.Date(required=True, index=True)
    forecast_qty = fields.Float(string="Forecast", aggregator="sum")
    actual_qty = fields.Float(string="Actual Demand", aggregator="sum")
    dependent_qty = fields.Float(string="Indirect Demand", aggregator="sum")
    receipt_qty = fields.Float(string="Scheduled Receipts", aggregator="sum")
    planned_qty = fields.Float(string="Planned Supply", aggregator="sum")
    # Grouped over weeks: the lowest projected stock, not a sum of balances.
    on_hand_qty = fields.Float(string="Projected On Hand", aggregator="min")
    safety_stock = fields.Float(aggregator="max")
    shortage_qty = fields.Float(string="Shortage", aggregator="sum")
    status = fields.Selection(selection=[("ok", "OK"), ("shortage", "Shortage"), ("excess", "Excess")], index=True)
