from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import format_date

from ..tools import rpc_arguments

# At most this many RFQs and manufacturing orders are linked by name in the
# release notification; more open in a list.
NOTIFICATION_LINKS = 10

# Editing one of these on a planned order makes it firm: the next run keeps it.
PLANNING_FIELDS = ("quantity", "release_date", "due_date", "vendor_id")


class ProdPlanningOrder(models.Model):
    """A supply proposed by the planning run: buy or manufacture a quantity.

    Draft orders are replaced by every run; firm ones are kept (and planned
    against as existing supply); released ones point to the RFQ line or the
    manufacturing order they became.
    """

    _name = "prod.planning.order"
    _description = "Planned Order"
    _inherit = ["prod.planning.amount.mixin"]
    _amount_fields = ("quantity",)
    _order = "release_date, product_id, id"
    _check_company_auto = True
    # Most orders are drafts, found by warehouse: only firm and released ones are indexed by state.
    _state_not_draft_index = models.Index("(state) WHERE state != 'draft'")

    # Not indexed: each run moves the draft orders it keeps to itself, an
    # update PostgreSQL makes in place (HOT) only when no indexed column
    # changes; searching the orders of one run reads the table instead.
    run_id = fields.Many2one(comodel_name="prod.planning.run", ondelete="set null", check_company=True)
    product_id = fields.Many2one(
        comodel_name="product.product",
        required=True,
        index=True,
        check_company=True,
        domain=[("is_storable", "=", True)],
    )
    product_tmpl_id = fields.Many2one(related="product_id.product_tmpl_id")
    warehouse_id = fields.Many2one(
        comodel_name="stock.warehouse",
        required=True,
        index=True,
        check_company=True,
        default=lambda self: self._default_warehouse_id(),
    )
    company_id = fields.Many2one(comodel_name="res.company", required=True, default=lambda self: self.env.company)
    quantity = fields.Float(required=True, digits="Product Unit")
    uom_id = fields.Many2one(related="product_id.uom_id")
    supply_type = fields.Selection(
        selection=[("buy", "Buy"), ("manufacture", "Manufacture")], required=True, default="buy"
    )
    vendor_id = fields.Many2one(comodel_name="res.partner", index="btree_not_null", check_company=True)
    bom_id = fields.Many2one(comodel_name="mrp.bom", check_company=True)
    workcenter_id = fields.Many2one(
        comodel_name="mrp.workcenter", check_company=True, help="First work center of the BoM's operations."
    )
    release_date = fields.Date(required=True, index=True, default=fields.Date.context_today)
    due_date = fields.Date(required=True, default=fields.Date.context_today)
    state = fields.Selection(
        selection=[("draft", "Planned"), ("firm", "Firm"), ("released", "Released")], default="draft", required=True
    )
    late = fields.Boolean(
        help="The release date is before the planning date: the supply will not arrive in time unless it is expedited."
    )
    peg_ids = fields.One2many(comodel_name="prod.planning.peg", inverse_name="order_id", string="Pegging")
    pegging = fields.Json(
        string="Pegging Data",
        copy=False,
        help="The demands the order covers, as the planning run writes them, read through Pegging: "
        "one list per demand, [quantity, need_date, demand_type, demand_ref, parent_order_id].",
    )
    purchase_line_id = fields.Many2one(
        comodel_name="purchase.order.line", index="btree_not_null", ondelete="set null", copy=False, check_company=True
    )
    purchase_order_id = fields.Many2one(related="purchase_line_id.order_id")
    production_id = fields.Many2one(
        comodel_name="mrp.production", index="btree_not_null", ondelete="set null", copy=False, check_company=True
    )
    days_late = fields.Integer(
        compute="_compute_days_late",
        help="Days since the release date, for planned orders not released yet (0: not late).",
    )
    demand_origin = fields.Char(
        string="Demand",
        compute="_compute_demand_origin",
        help="The demand this planned order serves, from its pegging: the sale or "
        "manufacturing order, delivery or forecast (through the parent planned "
        "orders for components).",
    )
    due_for_release = fields.Boolean(
        compute="_compute_due_for_release",
        search="_search_due_for_release",
        help="Not released yet and its release date is within the release time fence (Planning settings).",
    )

    def init(self):
        # Half-full pages: room for the in-place (HOT) updates of the draft
        # orders a planning run keeps (see prod.planning.run.writer).
        self.env.cr.execute("ALTER TABLE prod_planning_order SET (fillfactor = 50)")

    @api.model
    def _default_warehouse_id(self):
        company = self.env["res.company"].browse(self.env.context.get("default_company_id")) or self.env.company
        return self.env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)

    @api.depends("product_id", "quantity", "due_date", "supply_type")
    def _compute_display_name(self):
        labels = dict(self._fields["supply_type"]._description_selection(self.env))
        for order in self:
            order.display_name = _(
                "%(type)s %(qty)s %(product)s due %(date)s",
                type=labels.get(order.supply_type, ""),
                qty=order.quantity,
                product=order.product_id.display_name,
                date=format_date(self.env, order.due_date),
            )

    def _compute_days_late(self):
        today = fields.Date.context_today(self)
        for order in self:
            late = order.state != "released" and order.release_date and (today - order.release_date).days
            order.days_late = max(0, late or 0)

    @api.depends("pegging")
    def _compute_demand_origin(self):
        for order in self:
            order.demand_origin = ", ".join(order._demand_labels(set()))

    def _demand_labels(self, seen):
        """Names of the demands ``self`` serves, through parent planned orders."""
        self.ensure_one()
        labels = []
        if self.id in seen:
            return labels
        seen.add(self.id)
        for peg in self.peg_ids:
            if peg.parent_order_id:
                found = peg.parent_order_id._demand_labels(seen)
            elif peg.demand_type == "safety":
                found = [_("Safety stock")]
            elif peg.demand_ref and peg.demand_ref.exists():
                demand = peg.demand_ref
                if demand._name == "stock.move":
                    found = [demand.origin or demand.reference or demand.display_name]
                else:
                    found = [demand.display_name]
            else:
                found = []
            labels += [label for label in found if label and label not in labels]
        return labels

    def _compute_due_for_release(self):
        today = fields.Date.context_today(self)
        for order in self:
            fence = today + timedelta(days=order.company_id.prod_planning_release_fence_days)
            order.due_for_release = (
                order.state != "released" and bool(order.release_date) and order.release_date <= fence
            )

    def _search_due_for_release(self, operator, value):
        if operator != "in":
            return NotImplemented
        today = fields.Date.context_today(self)
        return Domain("state", "in", ("draft", "firm")) & Domain.OR(
            Domain("company_id", "=", company.id)
            & Domain("release_date", "<=", today + timedelta(days=company.prod_planning_release_fence_days))
            for company in self.env.companies
        )

    @api.constrains("quantity", "release_date", "due_date")
    def _check_quantity_and_dates(self):
        for order in self:
            if rpc_arguments.number_problem(self.env, order.quantity):
                raise ValidationError(
                    _(
                        "Planned order %(name)s: the quantity %(qty)s is out of range; "
                        "enter a number above 0 and up to %(max)s.",
                        name=order.display_name,
                        qty=order.quantity,
                        max=f"{rpc_arguments.MAX_ABS_VALUE:g}",
                    )
                )
            if order.quantity <= 0:
                raise ValidationError(
                    _(
                        "Planned order %(name)s: the quantity %(qty)s is not positive; enter a quantity above 0.",
                        name=order.display_name,
                        qty=order.quantity,
                    )
                )
            if order.due_date < order.release_date:
                raise ValidationError(
                    _(
                        "Planned order %(name)s: the due date %(due)s is before the release date "
                        "%(release)s; set a due date on or after the release date.",
                        name=order.display_name,
                        due=order.due_date,
                        release=order.release_date,
                    )
                )

    @api.onchange("product_id")
    def _onchange_product_id(self):
        """Propose how to supply the product: its BoM when it is made, else
        its first vendor price line; due after the lead time."""
        product = self.product_id
        if not product:
            return
        company = self.company_id or self.env.company
        bom = self.env["mrp.bom"]._bom_find(product, company_id=company.id, bom_type="normal")[product]
        seller = product.seller_ids.filtered(
            lambda s: (not s.company_id or s.company_id == company) and (not s.product_id or s.product_id == product)
        )[:1]
        manufacture_route = self.env.ref("mrp.route_warehouse0_manufacture", raise_if_not_found=False)
        made = bool(bom) and (not seller or (manufacture_route and manufacture_route in product.route_ids))
        if made:
            self.supply_type = "manufacture"
            self.bom_id = bom
            self.workcenter_id = bom.operation_ids[:1].workcenter_id
            self.vendor_id = False
            lead_time = bom.produce_delay
        else:
            self.supply_type = "buy"
            self.vendor_id = seller.partner_id
            self.bom_id = False
            self.workcenter_id = False
            lead_time = seller.delay
        if self.release_date and lead_time:
            self.due_date = self.release_date + timedelta(days=lead_time)

    @api.onchange("company_id")
    def _onchange_company_id(self):
        if self.company_id and self.warehouse_id.company_id != self.company_id:
            self.warehouse_id = self.env["stock.warehouse"].search([("company_id", "=", self.company_id.id)], limit=1)

    @api.onchange("release_date")
    def _onchange_release_date(self):
        if self.release_date and self.due_date and self.due_date < self.release_date:
            self.due_date = self.release_date

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # Made by hand, not by a run: firm, or the next run would replace it.
            if not vals.get("run_id") and vals.get("state", "draft") == "draft":
                vals["state"] = "firm"
        return super().create(vals_list)

    def write(self, vals):
        """Editing a planned order's quantity, dates or vendor firms it: the
        planner's change survives the next run."""
        to_firm = self.browse()
        if "state" not in vals and any(name in vals for name in PLANNING_FIELDS):
            to_firm = self.filtered(lambda o: o.state == "draft")
        result = super().write(vals)
        if to_firm:
            super(ProdPlanningOrder, to_firm).write({"state": "firm"})
        return result

    def action_firm(self):
        """Keep these planned orders through later runs."""
        rpc_arguments.require_records(self.env, "action_firm", self)
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
        return self._release_notification(self.release_orders())

    def action_open_release_wizard(self):
        """*Release…*: the release wizard on these planned orders."""
        self.check_access("write")
        action = self.env["ir.actions.act_window"]._for_xml_id("prod_planning.prod_planning_release_wizard_action")
        action["context"] = {"active_model": self._name, "active_ids": self.ids}
        return action

    def release_orders(self, grouping="week"):
        """Turn planned orders into RFQs and manufacturing orders (XML-RPC).

        Purchase orders become one RFQ per vendor, warehouse and ``grouping``
        bucket: ``"due"`` (due date), ``"week"`` (default), ``"month"`` or
        ``"fence"`` (every order whose release date is within the release time
        fence; the others are skipped), one line per product and date bucket,
        quantities rounded up to the vendor's unit, minimum and multiple.
        Returns ``{"released": n, "purchase_order_ids": [...],
        "production_ids": [...], "errors": [], "skipped_ids": [...]}``; a bad
        order raises a UserError and nothing is written.
        """
        rpc_arguments.require_records(self.env, "release_orders", self)
        self.check_access("write")
        self.env["purchase.order"].check_access("create")
        self.env["mrp.production"].check_access("create")
        return self.env["prod.planning.release"]._release(self, grouping=grouping)

    def _release_count_label(self, records):
        """ "1 RFQ", "3 RFQs", "1 manufacturing order", "2 manufacturing orders"."""
        count = len(records)
        if records._name == "purchase.order":
            return _("1 RFQ") if count == 1 else _("%(count)s RFQs", count=count)
        return _("1 manufacturing order") if count == 1 else _("%(count)s manufacturing orders", count=count)

    def _release_notification(self, result):
        """The display_notification telling what a release created, with links."""
        purchases = self.env["purchase.order"].browse(result["purchase_order_ids"])
        productions = self.env["mrp.production"].browse(result["production_ids"])
        count = result["released"]
        if count == 1:
            message = _("1 planned order released")
        else:
            message = _("%(count)s planned orders released", count=count)
        parts, links = [], []
        for records, action in ((purchases, "purchase.purchase_rfq"), (productions, "mrp.mrp_production_action")):
            if not records:
                continue
            label = self._release_count_label(records)
            shown = records[:NOTIFICATION_LINKS]
            # "%s" are replaced by the links in the web client (htmlSprintf).
            placeholders = ", ".join(["%s"] * len(shown))
            if len(records) > len(shown):
                placeholders = _("%(links)s and %(more)s more", links=placeholders, more=len(records) - len(shown))
            parts.append(f"{label}: {placeholders}")
            links += [{"label": record.display_name, "url": f"/odoo/action-{action}/{record.id}"} for record in shown]
        if parts:
            message = _("%(released)s into %(created)s.", released=message, created="; ".join(parts))
        else:
            message = _("%(released)s.", released=message)
        if result.get("skipped_ids"):
            message += " " + _(
                "%(count)s left out: their release date is after the release time fence.",
                count=len(result["skipped_ids"]),
            )
        next_action = {"type": "ir.actions.act_window_close"}
        overflow = purchases if len(purchases) > NOTIFICATION_LINKS else None
        if overflow is None and len(productions) > NOTIFICATION_LINKS:
            overflow = productions
        if overflow:
            next_action = {
                "type": "ir.actions.act_window",
                "name": _("Released Orders"),
                "res_model": overflow._name,
                "views": [(False, "list"), (False, "form")],
                "domain": [("id", "in", overflow.ids)],
            }
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Planned orders released"),
                "message": message,
                "links": links,
                "type": "success",
                "sticky": bool(links),
                # Reload the view the button is in (Odoo 19's soft_reload
                # restores the whole controller and may leave the form's
                # status bar on the state it was opened with).
                "next": next_action,
            },
        }

    def action_open_origin(self):
        self.check_access("read")
        self.ensure_one()
        record = self.production_id or self.purchase_order_id
        if not record:
            return False
        return {"type": "ir.actions.act_window", "res_model": record._name, "res_id": record.id, "view_mode": "form"}
