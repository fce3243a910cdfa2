from odoo import Command
from odoo.tests import tagged

from .common import ProdPlanningTourCase


@tagged("post_install", "-at_install")
class TestRunProgressTour(ProdPlanningTourCase):
    def test_form_follows_a_background_run_and_cancels(self):
        warehouse = self.env["stock.warehouse"].create({"name": "Progress Tour Warehouse", "code": "PRGT"})
        run = self.env["prod.planning.run"].create({"warehouse_ids": [Command.set(warehouse.ids)]})
        run.action_queue()
        url = f"/odoo/action-prod_planning.prod_planning_run_action/{run.id}"
        self.run_tour(url, "prod_planning_run_progress_tour")
        self.assertEqual(run.state, "cancelled")
        self.assertEqual(run.unit_ids.state, "cancelled")
