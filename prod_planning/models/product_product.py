from odoo import models


class ProductProduct(models.Model):
    _inherit = "product.product"

    def action_view_price_observations(self):
        """The smart button of the variant form: this variant's prices."""
        self.ensure_one()
        action = self.product_tmpl_id.action_view_price_observations()
        action["domain"] = [("product_id", "=", self.id)]
        action["context"] = dict(action["context"], default_product_id=self.id)
        return action
