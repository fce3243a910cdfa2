from odoo import fields, models

PLANNING_USER = "prod_planning.group_prod_planning_user"


class ProductProduct(models.Model):
    _inherit = "product.product"

    prod_planning_order_count = fields.Integer(
        string="Planned Orders", compute="_compute_prod_planning_order_count", groups=PLANNING_USER
    )

    def _compute_prod_planning_order_count(self):
        counts = dict(
            self.env["prod.planning.order"]._read_group(
                [("product_id", "in", self.ids), ("state", "!=", "released")], ["product_id"], ["__count"]
            )
        )
        for product in self:
            product.prod_planning_order_count = counts.get(product, 0)

    def action_open_prod_planning(self):
        """The product's projection week by week, with its planned orders."""
        self.check_access("read")
        self.env["prod.planning.projection"].check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("prod_planning.prod_planning_projection_action")
        action["domain"] = [("product_id", "=", self.id)]
        action["context"] = {"search_default_group_by_week": 0}
        action["view_mode"] = "list,pivot,graph"
        action["views"] = [(False, "list"), (False, "pivot"), (False, "graph")]
        return action

    def action_open_prod_planning_orders(self):
        self.check_access("read")
        self.env["prod.planning.order"].check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("prod_planning.prod_planning_order_action")
        action["domain"] = [("product_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_view_price_observations(self):
        """The smart button of the variant form: this variant's prices."""
        self.check_access("read")
        self.env["prod.planning.price.observation"].check_access("read")
        self.ensure_one()
        action = self.product_tmpl_id.action_view_price_observations()
        action["domain"] = [("product_id", "=", self.id)]
        action["context"] = dict(action["context"], default_product_id=self.id)
        return action
