from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ProdPlanningOrder(models.Model):
    """A supply proposed by the planning run: buy or manufacture a quantity.

    Draft orders are replaced by every run; firm ones are kept (and planned
    against as existing supply); released ones point to the RFQ line or the
    manufacturing order they became.
    """

    _name = "prod.planning.order"
    _description = "Planned Order"
    _order = "release_date, product_id, id"
    _check_company_auto = True

    run_id = fields.Many2one(comodel_name="prod.planning.run", index=True, ondelete="set null", check_company=True)
    product_id = fields.Many2one(comodel_name="product.product", required=True, index=True, check_company=True)
    product_tmpl_id = fields.Many2one(related="product_id.product_tmpl_id")
    warehouse_id = fields.Many2one(comodel_name="stock.warehouse", required=True, index=True, check_company=True)
    company_id = fields.Many2one(comodel_name="res.company", required=True, index=True)
    quantity = fields.Float(required=True, digits="Product Unit")
    uom_id = fields.Many2one(related="product_id.uom_id")
    supply_type = fields.Selection(selection=[("buy", "Buy"), ("manufacture", "Manufacture")], required=True)
    vendor_id = fields.Many2one(comodel_name="res.partner", index=True, check_company=True)
    bom_id = fields.Many2one(comodel_name="mrp.bom", check_company=True)
    workcenter_id = fields.Many2one(
        comodel_name="mrp.workcenter", check_company=True, help="First work center of the BoM's operations."
    )
    release_date = fields.Date(required=True, index=True)
    due_date = fields.Date(required=True, index=True)
    state = fields.Selection(
        selection=[("draft", "Planned"), ("firm", "Firm"), ("released", "Released")],
        default="draft",
        required=True,
        index=True,
    )
    late = fields.Boolean(
        help="The release date is before the planning date: the supply will not arrive in time unless it is expedited."
    )
    peg_ids = fields.One2many(comodel_name="prod.planning.peg", inverse_name="order_id", string="Pegging")
    purchase_line_id = fields.Many2one(
        comodel_name="purchase.order.line", index=True, ondelete="set null", copy=False, check_company=True
    )
    purchase_order_id = fields.Many2one(related="purchase_line_id.order_id")
    production_id = fields.Many2one(
        comodel_name="mrp.production", index=True, ondelete="set null", copy=False, check_company=True
    )

    @api.depends("product_id", "quantity", "due_date", "supply_type")
    def _compute_display_name(self):
        labels = dict(self._fields["supply_type"]._description_selection(self.env))
        for order in self:
            order.display_name = _(
                "%(type)s %(qty)s %(product)s due %(date)s",
                type=labels.get(order.supply_type, ""),
                qty=order.quantity,
                product=order.product_id.display_name,
                date=order.due_date,
            )

    def action_firm(self):
        """Keep these planned orders through later runs."""
        self.check_access("write")
        if self.filtered(lambda o: o.state == "released"):
            raise UserError(
                _(
                    "Planned orders %(names)s are already released; only planned orders can be firmed.",
                    names=", ".join(self.filtered(lambda o: o.state == "released").mapped("display_name")),
                )
            )
        self.write({"state": "firm"})
        return True

    def action_unfirm(self):
        self.check_access("write")
        self.filtered(lambda o: o.state == "firm").write({"state": "draft"})
        return True

    def action_release(self):
        """Release button: release and tell the planner what was created."""
        self.check_access("write")
        result = self.release_orders()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Planned orders released"),
                "message": _(
                    "%(count)s planned orders released into %(rfqs)s RFQs and %(mos)s manufacturing orders.",
                    count=result["released"],
                    rfqs=len(result["purchase_order_ids"]),
                    mos=len(result["production_ids"]),
                ),
                "type": "success",
                # Reload the view the button is in (Odoo 19's soft_reload
                # restores the whole controller and may leave the form's
                # status bar on the state it was opened with).
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def release_orders(self):
        """Turn planned orders into RFQs and manufacturing orders (XML-RPC).

        Purchase orders are grouped per vendor, warehouse and due week. Returns
        ``{"released": n, "purchase_order_ids": [...], "production_ids": [...],
        "errors": []}``; a bad order raises a UserError and nothing is written.
        """
        self.check_access("write")
        self.env["purchase.order"].check_access("create")
        self.env["mrp.production"].check_access("create")
        return self.env["prod.planning.release"]._release(self)

    def action_open_origin(self):
        self.check_access("read")
        self.ensure_one()
        record = self.production_id or self.purchase_order_id
        if not record:
            return False
        return {"type": "ir.actions.act_window", "res_model": record._name, "res_id": record.id, "view_mode": "form"}
