"""The adapter builds the engine problem from Odoo records."""

from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from .common_scheduling import MONDAY, SchedulingCase, at, frozen


def minutes(day, hour, minute=0):
    return int((at(day, hour, minute) - MONDAY).total_seconds() // 60)


@tagged("post_install", "-at_install")
@frozen()
class TestScheduleAdapter(SchedulingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls._create_product("Sched Widget", route="manufacture")
        cls.bom = cls._create_routing_bom(cls.product, [(cls.workcenter_a, 60), (cls.workcenter_c, 30)])

    def _operations(self, data):
        return {op.key: op for job in data.problem.jobs for op in job.operations}

    def _job(self, data, production):
        return next(j for j in data.problem.jobs if j.key == production.id)

    def test_durations_setup_cleanup_efficiency_alternatives(self):
        production = self._create_production(self.product, 2, deadline=at(4, 17), priority="1")
        wo_a, wo_c = production.workorder_ids.sorted("sequence")
        # setup 10 + cleanup 5 + 2 cycles x 60 min at 80 % efficiency
        self.assertAlmostEqual(wo_a.duration_expected, 165)
        data = self._build(production)
        ops = self._operations(data)
        # On B (no setup, 100 %): the same work, 2 x 60 min.
        self.assertEqual(ops[wo_a.id].alternatives, {self.workcenter_a.id: 165, self.workcenter_b.id: 120})
        self.assertEqual(ops[wo_c.id].alternatives, {self.workcenter_c.id: 60})
        self.assertEqual(ops[wo_a.id].predecessors, [])
        self.assertEqual(ops[wo_c.id].predecessors, [wo_a.id])
        job = self._job(data, production)
        self.assertEqual(job.weight, 10.0)  # urgent
        self.assertEqual(job.due, minutes(4, 17))
        self.assertEqual(job.release, 0)
        resources = {r.key: r for r in data.problem.resources}
        self.assertEqual(set(resources), {self.workcenter_a.id, self.workcenter_b.id, self.workcenter_c.id})
        self.assertEqual(resources[self.workcenter_a.id].capacity, 1)

    def test_product_capacity_record(self):
        self.env["mrp.workcenter.capacity"].create(
            {
                "workcenter_id": self.workcenter_c.id,
                "product_id": self.product.id,
                "capacity": 4,
                "time_start": 20,
                "time_stop": 0,
            }
        )
        production = self._create_production(self.product, 8)
        wo_c = production.workorder_ids.sorted("sequence")[-1]
        data = self._build(production)
        # 20 min setup for this product + ceil(8 / 4) = 2 cycles of 30 min
        self.assertEqual(self._operations(data)[wo_c.id].alternatives, {wo_c.workcenter_id.id: 80})

    def test_calendar_leaves_and_public_holidays(self):
        self.env["resource.calendar.leaves"].create(
            [
                {
                    "name": "Public holiday",
                    "date_from": at(2, 0),
                    "date_to": at(2, 23, 59),
                    "time_type": "leave",
                    "company_id": self.company.id,
                },
                {
                    "name": "Maintenance of A",
                    "calendar_id": self.calendar.id,
                    "resource_id": self.workcenter_a.resource_id.id,
                    "date_from": at(1, 13),
                    "date_to": at(1, 17),
                    "time_type": "leave",
                },
            ]
        )
        production = self._create_production(self.product, 1)
        data = self._build(production)
        monday = [(minutes(0, 8), minutes(0, 12)), (minutes(0, 13), minutes(0, 17))]
        thursday = [(minutes(3, 8), minutes(3, 12)), (minutes(3, 13), minutes(3, 17))]
        # A: Tuesday afternoon in maintenance, Wednesday a public holiday.
        self.assertEqual(
            data.intervals[self.workcenter_a.id][:5], monday + [(minutes(1, 8), minutes(1, 12))] + thursday
        )
        # B: only the public holiday.
        self.assertEqual(
            data.intervals[self.workcenter_b.id][:6],
            monday + [(minutes(1, 8), minutes(1, 12)), (minutes(1, 13), minutes(1, 17))] + thursday,
        )
        resources = {r.key: r for r in data.problem.resources}
        self.assertEqual(resources[self.workcenter_a.id].available, data.intervals[self.workcenter_a.id])
        self.assertFalse(data.notes)

    def test_workcenter_without_calendar_uses_company_calendar(self):
        workcenter = self._create_workcenter("Sched No Calendar")
        workcenter.resource_calendar_id = False
        product = self._create_product("Sched No Calendar Part", route="manufacture")
        self._create_routing_bom(product, [(workcenter, 30)])
        production = self._create_production(product, 1)
        data = self._build(production)
        calendar, fallback = data.calendars[workcenter.id]
        self.assertTrue(fallback)
        self.assertEqual(calendar, self.company.resource_calendar_id)
        # Its working time is the company calendar's (8 h on Monday), not the
        # whole day Odoo gives a resource without calendar.
        monday = [(s, e) for s, e in data.intervals[workcenter.id] if e <= minutes(0, 23)]
        self.assertEqual(sum(e - s for s, e in monday), 480)
        self.assertIn("Sched No Calendar", data.notes[0])
        self.assertIn("company calendar", data.notes[0])

    def test_blocked_by_dependencies(self):
        product = self._create_product("Sched Parallel", route="manufacture")
        bom = self._create_routing_bom(
            product,
            [(self.workcenter_a, 10, "Cut"), (self.workcenter_c, 10, "Drill"), (self.workcenter_b, 10, "Assemble")],
            allow_operation_dependencies=True,
        )
        cut, drill, assemble = bom.operation_ids.sorted("sequence")
        assemble.blocked_by_operation_ids = [Command.set((cut | drill).ids)]
        production = self._create_production(product, 1)
        wos = {wo.operation_id: wo for wo in production.workorder_ids}
        ops = self._operations(self._build(production))
        self.assertEqual(ops[wos[cut].id].predecessors, [])
        self.assertEqual(ops[wos[drill].id].predecessors, [])
        self.assertEqual(set(ops[wos[assemble].id].predecessors), {wos[cut].id, wos[drill].id})

    def test_started_workorder_kept_fixed(self):
        production = self._create_production(self.product, 2)
        wo_a, wo_c = production.workorder_ids.sorted("sequence")
        wo_a.button_start()
        self.assertEqual(wo_a.state, "progress")
        fixed = self._operations(self._build(production))[wo_a.id]
        # Started at 06:00 (minute 0); its 165 min run from 08:00, when A works.
        self.assertEqual(fixed.fixed, (self.workcenter_a.id, 0, minutes(0, 10, 45)))
        moved = self._operations(self._build(production, keep_started=False))[wo_a.id]
        self.assertIsNone(moved.fixed)
        # A started work order stays on its work center (no alternative).
        self.assertEqual(moved.alternatives, {self.workcenter_a.id: 165})

    def test_material_availability_gives_the_release(self):
        on_hand = self._create_product("Sched Comp On Hand")
        incoming = self._create_product("Sched Comp Incoming")
        missing = self._create_product("Sched Comp Missing")
        product = self._create_product("Sched Assembled", route="manufacture")
        self._create_routing_bom(product, [(self.workcenter_c, 30)], components=[(on_hand, 1), (incoming, 1)])
        other = self._create_product("Sched Assembled Short", route="manufacture")
        self._create_routing_bom(other, [(self.workcenter_c, 30)], components=[(missing, 1)])
        self._set_on_hand(on_hand, 10)
        purchase = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor_a.id,
                "order_line": [
                    Command.create(
                        {"product_id": incoming.id, "product_qty": 5, "price_unit": 1.0, "date_planned": at(2, 10)}
                    )
                ],
            }
        )
        purchase.button_confirm()
        waiting = self._create_production(product, 3)
        short = self._create_production(other, 1)
        data = self._build(waiting | short)
        self.assertEqual(self._job(data, waiting).release, minutes(2, 10))
        self.assertIn(purchase.name, data.material[waiting.id][1])
        self.assertNotIn("Sched Comp On Hand", data.material[waiting.id][1])
        self.assertEqual(self._job(data, short).release, 0)
        self.assertIn("short by 1.0", data.material[short.id][1])

    def test_upstream_order_in_scope_finishes_first(self):
        sub = self._create_product("Sched Sub-assembly", route="manufacture")
        self._create_routing_bom(sub, [(self.workcenter_a, 30)])
        top = self._create_product("Sched Top", route="manufacture")
        self._create_routing_bom(top, [(self.workcenter_c, 20), (self.workcenter_b, 20)], components=[(sub, 1)])
        producer = self._create_production(sub, 2)
        consumer = self._create_production(top, 2)
        data = self._build(producer | consumer)
        ops = self._operations(data)
        first = consumer.workorder_ids.sorted("sequence")[0]
        self.assertIn(producer.workorder_ids.id, ops[first.id].predecessors)
        self.assertIn(producer.name, data.material[consumer.id][1])
        # Outside the scope, the producer's planned end is the release.
        producer.with_context(force_date=True).date_finished = at(3, 9)
        data = self._build(consumer)
        self.assertEqual(self._job(data, consumer).release, minutes(3, 9))

    def test_other_orders_workorders_block_their_workcenter(self):
        booked = self._create_production(self.product, 1)
        wo_a = booked.workorder_ids.sorted("sequence")[0]
        wo_a.with_context(bypass_duration_calculation=True).write({"date_start": at(0, 8), "date_finished": at(0, 10)})
        production = self._create_production(self.product, 1)
        data = self._build(production)
        busy = [j for j in data.problem.jobs if j.key == ("busy", booked.id)]
        self.assertEqual(len(busy), 1)
        self.assertEqual(busy[0].operations[0].fixed, (self.workcenter_a.id, minutes(0, 8), minutes(0, 10)))

    def test_horizon(self):
        production = self._create_production(self.product, 1)
        data = self._build(production, days=7)
        last = data.intervals[self.workcenter_a.id][-1]
        self.assertLessEqual(last[1], int(timedelta(days=7).total_seconds() // 60))
