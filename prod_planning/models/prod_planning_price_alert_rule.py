import datetime
import logging

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..engine import prices as price_engine

_logger = logging.getLogger(__name__)
# Longest moving-average window (days): ten years of history.
MAX_WINDOW_DAYS = 3650

RULE_TYPES = [
    ("previous", "Change vs previous price"),
    ("moving_average", "Change vs moving average"),
    ("pricelist", "Difference vs vendor pricelist"),
    ("threshold", "Price outside min/max"),
]
PERCENT_RULES = ("previous", "moving_average", "pricelist")
AMOUNT_FIELDS = ("threshold_percent", "min_price", "max_price")


class ProdPlanningPriceAlertRule(models.Model):
    _name = "prod.planning.price.alert.rule"
    _description = "Raw-Material Price Alert Rule"
    _inherit = ["prod.planning.amount.mixin"]
    _amount_fields = AMOUNT_FIELDS
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(comodel_name="res.company", required=True, default=lambda self: self.env.company)
    scope = fields.Selection(
        selection=[("product", "Product"), ("category", "Product Category"), ("index", "Commodity Index")],
        string="Applies To",
        required=True,
        default="category",
    )
    product_id = fields.Many2one(comodel_name="product.product", check_company=True, ondelete="cascade")
    categ_id = fields.Many2one(
        comodel_name="product.category",
        string="Product Category",
        ondelete="cascade",
        help="The category and its sub-categories.",
    )
    index_id = fields.Many2one(
        comodel_name="prod.planning.price.index",
        string="Commodity Index",
        check_company=True,
        ondelete="cascade",
        help="The values of the index itself.",
    )
    rule_type = fields.Selection(selection=RULE_TYPES, string="Condition", required=True, default="previous")
    threshold_percent = fields.Float(
        string="Threshold (%)", default=10.0, help="Alert when the change is strictly greater than this percentage."
    )
    direction = fields.Selection(
        selection=[("up", "Increase"), ("down", "Decrease"), ("both", "Increase or decrease")],
        required=True,
        default="up",
    )
    window_days = fields.Integer(
        string="Moving Average Days",
        default=30,
        help="The new price is compared with the average of the same series over this many days before it.",
    )
    min_price = fields.Float(
        digits="Raw-Material Price", help="Alert below this price (company currency, per product unit). 0: none."
    )
    max_price = fields.Float(
        digits="Raw-Material Price", help="Alert above this price (company currency, per product unit). 0: none."
    )
    lookback_days = fields.Integer(
        string="Evaluate Last Days",
        default=7,
        help="Observations dated in the last N days raise alerts (older ones serve as history). 0: the whole history.",
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Buyer",
        check_company=True,
        help="Gets the activities and the digest. Empty: the vendor's buyer, then "
        "the product's responsible, then the rule's author (the first active "
        "internal user of these).",
    )
    alert_ids = fields.One2many(comodel_name="prod.planning.price.alert", inverse_name="rule_id")
    alert_count = fields.Integer(compute="_compute_alert_count")
    last_evaluation = fields.Datetime(readonly=True, copy=False)

    _window_days_positive = models.Constraint(
        "CHECK(window_days > 0)", "The moving average needs a window of at least one day."
    )
    _lookback_days_positive = models.Constraint(
        "CHECK(lookback_days >= 0)", "The number of days to evaluate cannot be negative."
    )

    def _compute_alert_count(self):
        counts = dict(
            self.env["prod.planning.price.alert"]._read_group([("rule_id", "in", self.ids)], ["rule_id"], ["__count"])
        )
        for rule in self:
            rule.alert_count = counts.get(rule, 0)

    @api.constrains("scope", "product_id", "categ_id", "index_id", "rule_type")
    def _check_scope(self):
        targets = {"product": "product_id", "category": "categ_id", "index": "index_id"}
        labels = dict(self._fields["scope"]._description_selection(self.env))
        for rule in self:
            if not rule[targets[rule.scope]]:
                raise ValidationError(
                    _(
                        "Alert rule %(rule)s applies to a %(scope)s: choose which one.",
                        rule=rule.name,
                        scope=labels[rule.scope].lower(),
                    )
                )
            if rule.scope == "index" and rule.rule_type == "pricelist":
                raise ValidationError(
                    _(
                        "Alert rule %(rule)s compares with vendor pricelists, which "
                        "indexes do not have: apply it to products or a category.",
                        rule=rule.name,
                    )
                )

    @api.constrains("rule_type", "threshold_percent", "min_price", "max_price", "window_days")
    def _check_parameters(self):
        for rule in self:
            if rule.rule_type in PERCENT_RULES and rule.threshold_percent < 0:
                raise ValidationError(
                    _(
                        "Alert rule %(rule)s: the threshold cannot be negative; give a percentage such as 10.",
                        rule=rule.name,
                    )
                )
            if rule.rule_type == "moving_average" and not 0 < rule.window_days <= MAX_WINDOW_DAYS:
                raise ValidationError(
                    _(
                        "Alert rule %(rule)s: a moving average over %(days)s days is out of range; "
                        "give 1 to %(max)s days.",
                        rule=rule.name,
                        days=rule.window_days,
                        max=MAX_WINDOW_DAYS,
                    )
                )
            if rule.rule_type != "threshold":
                continue
            if rule.min_price <= 0 and rule.max_price <= 0:
                raise ValidationError(
                    _("Alert rule %(rule)s: give a minimum price, a maximum price or both.", rule=rule.name)
                )
            if 0 < rule.max_price <= rule.min_price:
                raise ValidationError(
                    _(
                        "Alert rule %(rule)s: the maximum price %(max)s must be above the minimum price %(min)s.",
                        rule=rule.name,
                        max=rule.max_price,
                        min=rule.min_price,
                    )
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_evaluate(self):
        # Evaluating writes the rules and raises alerts in their companies:
        # rule managers of those companies only (rights and record rules).
        self.check_access("write")
        failed = []
        alerts = self._evaluate(failed=failed)
        message = _("%(count)s new alert(s).", count=len(alerts))
        if failed:
            message += " " + _(
                "These rules could not be evaluated (see the server log): %(rules)s.", rules=", ".join(failed)
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Price alert rules evaluated"),
                "message": message,
                "type": "warning" if alerts or failed else "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_view_alerts(self):
        self.check_access("read")
        self.env["prod.planning.price.alert"].check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("prod_planning.prod_planning_price_alert_action")
        action["domain"] = [("rule_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # Evaluation
    # ------------------------------------------------------------------

    @api.model
    def _cron_evaluate_rules(self):
        self.search([])._evaluate()

    def _evaluate(self, date_from=None, failed=None):
        """Raise the alerts of these rules; return the new alerts.

        ``date_from``: observations dated from this day raise alerts (default:
        each rule's lookback). One SQL statement per rule, with window
        functions over the rule's price series; re-evaluating never raises
        the same (rule, observation) alert twice. Each rule runs in its own
        savepoint: a rule that fails is logged (and its name appended to
        ``failed`` when given) and the others still raise their alerts.
        """
        # sudo: alerts and their activities are created by the system for the
        # buyers (users cannot create alerts); callers checked their access
        # (action_evaluate, import_observations) or are scheduled actions.
        Alert = self.env["prod.planning.price.alert"].sudo()
        # The SQL reads observations, partners (buyers), products and users.
        self.env.flush_all()
        # Window functions sort whole price histories: let them sort in memory.
        self.env.cr.execute(SQL("SET LOCAL work_mem = '64MB'"))
        alert_ids = []
        evaluated = self.browse()
        for rule in self.sudo():
            try:
                with self.env.cr.savepoint():
                    alert_ids += rule._evaluate_sql(date_from)
            except Exception:  # noqa: BLE001 - one rule never stops the others (logged)
                _logger.warning("Price alert rule %s (id %s) could not be evaluated", rule.name, rule.id, exc_info=True)
                if failed is not None:
                    failed.append(rule.name)
                continue
            evaluated |= rule
        self.env.cr.execute(SQL("RESET work_mem"))
        evaluated.sudo().write({"last_evaluation": fields.Datetime.now()})
        Alert.invalidate_model()
        alerts = Alert.browse(alert_ids)
        alerts._schedule_buyer_activities()
        return alerts.sudo(False)

    def _evaluate_date_from(self, date_from):
        if date_from:
            return fields.Date.to_date(date_from)
        if self.lookback_days:
            today = fields.Date.context_today(self)
            return today - datetime.timedelta(days=self.lookback_days - 1)
        return None

    def _scope_sql(self):
        if self.scope == "product":
            return SQL("o.product_id = %s", self.product_id.id)
        if self.scope == "category":
            return SQL(
                "o.categ_id IN (SELECT id FROM product_category WHERE parent_path LIKE %s)",
                f"{self.categ_id.parent_path}%",
            )
        return SQL("o.index_id = %s AND o.product_id IS NULL", self.index_id.id)

    def _scoped_sql(self, date_from):
        """The observations the rule reads: those that may raise alerts and
        the history their reference price needs."""
        # (narrow rows: the window functions sort them)
        columns = SQL(
            "o.id, o.product_id, o.index_id, o.partner_id, o.supplierinfo_id, o.date, %s o.normalized_price AS price",
            SQL("o.source,") if self.rule_type == "pricelist" else SQL(""),
        )
        # Prices beyond the bound (typed or fed by mistake, or written by SQL)
        # are left out: their float8 arithmetic would overflow.
        where = SQL(
            "o.company_id = %s AND %s AND abs(o.normalized_price) <= %s",
            self.company_id.id,
            self._scope_sql(),
            price_engine.MAX_ABS_VALUE,
        )
        if not date_from:
            return SQL("SELECT %s FROM prod_planning_price_observation o WHERE %s", columns, where)
        if self.rule_type in ("moving_average", "pricelist"):
            history_from = date_from
            if self.rule_type == "moving_average":
                history_from -= datetime.timedelta(days=self.window_days)
            return SQL(
                "SELECT %s FROM prod_planning_price_observation o WHERE %s AND o.date >= %s",
                columns,
                where,
                history_from,
            )
        # previous / threshold: the recent observations and, for each of
        # their series, the last one before (an index lookup per series).
        # (prod_planning_price_observation_series_key_idx serves the lookup)
        return SQL(
            """
            WITH recent AS (
                SELECT %(columns)s FROM prod_planning_price_observation o
                 WHERE %(where)s AND o.date >= %(date_from)s
            ), series AS (
                SELECT DISTINCT COALESCE(product_id, 0) AS product_key,
                       COALESCE(index_id, 0) AS index_key,
                       COALESCE(partner_id, 0) AS partner_key,
                       COALESCE(supplierinfo_id, 0) AS supplierinfo_key
                  FROM recent
            )
            SELECT * FROM recent
            UNION ALL
            SELECT b.* FROM series s CROSS JOIN LATERAL (
                SELECT %(columns)s FROM prod_planning_price_observation o
                 WHERE COALESCE(o.product_id, 0) = s.product_key
                   AND COALESCE(o.index_id, 0) = s.index_key
                   AND COALESCE(o.partner_id, 0) = s.partner_key
                   AND COALESCE(o.supplierinfo_id, 0) = s.supplierinfo_key
                   AND o.date < %(date_from)s AND o.company_id = %(company)s
                   AND abs(o.normalized_price) <= %(max_value)s
                 ORDER BY o.date DESC, o.id DESC LIMIT 1) b
            """,
            columns=columns,
            where=where,
            date_from=date_from,
            company=self.company_id.id,
            max_value=price_engine.MAX_ABS_VALUE,
        )

    def _window_sql(self):
        """The reference of each observation computed over its series."""
        series = SQL("PARTITION BY s.product_id, s.index_id, s.partner_id, s.supplierinfo_id")
        if self.rule_type == "moving_average":
            # avg over numeric has an inverse transition: the frame slides.
            return SQL(
                "avg(s.price) OVER (%s ORDER BY s.date RANGE BETWEEN %s::interval "
                "PRECEDING AND '1 day'::interval PRECEDING)",
                series,
                f"{self.window_days} days",
            )
        if self.rule_type == "pricelist":
            # The vendor's current base price (lowest quantity break) on that
            # date; for market prices without vendor, the cheapest vendor's.
            return SQL(
                """(
                SELECT min(base.price) FROM (
                    SELECT DISTINCT ON (line.partner_id) line.price
                      FROM (
                        SELECT DISTINCT ON (p.supplierinfo_id)
                               p.partner_id, p.quantity, p.normalized_price AS price
                          FROM prod_planning_price_observation p
                         WHERE p.source = 'pricelist'
                           AND p.company_id = %(company)s
                           AND p.product_id = s.product_id
                           AND p.date <= s.date
                           AND (s.partner_id IS NULL OR p.partner_id = s.partner_id)
                           AND abs(p.normalized_price) <= %(max_value)s
                         ORDER BY p.supplierinfo_id, p.date DESC, p.id DESC
                      ) line
                     ORDER BY line.partner_id, COALESCE(line.quantity, 0)
                ) base)""",
                company=self.company_id.id,
                max_value=price_engine.MAX_ABS_VALUE,
            )
        return SQL("lag(s.price) OVER (%s ORDER BY s.date, s.id)", series)

    def _condition_sql(self):
        """Whether candidate ``c`` raises an alert. Percentages compare with
        the engine's limit: strictly beyond the threshold at 6 decimals.

        The engine's evaluate_series is the reference of this evaluation
        (tests/test_price_alert.py checks both on random series)."""
        if self.rule_type == "threshold":
            return SQL(
                "((%(min)s > 0 AND c.new_price < %(min)s) OR (%(max)s > 0 AND c.new_price > %(max)s))",
                min=self.min_price,
                max=self.max_price,
            )
        limit = price_engine.percent_limit(self.threshold_percent)
        comparison = {
            "up": SQL("c.change >= %s", limit),
            "down": SQL("c.change <= %s", -limit),
            "both": SQL("abs(c.change) >= %s", limit),
        }[self.direction]
        return SQL("(c.change IS NOT NULL AND %s)", comparison)

    def _evaluate_sql(self, date_from=None):
        self.ensure_one()
        date_from = self._evaluate_date_from(date_from)
        candidates = SQL("w.date >= %s", date_from) if date_from else SQL("TRUE")
        if self.rule_type == "pricelist":
            candidates = SQL("%s AND w.source <> 'pricelist'", candidates)
        fallback_user = self.create_uid.id or self.env.uid
        now = self.env.cr.now()
        self.env.cr.execute(
            SQL(
                """
                WITH scoped AS (
                    %(scoped)s
                ), win AS %(materialized)s (
                    SELECT s.*, (%(reference)s)::float8 AS old_price
                      FROM scoped s
                ), candidates AS (
                    SELECT w.id, w.product_id, w.index_id, w.partner_id, w.date,
                           w.price::float8 AS new_price, w.old_price,
                           (w.price::float8 - w.old_price) * 100.0
                               / NULLIF(w.old_price, 0) AS change
                      FROM win w
                     WHERE %(candidates)s
                )
                INSERT INTO prod_planning_price_alert
                    (rule_id, observation_id, product_id, index_id, partner_id,
                     company_id, date, rule_type, old_price, new_price,
                     change_percent, user_id, state, digest_sent,
                     create_uid, create_date, write_uid, write_date)
                SELECT %(rule)s, c.id, c.product_id, c.index_id, c.partner_id,
                       %(company)s, c.date, %(rule_type)s, c.old_price, c.new_price,
                       c.change,
                       (SELECT u.id FROM res_users u
                         WHERE u.active AND NOT u.share AND u.id = ANY(buyers.ids)
                         ORDER BY array_position(buyers.ids, u.id) LIMIT 1),
                       'new', FALSE, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM candidates c
                  LEFT JOIN res_partner rp ON rp.id = c.partner_id
                  LEFT JOIN product_product pp ON pp.id = c.product_id
                  LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 CROSS JOIN LATERAL (
                     SELECT ARRAY[%(rule_user)s, rp.buyer_id,
                                  (pt.responsible_id ->> %(company_key)s)::int,
                                  %(fallback_user)s]::int4[] AS ids) buyers
                 WHERE %(condition)s
                ON CONFLICT (rule_id, observation_id) DO NOTHING
                RETURNING id
                """,
                scoped=self._scoped_sql(date_from),
                reference=self._window_sql(),
                # the pricelist reference is a subquery: computed once per row
                materialized=SQL("MATERIALIZED" if self.rule_type == "pricelist" else ""),
                candidates=candidates,
                rule=self.id,
                company=self.company_id.id,
                company_key=str(self.company_id.id),
                rule_type=self.rule_type,
                rule_user=self.user_id.id or None,
                fallback_user=fallback_user,
                uid=self.env.uid,
                now=now,
                condition=self._condition_sql(),
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]
