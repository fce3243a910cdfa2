import json
import time

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..engine import vendors as engine
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

# Per purchase line: what was ordered and received, when, at which price. The
# month of a line is the month of its current promised date; a line counts once
# it is due (promised date passed) or fully received. Quantities are in the
# product's unit (moves converted), received = receipts - refunded returns.
# One pass over the lines: the receipts and the pricelist entry of each line
# come from index lookups (LATERAL), so the plan stays linear whatever the
# planner estimates for the intermediate results.
LINE_METRICS_QUERY = """
WITH lines AS (
    SELECT pol.id AS line_id,
           po.company_id,
           rp.commercial_partner_id AS partner_id,
           po.partner_id AS order_partner_id,
           date_trunc('month', pol.date_promised)::date AS month,
           pol.date_promised,
           COALESCE(pol.date_requested_original, pol.date_promised) AS date_original,
           pol.product_uom_qty AS ordered,
           pol.product_qty,
           pol.product_id,
           pp.product_tmpl_id,
           p_uom.factor AS product_factor,
           po.currency_id,
           po.date_order,
           pol.price_subtotal / pol.product_uom_qty AS paid_unit,
           COALESCE(NULLIF(up.tz, ''), NULLIF(cp.tz, ''), 'UTC') AS tz,
           po.date_approve
      FROM purchase_order_line pol
      JOIN purchase_order po ON po.id = pol.order_id
      JOIN res_partner rp ON rp.id = po.partner_id
      JOIN product_product pp ON pp.id = pol.product_id
      JOIN product_template pt ON pt.id = pp.product_tmpl_id
      JOIN uom_uom p_uom ON p_uom.id = pt.uom_id
      JOIN res_company co ON co.id = po.company_id
      JOIN res_partner cp ON cp.id = co.partner_id
      LEFT JOIN res_users u ON u.id = po.user_id
      LEFT JOIN res_partner up ON up.id = u.partner_id
     WHERE po.state IN ('purchase', 'done')
       AND pol.display_type IS NULL
       AND pt.type = 'consu'
       AND pol.product_uom_qty > 0
       AND pol.date_promised >= %(date_from)s
       AND pol.date_promised < %(date_to)s
       AND po.company_id = ANY(%(companies)s)
),
metrics AS (
    SELECT l.company_id, l.partner_id, l.month, l.ordered, l.date_promised,
           GREATEST(COALESCE(r.received, 0), 0) AS received,
           GREATEST(COALESCE(r.received_promised, 0), 0) AS received_promised,
           GREATEST(COALESCE(r.received_original, 0), 0) AS received_original,
           r.last_day,
           (l.date_approve AT TIME ZONE 'UTC' AT TIME ZONE l.tz)::date AS approve_day,
           si.delay AS pricelist_delay,
           CASE WHEN si.currency_id = l.currency_id
                THEN si.price * (1 - COALESCE(si.discount, 0) / 100.0)
                     * l.product_factor / si.uom_factor
           END AS list_unit,
           l.paid_unit
      FROM lines l
      -- Receipts of the line (index on stock_move.purchase_line_id), in the
      -- product's unit, by day in the order's time zone.
      LEFT JOIN LATERAL (
            SELECT SUM(m.qty) AS received,
                   SUM(m.qty) FILTER (WHERE m.day <= l.date_promised)
                       AS received_promised,
                   SUM(m.qty) FILTER (WHERE m.day <= l.date_original)
                       AS received_original,
                   MAX(m.day) FILTER (WHERE m.qty > 0) AS last_day
              FROM (
                SELECT (sm.date AT TIME ZONE 'UTC' AT TIME ZONE l.tz)::date AS day,
                       CASE WHEN dst.usage = 'supplier' THEN -1 ELSE 1 END
                           * sm.quantity * mu.factor / l.product_factor AS qty
                  FROM stock_move sm
                  JOIN stock_location src ON src.id = sm.location_id
                  JOIN stock_location dst ON dst.id = sm.location_dest_id
                  JOIN uom_uom mu ON mu.id = sm.product_uom
                 WHERE sm.purchase_line_id = l.line_id
                   AND sm.state = 'done'
                   AND ((src.usage = 'supplier' AND dst.usage != 'supplier')
                        OR (dst.usage = 'supplier' AND src.usage != 'supplier'
                            AND sm.to_refund))
              ) m
      ) r ON TRUE
      -- The vendor pricelist entry Odoo would pick for the order.
      LEFT JOIN LATERAL (
            SELECT s.delay, s.price, s.discount, s.currency_id,
                   su.factor AS uom_factor
              FROM product_supplierinfo s
              JOIN uom_uom su ON su.id = s.product_uom_id
             WHERE s.product_tmpl_id = l.product_tmpl_id
               AND s.partner_id IN (l.partner_id, l.order_partner_id)
               AND (s.product_id IS NULL OR s.product_id = l.product_id)
               AND (s.company_id IS NULL OR s.company_id = l.company_id)
               AND (s.date_start IS NULL OR s.date_start <= l.date_order::date)
               AND (s.date_end IS NULL OR s.date_end >= l.date_order::date)
               AND s.min_qty <= l.product_qty
             ORDER BY s.sequence, s.min_qty DESC, s.price, s.id
             LIMIT 1
      ) si ON TRUE
),
line_scores AS (
    SELECT company_id, partner_id, month,
           received > %(eps)s AS has_receipt,
           received_promised >= ordered - %(eps)s AS full_promised,
           received_original >= ordered - %(eps)s AS full_original,
           LEAST(received_promised / ordered, 1) AS ratio_promised,
           LEAST(received_original / ordered, 1) AS ratio_original,
           LEAST(received / ordered, 1) AS ratio_received,
           CASE WHEN received >= ordered - %(eps)s AND approve_day IS NOT NULL
                THEN GREATEST(last_day - approve_day, 0) END AS lead_days,
           pricelist_delay,
           CASE WHEN received > %(eps)s AND list_unit IS NOT NULL
                THEN paid_unit * received END AS paid_value,
           CASE WHEN received > %(eps)s AND list_unit IS NOT NULL
                THEN list_unit * received END AS list_value
      FROM metrics
     WHERE date_promised <= %(today)s OR received >= ordered - %(eps)s
)
SELECT company_id, partner_id, month,
       COUNT(*),
       COUNT(*) FILTER (WHERE full_promised),
       COUNT(*) FILTER (WHERE full_original),
       COUNT(*) FILTER (WHERE has_receipt),
       SUM(ratio_promised),
       SUM(ratio_original),
       SUM(ratio_received),
       COUNT(lead_days),
       AVG(lead_days),
       AVG(pricelist_delay) FILTER (WHERE lead_days IS NOT NULL),
       SUM(lead_days),
       SUM(pricelist_delay) FILTER (WHERE lead_days IS NOT NULL),
       COUNT(pricelist_delay) FILTER (WHERE lead_days IS NOT NULL),
       ARRAY_AGG(lead_days) FILTER (WHERE lead_days IS NOT NULL),
       COUNT(list_value),
       SUM(paid_value),
       SUM(list_value)
  FROM line_scores
 GROUP BY company_id, partner_id, month
"""

# Promised-date revisions of the vendor's lines, by month of the revision.
REVISIONS_QUERY = """
SELECT company_id, partner_id, date_trunc('month', date)::date,
       COUNT(*), COUNT(*) FILTER (WHERE is_slip)
  FROM prod_planning_promised_date_revision
 WHERE date >= %(date_from)s AND date < %(date_to)s
   AND company_id = ANY(%(companies)s) AND partner_id IS NOT NULL
 GROUP BY 1, 2, 3
"""

# Contacts with the vendor, by month of the contact; response of outgoing ones.
CONTACTS_QUERY = """
SELECT company_id, partner_id, date_trunc('month', date)::date,
       COUNT(*),
       COUNT(*) FILTER (WHERE direction = 'out'),
       COUNT(*) FILTER (WHERE direction = 'out' AND response_date IS NOT NULL),
       COUNT(*) FILTER (WHERE direction = 'out' AND response_date IS NULL),
       AVG(GREATEST(EXTRACT(EPOCH FROM response_date - date), 0) / 3600.0)
           FILTER (WHERE direction = 'out' AND response_date IS NOT NULL),
       SUM(GREATEST(EXTRACT(EPOCH FROM response_date - date), 0) / 3600.0)
           FILTER (WHERE direction = 'out' AND response_date IS NOT NULL)
  FROM prod_planning_vendor_contact
 WHERE date >= %(date_from)s AND date < %(date_to)s
   AND company_id = ANY(%(companies)s)
 GROUP BY 1, 2, 3
"""


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
    "on_time_rate": (
        _rate("on_time_line_count", "line_count"),
        ["on_time_line_count", "line_count"],
    ),
    "on_time_qty_rate": (
        _rate("on_time_qty_score", "line_count"),
        ["on_time_qty_score", "line_count"],
    ),
    "on_time_original_rate": (
        _rate("on_time_original_line_count", "line_count"),
        ["on_time_original_line_count", "line_count"],
    ),
    "on_time_original_qty_rate": (
        _rate("on_time_original_qty_score", "line_count"),
        ["on_time_original_qty_score", "line_count"],
    ),
    "fill_rate": (_rate("fill_score", "line_count"), ["fill_score", "line_count"]),
    "lead_time_avg": (
        ratio_of("lead_time_total", "lead_line_count"),
        ["lead_time_total", "lead_line_count"],
    ),
    "pricelist_delay_avg": (
        ratio_of("pricelist_delay_total", "pricelist_delay_count"),
        ["pricelist_delay_total", "pricelist_delay_count"],
    ),
    "lead_time_gap": (
        _lead_time_gap,
        [
            "lead_time_total",
            "lead_line_count",
            "pricelist_delay_total",
            "pricelist_delay_count",
        ],
    ),
    "price_variance": (
        lambda sums: engine.price_variance(
            sums["price_paid_value"], sums["price_list_value"]
        ),
        ["price_paid_value", "price_list_value"],
    ),
    "response_time_avg": (
        ratio_of("response_time_total", "answered_count"),
        ["response_time_total", "answered_count"],
    ),
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

    company_id = fields.Many2one(
        comodel_name="res.company", required=True, index=True, readonly=True
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Vendor",
        required=True,
        index=True,
        readonly=True,
    )
    date_month = fields.Date(string="Month", required=True, index=True, readonly=True)
    line_count = fields.Integer(string="Lines Due", readonly=True)
    on_time_line_count = fields.Integer(string="Lines On Time", readonly=True)
    on_time_original_line_count = fields.Integer(
        string="Lines On Original Date", readonly=True
    )
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
    on_time_original_qty_rate = fields.Float(
        string="On Original Date (qty) %", aggregator="avg", readonly=True
    )
    fill_rate = fields.Float(string="Fill Rate %", aggregator="avg", readonly=True)
    lead_line_count = fields.Integer(string="Lines with Lead Time", readonly=True)
    lead_time_avg = fields.Float(
        string="Lead Time (days)", aggregator="avg", readonly=True
    )
    pricelist_delay_avg = fields.Float(
        string="Pricelist Delay (days)", aggregator="avg", readonly=True
    )
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
        help="Sum over the lines due of the share of the ordered quantity "
        "received by the promised date.",
    )
    on_time_original_qty_score = fields.Float(
        string="Lines On Original Date (qty share)",
        readonly=True,
        help="Sum over the lines due of the share of the ordered quantity "
        "received by the original requested date.",
    )
    fill_score = fields.Float(
        string="Lines Received (qty share)",
        readonly=True,
        help="Sum over the lines due of the share of the ordered quantity received.",
    )
    lead_time_total = fields.Float(string="Lead Time Total (days)", readonly=True)
    pricelist_delay_total = fields.Float(
        string="Pricelist Delay Total (days)", readonly=True
    )
    pricelist_delay_count = fields.Integer(
        string="Lines with Pricelist Delay", readonly=True
    )
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
    response_time_total = fields.Float(
        string="Response Time Total (hours)", readonly=True
    )
    revision_count = fields.Integer(string="Date Revisions", readonly=True)
    slip_count = fields.Integer(string="Slips", readonly=True)
    contact_count = fields.Integer(string="Contacts", readonly=True)
    outgoing_contact_count = fields.Integer(string="Outgoing Contacts", readonly=True)
    answered_count = fields.Integer(string="Answered", readonly=True)
    unanswered_count = fields.Integer(string="Unanswered", readonly=True)
    response_time_avg = fields.Float(
        string="Response Time (hours)", aggregator="avg", readonly=True
    )
    data_status = fields.Selection(
        selection=[("measured", "Measured"), ("no_data", "No deliveries due")],
        string="Deliveries",
        readonly=True,
    )
    refreshed_on = fields.Datetime(readonly=True)

    _vendor_month_uniq = models.Constraint(
        "unique(company_id, partner_id, date_month)",
        "One scorecard per vendor, company and month.",
    )

    @api.model
    def _report_ratios(self):
        return RATIOS

    @api.depends("partner_id", "date_month")
    def _compute_display_name(self):
        for card in self:
            card.display_name = (
                f"{card.partner_id.display_name} "
                f"{card.date_month.strftime('%Y-%m') if card.date_month else ''}"
            )

    def action_refresh(self):
        """Refresh button: rebuild the last 24 months of the user's companies."""
        self.env["prod.planning.vendor.scorecard"]._refresh(
            companies=self.env.companies
        )
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    @api.model
    def _cron_refresh(self, months=24):
        """Daily: rebuild the last ``months`` months of every company."""
        return self._refresh(
            companies=self.env["res.company"].search([]), months=months
        )

    @api.model
    def _period(self, date_from=None, date_to=None, months=24):
        """First days of the first month and of the month after the last one."""
        today = fields.Date.context_today(self)
        date_to = fields.Date.to_date(date_to) or today
        date_from = fields.Date.to_date(date_from) or (
            date_to - relativedelta(months=months - 1)
        )
        if date_from > date_to:
            raise UserError(
                _(
                    "Scorecard period: %(start)s is after %(end)s.",
                    start=date_from,
                    end=date_to,
                )
            )
        return date_from.replace(day=1), date_to.replace(day=1) + relativedelta(
            months=1
        )

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
        for model in (
            "purchase.order.line",
            "purchase.order",
            "stock.move",
            "prod.planning.promised.date.revision",
            "prod.planning.vendor.contact",
            "product.supplierinfo",
        ):
            self.env[model].flush_model()
        params = {
            "date_from": start,
            "date_to": end,
            "companies": companies.ids,
            "today": fields.Date.context_today(self),
            "eps": engine.EPSILON,
        }
        cards = {}

        def card(company_id, partner_id, month):
            key = (company_id, partner_id, month)
            if key not in cards:
                cards[key] = {
                    "company_id": company_id,
                    "partner_id": partner_id,
                    "date_month": month,
                }
            return cards[key]

        cr = self.env.cr
        cr.execute(LINE_METRICS_QUERY, params)
        for (
            company_id,
            partner_id,
            month,
            line_count,
            on_time,
            on_time_original,
            received_lines,
            ratio_promised,
            ratio_original,
            ratio_received,
            lead_count,
            lead_avg,
            delay_avg,
            lead_total,
            delay_total,
            delay_count,
            lead_days,
            price_count,
            paid_value,
            list_value,
        ) in cr.fetchall():
            values = card(company_id, partner_id, month)
            values.update(
                line_count=line_count,
                on_time_line_count=on_time,
                on_time_original_line_count=on_time_original,
                received_line_count=received_lines,
                on_time_rate=engine.rate(on_time, line_count),
                on_time_qty_rate=engine.rate(ratio_promised, line_count),
                on_time_original_rate=engine.rate(on_time_original, line_count),
                on_time_original_qty_rate=engine.rate(ratio_original, line_count),
                fill_rate=engine.rate(ratio_received, line_count),
                lead_line_count=lead_count,
                lead_time_avg=float(lead_avg) if lead_avg is not None else None,
                pricelist_delay_avg=float(delay_avg) if delay_avg is not None else None,
                lead_time_gap=float(lead_avg - delay_avg)
                if lead_avg is not None and delay_avg is not None
                else None,
                suggested_delay=engine.suggested_delay(lead_days or []),
                price_line_count=price_count,
                price_variance=engine.price_variance(paid_value, list_value),
                on_time_qty_score=ratio_promised,
                on_time_original_qty_score=ratio_original,
                fill_score=ratio_received,
                lead_time_total=lead_total,
                pricelist_delay_total=delay_total,
                pricelist_delay_count=delay_count,
                price_paid_value=paid_value,
                price_list_value=list_value,
            )
        cr.execute(REVISIONS_QUERY, params)
        for company_id, partner_id, month, revisions, slips in cr.fetchall():
            card(company_id, partner_id, month).update(
                revision_count=revisions, slip_count=slips
            )
        cr.execute(CONTACTS_QUERY, params)
        for (
            company_id,
            partner_id,
            month,
            contacts,
            outgoing,
            answered,
            unanswered,
            response_avg,
            response_total,
        ) in cr.fetchall():
            card(company_id, partner_id, month).update(
                contact_count=contacts,
                outgoing_contact_count=outgoing,
                answered_count=answered,
                unanswered_count=unanswered,
                response_time_avg=float(response_avg)
                if response_avg is not None
                else None,
                response_time_total=response_total,
            )
        now = fields.Datetime.to_string(fields.Datetime.now())
        rows = []
        for values in cards.values():
            values["date_month"] = fields.Date.to_string(values["date_month"])
            values["data_status"] = (
                "measured" if values.get("line_count") else "no_data"
            )
            values["refreshed_on"] = now
            row = {column: values.get(column) for column in SCORE_COLUMNS}
            for column in SCORE_COLUMNS:
                if column.endswith("_count") and row[column] is None:
                    row[column] = 0
            rows.append(row)
        cr.execute(
            "DELETE FROM prod_planning_vendor_scorecard "
            "WHERE company_id = ANY(%s) AND date_month >= %s AND date_month < %s",
            [companies.ids, start, end],
        )
        self._insert_rows(rows)
        self.invalidate_model()
        return {"rows": len(rows), "seconds": round(time.perf_counter() - started, 3)}

    def _insert_rows(self, rows):
        """INSERT the rows at once from one JSON array (NULLs stay NULL)."""
        if not rows:
            return
        uid = self.env.uid
        now = fields.Datetime.to_string(fields.Datetime.now())
        for row in rows:
            row.update(create_uid=uid, write_uid=uid, create_date=now, write_date=now)
        columns = (
            *SCORE_COLUMNS,
            "create_uid",
            "write_uid",
            "create_date",
            "write_date",
        )
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
        try:
            start, end = self._period(date_from, date_to)
        except ValueError as error:
            raise UserError(
                _("get_scorecards: dates must be YYYY-MM-DD (%(error)s).", error=error)
            ) from error
        if refresh:
            self._refresh(
                companies=self.env.companies,
                date_from=start,
                date_to=end - relativedelta(days=1),
            )
        domain = [
            ("company_id", "in", self.env.companies.ids),
            ("date_month", ">=", start),
            ("date_month", "<", end),
        ]
        if vendor_ids:
            domain.append(("partner_id", "in", list(vendor_ids)))
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
            row[0]: {
                name: False if value is None else value
                for name, value in zip(API_FIELDS, row[1:], strict=True)
            }
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
