"""prod.planning.promise.promise(lines): delivery promises against real Odoo data."""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import PlanningRunCase, new_user

MONDAY = date(2026, 3, 9)


@tagged("post_install", "-at_install")
@freeze_time("2026-03-09 10:00:00")
class TestPromise(PlanningRunCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.days_to_purchase = 0
        cls.chair = cls._create_product("Promise Chair", route="manufacture", default_code="PRM-CHAIR")
        cls.leg = cls._create_product("Promise Leg", default_code="PRM-LEG")
        cls._add_vendor(cls.leg, cls.vendor_a, 2.0, delay=5)
        cls.bom = cls._create_bom(cls.chair, [(cls.leg, 4)])
        cls.bom.produce_delay = 2
        cls.bolt = cls._create_product("Promise Bolt", default_code="PRM-BOLT")
        cls._add_vendor(cls.bolt, cls.vendor_a, 0.1, delay=10)
        cls.Promise = cls.env["prod.planning.promise"]

    def _promise(self, *lines, user=None):
        model = self.Promise.with_user(user) if user else self.Promise
        rows = [{"warehouse": self.warehouse.id, **line} for line in lines]
        return model.promise(rows)

    def test_free_stock_ships_on_the_requested_day(self):
        self._set_on_hand(self.bolt, 10)
        (answer,) = self._promise({"product": self.bolt.id, "quantity": 10})
        self.assertEqual(answer["date"], "2026-03-09")
        self.assertEqual(answer["available_now"], 10)
        self.assertEqual(answer["split"], [{"date": "2026-03-09", "quantity": 10}])
        self.assertEqual(answer["constrained_by"], "Stock")
        # Asked for Saturday: the next working day, Monday 16.
        (later,) = self._promise({"product": "PRM-BOLT", "quantity": 1, "requested_date": "2026-03-14"})
        self.assertEqual((later["date"], later["constrained_by"]), ("2026-03-16", "Working calendar"))

    def test_look_ahead_and_receipt(self):
        # 10 on hand, 8 delivered on Thursday 12, 10 bought for Friday 20:
        # 2 can ship today, 5 on the 20th when the purchase arrives.
        self._set_on_hand(self.bolt, 10)
        self._deliver(self.bolt, 8, "2026-03-12")
        self._purchase(self.bolt, self.vendor_a, 10, "2026-03-20")
        (answer,) = self._promise({"product": self.bolt.id, "quantity": 5})
        self.assertEqual(answer["date"], "2026-03-20")
        self.assertEqual(answer["available_now"], 2)
        self.assertEqual(
            answer["split"], [{"date": "2026-03-09", "quantity": 2}, {"date": "2026-03-20", "quantity": 3}]
        )
        self.assertIn("Promise Bolt", answer["constrained_by"])

    def test_capable_to_promise_through_the_bom(self):
        # Legs bought in 5 working days (Monday 16), the chair made in 2
        # (Wednesday 18): the legs' vendor lead time constrains.
        (answer,) = self._promise({"product": "PRM-CHAIR", "quantity": 3})
        self.assertEqual(answer["date"], "2026-03-18")
        self.assertEqual(answer["available_now"], 0)
        self.assertEqual(answer["constrained_by"], "Vendor lead time of [PRM-LEG] Promise Leg")
        self.assertIn("Test Vendor A", answer["explanation"])
        self.assertIn("5 working days", answer["explanation"])
        # With legs on hand the chair only waits for its 2 days of making.
        self._set_on_hand(self.leg, 40)
        (answer,) = self._promise({"product": "PRM-CHAIR", "quantity": 3})
        self.assertEqual(answer["date"], "2026-03-11")
        self.assertEqual(answer["constrained_by"], "Manufacturing lead time of [PRM-CHAIR] Promise Chair")

    def test_lines_consume_each_other_and_nothing_is_written(self):
        self._set_on_hand(self.bolt, 10)
        counts = [self.env[m].search_count([]) for m in ("prod.planning.order", "stock.move", "purchase.order")]
        first, second = self._promise(
            {"product": self.bolt.id, "quantity": 6}, {"product": self.bolt.id, "quantity": 6}
        )
        self.assertEqual(first["date"], "2026-03-09")
        # 4 are left: the second line waits for a purchase, 10 working days.
        self.assertEqual(second["available_now"], 4)
        self.assertEqual(second["date"], "2026-03-23")
        self.assertEqual(
            counts, [self.env[m].search_count([]) for m in ("prod.planning.order", "stock.move", "purchase.order")]
        )

    def test_planned_orders_are_supply(self):
        self.env["prod.planning.order"].create(
            {
                "product_id": self.bolt.id,
                "warehouse_id": self.warehouse.id,
                "quantity": 20,
                "supply_type": "buy",
                "release_date": "2026-03-09",
                "due_date": "2026-03-13",
            }
        )
        (answer,) = self._promise({"product": self.bolt.id, "quantity": 15})
        self.assertEqual((answer["date"], answer["constrained_by"]), ("2026-03-13", "Incoming [PRM-BOLT] Promise Bolt"))
        # A planned manufacturing order of 5 chairs released today takes 20
        # of the 20 legs on hand: a leg for a customer waits for the vendor.
        self._set_on_hand(self.leg, 20)
        self.env["prod.planning.order"].create(
            {
                "product_id": self.chair.id,
                "warehouse_id": self.warehouse.id,
                "quantity": 5,
                "supply_type": "manufacture",
                "bom_id": self.bom.id,
                "release_date": "2026-03-09",
                "due_date": "2026-03-11",
            }
        )
        (leg, chair) = self._promise({"product": "PRM-LEG", "quantity": 1}, {"product": "PRM-CHAIR", "quantity": 5})
        self.assertEqual((leg["date"], leg["available_now"]), ("2026-03-16", 0))
        self.assertEqual((chair["date"], chair["constrained_by"]), ("2026-03-11", "Incoming [PRM-CHAIR] Promise Chair"))

    def test_default_warehouse_and_services(self):
        service = self.env["product.product"].create({"name": "Promise Service", "type": "service"})
        self._set_on_hand(self.bolt, 1, self.env["stock.warehouse"].search([], limit=1).lot_stock_id)
        answers = self.Promise.promise(
            [{"product": service.id, "quantity": 3}, {"product": self.bolt.id, "quantity": 1}]
        )
        self.assertEqual(answers[0]["date"], "2026-03-09")
        self.assertEqual(answers[0]["constrained_by"], "Not kept in stock")
        self.assertTrue(answers[1]["date"])

    def test_bad_input_names_the_line(self):
        other_company, other_env, other_warehouse = self._create_company("Promise Other Co")
        foreign = other_env["product.product"].create(
            {"name": "Foreign Bolt", "is_storable": True, "company_id": other_company.id}
        )
        good = {"product": self.bolt.id, "quantity": 1}
        cases = [
            (
                {"product": "NO-SUCH-REF", "quantity": 1},
                r"lines\[1\]: the product 'NO-SUCH-REF' is unknown; give a product",
            ),
            ({"product": 99999999, "quantity": 1}, r"lines\[1\]: the product 99999999 is unknown"),
            ({"product": self.bolt.id, "quantity": 0}, r"lines\[1\]: the quantity is 0; give a quantity above zero"),
            ({"product": self.bolt.id, "quantity": -2}, r"lines\[1\]: the quantity is -2"),
            ({"product": self.bolt.id, "quantity": "two"}, r"lines\[1\]\.quantity"),
            (
                {"product": self.bolt.id, "quantity": 1, "requested_date": "09/03/2026"},
                r"lines\[1\]\.requested_date.*YYYY-MM-DD",
            ),
            ({"product": self.bolt.id, "quantity": 1, "warehouse": 99999999}, r"lines\[1\]\.warehouse"),
            (
                {"product": self.bolt.id, "quantity": 1, "warehouse": other_warehouse.id},
                r"lines\[1\]: the warehouse .* belongs to another company",
            ),
            (
                {"product": foreign.id, "quantity": 1},
                r"lines\[1\]: the product Foreign Bolt belongs to the company Promise Other Co",
            ),
            ({"product": self.bolt.id, "qty": 1}, r"lines\[1\] has unknown options qty"),
        ]
        for line, pattern in cases:
            with self.subTest(line=line), self.assertRaisesRegex(ValidationError, pattern):
                self.Promise.promise([good, line])
        with self.assertRaisesRegex(ValidationError, "lines"):
            self.Promise.promise("PRM-BOLT")

    def test_access(self):
        self._set_on_hand(self.bolt, 1)
        nobody = new_user(self.env, "promise_nobody", groups="base.group_user")
        with self.assertRaises(AccessError):
            self._promise({"product": self.bolt.id, "quantity": 1}, user=nobody)
        stock_user = new_user(self.env, "promise_stock_user", groups="base.group_user,stock.group_stock_user")
        (answer,) = self._promise({"product": self.bolt.id, "quantity": 1}, user=stock_user)
        self.assertEqual(answer["date"], "2026-03-09")
        (answer,) = self._promise({"product": self.bolt.id, "quantity": 1}, user=self.planner)
        self.assertEqual(answer["date"], "2026-03-09")

    def test_delivery_check_availability(self):
        # 3 on hand, a delivery of 5 (its own move must not wait for itself):
        # 3 can ship today, the rest after 10 working days of purchase (23rd).
        self._set_on_hand(self.bolt, 3)
        picking = self._deliver(self.bolt, 5, "2026-03-10 09:00:00")
        stock_user = new_user(self.env, "promise_picker", groups="base.group_user,stock.group_stock_user")
        action = picking.with_user(stock_user).action_open_promise_wizard()
        wizard = self.env["prod.planning.promise.wizard"].browse(action["res_id"])
        self.assertEqual(action["res_model"], "prod.planning.promise.wizard")
        self.assertEqual(wizard.complete_date, date(2026, 3, 23))
        self.assertEqual(wizard.partial_date, MONDAY)
        self.assertEqual(wizard.option, "complete")
        self.assertEqual(wizard.line_ids.mapped("available_now"), [3])
        self.assertIn("Promise Bolt", wizard.line_ids.constrained_by)
        self.assertIn("3 on", wizard.partial_summary)
        wizard.with_user(stock_user).action_accept()
        self.assertEqual(str(picking.scheduled_date), "2026-03-23 09:00:00")
        wizard.option = "partial"
        wizard.action_accept()
        self.assertEqual(str(picking.scheduled_date), "2026-03-09 09:00:00")

    def test_kit_ships_with_its_components(self):
        kit = self._create_product("Promise Bolt Pair", route=None, default_code="PRM-PAIR")
        self._create_bom(kit, [(self.bolt, 2)], bom_type="phantom")
        self._set_on_hand(self.bolt, 10)
        five, six = (
            self._promise({"product": "PRM-PAIR", "quantity": 5}),
            self._promise({"product": "PRM-PAIR", "quantity": 6}),
        )
        self.assertEqual(five[0]["date"], "2026-03-09")
        # 12 bolts: 2 more bought in 10 working days (the 23rd).
        self.assertEqual(six[0]["date"], "2026-03-23")
        self.assertEqual(six[0]["constrained_by"], "Vendor lead time of [PRM-BOLT] Promise Bolt")
