"""Market feeds fetched with requests from a real HTTP server on 127.0.0.1.

The server runs in a thread of the test process and serves one payload per
path: good JSON and CSV, a 500 error, a response slower than the feed's
timeout, malformed JSON and CSV, unknown codes, an empty day, a protected
payload. Nothing of requests is mocked: Odoo's test harness only lets
requests to localhost through, and this class keeps the feeds' own short
timeouts (the harness would raise them to 10 s).
"""

import contextlib
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tests.common import _super_send

from .common_price import PriceCase

SLOW_SECONDS = 1.5
TIMEOUT = 0.5


class PriceFeedHandler(BaseHTTPRequestHandler):
    payloads = {}  # path -> (status, content type, body, delay)
    requests_seen = []

    def do_GET(self):
        self.requests_seen.append((self.path, dict(self.headers)))
        status, content_type, body, delay = self.payloads.get(self.path, (404, "text/plain", "not found", 0))
        if self.path == "/protected.json" and self.headers.get("X-Api-Key") != "s3cret":
            status, content_type, body = 401, "text/plain", "missing key"
        if delay:
            time.sleep(delay)
        data = body.encode()
        # After a timeout the client is gone: writing then fails, harmlessly.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    def log_message(self, format, *args):
        pass


@tagged("post_install", "-at_install")
class TestPriceFeed(PriceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), PriceFeedHandler)
        cls.server.daemon_threads = True
        cls.base_url = f"http://127.0.0.1:{cls.server.server_address[1]}"
        thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        thread.start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        day = str(cls._days_ago(1))
        good = [
            {"sku": "STL", "value": 1.5, "day": day, "ccy": cls.company_currency.name},
            {"sku": "SCR", "value": "0.84", "day": day, "ccy": cls.other_currency.name},
            {"sku": "STL-IDX", "value": 780, "day": day},
            {"sku": "SCR", "value": None, "day": str(cls.today)},  # no quote today
        ]
        csv_body = f"code;price;date\nSTL;1.6;{day}\nTUBE;4.25;{day}\nTUBE;;{cls.today}\n"
        cls.payloads = {
            "/good.json": (200, "application/json", json.dumps({"data": {"prices": good}}), 0),
            "/good.csv": (200, "text/csv", csv_body, 0),
            "/error500": (500, "text/plain", "boom", 0),
            "/slow.json": (200, "application/json", json.dumps({"data": {"prices": good}}), SLOW_SECONDS),
            "/bad.json": (200, "application/json", '{"data": {"prices": [{"sku"', 0),
            "/bad.csv": (200, "text/csv", "code;price\nSTL;1.0;extra;cells\n", 0),
            "/badheader.csv": (200, "text/csv", "product,amount\nSTL,1.0\n", 0),
            "/unknown.json": (
                200,
                "application/json",
                json.dumps(
                    {
                        "data": {
                            "prices": [
                                {"sku": "STL", "value": 9.9, "day": day},
                                {"sku": "GOLD", "value": 2000, "day": day},
                            ]
                        }
                    }
                ),
                0,
            ),
            "/empty.json": (200, "application/json", '{"data": {"prices": []}}', 0),
            "/protected.json": (200, "application/json", json.dumps({"data": {"prices": good[:1]}}), 0),
        }
        PriceFeedHandler.payloads = cls.payloads
        cls.Feed = cls.env["prod.planning.price.feed"]

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        # Keep the feed's own timeout for our local server.
        if r.url.startswith(cls.base_url):
            return _super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    def _feed(self, path, payload_format="json", **values):
        vals = {
            "name": f"Feed {path}",
            "url": self.base_url + path,
            "payload_format": payload_format,
            "timeout": TIMEOUT,
            "next_run": fields.Datetime.now() - timedelta(minutes=1),
            "line_ids": [
                (0, 0, {"code": "STL", "product_id": self.steel.id}),
                (0, 0, {"code": "SCR", "product_id": self.screw.id, "uom_id": self.uom_dozen.id}),
                (0, 0, {"code": "TUBE", "product_id": self.tube.id}),
                (0, 0, {"code": "STL-IDX", "index_id": self.steel_index.id}),
            ],
        }
        if payload_format == "json":
            vals.update(
                json_path="data.prices", field_code="sku", field_price="value", field_date="day", field_currency="ccy"
            )
        else:
            vals["csv_delimiter"] = ";"
        vals.update(values)
        return self.Feed.create(vals)

    def _failure_messages(self, feed):
        return feed.message_ids.filtered(lambda m: m.subject == "Price feed failure").mapped("body")

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
        feed = self._feed("/protected.json", auth_header_name="X-Api-Key", auth_header_value="s3cret")
        feed._fetch_feeds()
        self.assertEqual(feed.last_run_state, "ok", feed.last_run_message)
        path, headers = PriceFeedHandler.requests_seen[-1]
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
        self.assertIn("timeout of 0.5 s", self._failure_messages(feed)[0])
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
        self.assertIn("Unknown code(s) GOLD", message)
        self.assertIn("Codes tab", message)
        # The known row of the same payload was not stored either.
        self.assertFalse(self._observations(self.steel, source="feed"))
        feed.skip_unknown_codes = True
        feed._fetch_feeds()
        self.assertEqual(feed.last_run_state, "ok")
        self.assertIn("1 unknown codes skipped", feed.last_run_message)
        self.assertAlmostEqual(self._observations(self.steel, source="feed").normalized_price, 9.9)

    def test_day_without_data_is_not_an_error(self):
        feed = self._feed("/empty.json")
        next_run = feed.next_run
        self.assertEqual(feed._fetch_feeds(scheduled=True), {feed: "no_data"})
        self.assertEqual(feed.last_run_state, "no_data")
        self.assertFalse(self._failure_messages(feed))
        self.assertEqual(feed.next_run, next_run)  # tried again at the next run
        self.assertFalse(feed.last_successful_run)

    def test_scheduled_action_isolates_feeds(self):
        broken = self._feed("/error500", name="A broken")
        good = self._feed("/good.json", name="B good")
        slow = self._feed("/slow.json", name="C slow")
        later = self._feed(
            "/good.csv", payload_format="csv", name="D later", next_run=fields.Datetime.now() + timedelta(hours=5)
        )
        good_next_run = good.next_run
        self.Feed._cron_fetch_due_feeds()
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
