from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    prod_planning_horizon_days = fields.Integer(
        string="Planning Horizon (days)", default=120
    )
    prod_planning_release_fence_days = fields.Integer(
        string="Release Time Fence (days)",
        default=7,
        help="The scheduled planning run releases auto-release planned orders "
        "whose release date falls within this many days from today.",
    )
    prod_planning_auto_confirm_rfq = fields.Boolean(
        string="Confirm Auto-released RFQs",
        help="Purchase orders released by the scheduled run are confirmed, not "
        "left as RFQs.",
    )
