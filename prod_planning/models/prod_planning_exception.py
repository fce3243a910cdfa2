from odoo import _, api, fields, models
from odoo.exceptions import UserError

EXCEPTION_KINDS = [
    ("reschedule_in", "Reschedule in"),
    ("reschedule_out", "Reschedule out"),
    ("cancel", "Cancel"),
    ("late", "Late"),
    ("below_safety", "Below safety stock"),
    ("no_source", "No supply source"),
]


class ProdPlanningException(models.Model):
    """An action message of the planning run for the planner to act on."""

    _name = "prod.planning.exception"
    _description = "Planning Exception"
    _order = "priority desc, date, id"
    _check_company_auto = True

    run_id = fields.Many2one(comodel_name="prod.planning.run", index=True, ondelete="cascade", check_company=True)
    kind = fields.Selection(selection=EXCEPTION_KINDS, required=True, index=True)
    priority = fields.Selection(selection=[("0", "Normal"), ("1", "Urgent")], default="0", index=True)
    product_id = fields.Many2one(comodel_name="product.product", required=True, index=True, check_company=True)
    warehouse_id = fields.Many2one(comodel_name="stock.warehouse", check_company=True)
    company_id = fields.Many2one(comodel_name="res.company", required=True, index=True)
    message = fields.Char(required=True)
    date = fields.Date(help="Current date of the supply or of the need.")
    suggested_date = fields.Date()
    quantity = fields.Float(digits="Product Unit")
    origin_ref = fields.Reference(
        selection=[
            ("purchase.order.line", "Purchase order line"),
            ("mrp.production", "Manufacturing order"),
            ("stock.move", "Stock move"),
            ("prod.planning.order", "Planned order"),
        ],
        string="Origin",
    )
    state = fields.Selection(
        selection=[("open", "Open"), ("done", "Done"), ("ignored", "Ignored")],
        default="open",
        required=True,
        index=True,
    )

    @api.depends("kind", "product_id")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for exception in self:
            exception.display_name = _(
                "%(kind)s: %(product)s", kind=kinds.get(exception.kind), product=exception.product_id.display_name
            )

    def action_apply(self):
        """Apply a reschedule suggestion to the purchase line or manufacturing order."""
        self.check_access("write")
        for exception in self:
            origin = exception.origin_ref
            if exception.kind not in ("reschedule_in", "reschedule_out") or not origin:
                raise UserError(
                    _(
                        "%(name)s: only reschedule messages with an origin can be "
                        "applied; act on the origin yourself and mark it done.",
                        name=exception.display_name,
                    )
                )
            date = fields.Datetime.to_datetime(exception.suggested_date)
            if origin._name == "purchase.order.line":
                origin.date_planned = date.replace(hour=12)
            elif origin._name == "mrp.production":
                if origin.state not in ("draft", "confirmed"):
                    raise UserError(
                        _(
                            "%(name)s: manufacturing order %(mo)s has started; reschedule it from the order itself.",
                            name=exception.display_name,
                            mo=origin.name,
                        )
                    )
                # Keep the order's length: it finishes on the suggested day.
                finish = date.replace(hour=12)
                duration = origin.date_finished - origin.date_start
                origin.write({"date_start": finish - duration, "date_finished": finish})
            elif origin._name == "stock.move":
                origin.date = date.replace(hour=12)
            exception.state = "done"
        return True

    def action_done(self):
        self.check_access("write")
        self.write({"state": "done"})
        return True

    def action_ignore(self):
        self.check_access("write")
        self.write({"state": "ignored"})
        return True

    def action_open_origin(self):
        self.check_access("read")
        self.ensure_one()
        origin = self.origin_ref
        if origin and origin._name == "purchase.order.line":
            origin = origin.order_id
        if not origin:
            return False
        return {"type": "ir.actions.act_window", "res_model": origin._name, "res_id": origin.id, "view_mode": "form"}
