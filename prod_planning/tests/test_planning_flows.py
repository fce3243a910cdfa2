"""A planner's daily flows: manual planned orders, forecasts, promised dates,
exceptions that persist and act (issue #13, items 2 and 4)."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import PlanningRunCase
from .common_vendor import VendorCase

# A Wednesday.
TODAY = "2026-03-04 09:00:00"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestManualPlanning(PlanningRunCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.steel = cls._create_product("Flow Steel")
        cls._add_vendor(cls.steel, cls.vendor_b, 3.0, delay=4)
        cls._add_vendor(cls.steel, cls.vendor_a, 2.0, delay=6)
        cls.table = cls._create_product("Flow Table", route="manufacture")
        cls.table_bom = cls._create_bom(cls.table, [(cls.steel, 2)])
        cls.table_bom.produce_delay = 2
        cls.orders = cls.env["prod.planning.order"].with_user(cls.planning_manager)

    def test_new_planned_order_gets_company_warehouse_and_vendor(self):
        # Before: "Invalid fields: Company", then the hidden warehouse.
        with Form(self.orders) as form:
            form.product_id = self.steel
            self.assertEqual(form.supply_type, "buy")
            # The first vendor price line (sequence, then price): vendor A.
            self.assertEqual(form.vendor_id, self.vendor_a)
            self.assertEqual(form.due_date, date(2026, 3, 10), "release date + the vendor's delay")
            form.quantity = 5
        order = form.record
        self.assertEqual(order.company_id, self.env.company)
        self.assertEqual(order.warehouse_id.company_id, self.env.company)
        self.assertEqual(order.state, "firm", "made by hand: the next run keeps it")
        with Form(self.orders) as form:
            form.product_id = self.table
            form.quantity = 2
            self.assertEqual(form.supply_type, "manufacture")
            self.assertEqual(form.bom_id, self.table_bom)
            self.assertFalse(form.vendor_id)

    def test_manual_order_survives_the_next_run(self):
        order = self.orders.create(
            {
                "product_id": self.steel.id,
                "warehouse_id": self.warehouse.id,
                "quantity": 4,
                "vendor_id": self.vendor_a.id,
            }
        )
        self._run()
        self.assertTrue(order.exists())

    def test_quantity_must_be_positive_and_due_not_before_release(self):
        values = {"product_id": self.steel.id, "warehouse_id": self.warehouse.id, "release_date": "2026-03-10"}
        with self.assertRaisesRollback(ValidationError, r"Planned order Buy -5.0 Flow Steel .*not positive"):
            self.orders.create({**values, "quantity": -5, "due_date": "2026-03-12"})
        with self.assertRaisesRollback(ValidationError, r"Planned order Buy 0.0 Flow Steel .*not positive"):
            self.orders.create({**values, "quantity": 0, "due_date": "2026-03-12"})
        with self.assertRaisesRollback(ValidationError, r"Flow Steel .*due date .* is before the release date"):
            self.orders.create({**values, "quantity": 5, "due_date": "2026-03-09"})

    def test_editing_a_planned_order_firms_it(self):
        self._deliver(self.steel, 10, "2026-03-20 10:00:00")
        self._deliver(self.steel, 5, "2026-03-27 10:00:00")
        self._deliver(self.steel, 7, "2026-04-03 10:00:00")
        self._run()
        first, second, third = self._planned(self.steel)
        self.assertEqual((first | second | third).mapped("state"), ["draft"] * 3)
        first.quantity = 12
        second.due_date = date(2026, 3, 26)
        third.vendor_id = self.vendor_a
        self.assertEqual((first | second | third).mapped("state"), ["firm"] * 3)
        self._run()
        self.assertTrue((first | second | third).exists() == first | second | third)
        self.assertEqual(first.quantity, 12)

    def test_forecast_in_closed_period_is_refused(self):
        forecasts = self.env["prod.planning.forecast"]
        with self.assertRaisesRollback(ValidationError, "Flow Steel: the period .* is closed"):
            forecasts.create(
                {
                    "product_id": self.steel.id,
                    "warehouse_id": self.warehouse.id,
                    "date_start": "2026-02-01",
                    "quantity": 1,
                }
            )
        with self.assertRaisesRollback(ValidationError, "is closed"):
            forecasts.create(
                {
                    "product_id": self.steel.id,
                    "warehouse_id": self.warehouse.id,
                    "date_start": "2026-02-23",
                    "period": "week",
                    "quantity": 1,
                }
            )
        # The current period is still open.
        forecasts.create(
            {
                "product_id": self.steel.id,
                "warehouse_id": self.warehouse.id,
                "date_start": "2026-03-02",
                "period": "week",
                "quantity": 1,
            }
        )

    def test_overlapping_forecasts_are_refused(self):
        forecasts = self.env["prod.planning.forecast"]
        values = {"product_id": self.steel.id, "warehouse_id": self.warehouse.id, "period": "week", "quantity": 3}
        forecasts.create({**values, "date_start": "2026-03-09"})
        with self.assertRaisesRollback(ValidationError, "overlaps the forecast Flow Steel, Week of"):
            forecasts.create({**values, "date_start": "2026-03-11"})
        with self.assertRaisesRollback(ValidationError, "overlaps"):
            forecasts.create([{**values, "date_start": "2026-03-23"}, {**values, "date_start": "2026-03-25"}])
        # Next week, or a month in another kind of period, is fine.
        forecasts.create({**values, "date_start": "2026-03-16"})
        forecasts.create({**values, "period": "month", "date_start": "2026-03-01"})

    def test_product_fields_offer_storable_products_only(self):
        service = self.env["product.product"].create({"name": "Flow Service", "type": "service"})
        for model, view in (
            ("prod.planning.forecast", "prod_planning.prod_planning_forecast_view_list"),
            ("prod.planning.order", "prod_planning.prod_planning_order_view_form"),
        ):
            domain = self.env[model]._fields["product_id"].domain
            names = self.env["product.product"].name_search("Flow", domain=domain)
            self.assertNotIn(service.id, [product_id for product_id, _name in names], model)
            arch = self.env.ref(view).arch
            self.assertRegex(arch, r"name=\"product_id\"[^>]*no_create", view)


@tagged("post_install", "-at_install")
@freeze_time("2024-06-03 09:00:00")
class TestPromisedDateInThePast(VendorCase):
    def test_new_promised_date_before_today_is_refused(self):
        order = self._order(self.vendor_a, [(self.part, 5, "2024-06-10")])
        line = order.order_line
        with self.assertRaisesRollback(ValidationError, r"new promised date 05/30/2024 is in the past"):
            self._contact(
                purchase_order_id=order.id,
                purchase_line_ids=[Command.set(line.ids)],
                outcome="new_date",
                new_promised_date="2024-05-30",
            )
        with self.assertRaisesRollback(ValidationError, "is in the past"):
            line._prod_planning_set_promised_date("2024-06-01", source="contact")
        self.assertFalse(line.promised_revision_ids)
        self._slip(line, "2024-06-03")
        self.assertEqual(line.date_promised, date(2024, 6, 3))


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestExceptionFlows(PlanningRunCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.steel = cls._create_product("Flow Steel", standard_price=1.0)
        cls._add_vendor(cls.steel, cls.vendor_a, 1.0, delay=3)
        cls.Exception = cls.env["prod.planning.exception"]

    def _open(self, product, kind):
        return self._exceptions(product, kind)

    def test_ignored_message_stays_ignored_until_its_situation_changes(self):
        self._deliver(self.steel, 10, "2026-03-13 10:00:00")
        purchase = self._purchase(self.steel, self.vendor_a, 10, "2026-03-20 12:00:00")
        self._run()
        message = self._open(self.steel, "reschedule_in")
        self.assertEqual(message.origin_ref, purchase.order_line)
        message.action_ignore()
        self._run()
        self.assertFalse(self._open(self.steel, "reschedule_in"), "ignored: it does not come back")
        self.assertEqual(message.exists().state, "ignored")
        # The need moves: the situation the planner ignored is gone.
        purchase.order_line.move_ids.date = "2026-03-23 12:00:00"
        self._run()
        again = self._open(self.steel, "reschedule_in")
        self.assertEqual(len(again), 1)
        self.assertFalse(message.exists(), "the stale ignored message is replaced by the open one")

    def test_open_message_in_the_same_situation_is_kept_by_the_next_run(self):
        self._deliver(self.steel, 10, "2026-03-13 10:00:00")
        purchase = self._purchase(self.steel, self.vendor_a, 10, "2026-03-20 12:00:00")
        self._run()
        message = self._open(self.steel, "reschedule_in")
        self.assertEqual(len(message), 1)
        second = self._run()
        self.assertEqual(self._open(self.steel, "reschedule_in"), message, "the same record, not a copy")
        self.assertEqual(message.run_id, second)
        self.assertEqual(second.exception_count, self.Exception.search_count([("run_id", "=", second.id)]))
        # Worded differently (the purchase order renamed): a new message.
        purchase.name = "PO-RENAMED"
        self._run()
        again = self._open(self.steel, "reschedule_in")
        self.assertEqual(len(again), 1)
        self.assertNotEqual(again, message)
        self.assertFalse(message.exists())
        self.assertIn("PO-RENAMED", again.message)

    def test_ignored_late_planned_order_stays_ignored(self):
        self._deliver(self.steel, 10, "2026-03-06 10:00:00")
        self._run()
        late = self._open(self.steel, "late")
        self.assertEqual(len(late), 1)
        late.action_ignore()
        self._run()
        self.assertFalse(self._open(self.steel, "late"))
        self.assertEqual(late.exists().state, "ignored")

    def test_late_messages_merged_with_priority_and_suggestion(self):
        self.env["prod.planning.parameter"].create(
            {
                "product_id": self.steel.id,
                "warehouse_id": self.warehouse.id,
                "lot_policy": "min_max_multiple",
                "lot_max_qty": 4,
            }
        )
        picking = self._deliver(self.steel, 10, "2026-03-05 10:00:00")
        self._run()
        self.assertEqual(len(self._planned(self.steel)), 3)
        late = self._open(self.steel, "late")
        self.assertEqual(len(late), 1, "one message per product and demand, not one per planned order")
        self.assertEqual(late.quantity, 10)
        self.assertEqual(late.demand_ref, f"stock.move,{picking.move_ids.id}")
        # Released today, it arrives three working days later (Monday 9th).
        self.assertEqual((late.date, late.suggested_date), (date(2026, 3, 9), date(2026, 3, 5)))
        self.assertEqual(late.days_late, 4)
        self.assertEqual(late.priority, "1", "4 days late: high, not urgent")
        self.assertIn("3 supplies", late.message)
        self.assertIn(f"move {picking.name} to 03/09/2026", late.suggestion)
        self.assertIn("expedite it to 03/05/2026", late.suggestion)

    def test_late_cheap_and_soon_is_normal_priority(self):
        cheap = self._create_product("Flow Washer", standard_price=0.01)
        self._add_vendor(cheap, self.vendor_a, 0.01, delay=2)
        self._deliver(cheap, 5, "2026-03-05 10:00:00")
        self._run()
        late = self._open(cheap, "late")
        self.assertEqual((late.days_late, late.priority), (1, "0"))

    def test_cancel_supply_of_a_cancel_message(self):
        rfq = self._purchase(self.steel, self.vendor_a, 8, "2026-03-18 12:00:00", confirm=False)
        confirmed = self._purchase(self.steel, self.vendor_a, 6, "2026-03-19 12:00:00")
        table = self._create_product("Flow Table", route="manufacture")
        self._create_bom(table, [(self.steel, 1)])
        self._set_on_hand(self.steel, 100)
        production = self.env["mrp.production"].create(
            {"product_id": table.id, "product_qty": 2, "picking_type_id": self.warehouse.manu_type_id.id}
        )
        production.action_confirm()
        self._run()
        messages = self._open(self.steel, "cancel") | self._open(table, "cancel")
        by_origin = {message.origin_ref: message for message in messages}
        rfq_message, po_message = by_origin[rfq.order_line], by_origin[confirmed.order_line]
        mo_message = by_origin[production]
        self.assertIn("Cancel Supply does it on an RFQ", rfq_message.suggestion)
        result = (rfq_message | po_message | mo_message).action_cancel_supply()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("2 of 3 messages done; 1 not", result["params"]["message"])
        self.assertIn(f"purchase order {confirmed.name} is confirmed", result["params"]["message"])
        self.assertEqual(rfq.state, "cancel")
        self.assertFalse(rfq.order_line)
        self.assertEqual(production.state, "cancel")
        self.assertEqual(confirmed.state, "purchase")
        self.assertEqual((rfq_message | po_message | mo_message).mapped("state"), ["done", "open", "done"])

    def test_bulk_apply_applies_what_applies_and_reports_the_rest(self):
        self._deliver(self.steel, 10, "2026-03-13 10:00:00")
        purchase = self._purchase(self.steel, self.vendor_a, 10, "2026-03-20 12:00:00")
        other = self._create_product("Flow Bolt")
        self._add_vendor(other, self.vendor_a, 1.0, delay=3)
        self._deliver(other, 5, "2026-03-05 10:00:00")
        self._run()
        reschedule = self._open(self.steel, "reschedule_in")
        late = self._open(other, "late")
        result = (reschedule | late).action_apply()
        self.assertEqual(result["params"]["type"], "warning")
        message = result["params"]["message"]
        self.assertIn("1 of 2 messages done; 1 not", message)
        self.assertIn("Late: Flow Bolt: only reschedule messages", message)
        self.assertEqual(reschedule.state, "done")
        self.assertEqual(purchase.order_line.date_planned.date(), date(2026, 3, 13))
        self.assertEqual(late.state, "open")
        with self.assertRaisesRegex(UserError, "Late: Flow Bolt: only reschedule messages"):
            late.action_apply()
