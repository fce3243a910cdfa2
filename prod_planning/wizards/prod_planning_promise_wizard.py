"""Check availability: when a delivery (or an order) can ship complete or in part."""

from datetime import datetime, time

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date


class ProdPlanningPromiseWizard(models.TransientModel):
    """The promise of each line of a delivery, the date it can ship complete
    and the date its first part can ship; accepting writes the chosen date
    to the delivery's scheduled date (``prod_planning_sale``: to the sales
    order's commitment date)."""

    _name = "prod.planning.promise.wizard"
    _description = "Delivery Promise Check"

    picking_id = fields.Many2one(comodel_name="stock.picking", readonly=True)
    line_ids = fields.One2many(comodel_name="prod.planning.promise.wizard.line", inverse_name="wizard_id")
    complete_date = fields.Date(
        string="Ship Complete On", readonly=True, help="The earliest day every line can ship in full."
    )
    partial_date = fields.Date(
        string="First Part On", readonly=True, help="The earliest day a first part can ship; the rest follows."
    )
    partial_summary = fields.Text(string="Partial Deliveries", readonly=True)
    option = fields.Selection(
        selection=[("complete", "Ship complete"), ("partial", "Ship partial")], default="complete", required=True
    )

    # ----------------------------------------------------------------- build

    @api.model
    def _open_for(self, values, requests, exclude_move_ids):
        """Create the wizard with ``values`` and one line per request
        (``{"product", "quantity", "warehouse", "requested"}`` records and
        values) and return the action that opens it."""
        self.env["prod.planning.promise"]._check_promise_access()
        answers = self.env["prod.planning.promise"]._promise(requests, exclude_move_ids)
        line_vals = [
            self._prepare_line_vals(request, answer) for request, answer in zip(requests, answers, strict=True)
        ]
        dates = [vals["date"] for vals in line_vals]
        firsts = [vals["first_date"] for vals in line_vals if vals["first_date"]]
        complete = max(dates) if dates and all(dates) else False
        partial = min(firsts) if firsts else False
        wizard = self.create(
            {
                **values,
                "line_ids": [fields.Command.create(vals) for vals in line_vals],
                "complete_date": complete,
                "partial_date": partial if partial and (not complete or partial < complete) else False,
                "partial_summary": self._partial_summary(answers),
                "option": "complete" if complete else "partial",
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Check Availability"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.model
    def _prepare_line_vals(self, request, answer):
        rpc = answer["rpc"]
        split = rpc["split"]
        return {
            "product_id": request["product"].id,
            "quantity": request["quantity"],
            "date": rpc["date"] or False,
            "first_date": split[0]["date"] if split else False,
            "available_now": rpc["available_now"],
            "constrained_by": rpc["constrained_by"],
            "explanation": rpc["explanation"],
        }

    @api.model
    def _partial_summary(self, answers):
        lines = []
        for answer in answers:
            steps = ", ".join(
                self.env._(
                    "%(quantity)s on %(date)s",
                    quantity=f"{step['quantity']:g}",
                    date=format_date(self.env, step["date"]),
                )
                for step in answer["rpc"]["split"]
            )
            lines.append(f"{answer['product'].display_name}: {steps or self.env._('no date')}")
        return "\n".join(lines)

    # ---------------------------------------------------------------- accept

    def action_accept(self):
        """Write the chosen date (complete or first part) where it belongs."""
        self.ensure_one()
        day = self.complete_date if self.option == "complete" else (self.partial_date or self.complete_date)
        if not day:
            raise UserError(
                self.env._(
                    "The whole quantity cannot be promised (see the lines' explanations); "
                    "choose Ship partial, or change the quantities."
                )
            )
        self._write_accepted_date(day)
        return {"type": "ir.actions.act_window_close"}

    def _write_accepted_date(self, day):
        """The delivery's scheduled date becomes ``day`` (its time of day kept)."""
        if self.picking_id:
            picking = self.picking_id
            current = picking.scheduled_date
            picking.scheduled_date = datetime.combine(day, current.time() if current else time(12))
