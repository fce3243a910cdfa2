from odoo import fields, models


class MrpBom(models.Model):
    _inherit = "mrp.bom"

    schedule_workcenter_id = fields.Many2one(
        comodel_name="mrp.workcenter",
        string="Default Work Center",
        check_company=True,
        help="Where the scheduler places manufacturing orders of this bill of "
        "materials that have no operations (as one step).",
    )
    schedule_time_cycle = fields.Float(
        string="Default Cycle Time",
        help="Minutes per cycle (the work center's capacity) of a manufacturing "
        "order of this bill of materials without operations; without it the "
        "scheduler adds up the durations of the bill of materials' operations.",
    )
