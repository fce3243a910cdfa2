from datetime import datetime, time

from odoo import fields, models


class ProdPlanningPromiseWizard(models.TransientModel):
    _inherit = "prod.planning.promise.wizard"

    sale_order_id = fields.Many2one(comodel_name="sale.order", readonly=True)

    def _write_accepted_date(self, day):
        """A sales order's commitment date becomes ``day`` (its time of day
        kept), and its lines show their promises."""
        result = super()._write_accepted_date(day)
        order = self.sale_order_id
        if order:
            current = order.commitment_date
            order.commitment_date = datetime.combine(day, current.time() if current else time(12))
            order._promise_lines()
        return result
