from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import ProdPlanningCase


@tagged("post_install", "-at_install")
class TestScheduleTimeLimit(ProdPlanningCase):
    """The company caps the solver's time limit (default 300 s): the web client
    waits for the solver inside an HTTP request that Odoo stops."""

    def _wizard(self, time_limit):
        return self.env["prod.planning.schedule"].create({"time_limit": time_limit})

    def test_default_cap(self):
        self.assertEqual(self.env["res.company"].create({"name": "Cap Co"}).prod_planning_schedule_time_limit_max, 300)
        self.assertEqual(self._wizard(300).time_limit, 300)

    def test_longer_time_limit_refused_with_reason_and_maximum(self):
        self.company.prod_planning_schedule_time_limit_max = 300
        with self.assertRaisesRollback(UserError, r"longer than the longest one allowed, 300 s.*limit_time_real"):
            self._wizard(301)
        with self.assertRaisesRollback(UserError, "300 s"):
            self._wizard(10).time_limit = 3600

    def test_cap_is_a_setting(self):
        self.company.prod_planning_schedule_time_limit_max = 900
        self.assertEqual(self._wizard(900).time_limit, 900)

    def test_compute_refused_when_cap_lowered_after_creation(self):
        wizard = self._wizard(200)
        self.company.prod_planning_schedule_time_limit_max = 100
        with self.assertRaisesRollback(UserError, "100 s"):
            wizard.compute()
        self.assertEqual(wizard.state, "draft")

    def test_cap_bounds(self):
        for value in (0, -5, 3601):
            with self.assertRaisesRollback(ValidationError, "between 1 and 3600 seconds"):
                self.company.prod_planning_schedule_time_limit_max = value
