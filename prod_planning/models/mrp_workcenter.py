from odoo import fields, models


class MrpWorkcenter(models.Model):
    _inherit = "mrp.workcenter"

    prod_planning_schedule_date = fields.Datetime(
        string="Last Schedule Applied",
        readonly=True,
        copy=False,
        help="When a schedule was last applied to this work center: a schedule "
        "computed before it is refused and must be computed again.",
    )

    def action_open_schedule_wizard(self):
        """Schedule button: the scheduling wizard on the orders of these work
        centers."""
        self.check_access("read")
        self.env["prod.planning.schedule"].check_access("create")
        action = self.env["ir.actions.actions"]._for_xml_id("prod_planning.prod_planning_schedule_action")
        action["context"] = {"active_model": self._name, "active_ids": self.ids}
        return action

    def action_open_capacity_load(self):
        self.check_access("read")
        self.env["prod.planning.capacity.load"].check_access("read")
        action = self.env["ir.actions.actions"]._for_xml_id("prod_planning.prod_planning_capacity_load_action")
        action["domain"] = [("workcenter_id", "in", self.ids)]
        return action
