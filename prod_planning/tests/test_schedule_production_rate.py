"""Production rates from done work orders and time logs, hand computed."""

from datetime import date

from odoo.tests import tagged

from .common_scheduling import SchedulingCase, at, frozen


@tagged("post_install", "-at_install")
@frozen()
class TestProductionRate(SchedulingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.workcenter = cls._create_workcenter("Sched Rate")
        cls.product = cls._create_product("Sched Rate Part", route="manufacture")
        cls._create_routing_bom(cls.product, [(cls.workcenter, 6)])
        cls.first = cls._create_production(cls.product, 10)  # 60 min expected
        cls.second = cls._create_production(cls.product, 5)  # 30 min expected
        cls.open = cls._create_production(cls.product, 4)
        losses = cls.env["mrp.workcenter.productivity.loss"]
        cls.breakdown = losses.search([("loss_type", "=", "availability")], limit=1)

    def _work(self, production, start, end):
        workorder = production.workorder_ids
        with frozen(start):
            workorder.button_start()
        with frozen(end):
            workorder.button_finish()
        return workorder

    def test_hand_computed_rates(self):
        # 75 min for 60 expected: Odoo logs 60 productive + 15 reduced speed.
        first = self._work(self.first, at(0, 8), at(0, 9, 15))
        second = self._work(self.second, at(0, 10), at(0, 10, 30))
        self.assertEqual((first.state, first.duration, first.qty_produced), ("done", 75, 10))
        self.assertEqual(sorted(first.time_ids.mapped("loss_type")), ["performance", "productive"])
        self.assertEqual(second.duration, 30)
        # Blocked 45 min, not on a work order.
        self.env["mrp.workcenter.productivity"].create(
            {
                "workcenter_id": self.workcenter.id,
                "loss_id": self.breakdown.id,
                "date_start": at(0, 11),
                "date_end": at(0, 11, 45),
            }
        )
        # Still open, planned to end on Wednesday: planned output only.
        self.open.workorder_ids.with_context(bypass_duration_calculation=True).write(
            {"date_start": at(2, 8), "date_finished": at(2, 8, 24)}
        )
        rates = self.env["prod.planning.production.rate"]
        rates._refresh(date(2027, 3, 1), date(2027, 3, 7), self.company)
        rows = rates.search([("workcenter_id", "=", self.workcenter.id)])
        self.assertEqual(len(rows), 2)
        row = rows.filtered("product_id")
        self.assertEqual(row.date, date(2027, 3, 1))
        self.assertEqual(row.product_id, self.product)
        self.assertEqual(row.workorder_count, 2)
        self.assertAlmostEqual(row.planned_qty, 19)
        self.assertAlmostEqual(row.qty_produced, 15)
        self.assertAlmostEqual(row.expected_hours, 1.5)
        self.assertAlmostEqual(row.real_hours, 1.75)
        self.assertAlmostEqual(row.run_hours, 1.75)
        self.assertAlmostEqual(row.performance_loss_hours, 0.25)
        self.assertAlmostEqual(row.blocked_hours, 0)
        self.assertAlmostEqual(row.throughput, 15 / 1.75, places=3)
        self.assertAlmostEqual(row.expected_throughput, 10, places=3)
        self.assertAlmostEqual(row.performance, 100 * 1.5 / 1.75, places=3)
        self.assertAlmostEqual(row.availability, 100)
        self.assertAlmostEqual(row.oee, 100 * 1.5 / 1.75, places=3)
        blocked = rows - row
        self.assertAlmostEqual(blocked.blocked_hours, 0.75)
        self.assertAlmostEqual(blocked.availability, 0)
        # Per work center: availability 1.75 / (1.75 + 0.75) = 70 %,
        # performance 85.71 %, OEE 60 %.
        (group,) = rates.read_group(
            [("workcenter_id", "=", self.workcenter.id)],
            ["availability", "performance", "oee", "throughput"],
            ["workcenter_id"],
        )
        self.assertAlmostEqual(group["availability"], 70)
        self.assertAlmostEqual(group["performance"], 100 * 1.5 / 1.75)
        self.assertAlmostEqual(group["oee"], 60)
        self.assertAlmostEqual(group["throughput"], 15 / 1.75)
        # A refresh replaces the rows of the window; the cron refreshes all.
        rates._refresh(date(2027, 3, 1), date(2027, 3, 7), self.company)
        self.assertEqual(rates.search_count([("workcenter_id", "=", self.workcenter.id)]), 2)
        rates._cron_refresh()
        self.assertEqual(rates.search_count([("workcenter_id", "=", self.workcenter.id)]), 2)
        self.assertEqual(rates.action_refresh()["tag"], "soft_reload")
