from datetime import timedelta

from odoo import api, fields, models


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    capacity_warning = fields.Char(
        compute="_compute_capacity_warning",
        help="A work center of this order is overloaded in the week the order "
        "starts (from the stored capacity load, refreshed nightly and when a "
        "schedule is applied).",
    )

    @api.depends("date_start", "state", "workorder_ids.workcenter_id")
    def _compute_capacity_warning(self):
        self.capacity_warning = False
        todo = self.filtered(lambda p: p.id and p.date_start and p.state in ("confirmed", "progress"))
        pairs = {}
        for production in todo:
            workcenters = (
                production.workorder_ids.filtered(lambda w: w.state not in ("done", "cancel")).workcenter_id
                or production.bom_id.schedule_workcenter_id
            )
            day = fields.Date.context_today(production, production.date_start)
            pairs[production] = [(wc, day) for wc in workcenters]
        table = self.env["prod.planning.capacity.load"]
        overloads = table._weekly_overloads({(wc.id, day) for items in pairs.values() for wc, day in items})
        for production, items in pairs.items():
            messages = []
            for workcenter, day in items:
                monday = day - timedelta(days=day.weekday())
                if (workcenter.id, monday) in overloads:
                    load, available = overloads[(workcenter.id, monday)]
                    messages.append(table._overload_message(workcenter, monday, load, available))
            production.capacity_warning = " ".join(messages) or False

    def action_open_schedule_wizard(self):
        """Schedule button: the scheduling wizard on these orders."""
        self.check_access("read")
        self.env["prod.planning.schedule"].check_access("create")
        action = self.env["ir.actions.actions"]._for_xml_id("prod_planning.prod_planning_schedule_action")
        action["context"] = {"active_model": self._name, "active_ids": self.ids}
        return action
