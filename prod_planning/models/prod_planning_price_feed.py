"""Market price feeds, after OCA currency_rate_update's provider pattern.

A scheduled action fetches the feeds that are due, committing after each. A
feed run reads fetch (prod.planning.price.feed.fetcher) -> parse (the price
engine) -> import (prod.planning.price.import), each feed in its own
savepoint, so that a failure (timeout, size limit, HTTP error, malformed
payload, bad rows) rolls back that feed only, is posted on its chatter with
the reason (positions and fields, never the payload's content), and the other
feeds go on. A failed or empty fetch is tried again after a delay that doubles
with each failure in a row, at most the feed's interval.
"""

import codecs
import logging
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine import prices as price_engine
from ..tools import rpc_arguments

_logger = logging.getLogger(__name__)

INTERVALS = {
    "hours": lambda n: relativedelta(hours=n),
    "days": lambda n: relativedelta(days=n),
    "weeks": lambda n: relativedelta(weeks=n),
    "months": lambda n: relativedelta(months=n),
}


# The first retry of a failed or empty feed waits this long, the next ones twice as long each time.
RETRY_BASE_MINUTES = 15
MAX_LISTED_BAD_ROWS = 100
# Fields of a feed row a payload error is about, by the price engine's error code.
ROW_ERROR_FIELDS = {
    "not_a_number": "field_price",
    "not_finite": "field_price",
    "negative_price": "field_price",
    "not_a_date": "field_date",
    "date_missing": "field_date",
    "no_code": "field_code",
}


class FeedFailure(Exception):
    """A feed could not be fetched or stored; the message is the reason."""


class ProdPlanningPriceFeed(models.Model):
    _name = "prod.planning.price.feed"
    _description = "Raw-Material Price Feed"
    _inherit = ["mail.thread"]
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(comodel_name="res.company", required=True, default=lambda self: self.env.company)
    # Not tracked: a URL may carry an access token, which the chatter must not show.
    url = fields.Char(string="URL", required=True)
    payload_format = fields.Selection(
        selection=[("json", "JSON"), ("csv", "CSV")], string="Format", required=True, default="json", tracking=True
    )
    json_path = fields.Char(
        string="JSON Rows Path",
        help="Dotted path to the list of rows in the JSON payload, e.g. "
        "data.prices. Empty: the payload is the list itself.",
    )
    csv_delimiter = fields.Char(string="CSV Delimiter", default=",", size=1)
    field_code = fields.Char(
        string="Code Field",
        required=True,
        default="code",
        help="Field (JSON key or CSV column) holding the code mapped on the Codes tab.",
    )
    field_price = fields.Char(string="Price Field", required=True, default="price")
    field_date = fields.Char(
        string="Date Field", default="date", help="YYYY-MM-DD. Empty or missing: the day of the fetch."
    )
    field_currency = fields.Char(
        string="Currency Field", default="currency", help="ISO code. Empty or missing: the feed's currency."
    )
    field_vendor = fields.Char(
        string="Vendor Field", help="Vendor reference or exact name. Empty or missing: the feed's vendor."
    )
    auth_header_name = fields.Char(
        string="Authentication Header", help="Header sent with the request, e.g. Authorization or X-Api-Key."
    )
    auth_header_value = fields.Char(
        string="Authentication Value",
        groups="prod_planning.group_prod_planning_manager",
        help="e.g. 'Bearer <token>'. Visible to planning managers only.",
    )
    timeout = fields.Float(
        string="Timeout (s)",
        default=10.0,
        required=True,
        help="Seconds the whole fetch may take (connection, redirects and download) before it fails.",
    )
    size_limit_mb = fields.Float(
        string="Size Limit (MB)",
        default=10.0,
        required=True,
        help="Largest payload read, counted after decompression; a larger one fails the fetch.",
    )
    encoding = fields.Char(
        string="Fallback Encoding",
        default="windows-1252",
        required=True,
        help="Encoding of a payload that is not UTF-8 and whose server names no charset, e.g. latin-1.",
    )
    decimal_separator = fields.Selection(
        selection=[(".", "Point (1234.5)"), (",", "Comma (1234,5)")],
        default=".",
        required=True,
        help="How prices written as text separate decimals. With a comma, dots group thousands (1.234,5).",
    )
    store_good_rows = fields.Boolean(
        help="Store the readable rows of a payload that also has bad ones, and list the bad ones. "
        "Off: one bad row fails the whole fetch."
    )
    currency_id = fields.Many2one(
        comodel_name="res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
        help="Currency of the prices that do not state theirs.",
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Vendor",
        check_company=True,
        help="Vendor the prices are attributed to. Empty: market prices.",
    )
    skip_unknown_codes = fields.Boolean(help="Ignore rows whose code is not mapped instead of failing the fetch.")
    interval_number = fields.Integer(string="Every", default=1, required=True, tracking=True)
    interval_type = fields.Selection(
        selection=[("hours", "Hours"), ("days", "Days"), ("weeks", "Weeks"), ("months", "Months")],
        string="Interval Unit",
        default="days",
        required=True,
        tracking=True,
    )
    next_run = fields.Datetime(string="Next Fetch", required=True, default=fields.Datetime.now, copy=False)
    last_successful_run = fields.Datetime(string="Last Successful Fetch", readonly=True, copy=False)
    last_run_state = fields.Selection(
        selection=[("ok", "Success"), ("partial", "Bad Rows Skipped"), ("no_data", "No Data"), ("failed", "Failed")],
        string="Last Fetch",
        readonly=True,
        copy=False,
    )
    last_run_message = fields.Char(string="Last Fetch Result", readonly=True, copy=False)
    failure_count = fields.Integer(
        string="Failures in a Row",
        readonly=True,
        copy=False,
        help="Failed or empty scheduled fetches in a row; each one doubles the wait before the next try.",
    )
    line_ids = fields.One2many(
        comodel_name="prod.planning.price.feed.line", inverse_name="feed_id", string="Codes", copy=True
    )
    observation_count = fields.Integer(compute="_compute_observation_count")
    job_id = fields.Many2one(comodel_name="prod.planning.job", string="Background Fetch", readonly=True, copy=False)
    job_state = fields.Selection(related="job_id.state", string="Background Fetch State")
    job_status = fields.Json(compute="_compute_job_status", help="The background fetch, for the form's widget.")

    _interval_number_positive = models.Constraint("CHECK(interval_number > 0)", "The fetch interval must be positive.")
    _timeout_positive = models.Constraint("CHECK(timeout > 0)", "The timeout must be positive.")
    _size_limit_positive = models.Constraint("CHECK(size_limit_mb > 0)", "The size limit must be positive.")

    @api.depends("job_id.state")
    def _compute_job_status(self):
        for feed in self:
            feed.job_status = feed.job_id.sudo()._status() if feed.job_id else False

    def _compute_observation_count(self):
        counts = dict(
            self.env["prod.planning.price.observation"]._read_group(
                [("feed_id", "in", self.ids)], ["feed_id"], ["__count"]
            )
        )
        for feed in self:
            feed.observation_count = counts.get(feed, 0)

    @api.constrains("url")
    def _check_url(self):
        for feed in self:
            if not (feed.url or "").lower().startswith(("http://", "https://")):
                raise ValidationError(
                    _(
                        "The URL of feed %(feed)s must start with http:// or https:// (it is %(url)s).",
                        feed=feed.name,
                        url=feed.url,
                    )
                )

    @api.constrains("url", "auth_header_name")
    def _check_auth_over_https(self):
        for feed in self:
            if feed.auth_header_name and not (feed.url or "").lower().startswith("https://"):
                raise ValidationError(
                    _(
                        "Feed %(feed)s sends an authentication header: its URL must start with https://, "
                        "or remove the header.",
                        feed=feed.name,
                    )
                )

    @api.constrains("encoding")
    def _check_encoding(self):
        for feed in self:
            try:
                codecs.lookup(feed.encoding or "")
            except LookupError:
                raise ValidationError(
                    _(
                        "Feed %(feed)s: %(encoding)s is not an encoding; give one such as utf-8, latin-1 or "
                        "windows-1252.",
                        feed=feed.name,
                        encoding=feed.encoding,
                    )
                ) from None

    @api.constrains("payload_format", "csv_delimiter")
    def _check_csv_delimiter(self):
        for feed in self:
            if feed.payload_format == "csv" and len(feed.csv_delimiter or "") != 1:
                raise ValidationError(
                    _(
                        "Feed %(feed)s reads CSV: give a one-character delimiter, e.g. a comma or a semicolon.",
                        feed=feed.name,
                    )
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_fetch_now(self):
        """Fetch now, whatever the schedule; report the outcome."""
        self.check_access("write")
        outcomes = self._fetch_feeds()
        failed = [feed for feed, state in outcomes.items() if state == "failed"]
        partial = "partial" in outcomes.values()
        message = "\n".join(f"{feed.name}: {feed.last_run_message}" for feed in outcomes)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Price feed fetched") if not failed else _("Fetch failed"),
                "message": message,
                "type": "danger" if failed else "warning" if partial else "success",
                "sticky": bool(failed) or partial,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_fetch_async(self):
        """Fetch in the background (a cron worker); the form shows the job."""
        self.check_access("write")
        for feed in self:
            feed.fetch_async()
        return False

    def fetch_async(self):
        """Queue a fetch of this feed for a cron worker and return the job's
        id: poll ``prod.planning.job.get_job_status(job_id)``; its result is
        ``{state, message}`` of the fetch."""
        rpc_arguments.require_records(self.env, "fetch_async", self, single=True)
        self.check_access("write")
        if self.job_state in ("queued", "running"):
            raise UserError(_("Price feed %(name)s is already being fetched: wait for it.", name=self.name))
        job = self.env["prod.planning.job"]._enqueue("price_fetch", self)
        self.job_id = job
        return job.id

    def action_view_observations(self):
        self.check_access("read")
        self.env["prod.planning.price.observation"].check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("prod_planning.prod_planning_price_observation_action")
        action["domain"] = [("feed_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # Scheduled fetch
    # ------------------------------------------------------------------

    @api.model
    def _cron_fetch_due_feeds(self):
        domain = [("active", "=", True), ("next_run", "<=", fields.Datetime.now())]
        feeds = self.search(domain)
        if not feeds:
            return
        _logger.info("Fetching price feeds: %s", ", ".join(feeds.mapped("name")))
        ir_cron = self.env["ir.cron"]
        ir_cron._commit_progress(remaining=len(feeds))
        outcomes = {}
        for feed in feeds:
            # Skip a feed another transaction is fetching (Fetch Now).
            feed = feed.try_lock_for_update().filtered_domain(domain)
            try:
                if feed:
                    outcomes[feed] = feed._fetch_feed(scheduled=True)
            except Exception:  # recording the outcome failed: drop this feed's work, the others go on
                _logger.exception("Price feed %s: recording the fetch failed", feed.name)
                self.env.cr.rollback()
            # Commit after each feed (allowed for crons): a worker killed at
            # limit_time_real keeps the feeds fetched before, and when the
            # cron's time is up the next run fetches the rest.
            if not ir_cron._commit_progress(1):
                break
        self._trigger_alert_evaluation(outcomes)

    def _fetch_feeds(self, scheduled=False):
        """Fetch each feed in its own savepoint. Returns {feed: state}."""
        outcomes = {feed: feed._fetch_feed(scheduled) for feed in self}
        self._trigger_alert_evaluation(outcomes)
        return outcomes

    def _fetch_feed(self, scheduled=False):
        """Fetch this feed in a savepoint and record the outcome; returns its state."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                counts = self._fetch_and_store()
        except Exception as error:  # one feed's failure must not stop the others
            _logger.warning("Price feed %s failed: %s", self.name, type(error).__name__, exc_info=True)
            self._record_failure(error, scheduled)
            return "failed"
        return self._record_success(counts, scheduled)

    def _trigger_alert_evaluation(self, outcomes):
        if "ok" in outcomes.values() or "partial" in outcomes.values():
            cron = self.env.ref("prod_planning.ir_cron_price_alert_evaluate", raise_if_not_found=False)
            if cron:
                cron._trigger()

    def _fetch_and_store(self):
        """Fetch, parse and store this feed's prices. Raises on any failure,
        and on bad rows unless the feed stores the good ones."""
        self.ensure_one()
        payload = self.env["prod.planning.price.feed.fetcher"]._fetch(self)
        rows = self._parse_payload(payload)
        row_errors = []
        quotes = price_engine.map_feed_rows(
            rows,
            {
                "code": self.field_code,
                "price": self.field_price,
                "date": self.field_date,
                "currency": self.field_currency,
                "vendor": self.field_vendor,
            },
            fields.Date.context_today(self),
            decimal_separator=self.decimal_separator,
            errors=row_errors,
        )
        bad_rows = [self._bad_row_of_error(error) for error in row_errors]
        if not quotes and not bad_rows:
            return {"rows": 0}
        import_rows, mapped_quotes, skipped, unknown_rows = self._prepare_feed_rows(quotes)
        bad_rows += unknown_rows
        results = self.env["prod.planning.price.import"]._import_rows(import_rows, source="feed", feed=self)
        refused = [
            (quote, row)
            for quote, row, result in zip(mapped_quotes, import_rows, results, strict=True)
            if result["status"] == "error"
        ]
        bad_rows += self._bad_rows_of_import(refused)
        bad_rows.sort()
        if bad_rows and not self.store_good_rows:
            raise FeedFailure(self._bad_rows_message(bad_rows))
        statuses = [result["status"] for result in results]
        return {
            "rows": len(results),
            "created": statuses.count("created"),
            "updated": statuses.count("updated"),
            "skipped": skipped,
            "bad_rows": bad_rows,
        }

    def _parse_payload(self, payload):
        """The payload's rows (dicts), read by the price engine."""
        if self.payload_format == "json":
            return price_engine.parse_json_rows(payload, self.json_path or "")
        return price_engine.parse_csv_rows(
            payload, self.csv_delimiter or ",", required=[self.field_code, self.field_price]
        )

    def _prepare_feed_rows(self, quotes):
        """Map the quotes' codes to products or indexes, as import rows.

        Returns ``(import rows, their quotes, number of rows skipped, bad rows)``:
        a row whose code is not mapped is skipped with 'Skip Unknown Codes',
        else it is a bad row.
        """
        lines = {line.code: line for line in self.line_ids}
        rows, mapped_quotes, skipped, bad_rows = [], [], 0, []
        for quote in quotes:
            line = lines.get(quote["code"])
            if not line:
                if self.skip_unknown_codes:
                    skipped += 1
                else:
                    bad_rows.append((quote["row"], self.field_code, _("code not mapped on the Codes tab")))
                continue
            row = {
                "price": quote["price"],
                "date": quote["date"],
                "currency": quote["currency"] or self.currency_id.name,
                "uom_id": line.uom_id.id,
                "reference": self.name,
            }
            if line.product_id:
                row["product_id"] = line.product_id.id
            else:
                row["index_id"] = line.index_id.id
            if quote["vendor"]:
                row["vendor"] = quote["vendor"]
            elif self.partner_id:
                row["vendor_id"] = self.partner_id.id
            rows.append(row)
            mapped_quotes.append(quote)
        return rows, mapped_quotes, skipped, bad_rows

    # ------------------------------------------------------------------
    # Bad rows: named by position and field, never by their content
    # ------------------------------------------------------------------

    def _bad_row_of_error(self, error):
        """``(row, field, problem)`` of a price engine error about one row."""
        problems = {
            "not_a_number": _("not a number (check the decimal separator)"),
            "not_finite": _("not a finite number"),
            "negative_price": _("negative price"),
            "not_a_date": _("not a date (YYYY-MM-DD)"),
            "date_missing": _("date missing"),
            "no_code": _("no code"),
        }
        field_name = self[ROW_ERROR_FIELDS[error.code]] if error.code in ROW_ERROR_FIELDS else ""
        return (error.values["row"], field_name, problems.get(error.code, _("unreadable")))

    def _bad_rows_of_import(self, refused):
        """``(row, field, problem)`` of the rows the price import refused.

        The import's own messages quote the values; the feed names the field
        instead, found by resolving the row's currency and vendor again.
        """
        if not refused:
            return []
        price_import = self.env["prod.planning.price.import"]
        lookup = price_import._import_lookups([row for _quote, row in refused], self.company_id)
        bad_rows = []
        for quote, row in refused:
            field_name, problem = "", _("refused by the price import")
            try:
                price_import._resolve_import_currency(row, lookup, self.company_id, None, None)
            except UserError:
                field_name, problem = self.field_currency or "", _("unknown or inactive currency")
            else:
                try:
                    price_import._resolve_import_vendor(row, lookup)
                except UserError:
                    field_name, problem = self.field_vendor or "", _("unknown or ambiguous vendor")
            bad_rows.append((quote["row"], field_name, problem))
        return bad_rows

    def _bad_rows_text(self, bad_rows):
        """The bad rows, at most MAX_LISTED_BAD_ROWS of them and a count of the others."""
        listed = [
            _("row %(row)s (%(field)s): %(problem)s", row=row, field=field_name, problem=problem)
            if field_name
            else _("row %(row)s: %(problem)s", row=row, problem=problem)
            for row, field_name, problem in bad_rows[:MAX_LISTED_BAD_ROWS]
        ]
        if len(bad_rows) > MAX_LISTED_BAD_ROWS:
            listed.append(_("and %(count)s more", count=len(bad_rows) - MAX_LISTED_BAD_ROWS))
        return "; ".join(listed)

    def _bad_rows_message(self, bad_rows):
        return _(
            "%(count)s bad row(s): %(rows)s. Correct the payload or the field mapping, map the codes on the Codes "
            "tab or tick 'Skip Unknown Codes', or tick 'Store Good Rows' to store the other rows.",
            count=len(bad_rows),
            rows=self._bad_rows_text(bad_rows),
        )

    # ------------------------------------------------------------------
    # Outcome and schedule
    # ------------------------------------------------------------------

    def _record_success(self, counts, scheduled):
        now = fields.Datetime.now()
        if not counts["rows"] and not counts.get("bad_rows"):
            # A day without data is not an error, but it is tried again later, not at every run.
            self._write_retry(
                {"last_run_state": "no_data", "last_run_message": _("No prices in the payload.")}, scheduled
            )
            return "no_data"
        bad_rows = counts["bad_rows"]
        message = _(
            "%(rows)s prices: %(created)s new, %(updated)s updated, %(skipped)s unknown codes skipped.",
            rows=counts["rows"],
            created=counts["created"],
            updated=counts["updated"],
            skipped=counts["skipped"],
        )
        if bad_rows:
            message = _("%(stored)s %(count)s bad row(s) not stored.", stored=message, count=len(bad_rows))
        vals = {
            "last_run_state": "partial" if bad_rows else "ok",
            "last_successful_run": now,
            "last_run_message": message,
            "failure_count": 0,
        }
        if scheduled:
            vals["next_run"] = self._next_run_after(now)
        self.write(vals)
        if bad_rows:
            self.message_post(
                subject=_("Price feed rows not stored"),
                body=_("%(message)s Rows not stored: %(rows)s.", message=message, rows=self._bad_rows_text(bad_rows)),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
                **self.company_id._prod_planning_author_values(),
            )
        return vals["last_run_state"]

    def _next_run_after(self, now):
        self.ensure_one()
        step = INTERVALS[self.interval_type](self.interval_number)
        next_run = self.next_run or now
        while next_run <= now:
            next_run += step
        return next_run

    def _write_retry(self, vals, scheduled):
        """Record a failed or empty fetch; a scheduled one is tried again
        after RETRY_BASE_MINUTES, doubled after each failure in a row, at
        most the feed's interval."""
        self.ensure_one()
        failures = self.failure_count + 1
        vals["failure_count"] = failures
        if scheduled:
            now = fields.Datetime.now()
            delay = timedelta(minutes=RETRY_BASE_MINUTES * 2 ** min(failures - 1, 16))
            vals["next_run"] = min(now + delay, now + INTERVALS[self.interval_type](self.interval_number))
        self.write(vals)

    def _record_failure(self, error, scheduled=False):
        reason = self._failure_reason(error)
        self._write_retry({"last_run_state": "failed", "last_run_message": reason[:250]}, scheduled)
        self.message_post(
            subject=_("Price feed failure"),
            body=_("Fetching the feed failed: %(reason)s Prices stored before are kept.", reason=reason),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            **self.company_id._prod_planning_author_values(),
        )

    def _failure_reason(self, error):
        """Why the feed failed, naming positions and fields, never quoting the payload."""
        reason = self.env["prod.planning.price.feed.fetcher"]._failure_reason(self, error)
        if reason:
            return reason
        if isinstance(error, price_engine.PriceDataError):
            return _(
                "malformed %(format)s payload: %(error)s; check the feed's format and field mapping.",
                format=self.payload_format.upper(),
                error=self._payload_error_message(error),
            )
        if isinstance(error, FeedFailure | UserError | ValidationError):
            return str(error.args[0])
        return _("unexpected error (%(error)s); see the server log.", error=type(error).__name__)

    def _payload_error_message(self, error):
        """A price engine error about the whole payload, without its content."""
        if error.code == "csv_missing_columns":
            return _("the CSV header lacks the column(s) %(columns)s", columns=", ".join(error.values["columns"]))
        if error.code == "row_not_object":
            return _("row %(row)s is not an object", row=error.values["row"])
        return self.env["prod.planning.price.observation"]._price_data_error_message(error)
