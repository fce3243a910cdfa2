"""The schedule preview reads right: full screen, durations in hours and
minutes, the solver's details folded in a page of their own."""

from lxml import etree

from odoo.tests import tagged

from .common_scheduling import SchedulingCase, frozen


@tagged("post_install", "-at_install")
@frozen()
class TestScheduleScreen(SchedulingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls._create_product("Screen Bracket", route="manufacture")
        # 803 minutes per unit: 13 h 23 min.
        cls._create_routing_bom(cls.product, [(cls.workcenter_c, 803)])

    def _arch(self, model="prod.planning.schedule"):
        views = self.env[model].with_user(self.planner).get_views([(False, "form")])
        return etree.fromstring(views["views"]["form"]["arch"])

    def test_opens_full_screen(self):
        production = self._create_production(self.product, 1)
        for action in (production.action_open_schedule_wizard(), self.workcenter_c.action_open_schedule_wizard()):
            self.assertEqual(action["target"], "current")
        arch = self._arch()
        # Buttons in the header of a sheet, not in a dialog's footer.
        self.assertFalse(arch.xpath("//footer"))
        self.assertTrue(arch.xpath("//header/button[@name='action_apply']"))
        self.assertTrue(arch.xpath("//sheet"))
        wizard = self._wizard(production)
        self.assertFalse(wizard.action_compute())  # reloads the form
        action = wizard.action_apply()
        self.assertEqual(action["params"]["next"]["tag"], "soft_reload")

    def test_solver_details_in_their_own_page(self):
        arch = self._arch()
        page = arch.xpath("//page[@name='solver']")
        self.assertEqual(len(page), 1)
        self.assertEqual(page[0].get("string"), "Solver Details")
        for name in ("solve_method", "solver_status", "gap", "objective", "objective_value", "method"):
            fields = arch.xpath(f"//field[@name='{name}']")
            self.assertTrue(fields, name)
            for node in fields:
                self.assertTrue(node.xpath("ancestor::page[@name='solver']"), f"{name} shown outside Solver Details")

    def test_work_order_durations_in_hours_and_minutes(self):
        production = self._create_production(self.product, 1)
        wizard = self._wizard(production)
        wizard.compute()
        line = wizard.workorder_line_ids
        self.assertAlmostEqual(line.duration, 803)
        self.assertAlmostEqual(line.duration_hours, 803 / 60)
        for model, path in (
            ("prod.planning.schedule", "//field[@name='workorder_line_ids']/list"),
            ("prod.planning.schedule.line", "//field[@name='workorder_line_ids']/list"),
        ):
            columns = self._arch(model).xpath(path)[0]
            self.assertFalse(columns.xpath("field[@name='duration'][@widget='float_time']"), model)
            self.assertEqual(columns.xpath("field[@name='duration_hours']/@widget"), ["float_time"], model)
