import datetime
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.tools import SQL

PLANNING_USER = "prod_planning.group_prod_planning_user"


class ProductTemplate(models.Model):
    _inherit = "product.template"

    prod_planning_order_count = fields.Integer(
        string="Planned Orders", compute="_compute_prod_planning_order_count", groups=PLANNING_USER
    )

    def _compute_prod_planning_order_count(self):
        counts = defaultdict(int)
        for product, count in self.env["prod.planning.order"]._read_group(
            [("product_id", "in", self.product_variant_ids.ids), ("state", "!=", "released")],
            ["product_id"],
            ["__count"],
        ):
            counts[product.product_tmpl_id] += count
        for template in self:
            template.prod_planning_order_count = counts[template]

    def action_open_prod_planning(self):
        self.check_access("read")
        self.env["prod.planning.projection"].check_access("read")
        self.ensure_one()
        return self.product_variant_ids[:1].action_open_prod_planning()

    def action_open_prod_planning_orders(self):
        self.check_access("read")
        self.env["prod.planning.order"].check_access("read")
        self.ensure_one()
        action = self.product_variant_ids[:1].action_open_prod_planning_orders()
        action["domain"] = [("product_id", "in", self.product_variant_ids.ids)]
        return action

    price_observation_count = fields.Integer(
        string="Price Observations", compute="_compute_price_monitoring", groups=PLANNING_USER
    )
    price_latest = fields.Float(
        string="Latest Price",
        compute="_compute_price_monitoring",
        digits="Raw-Material Price",
        groups=PLANNING_USER,
        help="Latest observed price, in the company currency per product unit.",
    )
    price_latest_date = fields.Date(
        string="Latest Price Date", compute="_compute_price_monitoring", groups=PLANNING_USER
    )
    price_change_30 = fields.Float(
        string="30-Day Price Change (%)",
        compute="_compute_price_monitoring",
        digits=(16, 1),
        groups=PLANNING_USER,
        help="Latest price against the latest one 30 days ago or earlier.",
    )
    price_change_90 = fields.Float(
        string="90-Day Price Change (%)",
        compute="_compute_price_monitoring",
        digits=(16, 1),
        groups=PLANNING_USER,
        help="Latest price against the latest one 90 days ago or earlier.",
    )

    @api.depends_context("company")
    def _compute_price_monitoring(self):
        stats = {}
        templates = self.filtered("id")
        if templates:
            observations = self.env["prod.planning.price.observation"]
            observations.flush_model()
            counts = dict(
                observations._read_group(
                    [("product_tmpl_id", "in", templates.ids), ("company_id", "=", self.env.company.id)],
                    ["product_tmpl_id"],
                    ["__count"],
                )
            )
            today = fields.Date.context_today(self)
            self.env.cr.execute(
                SQL(
                    """
                    SELECT o.product_tmpl_id,
                           (array_agg(o.normalized_price
                                      ORDER BY o.date DESC, o.id DESC))[1],
                           max(o.date),
                           (array_agg(o.normalized_price
                                      ORDER BY o.date DESC, o.id DESC)
                              FILTER (WHERE o.date <= %(d30)s))[1],
                           (array_agg(o.normalized_price
                                      ORDER BY o.date DESC, o.id DESC)
                              FILTER (WHERE o.date <= %(d90)s))[1]
                      FROM prod_planning_price_observation o
                     WHERE o.product_tmpl_id = ANY(%(ids)s)
                       AND o.company_id = %(company)s
                     GROUP BY o.product_tmpl_id
                    """,
                    ids=templates.ids,
                    company=self.env.company.id,
                    d30=today - datetime.timedelta(days=30),
                    d90=today - datetime.timedelta(days=90),
                )
            )
            for tmpl_id, latest, date, ref30, ref90 in self.env.cr.fetchall():
                stats[tmpl_id] = (latest, date, ref30, ref90)
            for template in templates:
                template_stats = stats.get(template.id)
                if template_stats:
                    stats[template.id] = (counts.get(template, 0), *template_stats)
        for template in self:
            count, latest, date, ref30, ref90 = stats.get(template.id, (0, 0.0, False, None, None))
            template.price_observation_count = count
            template.price_latest = latest
            template.price_latest_date = date
            template.price_change_30 = (latest - ref30) * 100.0 / ref30 if ref30 else 0.0
            template.price_change_90 = (latest - ref90) * 100.0 / ref90 if ref90 else 0.0

    def action_view_price_observations(self):
        self.check_access("read")
        self.env["prod.planning.price.observation"].check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("prod_planning.prod_planning_price_observation_action")
        action["domain"] = [("product_tmpl_id", "=", self.id)]
        action["context"] = {"default_product_id": self.product_variant_id.id, "search_default_groupby_partner": 1}
        action["display_name"] = _("Prices of %(product)s", product=self.display_name)
        action["views"] = [(False, "graph"), (False, "list"), (False, "pivot"), (False, "form")]
        return action
