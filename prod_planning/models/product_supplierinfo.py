from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

PRICE_FIELDS = ("price", "discount", "currency_id", "product_id", "product_tmpl_id")


class ProductSupplierinfo(models.Model):
    _inherit = "product.supplierinfo"

    multiplier_qty = fields.Float(
        string="Multiple",
        digits="Product Unit",
        help="The vendor sells in multiples of this quantity (in the vendor's unit): "
        "released planned orders are rounded up to it, after the minimum quantity. 0: any quantity.",
    )

    @api.constrains("multiplier_qty")
    def _check_multiplier_qty(self):
        for info in self:
            if info.multiplier_qty < 0:
                raise ValidationError(
                    _(
                        "The multiple of %(vendor)s for %(product)s is negative (%(qty)s): "
                        "enter 0 (any quantity) or a positive multiple.",
                        vendor=info.partner_id.display_name,
                        product=(info.product_id or info.product_tmpl_id).display_name,
                        qty=info.multiplier_qty,
                    )
                )

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
