from .common import ProdPlanningTourCase


class TestReportRefreshTour(ProdPlanningTourCase):
    def test_refresh_buttons_of_the_reports(self):
        """Refresh on Capacity Load, Production Rates and Cost Impact, clicked in
        the browser, reloads each list (it crashed: a model method called with ids)."""
        self.run_tour(
            "/odoo/action-prod_planning.prod_planning_capacity_load_action", "prod_planning_report_refresh_tour"
        )
