from odoo import _, models


class ProdPlanningSchedule(models.TransientModel):
    _inherit = "prod.planning.schedule"

    def action_open_timeline(self):
        """Timeline button: the preview's work orders on a timeline, one row
        per work center."""
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": _("Schedule Timeline: %(name)s", name=self.display_name),
            "res_model": "prod.planning.schedule.workorder",
            "view_mode": "timeline,list",
            "views": [
                (self.env.ref("prod_planning_timeline.prod_planning_schedule_workorder_view_timeline").id, "timeline"),
                (self.env.ref("prod_planning_timeline.prod_planning_schedule_workorder_view_list").id, "list"),
            ],
            "domain": [("wizard_id", "=", self.id)],
            "context": {"create": False, "edit": False, "delete": False},
            "target": "current",
        }
