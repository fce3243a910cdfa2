from odoo.tests import tagged

from .common import ProdPlanningTourCase


@tagged("post_install", "-at_install")
class TestPriceGraphTour(ProdPlanningTourCase):
    def test_price_history_axis_fits_the_prices(self):
        """The price history graph (js_class prod_planning_price_graph) does not
        start its y axis at zero, where a 25 % rise looks flat."""
        product = self.env["product.product"].create({"name": "Test Tour Tube", "is_storable": True})
        observations = self.env["prod.planning.price.observation"].create(
            [
                {"product_id": product.id, "price": price, "date": f"2026-0{month}-10", "source": "manual"}
                for month, price in ((1, 4.0), (2, 4.4), (3, 5.0))
            ]
        )
        action = self.env["ir.actions.act_window"].create(
            {
                "name": "Tour Price History",
                "res_model": "prod.planning.price.observation",
                "view_mode": "graph",
                "domain": [("id", "in", observations.ids)],
                "context": "{'graph_groupbys': ['date:month']}",
            }
        )
        self.run_tour(f"/odoo/action-{action.id}", "prod_planning_price_graph_tour")
