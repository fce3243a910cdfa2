from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common_vendor import VendorCase

TODAY = "2024-06-03 09:00:00"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestVendorContact(VendorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._order(cls.vendor_a, [(cls.part, 10, "2024-06-05"), (cls.bolt, 100, "2024-06-05", 2.0)])
        cls.line_part, cls.line_bolt = cls.order.order_line
        cls.followup_type = cls.env.ref("prod_planning.mail_activity_type_vendor_followup")

    def test_log_contact_with_followup_schedules_activity_for_buyer(self):
        contact = self._contact(
            purchase_order_id=self.order.id, summary="Asked for the shipping date", next_followup_date="2024-06-05"
        )
        activity = contact.followup_activity_id
        self.assertTrue(activity)
        self.assertEqual(activity.user_id, self.buyer)
        self.assertEqual(activity.activity_type_id, self.followup_type)
        self.assertEqual(activity.date_deadline, date(2024, 6, 5))
        self.assertEqual(contact.user_id, self.buyer)
        # Moving the follow-up moves the activity, never adds a second one.
        contact.next_followup_date = "2024-06-07"
        self.assertEqual(contact.activity_ids, activity)
        self.assertEqual(activity.date_deadline, date(2024, 6, 7))
        # Clearing it removes the activity.
        contact.next_followup_date = False
        self.assertFalse(contact.activity_ids)
        # The contact is in the order's chatter and behind its smart button.
        self.assertEqual(self.order.prod_planning_contact_count, 1)
        self.assertIn("Asked for the shipping date", self.order.message_ids[:1].body)

    def test_responsible_falls_back_to_vendor_buyer_then_current_user(self):
        self.vendor_b.buyer_id = self.buyer
        contact = self._contact(vendor=self.vendor_b, next_followup_date="2024-06-04")
        self.assertEqual(contact.user_id, self.buyer)
        self.assertEqual(contact.followup_activity_id.user_id, self.buyer)
        other = self.env["res.partner"].create({"name": "No Buyer Vendor"})
        contact = self._contact(vendor=other)
        self.assertEqual(contact.user_id, self.env.user)

    def test_contacts_and_their_follow_ups_in_the_activity_view(self):
        self.assertActionViews(
            "prod_planning.prod_planning_vendor_contact_action",
            {"activity": "prod_planning.prod_planning_vendor_contact_view_activity"},
        )

    def test_new_contact_closes_previous_followup(self):
        first = self._contact(purchase_order_id=self.order.id, next_followup_date="2024-06-04")
        activity = first.followup_activity_id
        self._contact(purchase_order_id=self.order.id, direction="in", outcome="confirmed", date="2024-06-03 10:00:00")
        self.assertFalse(activity.exists() and activity.active)
        self.assertFalse(first.activity_ids)

    def test_new_promised_date_moves_lines_and_records_revision(self):
        contact = self._contact(
            purchase_order_id=self.order.id,
            purchase_line_ids=[Command.set(self.line_part.ids)],
            direction="in",
            outcome="new_date",
            new_promised_date="2024-06-12",
            summary="Strike at the mill",
        )
        self.assertEqual(self.line_part.date_promised, date(2024, 6, 12))
        self.assertEqual(self.line_part.date_planned, datetime(2024, 6, 12, 12, 0))
        self.assertEqual(self.line_part.date_requested_original, date(2024, 6, 5))
        # Only the line concerned moved.
        self.assertEqual(self.line_bolt.date_promised, date(2024, 6, 5))
        revision = self.line_part.promised_revision_ids
        self.assertEqual(len(revision), 1)
        self.assertRecordValues(
            revision,
            [
                {
                    "old_date": date(2024, 6, 5),
                    "new_date": date(2024, 6, 12),
                    "delta_days": 7,
                    "is_slip": True,
                    "source": "contact",
                    "reason": "Strike at the mill",
                    "contact_id": contact.id,
                    "user_id": self.env.user.id,
                }
            ],
        )
        self.assertEqual(self.line_part.slip_count, 1)
        self.assertTrue(self.line_part.vendor_confirmed)
        self.assertFalse(self.line_bolt.vendor_confirmed)
        # The open receipt moves too, so that the next planning run sees it.
        move = self.line_part.move_ids
        self.assertEqual(move.date, datetime(2024, 6, 12, 12, 0))
        self.assertEqual(contact.revision_ids, revision)

    def test_new_promised_date_without_lines_applies_to_open_lines(self):
        self._receive(self.line_bolt, 100, "2024-06-03")
        self._contact(purchase_order_id=self.order.id, outcome="new_date", new_promised_date="2024-06-10")
        self.assertEqual(self.line_part.date_promised, date(2024, 6, 10))
        # The received line is left alone.
        self.assertEqual(self.line_bolt.date_promised, date(2024, 6, 5))

    def test_earlier_promise_is_a_revision_but_not_a_slip(self):
        self._contact(
            purchase_order_id=self.order.id,
            purchase_line_ids=[Command.set(self.line_part.ids)],
            outcome="new_date",
            new_promised_date="2024-06-04",
        )
        revision = self.line_part.promised_revision_ids
        self.assertEqual(revision.delta_days, -1)
        self.assertFalse(revision.is_slip)
        self.assertEqual(self.line_part.slip_count, 0)

    def test_confirmed_outcome_marks_lines_confirmed(self):
        self._contact(purchase_order_id=self.order.id, outcome="confirmed")
        self.assertEqual((self.line_part | self.line_bolt).mapped("vendor_confirmed"), [True, True])
        self.assertFalse(self.line_part.promised_revision_ids)

    def test_contact_person_given_as_vendor_is_logged_on_the_company(self):
        contact = self._contact(vendor=self.vendor_contact_person)
        self.assertEqual(contact.partner_id, self.vendor_a)
        self.assertEqual(contact.contact_partner_id, self.vendor_contact_person)
        self.assertEqual(self.vendor_a.prod_planning_contact_count, 1)

    def test_response_time(self):
        call = self._contact(purchase_order_id=self.order.id, date="2024-06-01 08:00:00", outcome="no_answer")
        other_order_call = self._contact(
            purchase_order_id=self._order(self.vendor_a, [(self.part, 1, "2024-06-20")]).id, date="2024-06-01 09:00:00"
        )
        answered_on_the_spot = self._contact(date="2024-06-01 10:00:00", outcome="confirmed")
        self.assertFalse(call.response_date)
        self.assertEqual(answered_on_the_spot.response_hours, 0.0)
        self._contact(
            purchase_order_id=self.order.id,
            direction="in",
            channel="email",
            outcome="confirmed",
            date="2024-06-02 14:30:00",
        )
        self.assertEqual(call.response_date, datetime(2024, 6, 2, 14, 30))
        self.assertAlmostEqual(call.response_hours, 30.5)
        # An answer about this order does not answer a call about another one.
        self.assertFalse(other_order_call.response_date)
        # Recording the answer on the contact itself answers it now.
        other_order_call.outcome = "confirmed"
        self.assertEqual(other_order_call.response_date, datetime(2024, 6, 3, 9, 0))
        self.assertAlmostEqual(other_order_call.response_hours, 48.0)

    def test_log_contact_buttons_prefill_the_form(self):
        for action in (
            self.order.action_prod_planning_log_contact(),
            self.vendor_contact_person.action_prod_planning_log_contact(),
        ):
            self.assertEqual(action["res_model"], "prod.planning.vendor.contact")
            self.assertEqual(action["target"], "new")
        action = self.order.action_prod_planning_log_contact()
        form = Form(self.env["prod.planning.vendor.contact"].with_context(**action["context"]))
        self.assertEqual(form.partner_id, self.vendor_a)
        self.assertEqual(form.purchase_order_id, self.order)
        form.outcome = "new_date"
        form.new_promised_date = date(2024, 6, 9)
        form.purchase_line_ids.add(self.line_bolt)
        form.summary = "Bolts a few days later"
        contact = form.save()
        self.assertEqual(self.line_bolt.date_promised, date(2024, 6, 9))
        self.assertEqual(contact.purchase_line_ids, self.line_bolt)
        vendor_action = self.vendor_contact_person.action_prod_planning_log_contact()
        self.assertEqual(vendor_action["context"]["default_partner_id"], self.vendor_a.id)
        self.assertEqual(vendor_action["context"]["default_contact_partner_id"], self.vendor_contact_person.id)
        view = self.vendor_a.action_prod_planning_view_contacts()
        self.assertEqual(self.env["prod.planning.vendor.contact"].search(view["domain"]), contact)

    def test_changing_the_order_in_the_form_changes_the_vendor(self):
        other = self._order(self.vendor_b, [(self.part, 3, "2024-06-08")])
        form = Form(self.env["prod.planning.vendor.contact"])
        form.partner_id = self.vendor_a
        form.purchase_order_id = other
        self.assertEqual(form.partner_id, self.vendor_b)
        form.outcome = "confirmed"
        self.assertEqual(form.save().partner_id, self.vendor_b)

    # ------------------------------------------------------------- bad input

    def test_contact_without_vendor(self):
        with self.assertRaisesRollback(ValidationError, "'Chased the steel' has no vendor"):
            self.env["prod.planning.vendor.contact"].create({"outcome": "no_answer", "summary": "Chased the steel"})
        contact = self._contact()
        with self.assertRaisesRollback(ValidationError, "has no vendor"):
            contact.partner_id = False

    def test_followup_before_contact_date(self):
        with self.assertRaisesRollback(
            ValidationError,
            r"Test Vendor A: Phone → 06/03/2024: the next follow-up \(06/02/2024\) "
            "is before the contact",
        ):
            self._contact(next_followup_date="2024-06-02")
        contact = self._contact(next_followup_date="2024-06-03")
        with self.assertRaisesRollback(ValidationError, "is before the contact"):
            contact.date = "2024-06-10 08:00:00"

    def test_outcome_without_its_value(self):
        with self.assertRaisesRollback(ValidationError, "no date is given"):
            self._contact(purchase_order_id=self.order.id, outcome="new_date")
        with self.assertRaisesRollback(ValidationError, "no new price is given"):
            self._contact(purchase_order_id=self.order.id, outcome="price_change")
        with self.assertRaisesRollback(ValidationError, "needs the purchase order"):
            self._contact(outcome="new_date", new_promised_date="2024-06-10")

    def test_promised_date_on_cancelled_line(self):
        cancelled = self._order(self.vendor_a, [(self.part, 5, "2024-06-06")])
        cancelled.button_cancel()
        line = cancelled.order_line
        with self.assertRaisesRollback(
            ValidationError, f"Purchase line {cancelled.name} / \\[VT-PART\\] Vendor Test Part is cancelled"
        ):
            self._contact(
                purchase_order_id=cancelled.id,
                purchase_line_ids=[Command.set(line.ids)],
                outcome="new_date",
                new_promised_date="2024-06-10",
            )
        with self.assertRaisesRollback(ValidationError, "no line left to deliver"):
            self._contact(purchase_order_id=cancelled.id, outcome="new_date", new_promised_date="2024-06-10")
        self.assertFalse(line.promised_revision_ids)

    def test_promised_date_on_fully_received_line(self):
        self._receive(self.line_bolt, 100, "2024-06-03")
        with self.assertRaisesRollback(
            ValidationError,
            f"Purchase line {self.order.name} / \\[VT-BOLT\\] Vendor Test Bolt is already fully received",
        ):
            self._contact(
                purchase_order_id=self.order.id,
                purchase_line_ids=[Command.set(self.line_bolt.ids)],
                outcome="new_date",
                new_promised_date="2024-06-10",
            )
        self.assertEqual(self.line_bolt.date_promised, date(2024, 6, 5))

    def test_line_of_another_vendor(self):
        other = self._order(self.vendor_b, [(self.part, 3, "2024-06-08")])
        with self.assertRaisesRollback(
            ValidationError,
            f"purchase line {other.name} / \\[VT-PART\\] Vendor Test Part is from "
            "vendor Test Vendor B, not from Test Vendor A",
        ):
            self._contact(purchase_line_ids=[Command.set(other.order_line.ids)], outcome="confirmed")
        with self.assertRaisesRollback(ValidationError, f"purchase order {other.name} is from Test Vendor B"):
            self._contact(purchase_order_id=other.id, outcome="confirmed")
        second = self._order(self.vendor_a, [(self.part, 2, "2024-06-09")])
        with self.assertRaisesRollback(
            ValidationError,
            f"purchase line {second.name} / \\[VT-PART\\] Vendor Test Part is not on purchase order {self.order.name}",
        ):
            self._contact(
                purchase_order_id=self.order.id,
                purchase_line_ids=[Command.set(second.order_line.ids)],
                outcome="confirmed",
            )

    def test_log_contact_from_queue_needs_one_vendor(self):
        self._order(self.vendor_b, [(self.part, 3, "2024-05-20")])
        queue = self.env["prod.planning.expediting"]._refresh()
        self.assertGreaterEqual(len(queue.partner_id), 2)
        with self.assertRaisesRegex(UserError, "Select lines of one vendor"):
            queue.action_log_contact()

    def test_log_contacts_batch_all_or_nothing(self):
        model = self.env["prod.planning.vendor.contact"]
        result = model.log_contacts(
            [
                {
                    "vendor": "Test Vendor A",
                    "purchase_order": self.order.name,
                    "lines": self.line_part.ids,
                    "channel": "email",
                    "direction": "in",
                    "date": "2024-06-03 08:00:00",
                    "outcome": "new_date",
                    "new_promised_date": "2024-06-11",
                    "summary": "Batch promise",
                },
                {"vendor": self.vendor_b.id, "outcome": "no_answer", "next_followup_date": "2024-06-04"},
            ]
        )
        self.assertEqual(result["created"], 2)
        first, second = model.browse(result["ids"])
        self.assertEqual(first.purchase_order_id, self.order)
        self.assertEqual(self.line_part.date_promised, date(2024, 6, 11))
        self.assertEqual(second.partner_id, self.vendor_b)
        self.assertTrue(second.followup_activity_id)
        before = model.search_count([])
        other = self._order(self.vendor_b, [(self.part, 3, "2024-06-08")])
        bad_rows = [
            {"vendor": self.vendor_a.id, "outcome": "confirmed", "summary": "good row"},
            {"outcome": "no_answer", "summary": "no vendor"},
            {
                "vendor": self.vendor_a.id,
                "outcome": "no_answer",
                "date": "2024-06-03 08:00:00",
                "next_followup_date": "2024-06-01",
            },
            {"vendor": self.vendor_a.id, "lines": other.order_line.ids, "outcome": "confirmed"},
            {"vendor": "Nobody Such", "outcome": "confirmed"},
            {"vendor": self.vendor_a.id, "outcome": "maybe"},
            {"vendor": self.vendor_a.id, "outcome": "confirmed", "colour": "red"},
        ]
        # Odoo's assertRaises rolls back like an RPC call that fails.
        with self.assertRaises(ValidationError) as caught:
            model.log_contacts(bad_rows)
        message = caught.exception.args[0]
        self.assertIn("No vendor contact was logged", message)
        self.assertNotIn("Row 1:", message)
        for expected in (
            "Row 2: Vendor contact 'no vendor' has no vendor",
            "Row 3: Vendor contact Test Vendor A: Phone → 06/03/2024: the next "
            "follow-up (06/01/2024) is before the contact",
            f"Row 4: Vendor contact Test Vendor A: Phone → 06/03/2024: purchase line "
            f"{other.name} / [VT-PART] Vendor Test Part is from vendor Test Vendor B",
            "Row 5: vendor 'Nobody Such' is unknown",
            "Row 6: outcome 'maybe' is not one of",
            "Row 7: unknown keys colour",
        ):
            self.assertIn(expected, message)
        self.assertEqual(model.search_count([]), before)
        with self.assertRaisesRegex(ValidationError, "argument rows .* give a list of rows"):
            model.log_contacts({"vendor": 1})
