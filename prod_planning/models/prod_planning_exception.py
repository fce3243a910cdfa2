from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

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
    kind = fields.Selection(selection=EXCEPTION_KINDS, required=True)
    priority = fields.Selection(
        selection=[("0", "Normal"), ("1", "High"), ("2", "Urgent")],
        default="0",
        help="From the days the supply is late for its need and its value (see the planning run).",
    )
    product_id = fields.Many2one(comodel_name="product.product", required=True, index=True, check_company=True)
    warehouse_id = fields.Many2one(comodel_name="stock.warehouse", check_company=True)
    company_id = fields.Many2one(comodel_name="res.company", required=True)
    message = fields.Char(required=True)
    date = fields.Date(help="Current date of the supply (for a late one: when it can arrive at best) or of the need.")
    suggested_date = fields.Date(help="Where the plan wants the supply: for a late one, the date it is needed.")
    suggestion = fields.Char(help="What the planner can do about it.")
    quantity = fields.Float(digits="Product Unit")
    days_late = fields.Integer(help="Calendar days the supply arrives after its need.")
    origin_ref = fields.Reference(
        selection=[
            ("purchase.order.line", "Purchase order line"),
            ("mrp.production", "Manufacturing order"),
            ("stock.move", "Stock move"),
            ("prod.planning.order", "Planned order"),
        ],
        string="Origin",
    )
    demand_ref = fields.Char(
        string="Demand", help="The demand the supply serves first (model,id), for a late or rescheduled supply."
    )
    match_key = fields.Char(
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="Kind, product, warehouse and origin or demand: an ignored message stays ignored "
        "in the next runs while its dates and quantity are the same.",
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
        """Apply the reschedule suggestions of the selected messages. Each is
        applied on its own: those that cannot be are reported, the others
        applied."""
        self.check_access("write")
        return self._run_each(self._apply_one, _("Suggestions applied"))

    def action_cancel_supply(self):
        """Cancel the supply of the selected *Cancel* messages: the draft RFQ
        line, the manufacturing order or the planned order they concern."""
        self.check_access("write")
        return self._run_each(self._cancel_one, _("Supplies cancelled"))

    def _run_each(self, method, title):
        """Call ``method`` on each message in a savepoint of its own; a
        UserError or ValidationError leaves that message as it was. One
        message: its error is raised; several: a notification counts what
        was done and names the others with their reason."""
        done, failed = self.browse(), []
        for exception in self:
            try:
                with self.env.cr.savepoint():
                    method(exception)
                done |= exception
            except (UserError, ValidationError) as error:
                if len(self) == 1:
                    raise
                failed.append(error.args[0])
        if failed:
            message = _(
                "%(done)s of %(count)s messages done; %(failed)s not:\n%(reasons)s",
                done=len(done),
                count=len(self),
                failed=len(failed),
                reasons="\n".join(failed),
            )
        else:
            message = _("%(done)s of %(count)s messages done.", done=len(done), count=len(self))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": message,
                "type": "warning" if failed else "success",
                "sticky": bool(failed),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _check_open(self, verb):
        if self.state != "open":
            raise UserError(
                _(
                    "%(name)s: the message is already %(state)s; only open messages can be %(verb)s.",
                    name=self.display_name,
                    state=dict(self._fields["state"]._description_selection(self.env))[self.state],
                    verb=verb,
                )
            )

    def _apply_one(self, exception):
        """Move the purchase line, manufacturing order or move of one
        reschedule message to its suggested date."""
        exception._check_open(_("applied"))
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

    def _cancel_one(self, exception):
        """Cancel what a *Cancel* message is about: remove the line of a draft
        RFQ (and cancel the RFQ when nothing is left on it), cancel a
        manufacturing order not started or a receipt not done, delete a
        planned order not released."""
        exception._check_open(_("cancelled"))
        origin = exception.origin_ref
        if exception.kind != "cancel" or not origin:
            raise UserError(
                _("%(name)s: only Cancel messages with an origin cancel a supply.", name=exception.display_name)
            )
        if origin._name == "purchase.order.line":
            order = origin.order_id
            if order.state not in ("draft", "sent"):
                raise UserError(
                    _(
                        "%(name)s: purchase order %(order)s is confirmed; agree the cancellation with the "
                        "vendor and change the order itself.",
                        name=exception.display_name,
                        order=order.name,
                    )
                )
            origin.unlink()
            if not order.order_line.filtered(lambda line: not line.display_type):
                order.button_cancel()
        elif origin._name == "mrp.production":
            if origin.state not in ("draft", "confirmed"):
                raise UserError(
                    _(
                        "%(name)s: manufacturing order %(mo)s has started; cancel it from the order itself.",
                        name=exception.display_name,
                        mo=origin.name,
                    )
                )
            origin.action_cancel()
        elif origin._name == "prod.planning.order":
            if origin.state == "released":
                raise UserError(
                    _(
                        "%(name)s: planned order %(order)s is released; cancel what it became instead.",
                        name=exception.display_name,
                        order=origin.display_name,
                    )
                )
            origin.unlink()
        elif origin._name == "stock.move" and origin.state not in ("done", "cancel"):
            origin._action_cancel()
        else:
            raise UserError(
                _(
                    "%(name)s: %(origin)s cannot be cancelled any more; mark the message done.",
                    name=exception.display_name,
                    origin=origin.display_name,
                )
            )
        exception.state = "done"

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
