from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_vendor import VendorCase

TODAY = "2024-06-03 09:00:00"
EXPEDITING_LOGGER = "odoo.addons.prod_planning.models.prod_planning_expediting"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestExpediting(VendorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        order = cls._order(
            cls.vendor_a,
            [
                (cls.part, 10, "2024-05-30"),  # late
                (cls.bolt, 50, "2024-06-06", 2.0),  # due soon, not confirmed
                (cls.part, 10, "2024-06-05"),  # due soon, confirmed below
                (cls.part, 10, "2024-07-01"),  # far away: nothing to do
                (cls.bolt, 10, "2024-06-20", 2.0),  # partially received
                (cls.part, 10, "2024-06-25"),  # after the planning need
            ],
        )
        cls.order = order
        (
            cls.line_late,
            cls.line_unconfirmed,
            cls.line_confirmed,
            cls.line_far,
            cls.line_partial,
            cls.line_after_need,
        ) = order.order_line
        cls._contact(
            purchase_order_id=order.id,
            purchase_line_ids=[Command.set(cls.line_confirmed.ids)],
            outcome="confirmed",
            date="2024-06-01 10:00:00",
        )
        cls._receive(cls.line_partial, 3, "2024-06-01")
        cls.env["prod.planning.exception"].create(
            {
                "kind": "reschedule_in",
                "product_id": cls.part.id,
                "company_id": cls.company.id,
                "warehouse_id": cls.warehouse.id,
                "message": "Needed earlier",
                "date": "2024-06-25",
                "suggested_date": "2024-06-14",
                "origin_ref": f"purchase.order.line,{cls.line_after_need.id}",
            }
        )
        # The vendor acknowledged this order through the reminder email.
        cls.acknowledged = cls._order(cls.vendor_a, [(cls.bolt, 5, "2024-06-04", 2.0)])
        cls.acknowledged.acknowledged = True
        cls.expedite_type = cls.env.ref("prod_planning.mail_activity_type_expedite")
        cls.queue = cls.env["prod.planning.expediting"]

    def _rows(self):
        return self.queue.search([("order_id", "in", (self.order | self.acknowledged).ids)])

    def _activities(self, lines):
        return self._line_activities(lines, self.expedite_type)

    def test_reasons_and_urgency(self):
        self.queue._refresh()
        rows = self._rows()
        self.assertEqual(
            rows.purchase_line_id.ids,
            [self.line_late.id, self.line_after_need.id, self.line_unconfirmed.id, self.line_partial.id],
            "sorted by urgency: late, after need, unconfirmed, partial",
        )
        keys = ("reason", "date_promised", "need_date", "days_late", "urgency")
        expected = [
            ("late", date(2024, 5, 30), False, 4, 1000 + 4 * 20),
            ("after_need", date(2024, 6, 25), date(2024, 6, 14), 0, 600 + 11 * 20),
            ("unconfirmed", date(2024, 6, 6), False, 0, 300 + 4 * 20),
            ("partial", date(2024, 6, 20), False, 0, 100),
        ]
        self.assertRecordValues(rows, [dict(zip(keys, row, strict=True)) for row in expected])
        self.assertEqual(rows.mapped("qty_open"), [10, 10, 50, 7])
        self.assertEqual(rows.mapped("qty_received"), [0, 0, 0, 3])
        self.assertEqual(rows.partner_id, self.vendor_a)
        self.assertEqual(rows.user_id, self.buyer)
        self.assertEqual(
            [(r.is_late, r.is_after_need, r.is_unconfirmed, r.is_partial) for r in rows],
            [
                (True, False, False, False),
                (False, True, False, False),
                (False, False, True, False),
                (False, False, False, True),
            ],
        )
        self.assertEqual(rows[0].reasons_label, "Late")

    def test_refresh_follows_the_lines(self):
        self.queue._refresh()
        self._receive(self.line_late, 10, "2024-06-03")
        self.queue._refresh()
        self.assertNotIn(self.line_late, self._rows().purchase_line_id)
        # A contact confirming a line takes it out at once, no refresh needed.
        self._contact(
            purchase_order_id=self.order.id,
            purchase_line_ids=[Command.set(self.line_unconfirmed.ids)],
            direction="in",
            outcome="confirmed",
        )
        self.assertNotIn(self.line_unconfirmed, self._rows().purchase_line_id)
        # A new promise still after the need date keeps the line in.
        self._contact(
            purchase_order_id=self.order.id,
            purchase_line_ids=[Command.set(self.line_after_need.ids)],
            outcome="new_date",
            new_promised_date="2024-06-28",
        )
        row = self._rows().filtered(lambda r: r.purchase_line_id == self.line_after_need)
        self.assertEqual(row.date_promised, date(2024, 6, 28))
        self.assertEqual(row.reason, "after_need")
        # A far line promised within the horizon by the vendor is confirmed.
        self._contact(
            purchase_order_id=self.order.id,
            purchase_line_ids=[Command.set(self.line_far.ids)],
            outcome="new_date",
            new_promised_date="2024-06-04",
        )
        self.assertNotIn(self.line_far, self._rows().purchase_line_id)

    def test_mark_confirmed(self):
        rows = self.queue._refresh()
        row = rows.filtered(lambda r: r.purchase_line_id == self.line_unconfirmed)
        row.action_mark_confirmed()
        self.assertTrue(self.line_unconfirmed.vendor_confirmed)
        self.assertNotIn(self.line_unconfirmed, self._rows().purchase_line_id)
        self.assertIn("Marked as confirmed", self.order.message_ids[0].body)

    def test_cron_schedules_one_activity_per_line_never_duplicates(self):
        result = self.queue._cron_refresh()
        self.assertFalse(result["failed"])
        lines = self._rows().purchase_line_id
        activities = self._activities(lines)
        self.assertEqual(len(activities), 4)
        self.assertEqual(set(activities.prod_planning_purchase_line_id.ids), set(lines.ids))
        self.assertEqual(set(activities.mapped("res_model")), {"purchase.order"})
        self.assertEqual(activities.user_id, self.buyer)
        late_activity = activities.filtered(lambda a: a.prod_planning_purchase_line_id == self.line_late)
        self.assertIn("Late by 4 days", late_activity.summary)
        # Runs again, same day and next day: nothing new while they are open.
        self.queue._cron_refresh()
        with freeze_time("2024-06-04 06:00:00"):
            self.queue._cron_refresh()
        self.assertEqual(self._activities(lines), activities)
        # A line that leaves the queue has its activity closed.
        self._receive(self.line_late, 10, "2024-06-04")
        with freeze_time("2024-06-04 06:00:00"):
            self.queue._cron_refresh()
        self.assertEqual(self._activities(lines), activities - late_activity)

    def test_cron_respects_a_planned_followup(self):
        self._contact(
            purchase_order_id=self.order.id,
            purchase_line_ids=[Command.set(self.line_late.ids)],
            outcome="no_answer",
            next_followup_date="2024-06-05",
        )
        self.queue._cron_refresh()
        row = self._rows().filtered(lambda r: r.purchase_line_id == self.line_late)
        self.assertEqual(row.next_followup_date, date(2024, 6, 5))
        self.assertEqual(row.last_outcome, "no_answer")
        self.assertFalse(self._activities(self.line_late))
        with freeze_time("2024-06-06 06:00:00"):
            self.queue._cron_refresh()
        self.assertEqual(len(self._activities(self.line_late)), 1)

    def test_cron_one_bad_line_does_not_stop_the_others(self):
        # A database error on one line's activity, as a broken record would give.
        cr = self.env.cr
        cr.execute("CREATE TEMP TABLE prod_planning_test_bad_line (line_id int)")
        cr.execute("INSERT INTO prod_planning_test_bad_line VALUES (%s)", [self.line_after_need.id])
        cr.execute(
            """
            CREATE FUNCTION prod_planning_test_refuse_activity() RETURNS trigger
            LANGUAGE plpgsql AS $body$
            BEGIN
                IF NEW.prod_planning_purchase_line_id IN (
                    SELECT line_id FROM prod_planning_test_bad_line) THEN
                    RAISE EXCEPTION 'this line is broken';
                END IF;
                RETURN NEW;
            END $body$
            """
        )
        cr.execute(
            "CREATE TRIGGER prod_planning_test_refuse_activity BEFORE INSERT ON "
            "mail_activity FOR EACH ROW EXECUTE FUNCTION "
            "prod_planning_test_refuse_activity()"
        )
        with self.assertLogs(EXPEDITING_LOGGER, "ERROR") as logs:
            result = self.queue._cron_refresh()
        self.assertEqual(result["failed"], [self.line_after_need.id])
        self.assertIn(str(self.line_after_need.id), logs.output[0])
        lines = self._rows().purchase_line_id
        self.assertEqual(
            set(self._activities(lines).prod_planning_purchase_line_id.ids), set((lines - self.line_after_need).ids)
        )
        # The transaction is still usable, the queue is intact.
        self.assertIn(self.line_after_need, lines)

    def test_send_reminder_in_the_vendor_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        template = self.env.ref("prod_planning.mail_template_vendor_reminder")
        template.with_context(lang="fr_FR").subject = "Livraison de la commande {{ object.name }}"
        self.vendor_b.write({"lang": "fr_FR", "email": "ventes@vendor-b.example.com"})
        french = self._order(self.vendor_b, [(self.part, 4, "2024-05-31"), (self.bolt, 9, "2024-07-31", 2.0)])
        self.queue._refresh()
        rows = self.queue.search([("order_id", "in", (french | self.order).ids)])
        to_remind = rows.filtered(
            lambda r: r.order_id == french or r.purchase_line_id in (self.line_late | self.line_unconfirmed)
        )
        to_remind.action_send_reminder()
        french_message = french.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(len(french_message), 1)
        self.assertEqual(french_message.subject, f"Livraison de la commande {french.name}")
        self.assertIn(self.vendor_b, french_message.partner_ids)
        self.assertIn("Vendor Test Part", french_message.body)
        self.assertNotIn("Vendor Test Bolt", french_message.body)
        english = self.order.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(english.subject, f"{self.company.name}: delivery of order {self.order.name}")
        self.assertIn("Vendor Test Part", english.body)
        self.assertIn("Vendor Test Bolt", english.body)
        # Each reminder is an outgoing contact, waiting for the vendor's answer.
        contact = self.env["prod.planning.vendor.contact"].search([("purchase_order_id", "=", french.id)])
        self.assertRecordValues(contact, [{"channel": "email", "direction": "out", "outcome": "no_answer"}])
        self.assertEqual(contact.purchase_line_ids, french.order_line[0])

    def test_get_queue(self):
        rows = self.queue.get_queue({"refresh": True, "vendor_ids": [self.vendor_a.id]})
        mine = [r for r in rows if r["purchase_order"] == self.order.name]
        self.assertEqual([r["reasons"] for r in mine], [["late"], ["after_need"], ["unconfirmed"], ["partial"]])
        self.assertEqual(mine[0]["date_promised"], "2024-05-30")
        self.assertEqual(mine[1]["need_date"], "2024-06-14")
        late_only = self.queue.get_queue({"reasons": ["late", "partial"]})
        self.assertTrue({self.line_late.id, self.line_partial.id} <= {r["purchase_line_id"] for r in late_only})
        self.assertNotIn(self.line_unconfirmed.id, {r["purchase_line_id"] for r in late_only})
        with self.assertRaisesRegex(UserError, "unknown options"):
            self.queue.get_queue({"vendor": 1})
        with self.assertRaisesRegex(UserError, "options.reasons holds unknown values 'slow'"):
            self.queue.get_queue({"reasons": ["slow"]})
