"""Market feeds fetched with requests from a real HTTP server on 127.0.0.1.

The server (tests/common_price.py) serves one payload per path: good JSON and
CSV, a 500 error, a response slower than the feed's timeout, malformed JSON
and CSV, unknown codes, an empty day, a protected payload.
"""

import json
import time
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common_price import FEED_TIMEOUT, FeedRoute, PriceFeedCase, PriceFeedHandler

SLOW_SECONDS = 1.5


@tagged("post_install", "-at_install")
class TestPriceFeed(PriceFeedCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        day = str(cls._days_ago(1))
        good = [
            {"sku": "STL", "value": 1.5, "day": day, "ccy": cls.company_currency.name},
            {"sku": "SCR", "value": "0.84", "day": day, "ccy": cls.other_currency.name},
            {"sku": "STL-IDX", "value": 780, "day": day},
            {"sku": "SCR", "value": None, "day": str(cls.today)},  # no quote today
        ]
        csv_body = f"code;price;date\nSTL;1.6;{day}\nTUBE;4.25;{day}\nTUBE;;{cls.today}\n"
        unknown = [{"sku": "STL", "value": 9.9, "day": day}, {"sku": "GOLD", "value": 2000, "day": day}]
        cls.routes.update(
            {
                "/good.json": FeedRoute(json.dumps({"data": {"prices": good}})),
                "/good.csv": FeedRoute(csv_body, "text/csv"),
                "/error500": FeedRoute("boom", "text/plain", 500),
                "/slow.json": FeedRoute(json.dumps({"data": {"prices": good}}), delay=SLOW_SECONDS),
                "/bad.json": FeedRoute('{"data": {"prices": [{"sku"'),
                "/bad.csv": FeedRoute("code;price\nSTL;1.0;extra;cells\n", "text/csv"),
                "/badheader.csv": FeedRoute("product,amount\nSTL,1.0\n", "text/csv"),
                "/unknown.json": FeedRoute(json.dumps({"data": {"prices": unknown}})),
                "/empty.json": FeedRoute('{"data": {"prices": []}}'),
                "/protected.json": FeedRoute(
                    json.dumps({"data": {"prices": good[:1]}}), required_header=("X-Api-Key", "s3cret")
                ),
            }
        )

    def test_json_feed(self):
        feed = self._feed("/good.json", partner_id=self.vendor_b.id)
        self._link_index(self.steel_index, self.tube, 0.005)
        self.assertEqual(feed._fetch_feeds(), {feed: "ok"})
        steel = self._observations(self.steel, source="feed")
        self.assertEqual(len(steel), 1)
        self.assertEqual(steel.date, self._days_ago(1))
        self.assertEqual(steel.feed_id, feed)
        self.assertEqual(steel.partner_id, self.vendor_b)
        self.assertAlmostEqual(steel.normalized_price, 1.5)
        screw = self._observations(self.screw, source="feed")
        self.assertEqual(screw.uom_id, self.uom_dozen)
        self.assertAlmostEqual(screw.normalized_price, 0.14)  # 0.84 x 2 / 12
        index_value = self.Observation.search([("index_id", "=", self.steel_index.id), ("product_id", "=", False)])
        self.assertAlmostEqual(index_value.price, 780)
        tube = self._observations(self.tube, source="index")
        self.assertAlmostEqual(tube.normalized_price, 3.9)  # 780 x 0.005
        self.assertEqual(feed.last_run_state, "ok")
        self.assertIn("3 prices: 3 new", feed.last_run_message)
        self.assertTrue(feed.last_successful_run)
        self.assertFalse(self._failure_messages(feed))
        # Fetching the same payload again updates, never duplicates.
        feed._fetch_feeds()
        self.assertEqual(len(self._observations(self.steel, source="feed")), 1)
        self.assertIn("0 new, 3 updated", feed.last_run_message)

    def test_csv_feed(self):
        feed = self._feed("/good.csv", payload_format="csv")
        feed._fetch_feeds()
        self.assertEqual(feed.last_run_state, "ok", feed.last_run_message)
        self.assertAlmostEqual(self._observations(self.steel, source="feed").normalized_price, 1.6)
        tube = self._observations(self.tube, source="feed")
        self.assertEqual(len(tube), 1)  # the empty price of today is no quote
        self.assertAlmostEqual(tube.price, 4.25)

    def test_auth_header_is_sent(self):
        feed = self._feed(
            "/protected.json", base_url=self.https_url, auth_header_name="X-Api-Key", auth_header_value="s3cret"
        )
        feed._fetch_feeds()
        self.assertEqual(feed.last_run_state, "ok", feed.last_run_message)
        _host, path, headers = PriceFeedHandler.requests_seen[-1]
        self.assertEqual((path, headers.get("X-Api-Key")), ("/protected.json", "s3cret"))
        feed.auth_header_value = "wrong"
        feed._fetch_feeds()
        self.assertEqual(feed.last_run_state, "failed")
        self.assertIn("401", self._failure_messages(feed)[0])

    def test_http_error_keeps_earlier_data(self):
        feed = self._feed("/good.json")
        feed._fetch_feeds()
        last_success = feed.last_successful_run
        before = self.Observation.search_count([("feed_id", "=", feed.id)])
        feed.url = self.base_url + "/error500"
        self.assertEqual(feed._fetch_feeds(), {feed: "failed"})
        self.assertEqual(feed.last_run_state, "failed")
        self.assertEqual(feed.last_successful_run, last_success)
        self.assertEqual(self.Observation.search_count([("feed_id", "=", feed.id)]), before)
        messages = self._failure_messages(feed)
        self.assertEqual(len(messages), 1)
        self.assertIn("HTTP 500", messages[0])
        self.assertIn("Prices stored before are kept", messages[0])

    def test_timeout(self):
        feed = self._feed("/slow.json")
        start = time.monotonic()
        feed._fetch_feeds()
        self.assertLess(time.monotonic() - start, SLOW_SECONDS)
        self.assertEqual(feed.last_run_state, "failed")
        self.assertIn(f"timeout of {FEED_TIMEOUT} s", self._failure_messages(feed)[0])
        self.assertFalse(self._observations(self.steel, source="feed"))

    def test_malformed_payloads(self):
        for path, payload_format, expected in (
            ("/bad.json", "json", "malformed JSON payload: malformed JSON"),
            ("/bad.csv", "csv", "more cells than the header"),
            ("/badheader.csv", "csv", "lacks the column(s) code, price"),
            ("/good.csv", "json", "malformed JSON"),
        ):
            feed = self._feed(path, payload_format=payload_format)
            self.assertEqual(feed._fetch_feeds(), {feed: "failed"}, path)
            self.assertIn(expected, self._failure_messages(feed)[0], path)
        self.assertFalse(self.Observation.search([("feed_id", "!=", False)]))

    def test_unknown_code_fails_the_whole_feed(self):
        feed = self._feed("/unknown.json")
        feed._fetch_feeds()
        self.assertEqual(feed.last_run_state, "failed")
        message = self._failure_messages(feed)[0]
        # The row is named by its position and field, not by its code (payload content).
        self.assertIn("1 bad row(s): row 2 (sku): code not mapped on the Codes tab", message)
        self.assertNotIn("GOLD", message)
        # The known row of the same payload was not stored either.
        self.assertFalse(self._observations(self.steel, source="feed"))
        feed.skip_unknown_codes = True
        feed._fetch_feeds()
        self.assertEqual(feed.last_run_state, "ok")
        self.assertIn("1 unknown codes skipped", feed.last_run_message)
        self.assertAlmostEqual(self._observations(self.steel, source="feed").normalized_price, 9.9)

    @freeze_time("2026-03-02 08:00:00")
    def test_day_without_data_is_not_an_error(self):
        feed = self._feed("/empty.json")
        self.assertEqual(feed._fetch_feeds(scheduled=True), {feed: "no_data"})
        self.assertEqual(feed.last_run_state, "no_data")
        self.assertFalse(self._failure_messages(feed))
        # Tried again later, not at every run of the scheduled action.
        self.assertEqual(feed.next_run, fields.Datetime.now() + timedelta(minutes=15))
        self.assertFalse(feed.last_successful_run)

    def test_scheduled_action_isolates_feeds(self):
        broken = self._feed("/error500", name="A broken")
        good = self._feed("/good.json", name="B good")
        slow = self._feed("/slow.json", name="C slow")
        later = self._feed(
            "/good.csv", payload_format="csv", name="D later", next_run=fields.Datetime.now() + timedelta(hours=5)
        )
        good_next_run = good.next_run
        self._run_feed_cron()
        self.assertEqual(broken.last_run_state, "failed")
        self.assertEqual(slow.last_run_state, "failed")
        self.assertEqual(good.last_run_state, "ok")
        self.assertFalse(later.last_run_state)
        self.assertEqual(good.next_run, good_next_run + timedelta(days=1))
        self.assertEqual(self.Observation.search_count([("feed_id", "=", good.id)]), 3)
        self.assertTrue(self._failure_messages(broken))
        # The evaluation of alert rules is triggered by the new prices.
        cron = self.env.ref("prod_planning.ir_cron_price_alert_evaluate")
        self.assertTrue(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]))

    def test_fetch_now_button(self):
        feed = self._feed("/good.json")
        action = feed.with_user(self.planning_manager).action_fetch_now()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn(feed.name, action["params"]["message"])
        feed.url = self.base_url + "/error500"
        action = feed.action_fetch_now()
        self.assertEqual(action["params"]["type"], "danger")

    def test_configuration_errors_name_the_feed(self):
        with self.assertRaisesRollback(ValidationError, "Feed x.*http:// or https://"):
            self._feed("", name="Feed x", url="ftp://127.0.0.1/prices")
        with self.assertRaisesRollback(ValidationError, "Code BOTH of feed .*exactly one"):
            self._feed(
                "/good.json",
                line_ids=[(0, 0, {"code": "BOTH", "product_id": self.steel.id, "index_id": self.steel_index.id})],
            )
        with self.assertRaisesRollback(ValidationError, "quoted per m.*same category"):
            self._feed(
                "/good.json", line_ids=[(0, 0, {"code": "M", "product_id": self.steel.id, "uom_id": self.uom_meter.id})]
            )
