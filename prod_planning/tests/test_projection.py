from datetime import date

from odoo.tests import tagged

from .common import ProdPlanningCase


@tagged("post_install", "-at_install")
class TestProjection(ProdPlanningCase):
    def test_grouped_weeks_show_lowest_stock_not_a_sum_of_balances(self):
        product = self._create_product("Projection Part")
        weeks = [("2024-06-03", 50.0, 5.0), ("2024-06-10", 12.0, 5.0), ("2024-06-17", 30.0, 8.0)]
        self.env["prod.planning.projection.series"].create(
            {
                "product_id": product.id,
                "warehouse_id": self.warehouse.id,
                "company_id": self.company.id,
                "first_week": weeks[0][0],
                # forecast, actual, dependent, receipts, planned, on hand, safety stock, shortage
                "weeks": [[10.0, 0, 0, 0, 0, on_hand, safety, 0] for _week, on_hand, safety in weeks],
            }
        )
        [group] = self.env["prod.planning.projection"].read_group(
            [("product_id", "=", product.id)], ["on_hand_qty", "safety_stock", "forecast_qty"], ["product_id"]
        )
        self.assertEqual(group["on_hand_qty"], 12.0)
        self.assertEqual(group["safety_stock"], 8.0)
        self.assertEqual(group["forecast_qty"], 30.0)

    def test_weeks_of_a_series_read_as_records(self):
        product = self._create_product("Projection Series Part")
        series = self.env["prod.planning.projection.series"].create(
            {
                "product_id": product.id,
                "warehouse_id": self.warehouse.id,
                "company_id": self.company.id,
                "first_week": "2024-06-03",
                "weeks": [[1.0, 2.0, 3.0, 4.0, 5.0, -2.5, 1.0, 3.5], [0, 0, 0, 0, 0, 40.0, 1.0, 0]],
            }
        )
        weeks = self.env["prod.planning.projection"].search([("product_id", "=", product.id)])
        self.assertEqual(len(weeks), 2)
        self.assertEqual(weeks.series_id, series)
        first, second = weeks
        self.assertEqual(
            [
                first.week_start,
                first.forecast_qty,
                first.actual_qty,
                first.dependent_qty,
                first.receipt_qty,
                first.planned_qty,
                first.on_hand_qty,
                first.safety_stock,
                first.shortage_qty,
                first.status,
            ],
            [date(2024, 6, 3), 1.0, 2.0, 3.0, 4.0, 5.0, -2.5, 1.0, 3.5, "shortage"],
        )
        self.assertEqual((second.week_start, second.on_hand_qty, second.status), (date(2024, 6, 10), 40.0, "excess"))
        self.assertEqual(
            self.env["prod.planning.projection"].search_count(
                [("product_id", "=", product.id), ("status", "=", "shortage")]
            ),
            1,
        )
        series.unlink()
        self.assertFalse(weeks.exists())
