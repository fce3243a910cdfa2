import json
import time

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

from ..engine import vendors as engine
from ..tools import rpc_arguments
from .prod_planning_report_mixin import ratio_of

# Measures of a month, filled by _refresh() and returned by get_scorecards()
# (False: no data).
MEASURE_COLUMNS = (
    "line_count",
    "on_time_line_count",
    "on_time_original_line_count",
    "received_line_count",
    "on_time_rate",
    "on_time_qty_rate",
    "on_time_original_rate",
    "on_time_original_qty_rate",
    "fill_rate",
    "lead_line_count",
    "lead_time_avg",
    "pricelist_delay_avg",
    "lead_time_gap",
    "suggested_delay",
    "price_line_count",
    "price_variance",
    "revision_count",
    "slip_count",
    "contact_count",
    "outgoing_contact_count",
    "answered_count",
    "unanswered_count",
    "response_time_avg",
)
# Sums behind the rates and averages: grouped views (pivot, graph, list groups)
# recompute the rate of a quarter or a vendor from them (see RATIOS).
SUM_COLUMNS = (
    "on_time_qty_score",
    "on_time_original_qty_score",
    "fill_score",
    "lead_time_total",
    "pricelist_delay_total",
    "pricelist_delay_count",
    "price_paid_value",
    "price_list_value",
    "response_time_total",
)
# Columns filled by _refresh(), in the order of the INSERT.
SCORE_COLUMNS = (
    "company_id",
    "partner_id",
    "date_month",
    *MEASURE_COLUMNS,
    *SUM_COLUMNS,
    "data_status",
    "refreshed_on",
)
API_FIELDS = MEASURE_COLUMNS


def _rate(part, whole):
    """Group rate: ``part`` over ``whole`` summed over the group's months."""
    return lambda sums: engine.rate(sums[part], sums[whole])


def _lead_time_gap(sums):
    lead = ratio_of("lead_time_total", "lead_line_count")(sums)
    delay = ratio_of("pricelist_delay_total", "pricelist_delay_count")(sums)
    return lead - delay if lead is not None and delay is not None else None


# Rates and averages of a group of scorecards (a quarter, a vendor): from the
# group's counts and sums, not the mean of its months' rates.
RATIOS = {
    "on_time_rate": (_rate("on_time_line_count", "line_count"), ["on_time_line_count", "line_count"]),
    "on_time_qty_rate": (_rate("on_time_qty_score", "line_count"), ["on_time_qty_score", "line_count"]),
    "on_time_original_rate": (
        _rate("on_time_original_line_count", "line_count"),
        ["on_time_original_line_count", "line_count"],
    ),
    "on_time_original_qty_rate": (
        _rate("on_time_original_qty_score", "line_count"),
        ["on_time_original_qty_score", "line_count"],
    ),
    "fill_rate": (_rate("fill_score", "line_count"), ["fill_score", "line_count"]),
    "lead_time_avg": (ratio_of("lead_time_total", "lead_line_count"), ["lead_time_total", "lead_line_count"]),
    "pricelist_delay_avg": (
        ratio_of("pricelist_delay_total", "pricelist_delay_count"),
        ["pricelist_delay_total", "pricelist_delay_count"],
    ),
    "lead_time_gap": (
        _lead_time_gap,
        ["lead_time_total", "lead_line_count", "pricelist_delay_total", "pricelist_delay_count"],
    ),
    "price_variance": (
        lambda sums: engine.price_variance(sums["price_paid_value"], sums["price_list_value"]),
        ["price_paid_value", "price_list_value"],
    ),
    "response_time_avg": (ratio_of("response_time_total", "answered_count"), ["response_time_total", "answered_count"]),
}


class ProdPlanningVendorScorecard(models.Model):
    """Monthly performance of a vendor, stored (not computed on read).

    Rebuilt by ``_refresh()`` from set-based SQL aggregates: by the daily
    scheduled action (last 24 months), the Refresh button and the XML-RPC
    ``get_scorecards(refresh=True)``. Rates are percentages from 0 to 100 and
    NULL when there is nothing to measure; the views hide the measures of a
    month without data instead of showing 0 % or 100 %. Grouped views (pivot,
    graph, list groups) recompute the rates and averages of a quarter or a
    vendor from the stored counts and sums (``RATIOS``): the rate of all its
    lines, not the mean of its months' rates; the suggested delay of a group is
    the largest of its months'.

    Definitions (the month of a purchase line is the month of its promised
    date; a line counts once due or fully received):

    * on time (by date): lines fully received on or before the promised date,
      over the lines due; *original*: the same against the original requested
      date;
    * on time (by quantity): mean over the lines of the share of the ordered
      quantity received by that date (capped at 100 % per line);
    * fill rate: mean share of the ordered quantity received (capped);
    * lead time: days from the order's confirmation to the receipt that
      completed the line, vs the pricelist delay of the vendor for the product;
      the suggested delay covers 80 % of the observed lead times;
    * price variance: received quantity valued at the price paid vs at the
      pricelist price (same currency, per product unit), in percent;
    * slips: promised-date revisions that moved a line later, by month of the
      revision; response time: hours between an outgoing contact and the
      vendor's answer, by month of the contact.
    """

    _name = "prod.planning.vendor.scorecard"
    _description = "Vendor Scorecard"
    _inherit = ["prod.planning.report.mixin"]
    _order = "date_month desc, partner_id"

    company_id = fields.Many2one(comodel_name="res.company", required=True, index=True, readonly=True)
    partner_id = fields.Many2one(comodel_name="res.partner", string="Vendor", required=True, index=True, readonly=True)
    date_month = fields.Date(string="Month", required=True, index=True, readonly=True)
    line_count = fields.Integer(string="Lines Due", readonly=True)
    on_time_line_count = fields.Integer(string="Lines On Time", readonly=True)
    on_time_original_line_count = fields.Integer(string="Lines On Original Date", readonly=True)
    received_line_count = fields.Integer(string="Lines Received", readonly=True)
    on_time_rate = fields.Float(
        string="On Time (date) %",
        aggregator="avg",
        readonly=True,
        help="Lines fully received on or before the promised date.",
    )
    on_time_qty_rate = fields.Float(
        string="On Time (qty) %",
        aggregator="avg",
        readonly=True,
        help="Share of the ordered quantity received by the promised date.",
    )
    on_time_original_rate = fields.Float(
        string="On Original Date %",
        aggregator="avg",
        readonly=True,
        help="Lines fully received on or before the original requested date.",
    )
    on_time_original_qty_rate = fields.Float(string="On Original Date (qty) %", aggregator="avg", readonly=True)
    fill_rate = fields.Float(string="Fill Rate %", aggregator="avg", readonly=True)
    lead_line_count = fields.Integer(string="Lines with Lead Time", readonly=True)
    lead_time_avg = fields.Float(string="Lead Time (days)", aggregator="avg", readonly=True)
    pricelist_delay_avg = fields.Float(string="Pricelist Delay (days)", aggregator="avg", readonly=True)
    lead_time_gap = fields.Float(
        string="Lead Time - Delay (days)",
        aggregator="avg",
        readonly=True,
        help="Positive: the vendor takes longer than its pricelist says.",
    )
    suggested_delay = fields.Integer(
        string="Suggested Delay (days)",
        aggregator="max",
        readonly=True,
        help="Covers 80% of the lead times observed this month.",
    )
    price_line_count = fields.Integer(string="Priced Lines", readonly=True)
    price_variance = fields.Float(
        string="Price Variance %",
        aggregator="avg",
        readonly=True,
        help="Paid vs pricelist price of the received quantities; positive: paid more.",
    )
    # Sums behind the rates: grouped views divide the group's sums (RATIOS).
    on_time_qty_score = fields.Float(
        string="Lines On Time (qty share)",
        readonly=True,
        help="Sum over the lines due of the share of the ordered quantity received by the promised date.",
    )
    on_time_original_qty_score = fields.Float(
        string="Lines On Original Date (qty share)",
        readonly=True,
        help="Sum over the lines due of the share of the ordered quantity received by the original requested date.",
    )
    fill_score = fields.Float(
        string="Lines Received (qty share)",
        readonly=True,
        help="Sum over the lines due of the share of the ordered quantity received.",
    )
    lead_time_total = fields.Float(string="Lead Time Total (days)", readonly=True)
    pricelist_delay_total = fields.Float(string="Pricelist Delay Total (days)", readonly=True)
    pricelist_delay_count = fields.Integer(string="Lines with Pricelist Delay", readonly=True)
    price_paid_value = fields.Float(
        string="Received at Price Paid",
        readonly=True,
        help="Received quantities of the priced lines valued at the price paid.",
    )
    price_list_value = fields.Float(
        string="Received at Pricelist Price",
        readonly=True,
        help="Received quantities of the priced lines valued at the pricelist price.",
    )
    response_time_total = fields.Float(string="Response Time Total (hours)", readonly=True)
    revision_count = fields.Integer(string="Date Revisions", readonly=True)
    slip_count = fields.Integer(string="Slips", readonly=True)
    contact_count = fields.Integer(string="Contacts", readonly=True)
    outgoing_contact_count = fields.Integer(string="Outgoing Contacts", readonly=True)
    answered_count = fields.Integer(string="Answered", readonly=True)
    unanswered_count = fields.Integer(string="Unanswered", readonly=True)
    response_time_avg = fields.Float(string="Response Time (hours)", aggregator="avg", readonly=True)
    data_status = fields.Selection(
        selection=[("measured", "Measured"), ("no_data", "No deliveries due")], string="Deliveries", readonly=True
    )
    refreshed_on = fields.Datetime(readonly=True)

    _vendor_month_uniq = models.Constraint(
        "unique(company_id, partner_id, date_month)", "One scorecard per vendor, company and month."
    )

    @api.model
    def _report_sources(self):
        return ["purchase.order.line", "stock.move", "product.supplierinfo", "prod.planning.vendor.contact"]

    @api.model
    def _report_ratios(self):
        return RATIOS

    @api.depends("partner_id", "date_month")
    def _compute_display_name(self):
        for card in self:
            card.display_name = (
                f"{card.partner_id.display_name} {card.date_month.strftime('%Y-%m') if card.date_month else ''}"
            )

    @api.model
    def _cron_refresh(self, months=24):
        """Daily: rebuild the last ``months`` months of every company."""
        return self._refresh(companies=self.env["res.company"].search([]), months=months)

    @api.model
    def _period(self, date_from=None, date_to=None, months=24):
        """First days of the first month and of the month after the last one."""
        today = fields.Date.context_today(self)
        date_to = fields.Date.to_date(date_to) or today
        date_from = fields.Date.to_date(date_from) or (date_to - relativedelta(months=months - 1))
        if date_from > date_to:
            raise UserError(
                _(
                    "Scorecard period: %(start)s is after %(end)s.",
                    start=format_date(self.env, date_from),
                    end=format_date(self.env, date_to),
                )
            )
        return date_from.replace(day=1), date_to.replace(day=1) + relativedelta(months=1)

    @api.model
    def _refresh(self, companies=None, date_from=None, date_to=None, months=24):
        """Rebuild the scorecards of ``companies`` for the months of the period.

        The period runs from the month of ``date_from`` to the month of
        ``date_to`` (default: the ``months`` months up to today). Every
        scorecard of the period is deleted and inserted again in one
        statement each. Returns ``{"rows": n, "seconds": s}``.
        """
        started = time.perf_counter()
        companies = companies or self.env.companies
        start, end = self._period(date_from, date_to, months)
        sums = self.env["prod.planning.vendor.scorecard.reader"]._read(companies, start, end)
        now = fields.Datetime.to_string(fields.Datetime.now())
        rows = [self._prepare_score_row(values, now) for values in sums.values()]
        self._delete_rows(companies, start, end)
        self._insert_rows(rows)
        self.invalidate_model()
        return {"rows": len(rows), "seconds": round(time.perf_counter() - started, 3)}

    @api.model
    def _prepare_score_row(self, sums, refreshed_on):
        """The stored row of a vendor and month: the counts and sums read, and
        the rates and averages the engine computes from them."""
        values = {
            **sums,
            **self._prepare_delivery_measures(sums),
            "date_month": fields.Date.to_string(sums["month"]),
            "data_status": "measured" if sums.get("line_count") else "no_data",
            "refreshed_on": refreshed_on,
        }
        row = {column: values.get(column) for column in SCORE_COLUMNS}
        for column in SCORE_COLUMNS:
            if column.endswith("_count") and row[column] is None:
                row[column] = 0
        return row

    @api.model
    def _prepare_delivery_measures(self, sums):
        """Rates and averages of a month from its counts and sums (None
        without data)."""
        line_count = sums.get("line_count")
        lead_avg = sums.get("lead_time_avg")
        delay_avg = sums.get("pricelist_delay_avg")
        return {
            "on_time_rate": engine.rate(sums.get("on_time_line_count"), line_count),
            "on_time_qty_rate": engine.rate(sums.get("on_time_qty_score"), line_count),
            "on_time_original_rate": engine.rate(sums.get("on_time_original_line_count"), line_count),
            "on_time_original_qty_rate": engine.rate(sums.get("on_time_original_qty_score"), line_count),
            "fill_rate": engine.rate(sums.get("fill_score"), line_count),
            "lead_time_gap": float(lead_avg - delay_avg) if lead_avg is not None and delay_avg is not None else None,
            "suggested_delay": engine.suggested_delay(sums.get("lead_days") or []),
            "price_variance": engine.price_variance(sums.get("price_paid_value"), sums.get("price_list_value")),
        }

    @api.model
    def _delete_rows(self, companies, date_from, date_to):
        self.env.cr.execute(
            SQL(
                "DELETE FROM prod_planning_vendor_scorecard "
                "WHERE company_id = ANY(%s) AND date_month >= %s AND date_month < %s",
                companies.ids,
                date_from,
                date_to,
            )
        )

    def _insert_rows(self, rows):
        """INSERT the rows at once from one JSON array (NULLs stay NULL)."""
        if not rows:
            return
        uid = self.env.uid
        now = fields.Datetime.to_string(fields.Datetime.now())
        for row in rows:
            row.update(create_uid=uid, write_uid=uid, create_date=now, write_date=now)
        columns = (*SCORE_COLUMNS, "create_uid", "write_uid", "create_date", "write_date")
        column_list = SQL(", ").join(SQL.identifier(column) for column in columns)
        self.env.cr.execute(
            SQL(
                "INSERT INTO prod_planning_vendor_scorecard (%s) "
                "SELECT %s FROM jsonb_populate_recordset("
                "NULL::prod_planning_vendor_scorecard, %s)",
                column_list,
                column_list,
                json.dumps(rows),
            )
        )

    @api.model
    def get_scorecards(self, date_from, date_to, vendor_ids=None, refresh=False):
        """Read the vendor scorecards of a period (XML-RPC).

        ``date_from`` and ``date_to`` (``YYYY-MM-DD``) select the months from
        the month of ``date_from`` to the month of ``date_to``; ``vendor_ids``
        restricts to some vendors (res.partner ids); ``refresh=True`` rebuilds
        those months first. Returns a list of dicts, one per vendor and month:
        ``vendor_id``, ``vendor``, ``company_id``, ``month`` (``YYYY-MM``) and
        the measures (``on_time_rate``, ``on_time_qty_rate``,
        ``on_time_original_rate``, ``on_time_original_qty_rate``,
        ``fill_rate``, ``lead_time_avg``, ``pricelist_delay_avg``,
        ``lead_time_gap``, ``suggested_delay``, ``price_variance``,
        ``response_time_avg`` and the counts). A measure without data is
        ``False`` (XML-RPC has no null): never 0 or 100, test it with
        ``value is False``; rates are percentages from 0 to 100.
        """
        self.check_access("read")
        env = self.env
        date_from = rpc_arguments.require_date(env, "get_scorecards", "date_from", date_from, required=True)
        date_to = rpc_arguments.require_date(env, "get_scorecards", "date_to", date_to, required=True)
        vendor_ids = rpc_arguments.require_ids(env, "get_scorecards", "vendor_ids", vendor_ids, "res.partner")
        refresh = rpc_arguments.require_bool(env, "get_scorecards", "refresh", refresh)
        start, end = self._period(date_from, date_to)
        if refresh:
            self._check_refresh_access()
            self._refresh(companies=self.env.companies, date_from=start, date_to=end - relativedelta(days=1))
        domain = [("company_id", "in", self.env.companies.ids), ("date_month", ">=", start), ("date_month", "<", end)]
        if vendor_ids:
            domain.append(("partner_id", "in", vendor_ids))
        cards = self.search(domain)
        if not cards:
            return []
        self.env.cr.execute(
            SQL(
                "SELECT id, %s FROM prod_planning_vendor_scorecard WHERE id = ANY(%s)",
                SQL(", ").join(SQL.identifier(name) for name in API_FIELDS),
                cards.ids,
            )
        )
        raw = {
            row[0]: {name: False if value is None else value for name, value in zip(API_FIELDS, row[1:], strict=True)}
            for row in self.env.cr.fetchall()
        }
        result = []
        for card in cards:
            values = raw[card.id]
            result.append(
                {
                    "id": card.id,
                    "vendor_id": card.partner_id.id,
                    "vendor": card.partner_id.display_name,
                    "company_id": card.company_id.id,
                    "month": card.date_month.strftime("%Y-%m"),
                    **values,
                }
            )
        return result
