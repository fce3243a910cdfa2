from odoo import fields, models


class ProdPlanningPriceCostImpactLine(models.Model):
    _name = "prod.planning.price.cost.impact.line"
    _description = "Cost Impact of Raw-Material Prices: Component"
    _order = "impact_id, difference desc, id"
    _rec_name = "product_id"
    # A generated table (thousands of rows per refresh): no audit columns,
    # and only the foreign keys it needs.
    _log_access = False

    impact_id = fields.Many2one(
        comodel_name="prod.planning.price.cost.impact",
        string="Finished Product",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    finished_product_id = fields.Many2one(related="impact_id.product_id", string="Manufactured Product")
    product_id = fields.Many2one(comodel_name="product.product", string="Component", readonly=True)
    company_id = fields.Many2one(related="impact_id.company_id")
    currency_id = fields.Many2one(related="company_id.currency_id")
    quantity = fields.Float(
        digits="Product Unit", readonly=True, help="Quantity per unit of the manufactured product, through all levels."
    )
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    latest_price = fields.Float(digits="Raw-Material Price", readonly=True, aggregator="avg")
    latest_price_date = fields.Date(readonly=True)
    standard_price = fields.Float(string="Current Cost", digits="Product Price", readonly=True, aggregator="avg")
    cost_latest = fields.Float(string="Cost at Latest Price", digits="Product Price", readonly=True)
    cost_standard = fields.Float(string="Cost at Current Cost", digits="Product Price", readonly=True)
    difference = fields.Float(digits="Product Price", readonly=True)
    price_observed = fields.Boolean(readonly=True, help="False: never observed, counted at its current cost.")
