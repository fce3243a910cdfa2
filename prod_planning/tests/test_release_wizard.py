"""Release of planned orders: grouping and rounding of the RFQs, the release
wizard's preview, the notification and the release filters."""

import ast
from datetime import date, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import PlanningRunCase, new_user

# A Monday.
TODAY = date(2026, 3, 9)


def day(offset):
    return TODAY + timedelta(days=offset)


@tagged("post_install", "-at_install")
@freeze_time("2026-03-09 09:00:00")
class TestReleaseWizard(PlanningRunCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bolt = cls._create_product("PRT Bolt")
        cls._add_vendor(cls.bolt, cls.vendor_a, 0.1, delay=3)
        cls.nut = cls._create_product("PRT Nut")
        cls._add_vendor(cls.nut, cls.vendor_b, 0.05, delay=3)
        cls.company.prod_planning_release_fence_days = 7

    def _order(self, product, qty, due, release=None, vendor=None, supply_type="buy", **values):
        """A planned order due ``due`` days from today, released two days before."""
        vals = {
            "product_id": product.id,
            "warehouse_id": self.warehouse.id,
            "company_id": self.company.id,
            "quantity": qty,
            "supply_type": supply_type,
            "release_date": day(due - 2 if release is None else release),
            "due_date": day(due),
        }
        if supply_type == "buy":
            vals["vendor_id"] = (vendor or product.seller_ids[:1].partner_id).id
        vals.update(values)
        return self.env["prod.planning.order"].create(vals)

    def _orders(self, *specs):
        return self.env["prod.planning.order"].union(*(self._order(*spec) for spec in specs))

    def _purchases(self, result):
        return self.env["purchase.order"].browse(result["purchase_order_ids"])

    # Grouping and rounding of the RFQs

    def test_orders_of_a_product_in_a_week_make_one_line(self):
        # The demo's daily bolt needs: one RFQ per vendor and week with ONE
        # bolt line (not five), dated by the first due date.
        week = self._orders(*((self.bolt, 4, due) for due in range(7, 12)))
        next_week = self._order(self.bolt, 3, 15)
        result = (week | next_week).release_orders()
        purchases = self._purchases(result)
        self.assertEqual(len(purchases), 2)
        first = purchases.filtered(lambda p: p.order_line.product_qty == 20)
        self.assertEqual(len(first.order_line), 1)
        self.assertEqual(first.order_line.date_planned.date(), day(7))
        self.assertEqual(week.purchase_line_id, first.order_line)
        self.assertEqual(set(week.mapped("state")), {"released"})
        self.assertEqual(result["released"], 6)

    def test_rounded_up_to_whole_purchase_units(self):
        # Bought by the dozen: 32 units are 3 dozens, not 2.67.
        screw = self._create_product("PRT Screw")
        self.env["product.supplierinfo"].create(
            {
                "partner_id": self.vendor_a.id,
                "product_tmpl_id": screw.product_tmpl_id.id,
                "product_uom_id": self.uom_dozen.id,
                "price": 1.2,
            }
        )
        result = self._orders((screw, 20, 7), (screw, 12, 8)).release_orders()
        line = self._purchases(result).order_line
        self.assertEqual(line.product_uom_id, self.uom_dozen)
        self.assertEqual(line.product_qty, 3)

    def test_counted_units_are_whole_and_measured_ones_keep_their_precision(self):
        board = self._create_product("PRT Board")
        self._add_vendor(board, self.vendor_a, 20.0)
        tube = self._create_product("PRT Tube", uom=self.env.ref("uom.product_uom_meter"))
        self._add_vendor(tube, self.vendor_a, 3.0)
        result = self._orders((board, 1.5, 7), (tube, 14.4, 7)).release_orders()
        lines = self._purchases(result).order_line
        self.assertEqual(lines.filtered(lambda line: line.product_id == board).product_qty, 2)
        self.assertEqual(lines.filtered(lambda line: line.product_id == tube).product_qty, 14.4)

    def test_vendor_minimum_and_multiple(self):
        washer = self._create_product("PRT Washer")
        info = self._add_vendor(washer, self.vendor_a, 0.01, min_qty=50)
        info.multiplier_qty = 20
        small, large = self._order(washer, 8, 7), self._order(washer, 61, 14)
        self.assertEqual(self._purchases(small.release_orders()).order_line.product_qty, 60)
        self.assertEqual(self._purchases(large.release_orders()).order_line.product_qty, 80)
        with self.assertRaisesRollback(ValidationError, "multiple of Test Vendor A for PRT Washer is negative"):
            info.multiplier_qty = -1

    def test_grouping_keyword(self):
        specs = ((self.bolt, 1, 7), (self.bolt, 1, 8), (self.bolt, 1, 14))
        per_due = self._orders(*specs).release_orders(grouping="due")
        self.assertEqual(len(per_due["purchase_order_ids"]), 3)
        per_month = self._orders(*specs).release_orders(grouping="month")
        self.assertEqual(self._purchases(per_month).order_line.product_qty, 3)
        # The fence: release dates up to today + 7 days, one RFQ with a line
        # per week; the others stay.
        later = self._order(self.bolt, 1, 30)
        in_fence = self._orders((self.bolt, 1, 1), (self.bolt, 1, 7), (self.bolt, 1, 8))
        fenced = (in_fence | later).release_orders(grouping="fence")
        self.assertEqual(len(fenced["purchase_order_ids"]), 1)
        self.assertEqual(self._purchases(fenced).order_line.mapped("product_qty"), [1, 2])
        self.assertEqual(fenced["skipped_ids"], later.ids)
        self.assertNotEqual(later.state, "released")
        with self.assertRaisesRollback(UserError, "Unknown release grouping 'day'"):
            later.release_orders(grouping="day")

    def test_scheduled_release_rounds_like_the_engine(self):
        screw = self._create_product("PRT Screw")
        self.env["product.supplierinfo"].create(
            {
                "partner_id": self.vendor_a.id,
                "product_tmpl_id": screw.product_tmpl_id.id,
                "product_uom_id": self.uom_dozen.id,
                "price": 1.2,
            }
        )
        self.env["prod.planning.parameter"].create(
            {"product_id": screw.id, "warehouse_id": self.warehouse.id, "auto_release": True}
        )
        self._deliver(screw, 30, "2026-03-13 10:00:00")
        self._run_as_cron("prod.planning.run", "_cron_plan_and_release")
        order = self._planned(screw)
        self.assertEqual(order.state, "released")
        self.assertEqual(order.purchase_line_id.product_qty, 3)

    # The wizard

    def _wizard(self, orders, user=None):
        env = self.env(user=user) if user else self.env
        context = {"active_model": "prod.planning.order", "active_ids": orders.ids}
        action = orders.with_env(env).action_open_release_wizard()
        self.assertEqual(action["res_model"], "prod.planning.release.wizard")
        return Form(env["prod.planning.release.wizard"].with_context(**context))

    def test_wizard_previews_rfqs_and_mos_then_releases(self):
        chair = self._create_product("PRT Chair", route="manufacture")
        self._create_bom(chair, [(self.bolt, 4)])
        orders = self._orders(
            (self.bolt, 4, 7),
            (self.bolt, 4, 9),
            (self.nut, 10, 8),
            (self.bolt, 2, 1, -2),  # should have been released two days ago
        )
        orders |= self._order(chair, 2, 10, supply_type="manufacture", bom_id=chair.bom_ids.id)
        wizard_form = self._wizard(orders, self.planner)
        self.assertEqual(wizard_form.grouping, "week")
        self.assertEqual(wizard_form.rfq_count, 3)
        self.assertEqual(wizard_form.production_count, 1)
        self.assertEqual(wizard_form.late_count, 1)
        lines = wizard_form.rfq_line_ids._records
        rows = [
            (line["vendor_id"], line["product_id"], line["date"], line["purchase_qty"], line["late"]) for line in lines
        ]
        self.assertEqual(
            rows,
            [
                (self.vendor_a.id, self.bolt.id, day(1), 2, True),
                (self.vendor_a.id, self.bolt.id, day(7), 8, False),
                (self.vendor_b.id, self.nut.id, day(8), 10, False),
            ],
        )
        self.assertEqual(lines[0]["days_late"], 2)
        self.assertIn("Test Vendor A", lines[1]["rfq_name"])
        wizard_form.grouping = "month"
        self.assertEqual(wizard_form.rfq_count, 2)
        self.assertEqual(len(wizard_form.rfq_line_ids), 2)
        wizard = wizard_form.save()
        self.assertEqual(len(wizard.rfq_line_ids), 2, "the preview is the engine's, not the client's")
        action = wizard.action_confirm()
        self.assertEqual(set(orders.mapped("state")), {"released"})
        purchases = orders.purchase_line_id.order_id
        self.assertEqual(len(purchases), 2)
        self.assertEqual(action["tag"], "display_notification")
        params = action["params"]
        self.assertIn("5 planned orders released into 2 RFQs: %s, %s; 1 manufacturing order: %s.", params["message"])
        urls = [link["url"] for link in params["links"]]
        self.assertEqual(
            urls,
            [f"/odoo/action-purchase.purchase_rfq/{p.id}" for p in purchases.sorted("id")]
            + [f"/odoo/action-mrp.mrp_production_action/{orders.production_id.id}"],
        )
        self.assertEqual(params["links"][0]["label"], purchases.sorted("id")[0].name)

    def test_notification_of_one_order_is_singular(self):
        action = self._order(self.bolt, 4, 7).action_release()
        message = action["params"]["message"]
        self.assertIn("1 planned order released into 1 RFQ: %s.", message)
        self.assertNotIn("planned orders", message)
        self.assertEqual(len(action["params"]["links"]), 1)

    def test_many_rfqs_open_in_a_list(self):
        orders = self._orders(*((self.bolt, 1, due) for due in range(7, 7 + 12)))
        action = orders._release_notification(orders.release_orders(grouping="due"))
        self.assertEqual(len(action["params"]["links"]), 10)
        self.assertIn("and 2 more", action["params"]["message"])
        self.assertEqual(action["params"]["next"]["res_model"], "purchase.order")
        self.assertEqual(len(action["params"]["next"]["domain"][0][2]), 12)

    def test_wizard_needs_planning_rights(self):
        order = self._order(self.bolt, 4, 7)
        clerk = new_user(self.env, "test_release_clerk", groups="base.group_user")
        with self.assertRaises(AccessError):
            order.with_user(clerk).action_open_release_wizard()
        with self.assertRaises(AccessError):
            order.with_user(clerk).release_orders()

    def test_wizard_without_orders_is_refused(self):
        wizard = self.env["prod.planning.release.wizard"].create({})
        with self.assertRaisesRollback(UserError, "Select the planned orders to release"):
            wizard.action_confirm()

    # Filters and what each planned order shows

    def test_due_for_release_and_overdue_filters(self):
        overdue = self._order(self.bolt, 1, 1, -3)
        due_today = self._order(self.bolt, 1, 2, 0)
        in_fence = self._order(self.bolt, 1, 9, 7)
        later = self._order(self.bolt, 1, 12, 8)
        released = self._order(self.bolt, 1, 3, -1)
        released.release_orders()
        mine = overdue | due_today | in_fence | later | released
        Order = self.env["prod.planning.order"]
        due = Order.search([("id", "in", mine.ids), ("due_for_release", "=", True)])
        self.assertEqual(due, overdue | due_today | in_fence)
        self.assertEqual(Order.search([("id", "in", mine.ids), ("due_for_release", "=", False)]), later | released)
        self.assertEqual([o.days_late for o in (overdue, due_today, in_fence, released)], [3, 0, 0, 0])
        # The filters of the search view, as the web client applies them.
        search = self.env.ref("prod_planning.prod_planning_order_view_search")
        for name, expected in (("filter_due_for_release", due), ("filter_overdue_release", overdue)):
            node = search.arch.split(f'name="{name}"')[1].split("/>")[0]
            domain = node.split('domain="')[1].split('"')[0].replace("&lt;", "<")
            found = Order.search([("id", "in", mine.ids)] + ast.literal_eval(domain))
            self.assertEqual(found, expected, name)

    def test_planned_orders_show_the_demand_they_serve(self):
        chair = self._create_product("PRT Chair", route="manufacture")
        self._create_bom(chair, [(self.bolt, 4)])
        picking = self._deliver(chair, 2, "2026-03-20 10:00:00")
        run = self._run()
        self.assertEqual(run.state, "done", run.error_message)
        self.assertEqual(self._planned(chair).demand_origin, picking.name)
        self.assertEqual(self._planned(self.bolt).demand_origin, picking.name, "through the parent chair order")
