"""Vendor scorecards: the monthly measures read from purchases, receipts,
promised-date revisions and vendor contacts.

The read step of the scorecard refresh: set-based SQL aggregates per company,
vendor and month, returned as plain dicts of counts and sums (named after the
scorecard's columns). The report (prod.planning.vendor.scorecard) turns them
into rates with the vendor engine and stores them.
"""

from odoo import api, fields, models

from ..engine import vendors as engine


def in_planned_categories(company, category):
    """SQL condition: the product category ``category`` (an SQL expression) is
    one of the planned categories of ``company`` (prod_planning_categ_ids) or
    below one, or the company leaves them empty (every category is planned)."""
    return f"""(NOT EXISTS (SELECT 1 FROM prod_planning_company_categ_rel r WHERE r.company_id = {company})
        OR EXISTS (SELECT 1
                     FROM prod_planning_company_categ_rel r
                     JOIN product_category rc ON rc.id = r.categ_id
                     JOIN product_category c ON c.id = {category}
                    WHERE r.company_id = {company}
                      AND c.parent_path LIKE rc.parent_path || '%%'))"""


# Per purchase line: what was ordered and received, when, at which price. The
# month of a line is the month of its current promised date; a line counts once
# it is due (promised date passed) or fully received. Quantities are in the
# product's unit (moves converted), received = receipts - refunded returns.
# One pass over the lines: the receipts and the pricelist entry of each line
# come from index lookups (LATERAL), so the plan stays linear whatever the
# planner estimates for the intermediate results.
LINE_METRICS_QUERY = f"""
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
       AND {in_planned_categories("po.company_id", "pt.categ_id")}
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
       COUNT(*) AS line_count,
       COUNT(*) FILTER (WHERE full_promised) AS on_time_line_count,
       COUNT(*) FILTER (WHERE full_original) AS on_time_original_line_count,
       COUNT(*) FILTER (WHERE has_receipt) AS received_line_count,
       SUM(ratio_promised) AS on_time_qty_score,
       SUM(ratio_original) AS on_time_original_qty_score,
       SUM(ratio_received) AS fill_score,
       COUNT(lead_days) AS lead_line_count,
       AVG(lead_days) AS lead_time_avg,
       AVG(pricelist_delay) FILTER (WHERE lead_days IS NOT NULL)
           AS pricelist_delay_avg,
       SUM(lead_days) AS lead_time_total,
       SUM(pricelist_delay) FILTER (WHERE lead_days IS NOT NULL)
           AS pricelist_delay_total,
       COUNT(pricelist_delay) FILTER (WHERE lead_days IS NOT NULL)
           AS pricelist_delay_count,
       ARRAY_AGG(lead_days) FILTER (WHERE lead_days IS NOT NULL) AS lead_days,
       COUNT(list_value) AS price_line_count,
       SUM(paid_value) AS price_paid_value,
       SUM(list_value) AS price_list_value
  FROM line_scores
 GROUP BY company_id, partner_id, month
"""

# The category of a revision's product.
REVISION_CATEGORY = (
    "(SELECT pt.categ_id FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id"
    " WHERE pp.id = rev.product_id)"
)

# Promised-date revisions of the vendor's lines, by month of the revision
# (planned categories only, as the lines).
REVISIONS_QUERY = f"""
SELECT company_id, partner_id, date_trunc('month', date)::date AS month,
       COUNT(*) AS revision_count,
       COUNT(*) FILTER (WHERE is_slip) AS slip_count
  FROM prod_planning_promised_date_revision rev
 WHERE date >= %(date_from)s AND date < %(date_to)s
   AND company_id = ANY(%(companies)s) AND partner_id IS NOT NULL
   AND {in_planned_categories("rev.company_id", REVISION_CATEGORY)}
 GROUP BY 1, 2, 3
"""

# Contacts with the vendor, by month of the contact; response of outgoing ones.
CONTACTS_QUERY = """
SELECT company_id, partner_id, date_trunc('month', date)::date AS month,
       COUNT(*) AS contact_count,
       COUNT(*) FILTER (WHERE direction = 'out') AS outgoing_contact_count,
       COUNT(*) FILTER (WHERE direction = 'out' AND response_date IS NOT NULL)
           AS answered_count,
       COUNT(*) FILTER (WHERE direction = 'out' AND response_date IS NULL)
           AS unanswered_count,
       AVG(GREATEST(EXTRACT(EPOCH FROM response_date - date), 0) / 3600.0)
           FILTER (WHERE direction = 'out' AND response_date IS NOT NULL)
           AS response_time_avg,
       SUM(GREATEST(EXTRACT(EPOCH FROM response_date - date), 0) / 3600.0)
           FILTER (WHERE direction = 'out' AND response_date IS NOT NULL)
           AS response_time_total
  FROM prod_planning_vendor_contact
 WHERE date >= %(date_from)s AND date < %(date_to)s
   AND company_id = ANY(%(companies)s)
 GROUP BY 1, 2, 3
"""


class ProdPlanningVendorScorecardReader(models.AbstractModel):
    _name = "prod.planning.vendor.scorecard.reader"
    _description = "Vendor Scorecard Reader"

    @api.model
    def _read(self, companies, date_from, date_to):
        """Counts and sums of the months from ``date_from`` (included) to
        ``date_to`` (excluded), first days of months:
        ``{(company_id, partner_id, month): {column: value}}``; a vendor and
        month without lines due has only the revision or contact columns."""
        self._flush_sources()
        params = {
            "date_from": date_from,
            "date_to": date_to,
            "companies": companies.ids,
            "today": fields.Date.context_today(self),
            "eps": engine.EPSILON,
        }
        cards = {}
        for query in (LINE_METRICS_QUERY, REVISIONS_QUERY, CONTACTS_QUERY):
            self.env.cr.execute(query, params)
            for row in self.env.cr.dictfetchall():
                key = (row["company_id"], row["partner_id"], row["month"])
                cards.setdefault(key, {}).update(row)
        return cards

    @api.model
    def _flush_sources(self):
        """The queries read these models' tables."""
        for model in (
            "purchase.order.line",
            "purchase.order",
            "stock.move",
            "prod.planning.promised.date.revision",
            "prod.planning.vendor.contact",
            "product.supplierinfo",
            "product.template",
            "res.company",
        ):
            self.env[model].flush_model()
