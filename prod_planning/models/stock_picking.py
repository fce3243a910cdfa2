from odoo import models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def action_open_promise_wizard(self):
        """Check availability of an outgoing delivery: ship complete or in part."""
        self.ensure_one()
        requests = [
            {
                "product": move.product_id,
                "quantity": move.product_qty,
                "warehouse": self.picking_type_id.warehouse_id,
                "requested": None,
            }
            for move in self.move_ids
            if move.state not in ("done", "cancel") and move.product_qty > 0
        ]
        if not self.picking_type_id.warehouse_id or not requests:
            raise UserError(
                self.env._("%(picking)s has nothing left to ship from a warehouse.", picking=self.display_name)
            )
        return self.env["prod.planning.promise.wizard"]._open_for({"picking_id": self.id}, requests, self.move_ids.ids)
