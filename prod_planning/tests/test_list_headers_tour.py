import json
from datetime import datetime

from odoo import Command
from odoo.tests import tagged
from odoo.tools.safe_eval import datetime as safe_datetime
from odoo.tools.safe_eval import safe_eval

from .common import ProdPlanningTourCase, menu_actions


@tagged("post_install", "-at_install")
class TestListHeadersTour(ProdPlanningTourCase):
    browser_size = "1366x768"

    def _first_record(self, action, admin):
        """The id of a record the action lists (0: none, or no form)."""
        if "form" not in action.view_mode:
            return 0
        eval_context = {
            "uid": admin.id,
            "context_today": safe_datetime.date.today,
            "datetime": safe_datetime,
            "allowed_company_ids": admin.company_ids.ids,
            "active_id": False,
        }
        try:
            domain = safe_eval(action.domain or "[]", eval_context)
        except Exception:  # noqa: BLE001 - a domain only the web client evaluates: list only
            return 0
        return self.env[action.res_model].with_user(admin).search(domain, limit=1).id or 0

    def _schedule_preview(self, admin):
        """A computed schedule preview (full-screen form, lists of orders, work
        orders and load) with a line in each list, as the solver writes them."""
        workorder = self.env["mrp.workorder"].search([("production_id.state", "=", "confirmed")], limit=1)
        production = workorder.production_id
        self.assertTrue(workorder, "the demo has no confirmed manufacturing order with work orders")
        start, end = datetime(2027, 3, 1, 8), datetime(2027, 3, 1, 16)
        wizard = (
            self.env["prod.planning.schedule"]
            .with_user(admin)
            .create({"scope": "selected", "production_ids": [Command.set(production.ids)]})
        )
        line = self.env["prod.planning.schedule.line"].create(
            {
                "wizard_id": wizard.id,
                "production_id": production.id,
                "old_date_start": start,
                "new_date_start": start,
                "new_date_finished": end,
                "date_deadline": end,
                "material_date": start,
                "reason": "",
            }
        )
        self.env["prod.planning.schedule.workorder"].create(
            {
                "wizard_id": wizard.id,
                "line_id": line.id,
                "workorder_id": workorder.id,
                "production_id": production.id,
                "workcenter_id": workorder.workcenter_id.id,
                "old_workcenter_id": workorder.workcenter_id.id,
                "old_date_start": start,
                "new_date_start": start,
                "new_date_finished": end,
            }
        )
        self.env["prod.planning.schedule.load"].create(
            {"wizard_id": wizard.id, "workcenter_id": workorder.workcenter_id.id, "available_hours": 8.0}
        )
        wizard.state = "computed"
        return wizard

    def test_list_headers_fit_at_1366_px(self):
        """Every list window action of the addon's menus, opened in Chromium at
        1366 px wide, and the form of its first record with each notebook page,
        then a schedule preview and the release wizard: no column header is cut (its label
        wider than its cell)."""
        admin = self.env.ref("base.user_admin")
        # The demo has no price feed: one with a line, for the feed form's list.
        product = self.env["product.product"].search([("is_storable", "=", True)], limit=1)
        self.env["prod.planning.price.feed"].create(
            {
                "name": "Header Test Feed",
                "url": "https://prices.example.com/feed.json",
                "line_ids": [Command.create({"code": "CU", "product_id": product.id})],
            }
        )
        actions = {
            action.id: [path, self._first_record(action, admin)]
            for action, path in menu_actions(self.env, ("prod_planning", "prod_planning_timeline")).items()
            if action.type == "ir.actions.act_window" and action.target != "new" and "list" in action.view_mode
        }
        self.assertGreater(len(actions), 10)
        tour = "prod_planning_list_headers_tour"
        wizard = self._schedule_preview(admin)
        orders = self.env["prod.planning.order"].search([("state", "=", "draft")])
        orders = (
            orders.filtered(lambda o: o.supply_type == "buy")[:8]
            | orders.filtered(lambda o: o.supply_type == "manufacture")[:4]
        )
        self.assertTrue(orders, "the demo has no draft planned order")
        forms = [
            [
                "Schedule preview",
                {
                    "type": "ir.actions.act_window",
                    "res_model": wizard._name,
                    "res_id": wizard.id,
                    "views": [[False, "form"]],
                    "target": "current",
                },
            ],
            ["Release wizard", orders.with_user(admin).action_open_release_wizard()],
        ]
        code = (
            f"window.prodPlanningListActions = {json.dumps(actions)}; "
            f"window.prodPlanningForms = {json.dumps(forms)}; odoo.startTour({tour!r}, {{}})"
        )
        self.run_tour("/odoo", tour, timeout=600, code=code)
