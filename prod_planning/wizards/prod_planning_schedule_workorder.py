from odoo import api, fields, models


class ProdPlanningScheduleWorkorder(models.TransientModel):
    """One work order (or one-step order) in a schedule preview."""

    _name = "prod.planning.schedule.workorder"
    _description = "Schedule Preview: Work Order"
    _order = "new_date_start, id"

    wizard_id = fields.Many2one(comodel_name="prod.planning.schedule", required=True, index=True, ondelete="cascade")
    line_id = fields.Many2one(comodel_name="prod.planning.schedule.line", required=True, index=True, ondelete="cascade")
    workorder_id = fields.Many2one(
        comodel_name="mrp.workorder",
        ondelete="cascade",
        help="Empty for an order without operations scheduled as one step.",
    )
    production_id = fields.Many2one(comodel_name="mrp.production", required=True, ondelete="cascade")
    workcenter_id = fields.Many2one(comodel_name="mrp.workcenter", required=True)
    old_workcenter_id = fields.Many2one(comodel_name="mrp.workcenter", string="Current Work Center")
    alternative = fields.Boolean(compute="_compute_alternative", help="Moved to an alternative work center.")
    old_date_start = fields.Datetime(string="Current Start")
    old_date_finished = fields.Datetime(string="Current End")
    new_date_start = fields.Datetime(string="New Start")
    new_date_finished = fields.Datetime(string="New End")
    duration = fields.Float(
        string="Duration (min)", help="Working minutes at the work center (setup, cleanup and efficiency included)."
    )
    duration_hours = fields.Float(
        string="Duration",
        compute="_compute_duration_hours",
        help="Working time at the work center in hours and minutes (setup, cleanup and efficiency included).",
    )
    fixed = fields.Boolean(help="Started work order kept where it is.")

    @api.depends("duration")
    def _compute_duration_hours(self):
        for line in self:
            line.duration_hours = line.duration / 60.0

    @api.depends("workcenter_id", "old_workcenter_id")
    def _compute_alternative(self):
        for line in self:
            line.alternative = line.workcenter_id != line.old_workcenter_id

    @api.depends("workorder_id", "production_id")
    def _compute_display_name(self):
        for line in self:
            line.display_name = (line.workorder_id or line.production_id).display_name
