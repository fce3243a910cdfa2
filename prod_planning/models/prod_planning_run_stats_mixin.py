from odoo import fields, models


class ProdPlanningRunStatsMixin(models.AbstractModel):
    """When a planning run, or one of its units, was planned and what it
    planned: the figures the run writes when it is done."""

    _name = "prod.planning.run.stats.mixin"
    _description = "Planning Run Figures"

    date_start = fields.Datetime(string="Started", readonly=True)
    date_end = fields.Datetime(string="Ended", readonly=True)
    duration = fields.Float(string="Duration (s)", readonly=True, digits=(16, 2))
    engine_duration = fields.Float(string="Engine (s)", readonly=True, digits=(16, 3))
    product_count = fields.Integer(string="Items Planned", readonly=True)
    demand_count = fields.Integer(string="Demands", readonly=True)
    supply_count = fields.Integer(string="Existing Supplies", readonly=True)
    planned_order_count = fields.Integer(string="Planned Orders", readonly=True)
    exception_count = fields.Integer(string="Exceptions", readonly=True)
    error_message = fields.Text(readonly=True)
