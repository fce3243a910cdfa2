from odoo import api, fields, models
from odoo.exceptions import AccessError


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    promise_date = fields.Date(
        string="Promised Date",
        copy=False,
        readonly=True,
        help="The earliest day the whole quantity can ship, from the plan (stock, incoming supply, "
        "what can be made or bought in time). Computed on demand: the Promise button, or a change "
        "of product or quantity.",
    )
    promise_constrained_by = fields.Char(string="Constrained By", copy=False, readonly=True)
    promise_explanation = fields.Char(string="Promise Explanation", copy=False, readonly=True)

    @api.onchange("product_id", "product_uom_qty", "product_uom_id")
    def _onchange_promise(self):
        """A new product or quantity gets its promise at once (on this line
        alone; Check availability promises the whole order)."""
        for line in self:
            if not line.product_id or line.display_type or line.product_uom_qty <= 0 or not line._can_promise():
                line.promise_date = line.promise_constrained_by = line.promise_explanation = False
                continue
            vals = line.order_id._promise_line_vals(line)
            line.update(vals)

    def _can_promise(self):
        """Whether the user may ask for promises (the onchange stays silent otherwise)."""
        try:
            self.env["prod.planning.promise"]._check_promise_access()
        except AccessError:
            return False
        return True

    def action_promise(self):
        """Compute the promised date of these lines, order by order."""
        self.env["prod.planning.promise"]._check_promise_access()
        for order in self.order_id:
            order._promise_lines(self.filtered(lambda line, order=order: line.order_id == order))
        return True
