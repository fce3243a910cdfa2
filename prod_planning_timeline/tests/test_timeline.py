"""The schedule preview's timeline: the view renders, the wizard opens it."""

from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.prod_planning.tests.common import new_user
from odoo.addons.prod_planning.tests.common_scheduling import SchedulingCase, frozen


@tagged("post_install", "-at_install")
@frozen()
class TestScheduleTimeline(SchedulingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls._create_product("Timeline Bracket", route="manufacture")
        cls._create_routing_bom(cls.product, [(cls.workcenter_a, 60), (cls.workcenter_c, 30)])

    def setUp(self):
        super().setUp()
        if self.env["ir.module.module"]._get("prod_planning_timeline").state != "installed":
            self.skipTest("prod_planning_timeline is not installed (needs OCA's web_timeline: requirements-addons.txt)")

    def test_timeline_view_renders(self):
        view = self.env.ref("prod_planning_timeline.prod_planning_schedule_workorder_view_timeline")
        result = self.env["prod.planning.schedule.workorder"].with_user(self.planner).get_views([(view.id, "timeline")])
        arch = etree.fromstring(result["views"]["timeline"]["arch"])
        self.assertEqual(arch.tag, "timeline")
        self.assertEqual(arch.get("default_group_by"), "workcenter_id")
        self.assertEqual((arch.get("date_start"), arch.get("date_stop")), ("new_date_start", "new_date_finished"))
        fields = result["models"]["prod.planning.schedule.workorder"]["fields"]
        for name in ("workcenter_id", "new_date_start", "new_date_finished", "duration_hours", "production_id"):
            self.assertIn(name, fields)

    def test_wizard_opens_the_timeline_of_its_preview(self):
        production = self._create_production(self.product, 2)
        wizard = self._wizard(production).with_user(self.planner)
        wizard.compute()
        form = etree.fromstring(wizard.get_views([(False, "form")])["views"]["form"]["arch"])
        self.assertTrue(form.xpath("//header/button[@name='action_open_timeline']"))
        action = wizard.action_open_timeline()
        self.assertEqual(action["res_model"], "prod.planning.schedule.workorder")
        self.assertEqual([view_type for _id, view_type in action["views"]], ["timeline", "list"])
        lines = self.env["prod.planning.schedule.workorder"].with_user(self.planner).search(action["domain"])
        self.assertEqual(lines, wizard.workorder_line_ids)
        self.assertEqual(len(lines), 2)
        self.assertIn(self.workcenter_c, lines.workcenter_id)
        # One row per work center, as the timeline groups them.
        groups = lines._read_group(action["domain"], ["workcenter_id"], ["__count"])
        self.assertEqual(len(groups), 2)

    def test_timeline_needs_planning_rights(self):
        production = self._create_production(self.product, 1)
        wizard = self._wizard(production)
        wizard.compute()
        employee = new_user(self.env, "timeline_employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            wizard.with_user(employee).action_open_timeline()
