"""Production rates per work center, product and week, from done work orders."""

from datetime import datetime, time, timedelta

from odoo import api, fields, models

from .prod_planning_report_mixin import ratio_of

HISTORY_WEEKS = 52
FUTURE_WEEKS = 4


throughput = ratio_of("qty_produced", "real_hours", empty=0.0)
expected_throughput = ratio_of("qty_produced", "expected_hours", empty=0.0)
performance = ratio_of("expected_hours", "real_hours", 100.0, empty=0.0)


def availability(values):
    run = values.get("run_hours") or 0.0
    blocked = values.get("blocked_hours") or 0.0
    if run + blocked:
        return 100.0 * run / (run + blocked)
    return 100.0 if values.get("real_hours") else 0.0


def oee(values):
    return availability(values) * performance(values) / 100.0


RATIOS = {
    "throughput": (throughput, ["qty_produced", "real_hours"]),
    "expected_throughput": (expected_throughput, ["qty_produced", "expected_hours"]),
    "performance": (performance, ["expected_hours", "real_hours"]),
    "availability": (availability, ["run_hours", "blocked_hours", "real_hours"]),
    "oee": (oee, ["run_hours", "blocked_hours", "real_hours", "expected_hours"]),
}


class ProdPlanningProductionRate(models.Model):
    """Planned vs actual output, stored: refreshed by a scheduled action and on
    demand with SQL aggregates, never computed on read.

    Per work center, product and week (weeks start on Monday, in UTC):

    * output: quantity produced by the work orders done in the week (product's
      unit) against the quantity of the work orders due to finish in it (done
      or still open: the planned output);
    * expected vs real duration of the done work orders, the throughput per real
      hour and per expected hour;
    * an OEE-style figure: *availability* = running time / (running time +
      blocked time) from the work center's time logs (productive and reduced
      speed count as running; availability and quality losses as blocked), times
      *performance* = expected / real duration. Time logs without a work order
      are reported on a row without product.
    """

    _name = "prod.planning.production.rate"
    _description = "Production Rate"
    _inherit = ["prod.planning.report.window"]
    _order = "date desc, workcenter_id, product_id"
    _check_company_auto = True
    _window_scope_field = "company_id"

    workcenter_id = fields.Many2one(
        comodel_name="mrp.workcenter", required=True, index=True, ondelete="cascade", check_company=True
    )
    product_id = fields.Many2one(comodel_name="product.product", index=True, ondelete="cascade")
    uom_id = fields.Many2one(related="product_id.uom_id")
    company_id = fields.Many2one(comodel_name="res.company", required=True, index=True)
    date = fields.Date(string="Week", required=True, index=True)
    workorder_count = fields.Integer(string="# Done Work Orders", aggregator="sum")
    planned_qty = fields.Float(string="Planned Output", digits="Product Unit", aggregator="sum")
    qty_produced = fields.Float(string="Produced", digits="Product Unit", aggregator="sum")
    expected_hours = fields.Float(string="Expected Duration", aggregator="sum")
    real_hours = fields.Float(string="Real Duration", aggregator="sum")
    run_hours = fields.Float(
        string="Running Time", aggregator="sum", help="Time logged as productive or at reduced speed."
    )
    blocked_hours = fields.Float(
        string="Blocked Time", aggregator="sum", help="Time logged with an availability or quality loss (blocked)."
    )
    performance_loss_hours = fields.Float(
        string="Reduced Speed", aggregator="sum", help="Running time beyond the expected duration (performance loss)."
    )
    throughput = fields.Float(string="Units / Hour", aggregator="avg", help="Produced per real hour.")
    expected_throughput = fields.Float(
        string="Expected Units / Hour", aggregator="avg", help="Produced per expected hour."
    )
    availability = fields.Float(string="Availability %", aggregator="avg")
    performance = fields.Float(string="Performance %", aggregator="avg")
    oee = fields.Float(string="OEE %", aggregator="avg")

    @api.model
    def _report_sources(self):
        return ["mrp.workcenter", "mrp.workorder", "mrp.production", "mrp.workcenter.productivity"]

    @api.model
    def _report_ratios(self):
        return RATIOS

    # -- refresh -------------------------------------------------------------------
    @api.model
    def _refresh(self, date_from=None, date_to=None, companies=None):
        """Replace the rows of ``companies`` (default: the allowed ones) for the
        weeks from the one of ``date_from`` to the one before ``date_to``
        (default: the last 52 weeks and the next 4)."""
        return self._refresh_window(date_from, date_to, companies or None)

    @api.model
    def _window_dates(self, date_from, date_to):
        """Whole weeks (Monday to Sunday), from the week of ``date_from`` to
        the one before the week of ``date_to`` (unless it is a Monday)."""
        today = fields.Date.context_today(self)
        date_from = date_from or today - timedelta(weeks=HISTORY_WEEKS)
        date_to = date_to or today + timedelta(weeks=FUTURE_WEEKS)
        date_from -= timedelta(days=date_from.weekday())
        date_to += timedelta(days=(7 - date_to.weekday()) % 7)
        return date_from, date_to - timedelta(days=1)

    @api.model
    def _window_default_scope(self):
        return self.env.companies

    @api.model
    def _window_all_scope(self):
        return self.env["res.company"].search([])

    # -- computation ---------------------------------------------------------------
    @api.model
    def _compute_rows(self, first, last, companies):
        """Rows for the weeks from ``first`` (a Monday) to ``last`` included."""
        self.env["mrp.workorder"].flush_model()
        self.env["mrp.production"].flush_model()
        self.env["mrp.workcenter.productivity"].flush_model()
        start = datetime.combine(first, time.min)
        end = datetime.combine(last + timedelta(days=1), time.min)
        rows = {}
        self._add_workorder_output(rows, start, end, companies)
        self._add_time_logs(rows, start, end, companies)
        result = []
        for values in rows.values():
            for name, (function, _needs) in RATIOS.items():
                values[name] = round(function(values), 4)
            result.append(values)
        return result

    @api.model
    def _row(self, rows, wc_id, product_id, company_id, week):
        """The row of ``rows`` (a dict by key) of a work center, product,
        company and week, created empty on first use."""
        key = (wc_id, product_id, company_id, week)
        if key not in rows:
            rows[key] = {
                "workcenter_id": wc_id,
                "product_id": product_id,
                "company_id": company_id,
                "date": week,
                "workorder_count": 0,
                "planned_qty": 0.0,
                "qty_produced": 0.0,
                "expected_hours": 0.0,
                "real_hours": 0.0,
                "run_hours": 0.0,
                "blocked_hours": 0.0,
                "performance_loss_hours": 0.0,
            }
        return rows[key]

    @api.model
    def _add_workorder_output(self, rows, start, end, companies):
        """Work orders finishing in ``[start, end)``: done ones produced, all
        planned (quantities in the product's unit)."""
        cr = self.env.cr
        cr.execute(
            """
            SELECT wo.workcenter_id, mo.product_id, mo.company_id,
                   date_trunc('week', wo.date_finished)::date,
                   COUNT(*) FILTER (WHERE wo.state = 'done'),
                   SUM(mo.product_qty * mo_uom.factor / p_uom.factor),
                   SUM(wo.qty_produced * mo_uom.factor / p_uom.factor)
                       FILTER (WHERE wo.state = 'done'),
                   SUM(wo.duration_expected) FILTER (WHERE wo.state = 'done'),
                   SUM(wo.duration) FILTER (WHERE wo.state = 'done')
              FROM mrp_workorder wo
              JOIN mrp_production mo ON mo.id = wo.production_id
              JOIN uom_uom mo_uom ON mo_uom.id = mo.product_uom_id
              JOIN product_product pp ON pp.id = mo.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN uom_uom p_uom ON p_uom.id = pt.uom_id
             WHERE wo.state != 'cancel'
               AND wo.date_finished >= %s AND wo.date_finished < %s
               AND mo.company_id IN %s
          GROUP BY 1, 2, 3, 4
            """,
            [start, end, tuple(companies.ids)],
        )
        for wc_id, product_id, company_id, week, *sums in cr.fetchall():
            done, planned, qty, exp, real = sums
            values = self._row(rows, wc_id, product_id, company_id, week)
            values["workorder_count"] += done or 0
            values["planned_qty"] += planned or 0.0
            values["qty_produced"] += qty or 0.0
            values["expected_hours"] += (exp or 0.0) / 60.0
            values["real_hours"] += (real or 0.0) / 60.0

    @api.model
    def _add_time_logs(self, rows, start, end, companies):
        """Time logs started in ``[start, end)``: running and blocked time,
        performance losses."""
        cr = self.env.cr
        cr.execute(
            """
            SELECT p.workcenter_id, mo.product_id, p.company_id,
                   date_trunc('week', p.date_start)::date,
                   SUM(p.duration) FILTER (
                       WHERE lt.loss_type IN ('productive', 'performance')),
                   SUM(p.duration) FILTER (
                       WHERE lt.loss_type IN ('availability', 'quality')),
                   SUM(p.duration) FILTER (WHERE lt.loss_type = 'performance')
              FROM mrp_workcenter_productivity p
              -- Odoo 19 no longer stores the loss type on the time log.
              JOIN mrp_workcenter_productivity_loss l ON l.id = p.loss_id
         LEFT JOIN mrp_workcenter_productivity_loss_type lt ON lt.id = l.loss_id
         LEFT JOIN mrp_workorder wo ON wo.id = p.workorder_id
         LEFT JOIN mrp_production mo ON mo.id = wo.production_id
             WHERE p.date_end IS NOT NULL
               AND p.date_start >= %s AND p.date_start < %s
               AND p.company_id IN %s
          GROUP BY 1, 2, 3, 4
            """,
            [start, end, tuple(companies.ids)],
        )
        for wc_id, product_id, company_id, week, run, blocked, slow in cr.fetchall():
            values = self._row(rows, wc_id, product_id, company_id, week)
            values["run_hours"] += (run or 0.0) / 60.0
            values["blocked_hours"] += (blocked or 0.0) / 60.0
            values["performance_loss_hours"] += (slow or 0.0) / 60.0
