"""The planner's workbench API: get_grid agrees with the database; set_cells
validates, refuses conflicts and replans net change."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import PlanningRunCase

TODAY = "2030-03-06"  # a Wednesday; its ISO week starts on 2030-03-04


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestWorkbench(PlanningRunCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.to_date(TODAY)
        cls.bike = cls._create_product("WB Bike", route="manufacture", default_code="WB-BIKE")
        cls.wheel = cls._create_product("WB Wheel", default_code="WB-WHEEL")
        cls._add_vendor(cls.wheel, cls.vendor_a, 10.0, delay=2)
        cls.bom = cls._create_bom(cls.bike, [(cls.wheel, 2.0)])
        cls._set_on_hand(cls.wheel, 5.0)

    def _grid(self, **options):
        options = {"warehouse_id": self.warehouse.id, "domain": [("default_code", "like", "WB-")], **options}
        return self.env["prod.planning.workbench"].get_grid(options)

    def _row(self, grid, product):
        [row] = [r for r in grid["rows"] if r["product_id"] == product.id]
        return row

    def test_grid_agrees_with_moves_forecasts_and_planned_orders(self):
        with freeze_time(TODAY):
            self._deliver(self.bike, 4.0, "2030-03-13 10:00:00")
            self.env["prod.planning.forecast"].create(
                {
                    "product_id": self.bike.id,
                    "warehouse_id": self.warehouse.id,
                    "date_start": "2030-03-18",
                    "period": "week",
                    "quantity": 6.0,
                }
            )
            self._purchase(self.wheel, self.vendor_a, 3.0, "2030-03-05 10:00:00")
            self._run()
        grid = self._grid(period="week", periods=4)
        self.assertEqual(grid["total"], 2)
        self.assertEqual(
            [p["date_start"] for p in grid["periods"]], ["2030-03-04", "2030-03-11", "2030-03-18", "2030-03-25"]
        )
        bike, wheel = self._row(grid, self.bike), self._row(grid, self.wheel)
        self.assertEqual(bike["cells"]["demand"], [0, 4.0, 0, 0])
        self.assertEqual(bike["cells"]["forecast"], [0, 0, 6.0, 0])
        self.assertEqual(bike["header"]["supply_type"], "make")
        self.assertEqual(wheel["header"]["supply_type"], "buy")
        self.assertEqual(wheel["header"]["on_hand"], 5.0)
        self.assertEqual(wheel["cells"]["confirmed"], [3.0, 0, 0, 0])
        # Planned supply of each period: the run's planned orders by due date.
        for product, row in ((self.bike, bike), (self.wheel, wheel)):
            expected = [0.0] * 4
            for order in self._planned(product):
                index = (order.due_date - fields.Date.to_date("2030-03-04")).days // 7
                if 0 <= index < 4:
                    expected[index] += order.quantity
            self.assertEqual(row["cells"]["planned"], expected, product.name)
        self.assertEqual(sum(bike["cells"]["planned"]), 10.0)
        # The bike's planned orders need two wheels each, in the wheel's indirect line.
        self.assertEqual(sum(wheel["cells"]["indirect"]), 20.0)
        # Projected on hand: opening + supply - demand, period by period.
        balance = wheel["past_due"]["projected"]
        for i in range(4):
            balance += wheel["cells"]["confirmed"][i] + wheel["cells"]["planned"][i]
            balance -= wheel["cells"]["demand"][i] + wheel["cells"]["indirect"][i] + wheel["cells"]["forecast"][i]
            self.assertAlmostEqual(wheel["cells"]["projected"][i], balance)
        self.assertEqual(grid["run"]["state"], "done")

    def test_grid_filters_and_paging(self):
        grid = self._grid(limit=1, supply_type="buy")
        self.assertEqual(grid["total"], 1)
        self.assertEqual([r["product_id"] for r in grid["rows"]], [self.wheel.id])
        grid = self._grid(search="Bike", period="month", periods=2)
        self.assertEqual([r["product_id"] for r in grid["rows"]], [self.bike.id])
        self.assertEqual(grid["periods"][0]["date_start"], "2030-03-01")
        self.assertEqual(grid["periods"][1]["date_start"], "2030-04-01")
        grid = self._grid(period="day", periods=3, date_from="2030-03-06", offset=1)
        self.assertEqual(len(grid["rows"]), 1)
        self.assertEqual(grid["periods"][2]["date_end"], str(self.today + timedelta(days=3)))
