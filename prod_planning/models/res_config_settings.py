from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    prod_planning_horizon_days = fields.Integer(related="company_id.prod_planning_horizon_days", readonly=False)
    prod_planning_release_fence_days = fields.Integer(
        related="company_id.prod_planning_release_fence_days", readonly=False
    )
    prod_planning_auto_confirm_rfq = fields.Boolean(related="company_id.prod_planning_auto_confirm_rfq", readonly=False)
    prod_planning_expedite_days = fields.Integer(related="company_id.prod_planning_expedite_days", readonly=False)
    prod_planning_max_slips = fields.Integer(related="company_id.prod_planning_max_slips", readonly=False)
    prod_planning_escalation_user_id = fields.Many2one(
        related="company_id.prod_planning_escalation_user_id", readonly=False
    )
    prod_planning_schedule_time_limit_max = fields.Integer(
        related="company_id.prod_planning_schedule_time_limit_max", readonly=False
    )
    prod_planning_categ_ids = fields.Many2many(related="company_id.prod_planning_categ_ids", readonly=False)
