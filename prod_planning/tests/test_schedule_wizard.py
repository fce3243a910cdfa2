"""The scheduling wizard: preview, apply, discard, bad input."""

from datetime import timedelta

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common_scheduling import MONDAY, SchedulingCase, at, frozen


@tagged("post_install", "-at_install")
@frozen()
class TestScheduleWizard(SchedulingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # One operation on A (alternative B): 2 units take 165 min on A, 120 on B.
        cls.product = cls._create_product("Sched Bracket", route="manufacture")
        cls._create_routing_bom(cls.product, [(cls.workcenter_a, 60)])
        # Two operations: A then C.
        cls.product_two = cls._create_product("Sched Frame", route="manufacture")
        cls._create_routing_bom(cls.product_two, [(cls.workcenter_a, 60), (cls.workcenter_c, 30)])

    def _dates(self, records):
        return [(r.date_start, r.date_finished) for r in records]

    def test_preview_then_apply(self):
        first = self._create_production(self.product, 2)
        second = self._create_production(self.product, 2)
        productions = first | second
        leaves_before = self.env["resource.calendar.leaves"].search_count([])
        wizard = self._wizard(productions)
        summary = wizard.compute()
        self.assertEqual(summary["state"], "computed")
        self.assertEqual(summary["scheduled"], 2)
        self.assertEqual(wizard.method, "cp-sat optimal")
        self.assertEqual(wizard.solver_status, "optimal")
        self.assertEqual(wizard.gap, 0.0)
        self.assertEqual(wizard.objective, "makespan")
        # Nothing written by the preview.
        self.assertFalse(any(productions.workorder_ids.mapped("date_start")))
        self.assertEqual(self.env["resource.calendar.leaves"].search_count([]), leaves_before)
        lines = wizard.line_ids
        self.assertEqual(lines.production_id, productions)
        # The two orders run side by side on A and on its alternative B.
        self.assertEqual(set(lines.mapped("new_date_start")), {at(0, 8)})
        self.assertEqual(set(lines.mapped("new_date_finished")), {at(0, 10), at(0, 10, 45)})
        self.assertEqual(set(wizard.workorder_line_ids.workcenter_id.ids), {self.workcenter_a.id, self.workcenter_b.id})
        self.assertEqual(wizard.date_last_finish, at(0, 10, 45))
        self.assertEqual(len(wizard.load_ids), 2)
        load_a = wizard.load_ids.filtered(lambda line: line.workcenter_id == self.workcenter_a)
        self.assertAlmostEqual(load_a.scheduled_hours, 2.75)
        self.assertAlmostEqual(load_a.available_hours, 2.75)  # 08:00 to 10:45
        self.assertAlmostEqual(load_a.load_percent, 100.0)

        result = wizard.apply()
        self.assertEqual(result, {"productions": 2, "workorders": 2})
        self.assertEqual(wizard.state, "applied")
        for wo_line in wizard.workorder_line_ids:
            workorder = wo_line.workorder_id
            self.assertEqual(workorder.workcenter_id, wo_line.workcenter_id)
            self.assertEqual(workorder.date_start, wo_line.new_date_start)
            self.assertEqual(workorder.date_finished, wo_line.new_date_finished)
            self.assertEqual(workorder.leave_id.time_type, "other")
            self.assertEqual(workorder.leave_id.date_from, wo_line.new_date_start)
            self.assertEqual(workorder.leave_id.resource_id, wo_line.workcenter_id.resource_id)
        on_b = productions.workorder_ids.filtered(lambda w: w.workcenter_id == self.workcenter_b)
        self.assertAlmostEqual(on_b.duration_expected, 120)
        for line in lines:
            self.assertEqual(line.production_id.date_start, line.new_date_start)
            self.assertEqual(line.production_id.date_finished, line.new_date_finished)
        self.assertTrue(all(productions.mapped("is_planned")))
        # The stored load follows.
        load = self.env["prod.planning.capacity.load"].search(
            [("workcenter_id", "=", self.workcenter_a.id), ("date", "=", at(0, 0))]
        )
        self.assertAlmostEqual(load.workorder_hours, 2.75)
        with self.assertRaisesRollback(UserError, "compute it first"):
            wizard.apply()

    def test_apply_again_leaves_unmoved_orders_alone(self):
        production = self._create_production(self.product_two, 1)
        wizard = self._wizard(production)
        wizard.compute()
        wizard.apply()
        bookings = production.workorder_ids.leave_id
        self.assertEqual(len(bookings), 2)
        again = self._wizard(production)
        again.compute()
        self.assertEqual(again.line_ids.new_date_start, wizard.line_ids.new_date_start)
        self.assertEqual(again.apply(), {"productions": 1, "workorders": 2})
        self.assertEqual(production.workorder_ids.leave_id, bookings)
        self.assertTrue(bookings.exists())

    def _made_to_order_pair(self):
        """Two identical gearbox orders, each with its gear order made to
        order (the gear's finished move feeds the gearbox's component move)."""
        mto = self.env.ref("stock.route_warehouse0_mto")
        mto.active = True
        gear = self._create_product("Sched Gear", route="manufacture")
        gear.route_ids |= mto
        self._create_routing_bom(gear, [(self.workcenter_c, 30)])
        housing = self._create_product("Sched Housing")
        gearbox = self._create_product("Sched Gearbox", route="manufacture")
        self._create_routing_bom(gearbox, [(self.workcenter_a, 60)], components=[(gear, 1), (housing, 2)])
        pair = [self._create_production(gearbox, 1, deadline=at(4, 17)) for _k in range(2)]
        for top in pair:
            self.assertTrue(top._get_children())
        return pair

    def _apply_and_write_as_odoo(self, production, twin):
        """Schedule and apply ``production``; give ``twin`` the same dates with
        Odoo's own write, as a planner would."""
        wizard = self._wizard(production)
        wizard.compute()
        line = wizard.line_ids
        self.assertNotEqual(line.new_date_start, production.date_start)
        wizard.apply()
        dates = {"date_start": line.new_date_start, "date_finished": line.new_date_finished}
        twin.with_context(force_date=True).write(dates)
        # Odoo's write recomputes the end of an order not planned yet from its
        # start: the planner would set the end again.
        twin.with_context(force_date=True).write({"date_finished": dates["date_finished"]})
        return line

    def _stock_picture(self, top):
        """The dates of an order and its made-to-order gear order, their
        moves', and what the batch write leaves alone as Odoo's write does."""
        picture = []
        for production in top | top._get_children():
            moves = production.move_raw_ids | production.move_finished_ids
            picture.append(
                (
                    production.date_start,
                    production.date_finished,
                    production.date_deadline,
                    sorted((m.product_id.id, m.date, m.date_deadline) for m in moves),
                    (production.state, production.reservation_state),
                    production.workorder_ids.mapped("state"),
                    moves.mapped("unit_factor"),
                )
            )
        return picture

    def test_apply_moves_stock_as_odoo_does(self):
        """Apply writes the orders' dates in batch: their stock moves, and the
        upstream order made to order, end up as after Odoo's own write."""
        scheduled, reference = self._made_to_order_pair()
        line = self._apply_and_write_as_odoo(scheduled, reference)
        self.maxDiff = None
        self.assertEqual(self._stock_picture(scheduled), self._stock_picture(reference))
        self.assertEqual((scheduled.date_start, scheduled.date_finished), (line.new_date_start, line.new_date_finished))
        self.assertEqual(set(scheduled.move_raw_ids.mapped("date")), {line.new_date_start})
        # The made-to-order gear order must be done by the new start: its
        # finished move gets the deadline (Odoo 19 no longer recomputes the
        # deadline of an order from its finished moves once set).
        self.assertEqual(scheduled._get_children().move_finished_ids.date_deadline, line.new_date_start)

    def test_apply_moves_downstream_deadline_as_odoo_does(self):
        """Scheduling the made-to-order gear order passes its deadline on to
        the gearbox's component move, as Odoo's write does."""
        tops = self._made_to_order_pair()
        for top in tops:
            gear_move = top.move_raw_ids.filtered("move_orig_ids")
            # A deadline changed on the gearbox side only.
            gear_move.with_context(date_deadline_propagate_ids=set(gear_move.move_orig_ids.ids)).date_deadline = at(
                2, 12
            )
        scheduled, reference = (top._get_children() for top in tops)
        (scheduled | reference).filtered(lambda p: p.state == "draft").action_confirm()
        self._apply_and_write_as_odoo(scheduled, reference)
        self.maxDiff = None
        self.assertEqual(self._stock_picture(tops[0]), self._stock_picture(tops[1]))
        self.assertEqual(tops[0].move_raw_ids.filtered("move_orig_ids").date_deadline, scheduled.date_deadline)

    def test_apply_refuses_work_order_started_elsewhere(self):
        first = self._create_production(self.product, 2)
        second = self._create_production(self.product, 2)
        wizard = self._wizard(first | second)
        wizard.compute()
        on_b = wizard.workorder_line_ids.filtered(lambda line: line.workcenter_id == self.workcenter_b)
        self.assertEqual(len(on_b), 1)
        on_b.workorder_id.button_start()
        with self.assertRaisesRollback(UserError, "compute the schedule again"):
            wizard.apply()

    def test_discard_writes_nothing(self):
        production = self._create_production(self.product_two, 1)
        before = self._dates(production) + self._dates(production.workorder_ids)
        leaves_before = self.env["resource.calendar.leaves"].search_count([])
        wizard = self._wizard(production)
        wizard.compute()
        self.assertTrue(wizard.line_ids)
        self.assertIs(wizard.discard(), True)
        self.assertEqual(wizard.state, "discarded")
        self.assertFalse(wizard.line_ids)
        self.assertFalse(wizard.workorder_line_ids)
        self.assertEqual(self._dates(production) + self._dates(production.workorder_ids), before)
        self.assertEqual(self.env["resource.calendar.leaves"].search_count([]), leaves_before)
        with self.assertRaisesRollback(UserError, "compute it first"):
            wizard.apply()
        with self.assertRaisesRollback(UserError, "open the wizard again"):
            wizard.compute()

    def test_precedence_and_workcenter_calendar(self):
        production = self._create_production(self.product_two, 4)
        wizard = self._wizard(production, use_cp_sat=False)
        wizard.compute()
        self.assertEqual(wizard.solver_status, "heuristic")
        self.assertEqual(wizard.method, "heuristic")
        first, second = wizard.workorder_line_ids.sorted("new_date_start")
        # 4 units: 15 + 4 x 75 = 315 min on A (until 14:15, over the lunch
        # break), or 4 x 60 = 240 min on B (until 12:00); then 4 x 30 min on C,
        # after C's lunch break.
        self.assertEqual(first.workcenter_id, self.workcenter_b)
        self.assertEqual(first.new_date_start, at(0, 8))
        self.assertEqual(first.new_date_finished, at(0, 12))
        self.assertEqual(second.workcenter_id, self.workcenter_c)
        self.assertEqual(second.new_date_start, at(0, 13))
        self.assertEqual(second.new_date_finished, at(0, 15))

    def test_backward_strategy_is_just_in_time(self):
        production = self._create_production(self.product_two, 1, deadline=at(3, 17))
        wizard = self._wizard(production, strategy="backward")
        wizard.compute()
        line = wizard.line_ids
        self.assertEqual(line.new_date_finished, at(3, 17))
        self.assertFalse(line.late)
        forward = self._wizard(production)
        forward.compute()
        self.assertLess(forward.line_ids.new_date_finished, at(0, 17))

    def test_urgent_order_first(self):
        normal = self._create_production(self.product_two, 2, deadline=at(0, 12))
        urgent = self._create_production(self.product_two, 2, deadline=at(0, 12), priority="1")
        # Only A and C: B closed for the day.
        self.env["resource.calendar.leaves"].create(
            {
                "name": "B closed",
                "calendar_id": self.calendar.id,
                "resource_id": self.workcenter_b.resource_id.id,
                "date_from": at(0, 0),
                "date_to": at(0, 23),
                "time_type": "leave",
            }
        )
        wizard = self._wizard(normal | urgent)
        wizard.compute()
        lines = {line.production_id: line for line in wizard.line_ids}
        self.assertLess(lines[urgent].new_date_finished, lines[normal].new_date_finished)
        self.assertFalse(lines[urgent].late)
        self.assertTrue(lines[normal].late)

    def test_material_availability_delays_the_start(self):
        component = self._create_product("Sched Tube")
        product = self._create_product("Sched Welded", route="manufacture")
        self._create_routing_bom(product, [(self.workcenter_c, 30)], components=[(component, 1)])
        purchase = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor_a.id,
                "order_line": [
                    Command.create(
                        {"product_id": component.id, "product_qty": 10, "price_unit": 1.0, "date_planned": at(2, 10)}
                    )
                ],
            }
        )
        purchase.button_confirm()
        production = self._create_production(product, 2)
        wizard = self._wizard(production)
        wizard.compute()
        line = wizard.line_ids
        self.assertEqual(line.material_date, at(2, 10))
        self.assertEqual(line.new_date_start, at(2, 10))
        self.assertIn(purchase.name, line.material_note)
        # With the component on hand it starts at once.
        self._set_on_hand(component, 2)
        wizard = self._wizard(production)
        wizard.compute()
        self.assertEqual(wizard.line_ids.new_date_start, at(0, 8))

    def test_upstream_order_finishes_first(self):
        sub = self._create_product("Sched Sub", route="manufacture")
        self._create_routing_bom(sub, [(self.workcenter_c, 60)])
        top = self._create_product("Sched Top Assembly", route="manufacture")
        self._create_routing_bom(top, [(self.workcenter_a, 30)], components=[(sub, 1)])
        consumer = self._create_production(top, 2)
        producer = self._create_production(sub, 2)
        wizard = self._wizard(consumer | producer)
        wizard.compute()
        lines = {line.production_id: line for line in wizard.line_ids}
        self.assertEqual(lines[producer].new_date_finished, at(0, 10))
        self.assertGreaterEqual(lines[consumer].new_date_start, lines[producer].new_date_finished)
        self.assertIn(producer.name, lines[consumer].material_note)

    def test_started_workorders_kept_fixed(self):
        production = self._create_production(self.product_two, 2)
        wo_a, wo_c = production.workorder_ids.sorted("sequence")
        with frozen(at(0, 9)):
            wo_a.button_start()
        started = (wo_a.date_start, wo_a.date_finished)
        wizard = self._wizard(production)
        wizard.compute()
        lines = {line.workorder_id: line for line in wizard.workorder_line_ids}
        self.assertTrue(lines[wo_a].fixed)
        self.assertEqual(lines[wo_a].new_date_start, at(0, 9))
        self.assertEqual(wizard.line_ids.fixed_count, 1)
        self.assertGreaterEqual(lines[wo_c].new_date_start, lines[wo_a].new_date_finished)
        wizard.apply()
        self.assertEqual((wo_a.date_start, wo_a.date_finished), started)
        self.assertEqual(wo_c.date_start, lines[wo_c].new_date_start)
        # Not kept: its remaining time is scheduled again, from the start.
        wizard = self._wizard(production, keep_started=False)
        wizard.compute()
        lines = {line.workorder_id: line for line in wizard.workorder_line_ids}
        self.assertFalse(lines[wo_a].fixed)
        self.assertEqual(lines[wo_a].new_date_start, at(0, 8))
        self.assertEqual(lines[wo_a].workcenter_id, self.workcenter_a)

    def test_past_deadline_is_late_not_an_error(self):
        production = self._create_production(self.product, 1, deadline=MONDAY - timedelta(days=3))
        wizard = self._wizard(production)
        summary = wizard.compute()
        self.assertEqual(summary["late"], 1)
        line = wizard.line_ids
        self.assertTrue(line.late)
        # Due Friday 06:00, done Monday 09:00 (B: 60 min from 08:00): 75 h.
        self.assertAlmostEqual(line.lateness_hours, 75.0)
        self.assertEqual(wizard.objective, "weighted_tardiness")
        wizard.apply()
        self.assertEqual(production.date_finished, line.new_date_finished)

    def test_order_without_operations_one_step_at_bom_workcenter(self):
        product = self._create_product("Sched Kit Box", route="manufacture")
        bom = self._create_bom(product, [])
        bom.write({"schedule_workcenter_id": self.workcenter_a.id, "schedule_time_cycle": 30})
        production = self._create_production(product, 2)
        self.assertFalse(production.workorder_ids)
        wizard = self._wizard(production)
        wizard.compute()
        line = wizard.line_ids
        self.assertEqual(line.state, "scheduled")
        step = line.workorder_line_ids
        self.assertFalse(step.workorder_id)
        self.assertEqual(step.workcenter_id, self.workcenter_a)
        # setup 10 + cleanup 5 + 2 cycles x 30 min at 80 %: 90 min
        self.assertEqual(step.duration, 90)
        self.assertEqual((line.new_date_start, line.new_date_finished), (at(0, 8), at(0, 9, 30)))
        wizard.apply()
        self.assertEqual((production.date_start, production.date_finished), (at(0, 8), at(0, 9, 30)))

    def test_order_without_operations_at_operation_type_workcenter(self):
        product = self._create_product("Sched Crate", route="manufacture")
        bom = self._create_bom(product, [])
        bom.schedule_time_cycle = 45
        production = self._create_production(product, 1)
        production.picking_type_id.schedule_workcenter_id = self.workcenter_c
        wizard = self._wizard(production)
        wizard.compute()
        step = wizard.line_ids.workorder_line_ids
        self.assertEqual(step.workcenter_id, self.workcenter_c)
        self.assertEqual(step.duration, 45)

    def test_order_without_operations_unschedulable(self):
        product = self._create_product("Sched Loose Part", route="manufacture")
        bom = self._create_bom(product, [])
        stuck = self._create_production(product, 1)
        other = self._create_production(self.product, 1)
        before = self._dates(stuck)
        wizard = self._wizard(stuck | other)
        summary = wizard.compute()
        self.assertEqual(summary["unschedulable"], 1)
        line = wizard.line_ids.filtered(lambda line: line.production_id == stuck)
        self.assertEqual(line.state, "unschedulable")
        self.assertIn("default work center", line.reason)
        self.assertIn(bom.display_name, line.reason)
        self.assertIn("cannot be scheduled", wizard.notes)
        wizard.apply()
        self.assertEqual(self._dates(stuck), before)
        self.assertTrue(other.is_planned)

    def test_workcenter_without_calendar_says_so(self):
        workcenter = self._create_workcenter("Sched Bare")
        workcenter.resource_calendar_id = False
        product = self._create_product("Sched Bare Part", route="manufacture")
        self._create_routing_bom(product, [(workcenter, 30)])
        production = self._create_production(product, 1)
        wizard = self._wizard(production)
        wizard.compute()
        self.assertIn("Sched Bare has no working calendar", wizard.notes)
        load = wizard.load_ids.filtered(lambda line: line.workcenter_id == workcenter)
        self.assertTrue(load.calendar_fallback)
        self.assertEqual(load.calendar_id, self.company.resource_calendar_id)

    def test_solver_timeout_applies_best_feasible(self):
        products = [self.product_two, self.product]
        productions = self.env["mrp.production"]
        for k in range(24):
            productions |= self._create_production(
                products[k % 2], 1 + k % 4, deadline=MONDAY - timedelta(days=1), priority="1" if k % 5 == 0 else "0"
            )
        wizard = self._wizard(productions, time_limit=0.1)
        wizard.compute()
        self.assertEqual(wizard.solver_status, "feasible")
        self.assertNotIn("optimal", wizard.method)
        self.assertIn("time limit", wizard.notes)
        self.assertEqual(wizard.late_count, 24)
        wizard.apply()
        workorders = productions.workorder_ids
        self.assertTrue(all(workorders.mapped("date_start")))
        for workcenter in workorders.workcenter_id:
            slots = sorted((w.date_start, w.date_finished) for w in workorders if w.workcenter_id == workcenter)
            for (_s1, end), (start, _e2) in zip(slots, slots[1:], strict=False):
                self.assertLessEqual(end, start)

    def test_work_order_cycle_names_the_work_orders(self):
        production = self._create_production(self.product_two, 1)
        first, second = production.workorder_ids
        self.assertEqual(second.blocked_by_workorder_ids, first)
        # Odoo's constraint refuses a cycle: put it in the table as a migration
        # or an import could have left it.
        self.env.cr.execute(
            "INSERT INTO mrp_workorder_dependencies_rel (workorder_id, blocked_by_id) VALUES (%s, %s)",
            [first.id, second.id],
        )
        self.env.invalidate_all()
        wizard = self._wizard(production)
        with self.assertRaises(UserError) as caught:
            wizard.compute()
        message = caught.exception.args[0]
        self.assertIn(
            "cannot be scheduled: the work orders "
            f"{first.display_name}, {second.display_name} wait for each other in a "
            "cycle.",
            message,
        )
        self.assertNotIn(f"[{first.id}", message)

    def test_bad_input(self):
        draft = self._create_production(self.product, 1, confirm=False)
        with self.assertRaisesRollback(UserError, "No manufacturing order to schedule"):
            self._wizard(self.env["mrp.production"]).compute()
        with self.assertRaisesRollback(UserError, f"{draft.name} cannot be scheduled"):
            self._wizard(draft).compute()
        with self.assertRaisesRollback(UserError, "No confirmed manufacturing order"):
            self.env["prod.planning.schedule"].create(
                {"scope": "window", "date_from": "2031-01-01", "date_to": "2031-01-31"}
            ).compute()
        with self.assertRaisesRollback(ValidationError, "'next monday' is not a date"):
            self.env["prod.planning.schedule"].create({"date_start": "next monday"})
        with self.assertRaisesRollback(ValidationError, "is not a date"):
            self.env["prod.planning.schedule"].create({"date_from": "2027-02-30"})
        with self.assertRaisesRollback(ValidationError, "set the To date after"):
            self.env["prod.planning.schedule"].create({"date_from": "2027-03-10", "date_to": "2027-03-01"})
        with self.assertRaisesRollback(ValidationError, "time limit"):
            self._wizard(draft, time_limit=0)

    def test_window_scope_per_workcenter(self):
        on_c = self._create_production(self.product_two, 1, date_start=at(1, 8))
        only_a = self._create_production(self.product, 1, date_start=at(1, 8))
        later = self._create_production(self.product_two, 1, date_start=at(20, 8))
        wizard = self.env["prod.planning.schedule"].create(
            {
                "scope": "window",
                "date_from": at(0, 0).date(),
                "date_to": at(6, 0).date(),
                "workcenter_ids": [Command.set(self.workcenter_c.ids)],
                "date_start": MONDAY,
            }
        )
        wizard.compute()
        self.assertEqual(wizard.line_ids.production_id, on_c)
        self.assertNotIn(only_a, wizard.line_ids.production_id)
        self.assertNotIn(later, wizard.line_ids.production_id)

    def test_opened_from_orders_and_workcenters(self):
        production = self._create_production(self.product, 1)
        action = production.action_open_schedule_wizard()
        self.assertEqual(action["res_model"], "prod.planning.schedule")
        form = Form(self.env["prod.planning.schedule"].with_context(**action["context"]))
        self.assertEqual(form.scope, "selected")
        form.time_limit = 5
        wizard = form.save()
        self.assertEqual(wizard.production_ids, production)
        # Full screen: the button reloads the wizard.
        self.assertFalse(wizard.action_compute())
        self.assertEqual(wizard.state, "computed")
        action = wizard.action_apply()
        self.assertEqual(action["tag"], "display_notification")
        self.assertTrue(production.is_planned)
        action = self.workcenter_a.action_open_schedule_wizard()
        wizard = self.env["prod.planning.schedule"].with_context(**action["context"])
        values = wizard.default_get(["scope", "workcenter_ids"])
        self.assertEqual(values["scope"], "window")

    def test_planner_schedules(self):
        production = self._create_production(self.product_two, 1)
        env = self.env(user=self.planner)
        wizard = env["prod.planning.schedule"].create(
            {
                "scope": "selected",
                "production_ids": [Command.set(production.ids)],
                "date_start": MONDAY,
                "time_limit": 5,
            }
        )
        wizard.compute()
        wizard.apply()
        self.assertTrue(production.is_planned)
