"""Planning runs in the background: queued units planned by cron workers."""

from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import PlanningRunCase

TODAY = "2026-03-04 09:00:00"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestRunBackground(PlanningRunCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.steel = cls._create_product("PRT Steel", uom=cls.uom_unit)
        cls._add_vendor(cls.steel, cls.vendor_a, 2.0, delay=3)
        cls.wh1 = cls.warehouse
        cls.wh2 = cls.env["stock.warehouse"].create({"name": "Planning Test Warehouse 2", "code": "PTW2"})
        cls.Run = cls.env["prod.planning.run"]

    def _deliver_at(self, warehouse, product, qty, date):
        saved = (type(self).picking_type_out, type(self).stock_location)
        type(self).picking_type_out, type(self).stock_location = warehouse.out_type_id, warehouse.lot_stock_id
        try:
            return self._deliver(product, qty, date)
        finally:
            type(self).picking_type_out, type(self).stock_location = saved

    def _queued(self, warehouses):
        run = self.Run.create({"warehouse_ids": [Command.set(warehouses.ids)]})
        run.action_queue()
        return run

    def _work_one_unit(self):
        """One cron worker step: claim a unit, plan it, finish its run."""

        def step(Run):
            unit = Run._claim_unit(set())
            if unit:
                Run._process_unit(unit)
                unit.run_id._finish()
            return unit.id if unit else False

        with self.enter_registry_test_mode(), self.registry.cursor() as cr:
            unit_id = step(self.env(cr=cr)["prod.planning.run"])
        self.env.invalidate_all()
        return self.env["prod.planning.run.unit"].browse(unit_id)

    def _orders(self, warehouse):
        return self.env["prod.planning.order"].search(
            [("product_id", "=", self.steel.id), ("warehouse_id", "=", warehouse.id), ("state", "=", "draft")]
        )

    def test_queued_to_done_with_progress(self):
        self._deliver_at(self.wh1, self.steel, 10, "2026-03-16 10:00:00")
        self._deliver_at(self.wh2, self.steel, 4, "2026-03-17 10:00:00")
        run = self._queued(self.wh1 | self.wh2)
        self.assertEqual(run.state, "queued")
        self.assertEqual(run.unit_ids.mapped("state"), ["queued", "queued"])
        self.assertEqual([u.warehouse_ids for u in run.unit_ids], [self.wh1, self.wh2])
        status = self.Run.get_run_status(run.id)
        self.assertEqual((status["state"], status["progress"], status["units_total"]), ("queued", 0.0, 2))
        self.assertFalse(self._orders(self.wh1))
        # The screen's button queued it and woke the cron workers.
        triggered = self.env["ir.cron.trigger"].search([]).cron_id
        self.assertTrue(self.Run._worker_crons())
        self.assertLessEqual(self.Run._worker_crons(), triggered)

        first = self._work_one_unit()
        self.assertEqual(first.state, "done", first.error_message)
        status = self.Run.get_run_status(run.id)
        self.assertEqual((status["state"], status["progress"], status["units_done"]), ("running", 50.0, 1))
        self.assertEqual([u["state"] for u in status["units"]], ["done", "queued"])
        self.assertEqual(self._orders(self.wh1).quantity, 10)
        self.assertFalse(self._orders(self.wh2))

        self._run_as_cron("prod.planning.run", "_cron_process_units")
        status = self.Run.get_run_status(run.id)
        self.assertEqual((status["state"], status["progress"], status["units_done"]), ("done", 100.0, 2))
        self.assertEqual(run.state, "done")
        self.assertEqual(run.planned_order_count, 2)
        self.assertEqual(self._orders(self.wh2).quantity, 4)
        self.assertEqual(self._orders(self.wh2).run_id, run)
        self.assertTrue(run.date_end >= run.date_start)
        self.assertEqual(status["summary"]["planned_orders"], 2)
        self.assertIn("Planned", run.message_ids[0].body)

    def test_cancel_leaves_the_previous_plan_intact(self):
        self._deliver_at(self.wh1, self.steel, 10, "2026-03-16 10:00:00")
        previous = self._queued(self.wh1)
        self._run_as_cron("prod.planning.run", "_cron_process_units")
        self.assertEqual(previous.state, "done")
        orders = self._orders(self.wh1)
        self.assertEqual(orders.run_id, previous)

        self._deliver_at(self.wh1, self.steel, 5, "2026-03-18 10:00:00")
        run = self._queued(self.wh1)
        run.action_cancel()
        self.assertEqual(run.state, "cancelled")
        self.assertEqual(run.unit_ids.state, "cancelled")
        self._run_as_cron("prod.planning.run", "_cron_process_units")
        self.assertEqual(run.state, "cancelled")
        self.assertEqual(self._orders(self.wh1), orders)
        self.assertEqual(orders.quantity, 10)
        with self.assertRaisesRegex(UserError, "Only a queued or running"):
            run.action_cancel()

    def test_failing_unit_does_not_stop_the_others(self):
        self._deliver_at(self.wh1, self.steel, 10, "2026-03-16 10:00:00")
        self._deliver_at(self.wh2, self.steel, 4, "2026-03-17 10:00:00")
        self._run(warehouse_ids=[Command.set(self.wh2.ids)])
        previous_wh2 = self._orders(self.wh2)
        self.assertEqual(previous_wh2.quantity, 4)
        self._deliver_at(self.wh2, self.steel, 6, "2026-03-18 10:00:00")

        Run = type(self.Run)
        plan_unit = Run._plan_unit
        wh2 = self.wh2

        def failing(run, unit):
            if wh2 in unit.warehouse_ids:
                raise ZeroDivisionError("broken unit")
            return plan_unit(run, unit)

        run = self._queued(self.wh2 | self.wh1)
        with patch.object(Run, "_plan_unit", failing):
            self._run_as_cron("prod.planning.run", "_cron_process_units")
        done, failed = run.unit_ids.sorted(lambda u: u.warehouse_ids.id != self.wh1.id)
        self.assertEqual((done.state, failed.state), ("done", "failed"))
        self.assertIn("broken unit", failed.error_message)
        self.assertEqual(run.state, "failed")
        self.assertIn(self.wh2.name, run.error_message)
        self.assertEqual(self._orders(self.wh1).quantity, 10)
        # The failed unit's previous plan stays.
        self.assertEqual(self._orders(self.wh2), previous_wh2)
        self.assertEqual(self.Run.get_run_status(run.id)["progress"], 100.0)

    def test_warehouses_supplying_each_other_stay_in_one_unit(self):
        wh3 = self.env["stock.warehouse"].create({"name": "Planning Test Warehouse 3", "code": "PTW3"})
        self.wh2.resupply_wh_ids = self.wh1
        run = self._queued(self.wh1 | self.wh2 | wh3)
        self.assertEqual([u.warehouse_ids for u in run.unit_ids], [self.wh1 | self.wh2, wh3])
        self._run_as_cron("prod.planning.run", "_cron_process_units")
        self.assertEqual(run.state, "done")

    def test_unit_left_running_by_a_dead_worker_is_taken_again(self):
        self._deliver_at(self.wh1, self.steel, 10, "2026-03-16 10:00:00")
        run = self._queued(self.wh1)
        run.unit_ids.write({"state": "running", "date_start": fields.Datetime.now() - timedelta(minutes=5)})
        self.Run.flush_model()
        # Running for less than the timeout: another worker holds it.
        self._run_as_cron("prod.planning.run", "_cron_process_units")
        self.assertEqual(run.unit_ids.state, "running")
        run.unit_ids.write({"date_start": fields.Datetime.now() - timedelta(hours=2)})
        self._run_as_cron("prod.planning.run", "_cron_process_units")
        self.assertEqual(run.unit_ids.state, "done")
        self.assertEqual(run.unit_ids.attempt_count, 1)
        self.assertEqual(run.state, "done")

    def test_async_rpc_arguments_and_status(self):
        run_id = self.Run.with_user(self.planner).run_planning_async(
            {"warehouse_ids": self.wh1.ids, "horizon_days": 30}
        )
        run = self.Run.browse(run_id)
        self.assertEqual((run.state, run.trigger, run.horizon_days), ("queued", "rpc", 30))
        with self.assertRaisesRegex(ValidationError, "options.warehouse_ids"):
            self.Run.run_planning_async({"warehouse_ids": "all"})
        with self.assertRaisesRegex(ValidationError, "run_id"):
            self.Run.get_run_status(0)
        with self.assertRaisesRegex(UserError, "already queued"):
            run.action_queue()
        status = self.Run.with_user(self.planner).get_run_status(run_id)
        self.assertEqual(status["units"][0]["warehouse_ids"], self.wh1.ids)
