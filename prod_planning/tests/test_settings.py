from lxml import etree

from odoo import models
from odoo.tests import tagged

from .common import ProdPlanningCase


@tagged("post_install", "-at_install")
class TestSettings(ProdPlanningCase):
    """One settings page for the app: Planning > Configuration > Settings."""

    def _settings_arch(self):
        return etree.fromstring(self.env["res.config.settings"].get_view(view_type="form")["arch"])

    def _addon_fields(self):
        """The fields this addon adds to res.config.settings."""
        data = self.env["ir.model.data"].search([("module", "=", "prod_planning"), ("model", "=", "ir.model.fields")])
        fields = self.env["ir.model.fields"].browse(data.mapped("res_id"))
        names = set(fields.filtered(lambda field: field.model == "res.config.settings").mapped("name"))
        names -= {*models.MAGIC_COLUMNS, "display_name"}
        self.assertIn("prod_planning_horizon_days", names)
        self.assertIn("prod_planning_schedule_time_limit_max", names)
        return names

    def test_app_block_holds_every_setting(self):
        arch = self._settings_arch()
        [app] = arch.xpath("//app[@name='prod_planning']")
        self.assertEqual(app.get("string"), "Planning")
        in_app = {node.get("name") for node in app.xpath(".//field")}
        missing = self._addon_fields() - in_app
        self.assertFalse(missing, f"settings outside the Planning app block: {sorted(missing)}")

    def test_no_setting_left_on_other_apps_pages(self):
        arch = self._settings_arch()
        addon_fields = self._addon_fields()
        for app in arch.xpath("//app[@name!='prod_planning']"):
            names = {node.get("name") for node in app.xpath(".//field")} & addon_fields
            self.assertFalse(names, f"Planning settings on the {app.get('name')} page: {sorted(names)}")
        self.assertFalse(arch.xpath("//block[@name='prod_planning_setting_container']/ancestor::app[@name='mrp']"))

    def test_menu_opens_the_app_settings(self):
        menu = self.env.ref("prod_planning.res_config_settings_menu")
        self.assertEqual(menu.parent_id, self.env.ref("prod_planning.menu_prod_planning_config"))
        self.assertEqual(menu.parent_id.parent_id, self.env.ref("prod_planning.menu_prod_planning_root"))
        action = menu.action
        self.assertEqual((action.res_model, action.view_mode), ("res.config.settings", "form"))
        self.assertIn("'module': 'prod_planning'", action.context)

    def test_settings_saved_on_the_company(self):
        settings = self.env["res.config.settings"].create(
            {"prod_planning_horizon_days": 90, "prod_planning_schedule_time_limit_max": 60}
        )
        settings.execute()
        self.assertEqual(self.company.prod_planning_horizon_days, 90)
        self.assertEqual(self.company.prod_planning_schedule_time_limit_max, 60)
