import json

from odoo.tests import tagged

from .common import ProdPlanningTourCase, menu_actions


@tagged("post_install", "-at_install")
class TestListHeadersTour(ProdPlanningTourCase):
    browser_size = "1366x768"

    def test_list_headers_fit_at_1366_px(self):
        """Every list window action of the addon's menus, opened in Chromium at
        1366 px wide: no column header is cut (its label wider than its cell)."""
        actions = {
            action.id: path
            for action, path in menu_actions(self.env, ("prod_planning", "prod_planning_timeline")).items()
            if action.type == "ir.actions.act_window" and action.target != "new" and "list" in action.view_mode
        }
        self.assertGreater(len(actions), 10)
        tour = "prod_planning_list_headers_tour"
        code = f"window.prodPlanningListActions = {json.dumps(actions)}; odoo.startTour({tour!r}, {{}})"
        self.run_tour("/odoo", tour, timeout=600, code=code)
