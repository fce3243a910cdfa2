from odoo import api, models
from odoo.tools import float_compare

PRICE_FIELDS = ("price", "discount", "currency_id", "product_id", "product_tmpl_id")


class ProductSupplierinfo(models.Model):
    _inherit = "product.supplierinfo"

    @api.model_create_multi
    def create(self, vals_list):
        infos = super().create(vals_list)
        self.env["prod.planning.price.capture"]._capture_supplierinfo(infos)
        return infos

    def write(self, vals):
        if not set(PRICE_FIELDS) & set(vals):
            return super().write(vals)
        before = {info.id: (info.price_discounted, info.currency_id) for info in self}
        result = super().write(vals)
        changed = self.filtered(
            lambda info: (
                float_compare(before[info.id][0], info.price_discounted, precision_digits=6)
                or before[info.id][1] != info.currency_id
                or {"product_id", "product_tmpl_id"} & set(vals)
            )
        )
        self.env["prod.planning.price.capture"]._capture_supplierinfo(changed)
        return result
