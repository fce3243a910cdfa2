from odoo.tests import tagged

from .common import ProdPlanningCase


@tagged("post_install", "-at_install")
class TestProjection(ProdPlanningCase):
    def test_grouped_weeks_show_lowest_stock_not_a_sum_of_balances(self):
        product = self._create_product("Projection Part")
        weeks = [("2024-06-03", 50.0, 5.0), ("2024-06-10", 12.0, 5.0), ("2024-06-17", 30.0, 8.0)]
        self.env["prod.planning.projection"].create(
            [
                {
                    "product_id": product.id,
                    "warehouse_id": self.warehouse.id,
                    "company_id": self.company.id,
                    "week_start": week,
                    "on_hand_qty": on_hand,
                    "safety_stock": safety,
                    "forecast_qty": 10.0,
                }
                for week, on_hand, safety in weeks
            ]
        )
        [group] = self.env["prod.planning.projection"].read_group(
            [("product_id", "=", product.id)], ["on_hand_qty", "safety_stock", "forecast_qty"], ["product_id"]
        )
        self.assertEqual(group["on_hand_qty"], 12.0)
        self.assertEqual(group["safety_stock"], 8.0)
        self.assertEqual(group["forecast_qty"], 30.0)
