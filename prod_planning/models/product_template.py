from collections import defaultdict

from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    prod_planning_order_count = fields.Integer(
        string="Planned Orders", compute="_compute_prod_planning_order_count"
    )

    def _compute_prod_planning_order_count(self):
        counts = defaultdict(int)
        for product, count in self.env["prod.planning.order"]._read_group(
            [
                ("product_id", "in", self.product_variant_ids.ids),
                ("state", "!=", "released"),
            ],
            ["product_id"],
            ["__count"],
        ):
            counts[product.product_tmpl_id] += count
        for template in self:
            template.prod_planning_order_count = counts[template]

    def action_open_prod_planning(self):
        self.ensure_one()
        return self.product_variant_ids[:1].action_open_prod_planning()

    def action_open_prod_planning_orders(self):
        self.ensure_one()
        action = self.product_variant_ids[:1].action_open_prod_planning_orders()
        action["domain"] = [("product_id", "in", self.product_variant_ids.ids)]
        return action
