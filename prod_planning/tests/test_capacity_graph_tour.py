from odoo.tests import tagged

from .common import ProdPlanningTourCase


@tagged("post_install", "-at_install")
class TestCapacityGraphTour(ProdPlanningTourCase):
    def test_capacity_graph_draws_available_hours(self):
        """The capacity load graph (js_class prod_planning_capacity_graph) draws
        each work center's available hours as a line beside its load bars, not
        stacked on them."""
        workcenter = self.env["mrp.workcenter"].create({"name": "Tour Press"})
        rows = self.env["prod.planning.capacity.load"].create(
            [
                {
                    "workcenter_id": workcenter.id,
                    "company_id": workcenter.company_id.id or self.env.company.id,
                    "date": date,
                    "available_hours": 8.0,
                    "load_hours": load,
                    "load_percent": load / 8.0 * 100.0,
                    "overloaded": load > 8.0,
                }
                for date, load in (("2026-03-02", 10.0), ("2026-03-03", 12.0))
            ]
        )
        action = self.env["ir.actions.act_window"].create(
            {
                "name": "Tour Capacity Load",
                "res_model": "prod.planning.capacity.load",
                "view_mode": "graph",
                "domain": [("id", "in", rows.ids)],
            }
        )
        self.run_tour(f"/odoo/action-{action.id}", "prod_planning_capacity_graph_tour")
