"""Delivery promises on quotations: line promise, onchange, check availability,
accepted promises consumed by the next quotation."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from odoo.addons.prod_planning.tests.common import PlanningRunCase, new_user


@tagged("post_install", "-at_install")
@freeze_time("2026-03-09 10:00:00")
class TestSalePromise(PlanningRunCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.days_to_purchase = 0
        cls.bolt = cls._create_product("Sale Promise Bolt", default_code="SP-BOLT", sale_ok=True)
        cls._add_vendor(cls.bolt, cls.vendor_a, 0.1, delay=10)
        cls.salesman = new_user(cls.env, "promise_salesman", groups="base.group_user,sales_team.group_sale_salesman")

    def _quotation(self, qty, user=None):
        env = self.env(user=user) if user else self.env
        return env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "warehouse_id": self.warehouse.id,
                "order_line": [Command.create({"product_id": self.bolt.id, "product_uom_qty": qty})],
            }
        )

    def test_line_promise_button(self):
        # 10 on hand: 6 today; bought in 10 working days for more (the 23rd).
        self._set_on_hand(self.bolt, 10)
        order = self._quotation(6, user=self.salesman)
        order.order_line.action_promise()
        self.assertEqual(order.order_line.promise_date, date(2026, 3, 9))
        self.assertEqual(order.order_line.promise_constrained_by, "Stock")
        order.order_line.product_uom_qty = 15
        order.order_line.action_promise()
        self.assertEqual(order.order_line.promise_date, date(2026, 3, 23))
        self.assertEqual(order.order_line.promise_constrained_by, "Vendor lead time of [SP-BOLT] Sale Promise Bolt")

    def test_onchange_of_quantity(self):
        self._set_on_hand(self.bolt, 10)
        with Form(self.env["sale.order"].with_user(self.salesman)) as form:
            form.partner_id = self.customer
            form.warehouse_id = self.warehouse
            with form.order_line.new() as line:
                line.product_id = self.bolt
                line.product_uom_qty = 4
                self.assertEqual(line.promise_date, date(2026, 3, 9))
                line.product_uom_qty = 40
                self.assertEqual(line.promise_date, date(2026, 3, 23))
        self.assertEqual(form.record.order_line.promise_date, date(2026, 3, 23))

    def test_check_availability_accept_and_consume(self):
        # 10 on hand, 15 asked: 10 today, or all on the 23rd.
        self._set_on_hand(self.bolt, 10)
        order = self._quotation(15, user=self.salesman)
        action = order.with_user(self.salesman).action_check_availability()
        wizard = self.env["prod.planning.promise.wizard"].browse(action["res_id"]).with_user(self.salesman)
        self.assertEqual((wizard.complete_date, wizard.partial_date), (date(2026, 3, 23), date(2026, 3, 9)))
        # The dialog opens for a salesperson as the web client reads it.
        form = wizard.get_views([(False, "form")])["views"]["form"]
        self.assertIn("action_accept", form["arch"])
        (shown,) = wizard.web_read(
            {"complete_date": {}, "partial_summary": {}, "line_ids": {"fields": {"constrained_by": {}, "date": {}}}}
        )
        self.assertEqual(str(shown["line_ids"][0]["date"]), "2026-03-23")
        wizard.option = "partial"
        wizard.action_accept()
        self.assertEqual(order.commitment_date.date(), date(2026, 3, 9))
        self.assertEqual(order.order_line.promise_date, date(2026, 3, 23))
        # The accepted quotation took the 10 on hand: the next one waits.
        other = self._quotation(5)
        other.action_promise_lines()
        self.assertEqual(other.order_line.promise_date, date(2026, 3, 23))
        # Its own commitment does not count against the first order.
        order.action_promise_lines()
        self.assertEqual(order.order_line.promise_date, date(2026, 3, 23))
        (answer,) = self.env["prod.planning.promise"].promise(
            [{"product": self.bolt.id, "quantity": 1, "warehouse": self.warehouse.id}]
        )
        self.assertEqual(answer["available_now"], 0)

    def test_confirmed_order_does_not_wait_for_itself(self):
        self._set_on_hand(self.bolt, 10)
        order = self._quotation(8)
        order.action_confirm()
        action = order.action_check_availability()
        wizard = self.env["prod.planning.promise.wizard"].browse(action["res_id"])
        self.assertEqual(wizard.complete_date, date(2026, 3, 9))
        wizard.action_accept()
        self.assertEqual(order.commitment_date.date(), date(2026, 3, 9))

    def test_access(self):
        nobody = new_user(self.env, "promise_sale_nobody", groups="base.group_user")
        order = self._quotation(1)
        with self.assertRaises(AccessError):
            order.with_user(nobody).action_check_availability()

    def test_demo_quotations_are_promised(self):
        demo = self.env.ref("prod_planning_sale.sale_order_promise_brightspace_demo", raise_if_not_found=False)
        if not demo:
            self.skipTest("installed without demo data")
        self.assertTrue(all(demo.order_line.mapped("promise_constrained_by")))
