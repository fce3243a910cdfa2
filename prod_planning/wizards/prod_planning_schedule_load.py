from odoo import fields, models


class ProdPlanningScheduleLoad(models.TransientModel):
    """Load of one work center in a schedule preview, from the start to the
    last finish."""

    _name = "prod.planning.schedule.load"
    _description = "Schedule Preview: Work Center Load"
    _order = "load_percent desc, id"

    wizard_id = fields.Many2one(comodel_name="prod.planning.schedule", required=True, index=True, ondelete="cascade")
    workcenter_id = fields.Many2one(comodel_name="mrp.workcenter", required=True)
    calendar_id = fields.Many2one(comodel_name="resource.calendar")
    calendar_fallback = fields.Boolean(
        string="Company Calendar", help="The work center has no working calendar: the company's is used."
    )
    scheduled_hours = fields.Float(string="Scheduled (h)", help="Working hours of the orders scheduled.")
    busy_hours = fields.Float(
        string="Other Orders (h)", help="Hours booked by work orders of other orders, left where they are."
    )
    available_hours = fields.Float(
        string="Available (h)", help="Working hours of the calendar (minus leaves) from the start to the last finish."
    )
    load_percent = fields.Float(string="Load %")
    workorder_count = fields.Integer(string="# Work Orders")
