from odoo import models


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    def button_approve(self, force=False):
        result = super().button_approve(force=force)
        confirmed = self.filtered(lambda order: order.state in ("purchase", "done"))
        if confirmed:
            self.env["prod.planning.price.observation"]._capture_purchase_lines(
                confirmed.order_line
            )
        return result
