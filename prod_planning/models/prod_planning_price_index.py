import datetime

from odoo import _, api, fields, models
from odoo.tools import SQL


class ProdPlanningPriceIndex(models.Model):
    _name = "prod.planning.price.index"
    _description = "Commodity Price Index"
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="The code integrators and feeds use for this index, e.g. LME-CU.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(comodel_name="res.company", help="Empty: the index is shared by all companies.")
    uom_id = fields.Many2one(
        comodel_name="uom.uom",
        string="Unit",
        required=True,
        help="The unit the index is quoted per (e.g. t for a metal).",
    )
    currency_id = fields.Many2one(
        comodel_name="res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    description = fields.Text()
    product_link_ids = fields.One2many(
        comodel_name="prod.planning.price.index.product", inverse_name="index_id", string="Products"
    )
    product_count = fields.Integer(compute="_compute_product_count")
    value_count = fields.Integer(string="Values", compute="_compute_latest_value")
    latest_value = fields.Float(
        compute="_compute_latest_value",
        digits="Raw-Material Price",
        help="Latest value, in the company currency per unit of the index.",
    )
    latest_date = fields.Date(compute="_compute_latest_value")
    change_30 = fields.Float(string="30-Day Change (%)", compute="_compute_latest_value")
    company_currency_id = fields.Many2one(comodel_name="res.currency", compute="_compute_latest_value")

    _code_company_uniq = models.Constraint(
        "UNIQUE(code, company_id)", "Another commodity index already uses this code."
    )

    @api.depends("product_link_ids")
    def _compute_product_count(self):
        for index in self:
            index.product_count = len(index.product_link_ids)

    @api.depends_context("company")
    def _compute_latest_value(self):
        self.company_currency_id = self.env.company.currency_id
        stats = {}
        if self.ids:
            self.env["prod.planning.price.observation"].flush_model()
            today = fields.Date.context_today(self)
            self.env.cr.execute(
                SQL(
                    """
                    SELECT v.index_id, count(*),
                           (array_agg(v.normalized_price
                                      ORDER BY v.date DESC, v.id DESC))[1],
                           max(v.date),
                           (array_agg(v.normalized_price
                                      ORDER BY v.date DESC, v.id DESC)
                              FILTER (WHERE v.date <= %(ref)s))[1]
                      FROM prod_planning_price_observation v
                     WHERE v.index_id = ANY(%(ids)s) AND v.product_id IS NULL
                       AND v.company_id = %(company)s
                     GROUP BY v.index_id
                    """,
                    ids=self.ids,
                    company=self.env.company.id,
                    ref=today - datetime.timedelta(days=30),
                )
            )
            stats = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for index in self:
            count, latest, date, reference = stats.get(index.id, (0, 0.0, False, None))
            index.value_count = count
            index.latest_value = latest
            index.latest_date = date
            index.change_30 = (latest - reference) * 100.0 / reference if reference else 0.0

    @api.depends("name", "code")
    def _compute_display_name(self):
        for index in self:
            index.display_name = f"[{index.code}] {index.name}" if index.code else index.name

    def action_view_values(self):
        self.check_access("read")
        self.env["prod.planning.price.observation"].check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("prod_planning.prod_planning_price_observation_action")
        action["domain"] = [("index_id", "=", self.id), ("product_id", "=", False)]
        action["context"] = {
            "default_index_id": self.id,
            "default_currency_id": self.currency_id.id,
            "default_uom_id": self.uom_id.id,
        }
        action["display_name"] = _("Values of %(index)s", index=self.display_name)
        return action

    def action_derive_product_prices(self):
        """Recompute the prices of the linked products from every value."""
        self.check_access("write")
        self.env["prod.planning.price.observation"].check_access("write")
        values = self.env["prod.planning.price.observation"].search(
            [("index_id", "in", self.ids), ("product_id", "=", False)]
        )
        values._derive_index_prices()
        return True
