from unittest.mock import patch

from odoo.tests import tagged

from .common import ProdPlanningTourCase


@tagged("post_install", "-at_install")
class TestPlannerTour(ProdPlanningTourCase):
    def test_planner_main_flow(self):
        # No cron worker runs during tests: the queued run is planned at once
        # by the request that queues it, as a worker would.
        Run = type(self.env["prod.planning.run"])
        with patch.object(Run, "_trigger_workers", lambda model: model._cron_process_units()):
            self.run_tour("/odoo/action-prod_planning.prod_planning_run_action", "prod_planning_tour")
        run = self.env["prod.planning.run"].search([], limit=1)
        self.assertEqual(run.state, "done")
        released = self.env["prod.planning.order"].search([("run_id", "=", run.id), ("state", "=", "released")])
        self.assertEqual(len(released), 1)
        self.assertTrue(released.purchase_line_id or released.production_id)
