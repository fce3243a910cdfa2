"""The planner's workbench writes: set_cells (validation, conflicts, the run
lock, net-change replan agreeing with a full run), replenish, firm,
cell_details, run_plan and last_run."""

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import PlanningRunCase

TODAY = "2030-03-06"  # a Wednesday; its ISO week (W10) starts on 2030-03-04


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestWorkbenchEdit(PlanningRunCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.prod_planning_release_fence_days = 14
        cls.bike = cls._create_product("WE Bike", route="manufacture", default_code="WE-BIKE")
        cls.frame = cls._create_product("WE Frame", route="manufacture", default_code="WE-FRAME")
        cls.wheel = cls._create_product("WE Wheel", default_code="WE-WHEEL")
        cls.tube = cls._create_product("WE Tube", default_code="WE-TUBE")
        for product in (cls.wheel, cls.tube):
            cls._add_vendor(product, cls.vendor_a, 10.0, delay=2)
        cls._create_bom(cls.bike, [(cls.wheel, 2.0), (cls.frame, 1.0)])
        cls._create_bom(cls.frame, [(cls.tube, 3.0)])
        cls._set_on_hand(cls.wheel, 5.0)
        with freeze_time(TODAY):
            cls._deliver(cls.bike, 4.0, "2030-03-13 10:00:00")
            cls.purchase = cls._purchase(cls.wheel, cls.vendor_a, 3.0, "2030-03-05 10:00:00")
        cls.Workbench = cls.env["prod.planning.workbench"]
        cls.options = {"warehouse_id": cls.warehouse.id, "period": "week", "periods": 6}

    def setUp(self):
        super().setUp()
        self._run()

    def _cell(self, product, date, quantity, kind="forecast", expected=0.0, **values):
        return {
            "product_id": product.id,
            "warehouse_id": self.warehouse.id,
            "date": date,
            "kind": kind,
            "quantity": quantity,
            "expected": expected,
            **values,
        }

    def _plan_snapshot(self):
        orders = self.env["prod.planning.order"].search(
            [("warehouse_id", "=", self.warehouse.id), ("state", "in", ("draft", "firm"))]
        )
        return sorted((o.product_id.id, o.quantity, o.release_date, o.due_date, o.state) for o in orders)

    def _grid_row(self, product):
        grid = self.Workbench.get_grid({**self.options, "domain": [("id", "=", product.id)]})
        return grid["rows"][0]

    # ------------------------------------------------------------ set_cells

    def test_forecast_edit_replans_net_change_like_a_full_run(self):
        result = self.Workbench.set_cells([self._cell(self.bike, "2030-03-19", 6.0)], self.options)
        [forecast] = self.env["prod.planning.forecast"].search([("product_id", "=", self.bike.id)])
        self.assertEqual(
            (forecast.quantity, forecast.date_start, forecast.period), (6.0, fields.Date.to_date("2030-03-18"), "week")
        )
        rows = {row["product_id"]: row for row in result["rows"]}
        # The edited product first, then what lies below it in its BoMs.
        self.assertEqual(result["rows"][0]["product_id"], self.bike.id)
        self.assertEqual(set(rows), {self.bike.id, self.frame.id, self.wheel.id, self.tube.id})
        self.assertEqual(rows[self.bike.id]["cells"]["forecast"], [0, 0, 6.0, 0, 0, 0])
        self.assertEqual(sum(rows[self.bike.id]["cells"]["planned"]), 10.0)
        self.assertEqual(sum(rows[self.wheel.id]["cells"]["indirect"]), 20.0)
        self.assertEqual(sum(rows[self.tube.id]["cells"]["indirect"]), 30.0)
        # The rows are what get_grid reads from the database now.
        self.assertEqual(rows[self.wheel.id]["cells"], self._grid_row(self.wheel)["cells"])
        # Net change wrote the plan a full run writes.
        net_change = self._plan_snapshot()
        self._run()
        self.assertEqual(self._plan_snapshot(), net_change)

    def test_net_change_keeps_the_demand_of_a_bought_product_bom(self):
        """The wheel is bought but has a BoM (spokes, made of tubes): an edit of
        the bike replans the tubes (through the frame) and not the spokes,
        whose planned orders still need tubes."""
        spoke = self._create_product("WE Spoke", route="manufacture", default_code="WE-SPOKE")
        self._create_bom(self.wheel, [(spoke, 1.0)])
        self._create_bom(spoke, [(self.tube, 2.0)])
        self._deliver(spoke, 5.0, "2030-03-20 10:00:00")
        self._run()
        self.assertTrue(self._planned(spoke, "draft"))
        result = self.Workbench.set_cells([self._cell(self.bike, "2030-03-19", 6.0)], self.options)
        self.assertNotIn(spoke.id, [row["product_id"] for row in result["rows"]])
        self.assertIn(self.tube.id, [row["product_id"] for row in result["rows"]])
        net_change = self._plan_snapshot()
        self._run()
        self.assertEqual(self._plan_snapshot(), net_change)

    def test_forecast_edit_merges_the_period_forecasts(self):
        Forecast = self.env["prod.planning.forecast"]
        values = {"product_id": self.bike.id, "warehouse_id": self.warehouse.id, "period": "day"}
        Forecast.create(
            [
                {**values, "date_start": "2030-03-19", "quantity": 2.0},
                {**values, "date_start": "2030-03-20", "quantity": 3.0},
            ]
        )
        self.Workbench.set_cells([self._cell(self.bike, "2030-03-18", 7.0, expected=5.0)], self.options)
        forecasts = Forecast.search([("product_id", "=", self.bike.id)])
        self.assertEqual(forecasts.mapped("quantity"), [7.0])
        self.assertEqual(self._grid_row(self.bike)["cells"]["forecast"][2], 7.0)
        self.Workbench.set_cells([self._cell(self.bike, "2030-03-18", 0.0, expected=7.0)], self.options)
        self.assertFalse(Forecast.search([("product_id", "=", self.bike.id)]))

    def test_a_forecast_period_that_ended_is_no_demand(self):
        values = {"product_id": self.bike.id, "warehouse_id": self.warehouse.id, "period": "day", "quantity": 3.0}
        with freeze_time("2030-03-04"):  # entered when it was not over yet
            self.env["prod.planning.forecast"].create({**values, "date_start": "2030-03-05"})
        self.assertEqual(self._grid_row(self.bike)["cells"]["forecast"][0], 0.0)
        self.Workbench.set_cells([self._cell(self.bike, "2030-03-06", 2.0, expected=0.0)], self.options)
        self.assertEqual(self._grid_row(self.bike)["cells"]["forecast"][0], 2.0)

    def test_planned_edit_is_one_firm_order_of_the_period(self):
        week = self._grid_row(self.tube)["cells"]["planned"]
        result = self.Workbench.set_cells(
            [self._cell(self.tube, "2030-03-25", 40.0, kind="planned", expected=week[3])], self.options
        )
        orders = self._planned(self.tube).filtered(lambda o: "2030-03-25" <= str(o.due_date) < "2030-04-01")
        self.assertEqual(len(orders), 1)
        self.assertEqual((orders.state, orders.quantity, orders.vendor_id), ("firm", 40.0, self.vendor_a))
        self.assertEqual(orders.release_date, fields.Date.to_date("2030-03-21"))  # two working days before
        [row] = result["rows"]
        self.assertEqual(row["cells"]["planned"][3], 40.0)
        self.assertEqual(row["cells"], self._grid_row(self.tube)["cells"])
        net_change = self._plan_snapshot()
        self._run()
        self.assertEqual(self._plan_snapshot(), net_change)
        # 0 removes the period's firm order.
        self.Workbench.set_cells(
            [self._cell(self.tube, "2030-03-25", 0.0, kind="planned", expected=40.0)], self.options
        )
        self.assertFalse(self._planned(self.tube, "firm"))

    def test_planned_edit_of_a_made_product_replans_its_components(self):
        self.Workbench.set_cells(
            [self._cell(self.frame, "2030-04-01", 10.0, kind="planned", expected=0.0)], self.options
        )
        [order] = self._planned(self.frame, "firm")
        self.assertEqual((order.supply_type, order.bom_id.product_tmpl_id), ("manufacture", self.frame.product_tmpl_id))
        tube_row = self._grid_row(self.tube)
        # The firm 10 frames cover the bike's 4 (too late: a message says so): no planned frame order left.
        self.assertFalse(self._planned(self.frame, "draft"))
        self.assertEqual(sum(tube_row["cells"]["indirect"]), 3 * 10)
        net_change = self._plan_snapshot()
        self._run()
        self.assertEqual(self._plan_snapshot(), net_change)

    def test_bad_cells_are_refused_and_nothing_is_written(self):
        other_company, other_env, other_warehouse = self._create_company("WE Other Company")
        foreign = self._create_product("WE Foreign", company_id=other_company.id)
        good = self._cell(self.bike, "2030-03-19", 6.0)
        cases = [
            (self._cell(self.bike, "2030-03-19", "six"), r"WE Bike, W12.*not a number.*type a number"),
            (self._cell(self.bike, "2030-03-19", -1.0), r"WE Bike, W12.*negative.*type 0 or more"),
            (self._cell(self.bike, "2030-03-19", 1.004), r"WE Bike, W12.*more decimals.*round it"),
            (self._cell(self.bike, "2031-03-19", 1.0), r"WE Bike.*outside the horizon.*give a date from 2030-03-04"),
            (self._cell(self.bike, "2030-02-19", 1.0), r"WE Bike.*outside the horizon"),
            (self._cell(self.bike, "19/03/2030", 1.0), r"WE Bike.*YYYY-MM-DD"),
            (
                self._cell(self.bike, "2030-03-19", 1.0, kind="demand"),
                r"WE Bike.*unknown kind 'demand'.*forecast or planned",
            ),
            (self._cell(foreign, "2030-03-19", 1.0), r"WE Foreign.*another company"),
            (self._cell(self.bike, "2030-03-19", 1.0, warehouse_id=other_warehouse.id), r"WE Bike.*another company"),
            ({**good, "product_id": 999_999_999}, r"product #999999999.*names no product"),
            ({**good, "colour": "red"}, r"unknown keys colour"),
            (self._cell(self.bike, "2030-03-19", 1.0, expected="?"), r"expected value"),
        ]
        before = self._plan_snapshot()
        for cell, pattern in cases:
            with self.subTest(pattern=pattern), self.assertRaisesRollback(ValidationError, pattern):
                self.Workbench.set_cells([good, cell], self.options)
        self.assertFalse(self.env["prod.planning.forecast"].search([("product_id", "=", self.bike.id)]))
        self.assertEqual(self._plan_snapshot(), before)
        with self.assertRaisesRegex(ValidationError, r"WE Bike, W12.*given twice"):
            self.Workbench.set_cells([good, good], self.options)

    def test_conflict_shows_the_current_value(self):
        self.Workbench.set_cells([self._cell(self.bike, "2030-03-19", 6.0)], self.options)
        with self.assertRaisesRollback(ValidationError, r"WE Bike, W12.*changed meanwhile: it is now 6.0, not 0.0"):
            self.Workbench.set_cells([self._cell(self.bike, "2030-03-19", 9.0, expected=0.0)], self.options)
        self.assertEqual(self.env["prod.planning.forecast"].search([("product_id", "=", self.bike.id)]).quantity, 6.0)

    def test_edit_refused_while_a_run_is_in_progress(self):
        self.env["prod.planning.run"].create({"date_start": fields.Datetime.now()})
        with self.assertRaisesRollback(UserError, r"planning run is in progress: nothing was saved"):
            self.Workbench.set_cells([self._cell(self.bike, "2030-03-19", 6.0)], self.options)
        self.assertFalse(self.env["prod.planning.forecast"].search([("product_id", "=", self.bike.id)]))

    def test_planner_without_planning_group_is_refused(self):
        from odoo.exceptions import AccessError

        user = self.env["res.users"].create({"name": "WE Clerk", "login": "we_clerk"})
        with self.assertRaises(AccessError):
            self.Workbench.with_user(user).set_cells([self._cell(self.bike, "2030-03-19", 6.0)], self.options)

    # --------------------------------------------------------- block actions

    def test_replenish_creates_an_rfq_and_a_manufacturing_order(self):
        keys = [
            {"product_id": self.wheel.id, "warehouse_id": self.warehouse.id},
            {"product_id": self.bike.id, "warehouse_id": self.warehouse.id},
        ]
        # Stock and the open purchase cover the 4 bikes' wheels: 6 more bikes need 12 wheels.
        self.Workbench.set_cells([self._cell(self.bike, "2030-03-12", 6.0)], self.options)
        self.assertTrue(self._planned(self.wheel, "draft") and self._planned(self.bike, "draft"))
        result = self.Workbench.replenish(keys, self.options)
        purchases = self.env["purchase.order"].browse(result["purchase_order_ids"])
        productions = self.env["mrp.production"].browse(result["production_ids"])
        self.assertEqual(purchases.order_line.product_id, self.wheel)
        self.assertEqual(productions.product_id, self.bike)
        self.assertFalse(self._planned(self.wheel).filtered(lambda o: o.state != "released"))
        self.assertEqual({row["product_id"] for row in result["rows"]}, {self.wheel.id, self.bike.id})
        # The RFQ is confirmed supply of the wheel's row now.
        wheel_row = next(row for row in result["rows"] if row["product_id"] == self.wheel.id)
        self.assertEqual(sum(wheel_row["cells"]["planned"]), 0.0)
        self.assertGreater(sum(wheel_row["cells"]["confirmed"]) + wheel_row["past_due"]["confirmed"], 3.0)

    def test_firm_keeps_the_block_orders(self):
        drafts = self._planned(self.tube, "draft")
        result = self.Workbench.firm([{"product_id": self.tube.id, "warehouse_id": self.warehouse.id}], self.options)
        self.assertEqual(result["count"], len(drafts))
        self.assertEqual(set(drafts.mapped("state")), {"firm"})
        self.assertEqual([row["product_id"] for row in result["rows"]], [self.tube.id])
        with self.assertRaisesRegex(ValidationError, r"firm: the argument keys\[0\].product_id"):
            self.Workbench.firm([{"product_id": "x", "warehouse_id": self.warehouse.id}], self.options)

    # --------------------------------------------------------- cell details

    def _details(self, product, kind, date):
        action = self.Workbench.cell_details(product.id, self.warehouse.id, kind, date, self.options)
        self.assertEqual(action["type"], "ir.actions.act_window")
        return action, self.env[action["res_model"]].search(action["domain"])

    def test_cell_details_open_what_lies_behind_the_cell(self):
        action, moves = self._details(self.bike, "demand", "2030-03-13")
        self.assertEqual(action["res_model"], "stock.move")
        self.assertEqual(moves.product_id, self.bike)
        self.assertEqual(sum(moves.mapped("product_qty")), 4.0)
        self.assertFalse(self._details(self.bike, "demand", "2030-03-20")[1])
        action, orders = self._details(self.wheel, "planned", "2030-03-11")
        self.assertEqual(action["res_model"], "prod.planning.order")
        self.assertEqual(
            orders, self._planned(self.wheel).filtered(lambda o: "2030-03-11" <= str(o.due_date) < "2030-03-18")
        )
        action, parents = self._details(self.wheel, "indirect", "2030-03-11")
        self.assertEqual(action["res_model"], "prod.planning.order")
        self.assertEqual(parents.product_id, self.bike)
        action, lines = self._details(self.wheel, "confirmed", "2030-03-04")
        self.assertEqual(action["res_model"], "purchase.order.line")
        self.assertEqual(lines, self.purchase.order_line)
        self.Workbench.set_cells([self._cell(self.bike, "2030-03-19", 6.0)], self.options)
        action, forecasts = self._details(self.bike, "forecast", "2030-03-18")
        self.assertEqual((action["res_model"], forecasts.quantity), ("prod.planning.forecast", 6.0))
        with self.assertRaisesRegex(ValidationError, r"cell_details: the argument kind"):
            self.Workbench.cell_details(self.bike.id, self.warehouse.id, "projected", "2030-03-18", self.options)

    # ------------------------------------------------------------------ runs

    def test_run_plan_and_last_run(self):
        result = self.Workbench.run_plan(self.options)
        run = self.env["prod.planning.run"].browse(result["run_id"])
        self.assertEqual((result["state"], run.warehouse_ids), ("done", self.warehouse))
        self.assertEqual(self.Workbench.last_run(self.options), result)
        self.assertTrue(result["date"])
