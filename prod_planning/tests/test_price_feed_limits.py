"""Market feeds bounded in time, size and reach, read in the right charset and
decimal separator, their bad rows listed without quoting the payload.

Real HTTP and HTTPS servers on 127.0.0.1 (tests/common_price.py); 127.0.0.1
is an allowed internal host unless a test says otherwise.
"""

import gzip
import json
import time
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common_price import FEED_TIMEOUT, FeedRoute, PriceFeedCase, PriceFeedHandler

ALLOWED_HOSTS = "prod_planning.feed_allowed_hosts"
MB = 1024 * 1024


@tagged("post_install", "-at_install")
class TestPriceFeedLimits(PriceFeedCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.day = str(cls._days_ago(1))
        good = json.dumps({"data": {"prices": [{"sku": "STL", "value": 1.5, "day": cls.day}]}})
        padded = good + " " * (11 * MB)  # valid JSON, past the default limit of 10 MB
        cls.routes.update(
            {
                "/good.json": FeedRoute(good),
                "/drip.json": FeedRoute(good, drip=0.05),  # ~2.5 s in all, a byte every 50 ms
                "/drip-head.json": FeedRoute(good, drip_head=0.05),  # ~4 s of headers, then the body at once
                "/big.json": FeedRoute(padded),
                "/big-unsized.json": FeedRoute(padded, with_length=False),
                "/gzip.json": FeedRoute(gzip.compress(good.encode()), headers={"Content-Encoding": "gzip"}),
                "/bomb.json": FeedRoute(gzip.compress(padded.encode()), headers={"Content-Encoding": "gzip"}),
                "/moved.json": FeedRoute(status=302, headers={"Location": "/good.json"}),
                "/to-localhost.json": FeedRoute(status=302, headers={"Location": "/see-localhost"}),
                "/teapot": FeedRoute("SECRET-BODY", "text/plain", 418, reason="SECRET-REASON"),
            }
        )
        https_port = cls.https_url.rsplit(":", 1)[1]
        http_port = cls.base_url.rsplit(":", 1)[1]
        cls.routes["/to-other-host.json"] = FeedRoute(
            status=302, headers={"Location": f"https://localhost:{https_port}/good.json"}
        )
        cls.routes["/to-loopback.json"] = FeedRoute(
            status=302, headers={"Location": f"http://127.0.0.1:{http_port}/good.json"}
        )
        cls.localhost_url = f"http://localhost:{http_port}"

    def _fetch_failure(self, feed):
        """Fetch the feed, which must fail; its failure message."""
        self.assertEqual(feed._fetch_feeds(), {feed: "failed"}, feed.last_run_message)
        messages = self._failure_messages(feed)
        self.assertEqual(len(messages), 1)
        return messages[0]

    # ------------------------------------------------------------------
    # Time and size
    # ------------------------------------------------------------------

    def test_total_deadline_against_a_dripping_server(self):
        # Each byte comes well within the timeout, the whole answer does not.
        feed = self._feed("/drip.json")
        self.assertIn(f"timeout of {FEED_TIMEOUT} s", self._fetch_failure(feed))
        self.assertFalse(self._observations(self.steel, source="feed"))

    def test_total_deadline_covers_the_headers(self):
        route = self.routes["/drip-head.json"]
        feed = self._feed("/drip-head.json")
        self.assertIn(f"timeout of {FEED_TIMEOUT} s", self._fetch_failure(feed))
        # The fetch hung up at its deadline, before the server could send its headers and body.
        self.assertTrue(route.answered.wait(30))
        self.assertEqual(route.delivered, [False])

    def test_size_limit(self):
        for path in ("/big.json", "/big-unsized.json"):
            feed = self._feed(path)
            self.assertIn("size limit of 10 MB", self._fetch_failure(feed), path)
        # The limit is a setting of the feed.
        feed.size_limit_mb = 12
        self.assertEqual(feed._fetch_feeds(), {feed: "ok"})

    def test_compressed_payload_is_limited_once_inflated(self):
        self.assertEqual(self._feed("/gzip.json")._fetch_feeds().popitem()[1], "ok")
        bomb = self._feed("/bomb.json")
        self.assertLess(len(self.routes["/bomb.json"].body), 100 * 1024)
        self.assertIn("size limit of 10 MB", self._fetch_failure(bomb))

    # ------------------------------------------------------------------
    # Reach
    # ------------------------------------------------------------------

    def test_internal_hosts_need_the_system_parameter(self):
        self.env["ir.config_parameter"].set_param(ALLOWED_HOSTS, False)
        feed = self._feed("/good.json")
        message = self._fetch_failure(feed)
        self.assertIn("internal address 127.0.0.1", message)
        self.assertIn(ALLOWED_HOSTS, message)
        self.assertFalse(PriceFeedHandler.requests_seen)
        self.env["ir.config_parameter"].set_param(ALLOWED_HOSTS, "example.com, 127.0.0.1")
        self.assertEqual(feed._fetch_feeds(), {feed: "ok"})

    def test_redirects_stay_on_the_same_host(self):
        feed = self._feed("/moved.json")
        self.assertEqual(feed._fetch_feeds(), {feed: "ok"})
        self.assertEqual(
            [path for _host, path, _headers in PriceFeedHandler.requests_seen], ["/moved.json", "/good.json"]
        )
        # localhost is allowed too: the redirect is refused for leaving the host.
        self.env["ir.config_parameter"].set_param(ALLOWED_HOSTS, "127.0.0.1,localhost")
        feed = self._feed("/to-other-host.json", base_url=self.https_url)
        self.assertIn("redirected to another host", self._fetch_failure(feed))
        self.assertEqual(len(PriceFeedHandler.requests_seen), 3)

    def test_redirect_to_an_internal_address_is_refused(self):
        self.env["ir.config_parameter"].set_param(ALLOWED_HOSTS, "localhost")
        feed = self._feed("/to-loopback.json", base_url=self.localhost_url)
        self.assertIn("redirected to another host", self._fetch_failure(feed))
        self.assertEqual([path for _host, path, _headers in PriceFeedHandler.requests_seen], ["/to-loopback.json"])

    def test_auth_header_never_leaves_the_host(self):
        self.env["ir.config_parameter"].set_param(ALLOWED_HOSTS, "127.0.0.1,localhost")
        feed = self._feed(
            "/to-other-host.json", base_url=self.https_url, auth_header_name="X-Api-Key", auth_header_value="s3cret"
        )
        feed._fetch_feeds()
        self.assertEqual(feed.last_run_state, "failed")
        sent_key = [host for host, _path, headers in PriceFeedHandler.requests_seen if headers.get("X-Api-Key")]
        self.assertEqual(sent_key, [self.https_url.split("//")[1]])

    def test_auth_header_needs_https(self):
        with self.assertRaisesRollback(ValidationError, "Feed Plain.*https://"):
            self._feed("/good.json", name="Feed Plain", auth_header_name="X-Api-Key", auth_header_value="s3cret")
        feed = self._feed("/good.json", base_url=self.https_url, auth_header_name="X-Api-Key", auth_header_value="k")
        with self.assertRaisesRollback(ValidationError, "https://"):
            feed.url = self.base_url + "/good.json"
        # A feed stored before the rule (as the demo feed was) is refused when fetched.
        self.env.cr.execute("UPDATE prod_planning_price_feed SET url = %s WHERE id = %s", [self.base_url, feed.id])
        feed.invalidate_recordset(["url"])
        self.assertIn("only sent over https://", self._fetch_failure(feed))
        self.assertFalse(PriceFeedHandler.requests_seen)

    # ------------------------------------------------------------------
    # Scheduling
    # ------------------------------------------------------------------

    @freeze_time("2026-03-02 08:00:00")
    def test_failed_feed_backs_off(self):
        self.routes["/error500"] = FeedRoute("boom", "text/plain", 500)
        feed = self._feed("/error500", interval_type="hours", interval_number=1)
        now = fields.Datetime.now()
        for failures, delay in ((1, 15), (2, 30), (3, 60), (4, 60)):  # at most the interval
            self.assertEqual(feed._fetch_feeds(scheduled=True), {feed: "failed"})
            self.assertEqual((feed.failure_count, feed.next_run), (failures, now + timedelta(minutes=delay)))
        # A manual fetch does not move the schedule; a success resets the count.
        feed.url = self.base_url + "/good.json"
        feed.next_run = now - timedelta(minutes=1)
        self.assertEqual(feed._fetch_feeds(scheduled=True), {feed: "ok"})
        self.assertEqual((feed.failure_count, feed.next_run), (0, now + timedelta(minutes=59)))

    def test_each_feed_is_committed_on_its_own(self):
        self.routes["/error500"] = FeedRoute("boom", "text/plain", 500)
        broken = self._feed("/error500", name="A broken")
        good = self._feed("/good.json", name="B good")
        # The worker is killed after the run: what each feed did is kept.
        self._run_feed_cron(killed=True)
        self.assertEqual(broken.last_run_state, "failed")
        self.assertEqual(broken.failure_count, 1)
        self.assertTrue(self._failure_messages(broken))
        self.assertEqual(good.last_run_state, "ok")
        self.assertEqual(self.Observation.search_count([("feed_id", "=", good.id)]), 1)

    def test_scheduled_action_leaves_the_rest_when_its_time_is_up(self):
        first = self._feed("/good.json", name="A first")
        second = self._feed("/good.json", name="B second")
        cron = self.env.ref("prod_planning.ir_cron_price_feed_fetch")
        cron, progress = cron.with_context(cron_id=cron.id)._add_progress()
        self._run_feed_cron(cron_id=cron.id, ir_cron_progress_id=progress.id, cron_end_time=time.monotonic() - 1)
        self.assertEqual(first.last_run_state, "ok")
        self.assertFalse(second.last_run_state)  # fetched at the cron's next run
        self.assertEqual((progress.done, progress.remaining), (1, 1))

    # ------------------------------------------------------------------
    # Reading the payload
    # ------------------------------------------------------------------

    def _csv_feed(self, path, body, content_type="text/csv", **values):
        self.routes[path] = FeedRoute(body, content_type)
        return self._feed(path, payload_format="csv", **values)

    def test_csv_charset(self):
        lines = [(0, 0, {"code": "STÄHL", "product_id": self.steel.id})]
        text = f"code;price;date\nSTÄHL;1.6;{self.day}\n"
        for path, body, content_type, encoding in (
            ("/utf8.csv", text.encode(), "text/csv", "windows-1252"),
            ("/utf8-bom.csv", b"\xef\xbb\xbf" + text.encode(), "text/csv", "windows-1252"),
            ("/latin1.csv", text.encode("latin-1"), "text/csv", "latin-1"),
            ("/latin1-declared.csv", text.encode("latin-1"), "text/csv; charset=ISO-8859-1", "utf-8"),
        ):
            feed = self._csv_feed(path, body, content_type, line_ids=lines, encoding=encoding)
            self.assertEqual(feed._fetch_feeds(), {feed: "ok"}, f"{path}: {feed.last_run_message}")
        with self.assertRaisesRollback(ValidationError, "not an encoding"):
            feed.encoding = "klingon"

    def test_decimal_comma(self):
        body = f"code;price;date\nSTL;1.234,5;{self.day}\nTUBE;4,25;{self.day}\n"
        feed = self._csv_feed("/comma.csv", body, decimal_separator=",")
        self.assertEqual(feed._fetch_feeds(), {feed: "ok"}, feed.last_run_message)
        self.assertAlmostEqual(self._observations(self.steel, source="feed").price, 1234.5)
        self.assertAlmostEqual(self._observations(self.tube, source="feed").price, 4.25)

    def test_every_bad_row_is_listed_and_good_rows_may_be_stored(self):
        body = (
            "code;price;date;currency\n"
            f"STL;1.6;{self.day};\n"  # good
            f"TUBE;SECRET-PRICE;{self.day};\n"
            f"SECRET-CODE;2;{self.day};\n"
            "TUBE;4.25;SECRET-DATE;\n"
            f"STL-IDX;780;{self.day};\n"  # good
            f"TUBE;4.25;{self.day};SECRET-CCY\n"
        )
        feed = self._csv_feed("/mixed.csv", body, field_currency="currency")
        message = self._fetch_failure(feed)
        self.assertIn(
            "4 bad row(s): row 2 (price): not a number (check the decimal separator); "
            "row 3 (code): code not mapped on the Codes tab; row 4 (date): not a date (YYYY-MM-DD); "
            "row 6 (currency): unknown or inactive currency.",
            message,
        )
        self.assertFalse(self.Observation.search([("feed_id", "=", feed.id)]))
        feed.store_good_rows = True
        action = feed.action_fetch_now()
        self.assertEqual((feed.last_run_state, action["params"]["type"]), ("partial", "warning"))
        self.assertEqual(self.Observation.search([("feed_id", "=", feed.id)]).product_id, self.steel)
        self.assertEqual(
            self.Observation.search([("feed_id", "=", feed.id), ("index_id", "=", self.steel_index.id)]).price, 780
        )
        self.assertIn("4 bad row(s) not stored", feed.last_run_message)
        note = feed.message_ids.filtered(lambda m: m.subject == "Price feed rows not stored").body
        self.assertIn("row 6 (currency): unknown or inactive currency", note)
        for body in feed.message_ids.mapped("body"):
            self.assertNotIn("SECRET", body)

    def test_bad_rows_list_is_capped(self):
        body = "code;price\n" + "STL;x\n" * 150
        feed = self._csv_feed("/many-bad.csv", body)
        message = self._fetch_failure(feed)
        self.assertIn("150 bad row(s)", message)
        self.assertIn("row 100 (price)", message)
        self.assertNotIn("row 101 (price)", message)
        self.assertIn("and 50 more", message)

    def test_messages_never_quote_the_payload_or_the_url(self):
        teapot = self._feed("/teapot?token=SECRET-TOKEN")
        message = self._fetch_failure(teapot)
        self.assertIn("HTTP 418", message)  # with the standard reason, not the server's
        self.assertNotIn("SECRET", message)
        self.routes["/badheader.csv"] = FeedRoute("SECRET-HEADER,amount\nSTL,1.0\n", "text/csv")
        message = self._fetch_failure(self._feed("/badheader.csv?token=SECRET-TOKEN", payload_format="csv"))
        self.assertIn("lacks the column(s) code, price", message)
        self.assertNotIn("SECRET", message)
        # The URL is not tracked: it may carry a token.
        feed = self._feed("/good.json").with_context(tracking_disable=False)
        feed.url = self.base_url + "/good.json?token=SECRET-TOKEN"
        feed.flush_recordset()
        self.assertFalse(feed.message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "url"))
