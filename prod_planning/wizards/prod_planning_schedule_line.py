from odoo import api, fields, models


class ProdPlanningScheduleLine(models.TransientModel):
    """One manufacturing order in a schedule preview: old vs new dates."""

    _name = "prod.planning.schedule.line"
    _description = "Schedule Preview: Manufacturing Order"
    _order = "state desc, late desc, new_date_start, id"

    wizard_id = fields.Many2one(comodel_name="prod.planning.schedule", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="wizard_id.company_id")
    production_id = fields.Many2one(comodel_name="mrp.production", required=True, ondelete="cascade")
    product_id = fields.Many2one(related="production_id.product_id")
    product_qty = fields.Float(related="production_id.product_qty")
    priority = fields.Selection(related="production_id.priority")
    state = fields.Selection(
        selection=[("scheduled", "Scheduled"), ("unschedulable", "Unschedulable")], required=True, default="scheduled"
    )
    reason = fields.Char(help="Why the order cannot be scheduled, and the fix.")
    date_deadline = fields.Datetime(string="Deadline")
    old_date_start = fields.Datetime(string="Current Start")
    old_date_finished = fields.Datetime(string="Current End")
    new_date_start = fields.Datetime(string="New Start")
    new_date_finished = fields.Datetime(string="New End")
    shift_hours = fields.Float(
        string="Shift (h)",
        compute="_compute_shift_hours",
        help="New start minus current start, in hours (negative: earlier).",
    )
    lateness_hours = fields.Float(string="Lateness (h)", help="Elapsed hours between the deadline and the new end.")
    late = fields.Boolean()
    material_date = fields.Datetime(string="Components Expected", help="The order waits for its components until then.")
    material_note = fields.Char(string="Components")
    load_hours = fields.Float(string="Load (h)", help="Working hours the order puts on work centers.")
    workcenter_summary = fields.Char(string="Work Centers")
    fixed_count = fields.Integer(string="Started (kept)")
    workorder_line_ids = fields.One2many(
        comodel_name="prod.planning.schedule.workorder", inverse_name="line_id", string="Work Orders"
    )

    @api.depends("old_date_start", "new_date_start")
    def _compute_shift_hours(self):
        for line in self:
            if line.old_date_start and line.new_date_start:
                delta = line.new_date_start - line.old_date_start
                line.shift_hours = delta.total_seconds() / 3600.0
            else:
                line.shift_hours = 0.0

    @api.depends("production_id", "state")
    def _compute_display_name(self):
        for line in self:
            line.display_name = line.production_id.display_name
