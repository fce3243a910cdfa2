"""The timeline in the browser: from a computed preview to its bars."""

from odoo import Command
from odoo.tests import HttpCase, tagged

from odoo.addons.prod_planning.tests.common_scheduling import MONDAY, SchedulingCase


@tagged("post_install", "-at_install")
class TestScheduleTimelineTour(HttpCase, SchedulingCase):
    def test_timeline_tour(self):
        if self.env["ir.module.module"]._get("prod_planning_timeline").state != "installed":
            self.skipTest("prod_planning_timeline is not installed (needs OCA's web_timeline: requirements-addons.txt)")
        saw = self._create_workcenter("Tour Saw")
        welder = self._create_workcenter("Tour Welder")
        product = self._create_product("Tour Frame", route="manufacture")
        self._create_routing_bom(product, [(saw, 60, "Tour Cut"), (welder, 30, "Tour Weld")])
        production = self._create_production(product, 2)
        admin = self.env.ref("base.user_admin")
        wizard = (
            self.env["prod.planning.schedule"]
            .with_user(admin)
            .create(
                {
                    "scope": "selected",
                    "production_ids": [Command.set(production.ids)],
                    "date_start": MONDAY,
                    "time_limit": 5,
                }
            )
        )
        wizard.compute()
        self.start_tour(
            f"/odoo/action-prod_planning.prod_planning_schedule_action/{wizard.id}",
            "prod_planning_timeline_tour",
            login="admin",
            timeout=180,
        )
