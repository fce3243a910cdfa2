"""Market price feeds, after OCA currency_rate_update's provider pattern.

A scheduled action fetches the feeds that are due. A feed run reads fetch
(prod.planning.price.feed.fetcher) -> parse (the price engine) -> import
(prod.planning.price.import), each feed in its own savepoint, so that a
failure (timeout, HTTP error, malformed payload, unknown code) rolls back
that feed only, is posted on its chatter with the reason, and the other feeds
go on. A payload without prices (a day without data) is not an error: the
feed is tried again at the next run.
"""

import logging

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine import prices as price_engine

_logger = logging.getLogger(__name__)

INTERVALS = {
    "hours": lambda n: relativedelta(hours=n),
    "days": lambda n: relativedelta(days=n),
    "weeks": lambda n: relativedelta(weeks=n),
    "months": lambda n: relativedelta(months=n),
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
    url = fields.Char(string="URL", required=True, tracking=True)
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
        string="Timeout (s)", default=10.0, required=True, help="Seconds to wait for the server before the fetch fails."
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
        selection=[("ok", "Success"), ("no_data", "No Data"), ("failed", "Failed")],
        string="Last Fetch",
        readonly=True,
        copy=False,
    )
    last_run_message = fields.Char(string="Last Fetch Result", readonly=True, copy=False)
    line_ids = fields.One2many(
        comodel_name="prod.planning.price.feed.line", inverse_name="feed_id", string="Codes", copy=True
    )
    observation_count = fields.Integer(compute="_compute_observation_count")

    _interval_number_positive = models.Constraint("CHECK(interval_number > 0)", "The fetch interval must be positive.")
    _timeout_positive = models.Constraint("CHECK(timeout > 0)", "The timeout must be positive.")

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
        message = "\n".join(f"{feed.name}: {feed.last_run_message}" for feed in outcomes)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Price feed fetched") if not failed else _("Fetch failed"),
                "message": message,
                "type": "danger" if failed else "success",
                "sticky": bool(failed),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_view_observations(self):
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
        feeds = self.search([("active", "=", True), ("next_run", "<=", fields.Datetime.now())])
        if feeds:
            _logger.info("Fetching price feeds: %s", ", ".join(feeds.mapped("name")))
            feeds._fetch_feeds(scheduled=True)

    def _fetch_feeds(self, scheduled=False):
        """Fetch each feed in its own savepoint. Returns {feed: state}."""
        outcomes = {}
        stored_any = False
        for feed in self:
            try:
                with self.env.cr.savepoint():
                    counts = feed._fetch_and_store()
            except Exception as error:  # one feed's failure must not stop the others
                _logger.warning("Price feed %s failed", feed.name, exc_info=True)
                feed._record_failure(error)
                outcomes[feed] = "failed"
                continue
            outcomes[feed] = feed._record_success(counts, scheduled)
            stored_any = stored_any or outcomes[feed] == "ok"
        if stored_any:
            cron = self.env.ref("prod_planning.ir_cron_price_alert_evaluate", raise_if_not_found=False)
            if cron:
                cron._trigger()
        return outcomes

    def _fetch_and_store(self):
        """Fetch, parse and store this feed's prices. Raises on any failure."""
        self.ensure_one()
        payload = self.env["prod.planning.price.feed.fetcher"]._fetch(self)
        rows = self._parse_payload(payload)
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
        )
        if not quotes:
            return {"rows": 0}
        import_rows, skipped = self._prepare_feed_rows(quotes)
        results = self.env["prod.planning.price.import"]._import_rows(import_rows, source="feed", feed=self)
        errors = [
            (quote, result)
            for quote, result in zip([q for q in quotes if q["code"] not in skipped], results, strict=True)
            if result["status"] == "error"
        ]
        if errors:
            raise FeedFailure(
                "; ".join(
                    self.env._(
                        "row %(row)s (code %(code)s): %(reason)s",
                        row=quote["row"],
                        code=quote["code"],
                        reason=result["message"],
                    )
                    for quote, result in errors[:5]
                )
            )
        statuses = [result["status"] for result in results]
        return {
            "rows": len(results),
            "created": statuses.count("created"),
            "updated": statuses.count("updated"),
            "skipped": len(skipped),
        }

    def _parse_payload(self, payload):
        """The payload's rows (dicts), read by the price engine."""
        if self.payload_format == "json":
            return price_engine.parse_json_rows(payload, self.json_path or "")
        return price_engine.parse_csv_rows(
            payload, self.csv_delimiter or ",", required=[self.field_code, self.field_price]
        )

    def _prepare_feed_rows(self, quotes):
        """Map the quotes' codes to products or indexes, as import rows."""
        lines = {line.code: line for line in self.line_ids}
        unknown = sorted({q["code"] for q in quotes if q["code"] not in lines})
        if unknown and not self.skip_unknown_codes:
            raise FeedFailure(
                _(
                    "Unknown code(s) %(codes)s: map them on the feed's Codes tab, or tick 'Skip Unknown Codes'.",
                    codes=", ".join(unknown[:10]),
                )
            )
        rows = []
        for quote in quotes:
            line = lines.get(quote["code"])
            if not line:
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
        return rows, set(unknown)

    def _record_success(self, counts, scheduled):
        now = fields.Datetime.now()
        if not counts["rows"]:
            # A day without data is not an error: tried again at the next run.
            self.write({"last_run_state": "no_data", "last_run_message": _("No prices in the payload.")})
            return "no_data"
        vals = {
            "last_run_state": "ok",
            "last_successful_run": now,
            "last_run_message": _(
                "%(rows)s prices: %(created)s new, %(updated)s updated, %(skipped)s unknown codes skipped.", **counts
            ),
        }
        if scheduled:
            vals["next_run"] = self._next_run_after(now)
        self.write(vals)
        return "ok"

    def _next_run_after(self, now):
        self.ensure_one()
        step = INTERVALS[self.interval_type](self.interval_number)
        next_run = self.next_run or now
        while next_run <= now:
            next_run += step
        return next_run

    def _record_failure(self, error):
        reason = self._failure_reason(error)
        self.write({"last_run_state": "failed", "last_run_message": reason[:250]})
        self.message_post(
            subject=_("Price feed failure"),
            body=_("Fetching %(url)s failed: %(reason)s Prices stored before are kept.", url=self.url, reason=reason),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    def _failure_reason(self, error):
        reason = self.env["prod.planning.price.feed.fetcher"]._failure_reason(self, error)
        if reason:
            return reason
        if isinstance(error, price_engine.PriceDataError):
            return _(
                "malformed %(format)s payload: %(error)s; check the feed's format and field mapping.",
                format=self.payload_format.upper(),
                error=self.env["prod.planning.price.observation"]._price_data_error_message(error),
            )
        if isinstance(error, FeedFailure | UserError | ValidationError):
            return str(error.args[0])
        return _("unexpected error: %(error)r", error=error)
