"""Schedule previews cannot be abused: read-only preview lines, apply checks
them again, a stale preview is refused."""

from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_scheduling import MONDAY, SchedulingCase, at, frozen


@tagged("post_install", "-at_install")
@frozen()
class TestSchedulePreviewGuard(SchedulingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # One operation on A (alternative B).
        cls.product = cls._create_product("Guard Bracket", route="manufacture")
        cls._create_routing_bom(cls.product, [(cls.workcenter_a, 60)])

    def _computed(self, productions, env=None):
        env = env or self.env
        wizard = env["prod.planning.schedule"].create(
            {
                "scope": "selected",
                "production_ids": [Command.set(productions.ids)],
                "date_start": MONDAY,
                "time_limit": 5,
            }
        )
        wizard.compute()
        return wizard

    def _assert_nothing_written(self, productions):
        self.assertFalse(any(productions.workorder_ids.mapped("leave_id")))
        self.assertFalse(any(productions.workorder_ids.mapped("date_start")))

    def test_planner_cannot_write_preview_lines(self):
        production = self._create_production(self.product, 1)
        env = self.env(user=self.planner)
        wizard = self._computed(production, env)
        line, wo_line, load = wizard.line_ids, wizard.workorder_line_ids, wizard.load_ids
        self.assertTrue(line and wo_line and load)
        tampered = {"new_date_start": at(3, 8), "new_date_finished": at(3, 9)}
        with self.assertRaises(AccessError):
            wo_line.write({**tampered, "workcenter_id": self.workcenter_c.id})
        with self.assertRaises(AccessError):
            line.write(tampered)
        with self.assertRaises(AccessError):
            load.write({"load_percent": 1.0})
        with self.assertRaises(AccessError):
            wizard.write({"workorder_line_ids": [Command.update(wo_line.id, tampered)]})
        with self.assertRaises(AccessError):
            env["prod.planning.schedule.workorder"].create(
                {
                    "wizard_id": wizard.id,
                    "line_id": line.id,
                    "production_id": production.id,
                    "workcenter_id": self.workcenter_c.id,
                }
            )
        with self.assertRaises(AccessError):
            wo_line.unlink()
        # The planner reads the preview and the wizard applies it.
        self.assertIn(wo_line.workcenter_id, self.workcenter_a | self.workcenter_b)
        wizard.apply()
        self.assertEqual(production.workorder_ids.date_start, wo_line.new_date_start)
        # Computing again and discarding drop the preview as the wizard.
        again = self._computed(production, env)
        self.assertIs(again.discard(), True)
        self.assertFalse(again.workorder_line_ids)

    def test_apply_refuses_work_center_of_another_company(self):
        other, _env, _warehouse = self._create_company("Guard Other Co")
        foreign = self.env["mrp.workcenter"].create(
            {"name": "Guard Foreign", "company_id": other.id, "resource_calendar_id": False}
        )
        production = self._create_production(self.product, 1)
        wizard = self._computed(production)
        wizard.workorder_line_ids.sudo().workcenter_id = foreign
        with self.assertRaisesRollback(UserError, "cannot run at Guard Foreign: only at Sched A, Sched B"):
            wizard.apply()
        self._assert_nothing_written(production)

    def test_apply_refuses_work_center_not_of_the_operation(self):
        production = self._create_production(self.product, 1)
        wizard = self._computed(production)
        wizard.workorder_line_ids.sudo().workcenter_id = self.workcenter_c
        with self.assertRaisesRollback(UserError, "cannot run at Sched C"):
            wizard.apply()
        self._assert_nothing_written(production)

    def test_apply_refuses_inverted_dates(self):
        production = self._create_production(self.product, 1)
        wizard = self._computed(production)
        wo_line = wizard.workorder_line_ids.sudo()
        wo_line.write({"new_date_start": wo_line.new_date_finished, "new_date_finished": wo_line.new_date_start})
        with self.assertRaisesRollback(UserError, r"ends \(.*\) before it starts .*Compute the schedule again"):
            wizard.apply()
        self._assert_nothing_written(production)
        wizard.line_ids.sudo().new_date_finished = wizard.line_ids.new_date_start - timedelta(hours=1)
        with self.assertRaisesRollback(UserError, "before it starts"):
            wizard.apply()

    def test_apply_refuses_order_of_another_company(self):
        other, _env, _warehouse = self._create_company("Guard Other Co")
        production = self._create_production(self.product, 1)
        wizard = self._computed(production)
        # Moved to another company behind the ORM's back.
        self.env.cr.execute("UPDATE prod_planning_schedule SET company_id = %s WHERE id = %s", [other.id, wizard.id])
        wizard.invalidate_recordset(["company_id"])
        with self.assertRaisesRollback(UserError, "not to the schedule's company Guard Other Co"):
            wizard.apply()
        self._assert_nothing_written(production)

    def test_stale_preview_after_another_apply_is_refused(self):
        first = self._create_production(self.product, 2)
        second = self._create_production(self.product, 2)
        first_wizard = self._computed(first)
        second_wizard = self._computed(second)
        # Both previews put their order on A at 08:00.
        self.assertEqual(first_wizard.workorder_line_ids.new_date_start, at(0, 8))
        self.assertEqual(second_wizard.workorder_line_ids.new_date_start, at(0, 8))
        first_wizard.apply()
        self.assertTrue(first_wizard.workorder_line_ids.workcenter_id.prod_planning_schedule_date)
        with self.assertRaisesRollback(UserError, "changed since computed.*compute again"):
            second_wizard.apply()
        self._assert_nothing_written(second)
        # Computed again, it goes around the first order.
        again = self._computed(second)
        again.apply()
        a, b = first.workorder_ids, second.workorder_ids
        self.assertTrue(b.date_start)
        self.assertFalse(
            a.workcenter_id == b.workcenter_id and a.date_start < b.date_finished and b.date_start < a.date_finished
        )

    def test_stale_preview_after_work_order_moved_is_refused(self):
        production = self._create_production(self.product, 1)
        other = self._create_production(self.product, 1)
        wizard = self._computed(production)
        # Another order's work order gets planned on A meanwhile.
        other.workorder_ids.write({"date_start": at(0, 8), "date_finished": at(0, 10)})
        with self.assertRaisesRollback(UserError, "changed since computed"):
            wizard.apply()

    def test_stale_preview_after_leave_added_is_refused(self):
        production = self._create_production(self.product, 1)
        wizard = self._computed(production)
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Guard maintenance",
                "calendar_id": self.calendar.id,
                "resource_id": self.workcenter_a.resource_id.id,
                "date_from": at(0, 8),
                "date_to": at(0, 17),
                "time_type": "leave",
            }
        )
        with self.assertRaisesRollback(UserError, "changed since computed"):
            wizard.apply()

    def test_stale_preview_after_working_hours_changed_is_refused(self):
        production = self._create_production(self.product, 1)
        wizard = self._computed(production)
        attendance = self.workcenter_a.resource_calendar_id.attendance_ids[:1]
        self.assertTrue(attendance, "the work center's calendar has working hours")
        attendance.hour_to -= 1
        with self.assertRaisesRollback(UserError, "changed since computed"):
            wizard.apply()

    def test_preview_computed_again_applies(self):
        """A preview computed after the last apply matches: applied."""
        production = self._create_production(self.product, 1)
        self._computed(production).apply()
        again = self._computed(production)
        self.assertEqual(again.apply(), {"productions": 1, "workorders": 1})
