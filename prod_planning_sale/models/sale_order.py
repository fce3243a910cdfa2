from odoo import models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _promise_requests(self, lines):
        """The promise requests of ``lines`` (storable or not, quantities in
        the product's unit) and the lines they belong to."""
        requests, kept = [], self.env["sale.order.line"]
        for line in lines:
            if line.display_type or not line.product_id or line.product_uom_qty <= 0:
                continue
            quantity = line.product_uom_qty
            if line.product_uom_id and line.product_uom_id != line.product_id.uom_id:
                quantity = line.product_uom_id._compute_quantity(quantity, line.product_id.uom_id)
            requests.append(
                {"product": line.product_id, "quantity": quantity, "warehouse": self.warehouse_id, "requested": None}
            )
            kept |= line
        return requests, kept

    def _promise_answers(self, requests):
        """The promise service's answers for this order: its own delivery
        moves and accepted commitment do not count against it."""
        self.ensure_one()
        service = self.env["prod.planning.promise"].with_context(prod_planning_promise_exclude_order_ids=self.ids)
        return service._promise(requests, self._origin.order_line.move_ids.ids if self._origin else [])

    def _promise_line_vals(self, line):
        """The promise fields of one (possibly new) line, on its own."""
        requests, kept = self._promise_requests(line)
        if not kept or not self.warehouse_id:
            return {"promise_date": False, "promise_constrained_by": False, "promise_explanation": False}
        (answer,) = self._promise_answers(requests)
        return self._promise_vals(answer)

    def _promise_vals(self, answer):
        rpc = answer["rpc"]
        return {
            "promise_date": rpc["date"] or False,
            "promise_constrained_by": rpc["constrained_by"],
            "promise_explanation": rpc["explanation"],
        }

    def _promise_lines(self, lines=None):
        """Write the promise of ``lines`` (default: all) of this order; the
        lines are promised in order and never share units."""
        self.ensure_one()
        requests, kept = self._promise_requests(lines if lines is not None else self.order_line)
        if not requests:
            return
        for line, answer in zip(kept, self._promise_answers(requests), strict=True):
            line.write(self._promise_vals(answer))

    def action_promise_lines(self):
        """Promise every line of the orders (also used by the demo data)."""
        self.env["prod.planning.promise"]._check_promise_access()
        for order in self:
            order._promise_lines()
        return True

    def action_check_availability(self):
        """Open the dialog: ship complete or partial, then accept a date."""
        self.ensure_one()
        self.env["prod.planning.promise"]._check_promise_access()
        requests, kept = self._promise_requests(self.order_line)
        if not requests or not self.warehouse_id:
            raise UserError(self.env._("%(order)s has no product to promise; add lines first.", order=self.name))
        wizard = self.env["prod.planning.promise.wizard"].with_context(prod_planning_promise_exclude_order_ids=self.ids)
        return wizard._open_for({"sale_order_id": self.id}, requests, self.order_line.move_ids.ids)
