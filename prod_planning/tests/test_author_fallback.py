"""Users without an email address (integration users usually have none) run
plans, log vendor contacts and fetch feeds: what the addon posts has a sender,
the company (or OdooBot when the company has no address either)."""

import datetime

from odoo.tests import tagged

from .common import MANAGER_GROUPS, PlanningRunCase, new_user
from .common_price import PriceFeedCase
from .common_vendor import VendorCase


class AuthorFallbackMixin:
    @classmethod
    def _setup_users_without_email(cls):
        cls.company.partner_id.email = "planning@example.com"
        cls.integration = new_user(cls.env, "integration_no_email", email=False)
        cls.integration_manager = new_user(cls.env, "integration_manager_no_email", MANAGER_GROUPS, email=False)
        assert not cls.integration.email and not cls.integration_manager.email

    def _last_message_id(self):
        self.env.flush_all()
        return self.env["mail.message"].search([], order="id desc", limit=1).id

    def assertMessagesHaveSender(self, since_id, author=None):
        """The messages created after ``since_id`` have a sender address, the
        company's by default; so have their mails."""
        messages = self.env["mail.message"].search([("id", ">", since_id)])
        self.assertTrue(messages, "the flow posted nothing")
        author = author or self.company.partner_id
        for message in messages:
            self.assertTrue(message.email_from, f"no sender on {message.subject or message.body}")
            self.assertEqual(message.author_id, author, message.body)
        mails = self.env["mail.mail"].sudo().search([("mail_message_id", "in", messages.ids)])
        self.assertTrue(all(mails.mapped("email_from")), mails.mapped("subject"))
        return messages


@tagged("post_install", "-at_install")
class TestPlanningWithoutEmail(AuthorFallbackMixin, PlanningRunCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_users_without_email()
        cls.part = cls._create_product("No Email Part")
        cls._add_vendor(cls.part, cls.vendor_a, 2.0)
        cls._deliver(cls.part, 10, datetime.datetime.now() + datetime.timedelta(days=10))

    def test_user_without_email_runs_the_plan(self):
        since = self._last_message_id()
        summary = (
            self.env["prod.planning.run"]
            .with_user(self.integration)
            .run_planning({"warehouse_ids": self.warehouse.ids, "horizon_days": 30})
        )
        self.assertEqual(summary["state"], "done")
        messages = self.assertMessagesHaveSender(since)
        self.assertEqual(set(messages.mapped("model")), {"prod.planning.run"})

    def test_company_without_email_posts_as_odoobot(self):
        self.company.partner_id.email = False
        since = self._last_message_id()
        self.env["prod.planning.run"].with_user(self.integration).run_planning({"warehouse_ids": self.warehouse.ids})
        self.assertMessagesHaveSender(since, author=self.env.ref("base.partner_root"))

    def test_user_without_email_logs_a_contact_on_a_purchase_order(self):
        purchase = self._purchase(self.part, self.vendor_a, 10, datetime.datetime.now() + datetime.timedelta(days=5))
        since = self._last_message_id()
        followup = datetime.date.today() + datetime.timedelta(days=2)
        result = (
            self.env["prod.planning.vendor.contact"]
            .with_user(self.integration)
            .log_contacts(
                [
                    {
                        "vendor": self.vendor_a.id,
                        "purchase_order": purchase.id,
                        "outcome": "confirmed",
                        "summary": "Confirmed on the phone",
                        "next_followup_date": str(followup),
                        # another user: the activity is notified to them
                        "user": self.planner.id,
                    }
                ]
            )
        )
        self.assertEqual(result["created"], 1)
        messages = self.assertMessagesHaveSender(since)
        self.assertIn("purchase.order", messages.mapped("model"))
        self.assertIn("prod.planning.vendor.contact", messages.mapped("model"))

    def test_user_with_email_stays_the_author(self):
        since = self._last_message_id()
        self.env["prod.planning.run"].with_user(self.planner).run_planning({"warehouse_ids": self.warehouse.ids})
        self.assertMessagesHaveSender(since, author=self.planner.partner_id)


@tagged("post_install", "-at_install")
class TestFeedWithoutEmail(AuthorFallbackMixin, PriceFeedCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_users_without_email()

    def test_user_without_email_fetches_a_feed(self):
        feed = self._feed("/no-email-missing")  # answered 404: a failure is posted
        since = self._last_message_id()
        feed.with_user(self.integration_manager).action_fetch_now()
        self.assertEqual(feed.last_run_state, "failed")
        messages = self.assertMessagesHaveSender(since)
        self.assertEqual(set(messages.mapped("model")), {"prod.planning.price.feed"})


@tagged("post_install", "-at_install")
class TestReminderWithoutEmail(AuthorFallbackMixin, VendorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_users_without_email()

    def test_buyer_without_email_sends_a_reminder(self):
        """The reminder's template sends as the order's buyer, else the user:
        neither has an address here."""
        late = str(datetime.date.today() - datetime.timedelta(days=3))
        order = self._order(self.vendor_a, [(self.part, 5, late)], user=self.integration)
        queue = self.env["prod.planning.expediting"]
        queue._refresh(lines=order.order_line)
        rows = queue.search([("order_id", "=", order.id)])
        self.assertTrue(rows)
        since = self._last_message_id()
        rows.with_user(self.integration).action_send_reminder()
        reminder = self.env["mail.message"].search(
            [("id", ">", since), ("model", "=", "purchase.order"), ("message_type", "=", "comment")]
        )
        self.assertEqual(len(reminder), 1)
        self.assertTrue(reminder.email_from)
        self.assertEqual(reminder.author_id, self.company.partner_id)
        mails = self.env["mail.mail"].sudo().search([("mail_message_id", "=", reminder.id)])
        self.assertTrue(mails and all(mails.mapped("email_from")))
