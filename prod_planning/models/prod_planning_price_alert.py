from odoo import _, api, fields, models

from ..tools import rpc_arguments
from .prod_planning_price_alert_rule import RULE_TYPES


class ProdPlanningPriceAlert(models.Model):
    _name = "prod.planning.price.alert"
    _description = "Raw-Material Price Alert"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    rule_id = fields.Many2one(
        comodel_name="prod.planning.price.alert.rule",
        string="Rule",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    rule_type = fields.Selection(selection=RULE_TYPES, string="Condition", readonly=True)
    observation_id = fields.Many2one(
        comodel_name="prod.planning.price.observation",
        string="Observation",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    product_id = fields.Many2one(comodel_name="product.product", index=True, readonly=True)
    categ_id = fields.Many2one(related="product_id.categ_id", string="Product Category")
    index_id = fields.Many2one(comodel_name="prod.planning.price.index", string="Commodity Index", readonly=True)
    partner_id = fields.Many2one(comodel_name="res.partner", string="Vendor", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    source = fields.Selection(related="observation_id.source")
    uom_id = fields.Many2one(related="observation_id.normalized_uom_id", string="Unit")
    date = fields.Date(readonly=True, index=True)
    old_price = fields.Float(
        string="Reference Price",
        digits="Raw-Material Price",
        readonly=True,
        aggregator="avg",
        help="Previous price, moving average or vendor pricelist price, by rule.",
    )
    new_price = fields.Float(string="New Price", digits="Raw-Material Price", readonly=True, aggregator="avg")
    change_percent = fields.Float(string="Change (%)", digits=(16, 2), readonly=True, aggregator="avg")
    user_id = fields.Many2one(comodel_name="res.users", string="Buyer", index=True, tracking=True)
    state = fields.Selection(
        selection=[("new", "New"), ("acknowledged", "Acknowledged")], default="new", required=True, tracking=True
    )
    digest_sent = fields.Boolean(readonly=True, copy=False)

    _rule_observation_uniq = models.Constraint(
        "UNIQUE(rule_id, observation_id)", "A rule raises one alert per observation."
    )

    @api.depends("product_id", "index_id", "change_percent", "rule_type")
    def _compute_display_name(self):
        types = dict(self._fields["rule_type"]._description_selection(self.env))
        for alert in self:
            what = alert.product_id.display_name or alert.index_id.display_name or ""
            if alert.rule_type == "threshold" or not alert.change_percent:
                alert.display_name = _(
                    "%(what)s: %(condition)s", what=what, condition=types.get(alert.rule_type, "").lower()
                )
                continue
            alert.display_name = _(
                "%(what)s: %(change)+.1f%% (%(condition)s)",
                what=what,
                change=alert.change_percent,
                condition=types.get(alert.rule_type, "").lower(),
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_acknowledge(self):
        self.check_access("write")
        self.write({"state": "acknowledged"})
        self.activity_feedback(
            ["prod_planning.mail_activity_type_price_alert"], feedback=_("Price alert acknowledged.")
        )
        return True

    def action_reopen(self):
        self.check_access("write")
        self.write({"state": "new"})
        return True

    def action_view_history(self):
        self.check_access("read")
        self.env["prod.planning.price.observation"].check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("prod_planning.prod_planning_price_observation_action")
        if self.product_id:
            action["domain"] = [("product_id", "=", self.product_id.id)]
        else:
            action["domain"] = [("index_id", "=", self.index_id.id), ("product_id", "=", False)]
        # The history over time: dates on the x axis, a line per vendor.
        action["context"] = {
            "graph_mode": "line",
            "graph_measure": "normalized_price",
            "graph_groupbys": ["date:week", "partner_id"],
        }
        action["views"] = [(False, "graph"), (False, "list"), (False, "pivot"), (False, "form")]
        return action

    # ------------------------------------------------------------------
    # XML-RPC
    # ------------------------------------------------------------------

    @api.model
    def get_alerts(self, date_from=None, state=None, limit=None):
        """Price alerts as plain dicts (XML-RPC), newest first."""
        self.check_access("read")
        env = self.env
        date_from = rpc_arguments.require_date(env, "get_alerts", "date_from", date_from)
        state = rpc_arguments.require_choice(
            env, "get_alerts", "state", state, [key for key, _label in self._fields["state"].selection]
        )
        limit = rpc_arguments.require_limit(env, "get_alerts", "limit", limit)
        domain = []
        if date_from:
            domain.append(("date", ">=", date_from))
        if state:
            domain.append(("state", "=", state))
        return [
            {
                "id": alert.id,
                "rule": alert.rule_id.name,
                "condition": alert.rule_type,
                "product_id": alert.product_id.id,
                "product_code": alert.product_id.default_code or "",
                "index_code": alert.index_id.code or "",
                "vendor": alert.partner_id.name or "",
                "date": fields.Date.to_string(alert.date),
                "old_price": alert.old_price,
                "new_price": alert.new_price,
                "change_percent": alert.change_percent,
                "currency": alert.currency_id.name,
                "buyer": alert.user_id.login or "",
                "state": alert.state,
            }
            for alert in self.search(domain, limit=limit)
        ]

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _schedule_buyer_activities(self):
        """One activity per new alert for its buyer, created in one batch.

        Created quietly (no assignment email per activity): the buyer gets
        the daily digest instead.
        """
        activity_type = self.env.ref("prod_planning.mail_activity_type_price_alert", raise_if_not_found=False)
        alerts = self.filtered("user_id")
        if not alerts or not activity_type:
            return
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        # sudo: activities for the buyers, created by the system.
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": alert.id,
                    "activity_type_id": activity_type.id,
                    "user_id": alert.user_id.id,
                    "date_deadline": today,
                    "summary": alert.display_name,
                    "automated": True,
                }
                for alert in alerts
            ]
        )

    @api.model
    def _cron_send_digest(self):
        """Email each buyer the alerts raised since the last digest."""
        template = self.env.ref("prod_planning.mail_template_price_alert_digest", raise_if_not_found=False)
        # sudo: the digest of every buyer (scheduled action).
        alerts = self.sudo().search(
            [("digest_sent", "=", False), ("user_id", "!=", False)], order="user_id, change_percent desc, id"
        )
        if not template or not alerts:
            return
        for user, user_alerts in alerts.grouped("user_id").items():
            template.with_context(price_alerts=user_alerts, digest_date=fields.Date.context_today(self)).send_mail(
                user.id, email_layout_xmlid="mail.mail_notification_light"
            )
        alerts.write({"digest_sent": True})
