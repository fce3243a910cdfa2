from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools.misc import format_date

GROUPING_SELECTION = [
    ("due", "Per due date"),
    ("week", "Per week"),
    ("month", "Per month"),
    ("fence", "Everything within the release fence"),
]


class ProdPlanningReleaseWizard(models.TransientModel):
    """Release planned orders after a preview of the RFQs and MOs it creates.

    The preview is the release engine's plan for the chosen horizon: one RFQ
    per vendor, warehouse and bucket, one line per product and date bucket,
    quantities in the vendor's unit, rounded up to its minimum and multiple.
    *Release* recomputes the plan from the orders (the preview lines are
    display only) and releases through the release service.
    """

    _name = "prod.planning.release.wizard"
    _description = "Release Planned Orders"

    order_ids = fields.Many2many(
        comodel_name="prod.planning.order",
        relation="prod_planning_release_wizard_order_rel",
        column1="wizard_id",
        column2="order_id",
        string="Planned Orders",
        domain="[('state', 'in', ('draft', 'firm'))]",
    )
    grouping = fields.Selection(
        selection=GROUPING_SELECTION,
        string="RFQ Horizon",
        default="week",
        required=True,
        help="One RFQ per vendor and due date, week or month; or one RFQ per vendor "
        "for every planned order whose release date is within the release time "
        "fence (lines per week; later orders are left for a later release).",
    )
    fence_date = fields.Date(compute="_compute_fence_date", string="Release Fence")
    rfq_line_ids = fields.One2many(
        comodel_name="prod.planning.release.wizard.line", inverse_name="wizard_id", string="RFQ Lines", readonly=True
    )
    production_line_ids = fields.One2many(
        comodel_name="prod.planning.release.wizard.line",
        inverse_name="production_wizard_id",
        string="Manufacturing Orders",
        readonly=True,
    )
    order_count = fields.Integer(compute="_compute_counts", string="Orders to Release")
    rfq_count = fields.Integer(compute="_compute_counts", string="RFQs")
    production_count = fields.Integer(compute="_compute_counts", string="MOs")
    late_count = fields.Integer(compute="_compute_counts", string="Late Lines")
    skipped_count = fields.Integer(
        compute="_compute_counts",
        string="Left Out",
        help="Planned orders whose release date is after the release time fence: not released now.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if "order_ids" in fields_list and context.get("active_model") == "prod.planning.order":
            orders = self.env["prod.planning.order"].browse(context.get("active_ids") or [])
            values["order_ids"] = [Command.set(orders.filtered(lambda o: o.state != "released").ids)]
        return values

    def _compute_fence_date(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            company = wizard.order_ids.company_id[:1] or self.env.company
            wizard.fence_date = today + timedelta(days=company.prod_planning_release_fence_days)

    @api.depends("rfq_line_ids", "production_line_ids", "order_ids", "grouping")
    def _compute_counts(self):
        for wizard in self:
            lines = wizard.rfq_line_ids | wizard.production_line_ids
            wizard.rfq_count = len(set(wizard.rfq_line_ids.mapped("rfq_index")))
            wizard.production_count = len(wizard.production_line_ids)
            wizard.order_count = sum(lines.mapped("order_count"))
            wizard.late_count = len(lines.filtered("late"))
            wizard.skipped_count = len(wizard.order_ids) - wizard.order_count

    @api.onchange("grouping", "order_ids")
    def _onchange_preview(self):
        self.update(self._preview_values())

    @api.model_create_multi
    def create(self, vals_list):
        # The preview lines come from the engine, never from the client.
        for vals in vals_list:
            vals.pop("rfq_line_ids", None)
            vals.pop("production_line_ids", None)
        wizards = super().create(vals_list)
        wizards._refresh_preview()
        return wizards

    def write(self, vals):
        if self.env.context.get("prod_planning_release_preview"):
            return super().write(vals)
        vals = dict(vals)
        vals.pop("rfq_line_ids", None)
        vals.pop("production_line_ids", None)
        result = super().write(vals)
        if {"grouping", "order_ids"} & vals.keys():
            self._refresh_preview()
        return result

    def _refresh_preview(self):
        for wizard in self.with_context(prod_planning_release_preview=True):
            wizard.write(wizard._preview_values())

    def _preview_values(self):
        """``{rfq_line_ids, production_line_ids}`` commands: the engine's plan."""
        self.ensure_one()
        orders = self.order_ids._origin.filtered(lambda o: o.state != "released")
        rfq_lines, production_lines = [Command.clear()], [Command.clear()]
        if orders:
            plan = self.env["prod.planning.release"]._plan(orders, self.grouping)
            rfq_lines += [Command.create(vals) for vals in self._prepare_rfq_line_vals(plan)]
            production_lines += [Command.create(vals) for vals in self._prepare_production_line_vals(plan)]
        return {"rfq_line_ids": rfq_lines, "production_line_ids": production_lines}

    def _bucket_label(self, day):
        if self.grouping == "fence" or not day:
            return _("Release fence")
        if self.grouping == "month":
            return format_date(self.env, day, date_format="MMMM y")
        if self.grouping == "week":
            return _("Week of %(date)s", date=format_date(self.env, day))
        return _("Due %(date)s", date=format_date(self.env, day))

    def _prepare_rfq_line_vals(self, plan):
        Partner = self.env["res.partner"]
        Product = self.env["product.product"]
        Release = self.env["prod.planning.release"]
        vals_list = []
        for index, rfq in enumerate(plan.rfqs, start=1):
            vendor = Partner.browse(rfq.vendor_id)
            bucket = self._bucket_label(rfq.bucket)
            for line in rfq.lines:
                product = Product.browse(line.product_id)
                seller = Release._seller(product, vendor)
                vals_list.append(
                    {
                        "kind": "purchase",
                        "rfq_index": index,
                        "rfq_name": _(
                            "RFQ %(index)s: %(vendor)s, %(bucket)s", index=index, vendor=vendor.name, bucket=bucket
                        ),
                        "vendor_id": vendor.id,
                        "warehouse_id": rfq.warehouse_id,
                        "product_id": product.id,
                        "date": line.date,
                        "quantity": line.quantity,
                        "purchase_qty": line.purchase_qty,
                        "purchase_uom_id": (seller.product_uom_id or product.uom_id).id,
                        "late": line.late,
                        "days_late": line.days_late,
                        "order_ids": [Command.set(line.order_ids)],
                    }
                )
        return vals_list

    def _prepare_production_line_vals(self, plan):
        Product = self.env["product.product"]
        vals_list = []
        for production in plan.productions:
            product = Product.browse(production.product_id)
            vals_list.append(
                {
                    "kind": "manufacture",
                    "warehouse_id": production.warehouse_id,
                    "product_id": product.id,
                    "date": production.date,
                    "due_date": production.due_date,
                    "quantity": production.quantity,
                    "purchase_qty": production.quantity,
                    "purchase_uom_id": product.uom_id.id,
                    "late": production.late,
                    "days_late": production.days_late,
                    "order_ids": [Command.set([production.order_id])],
                }
            )
        return vals_list

    def action_confirm(self):
        """Release the planned orders as previewed; notify with links to what was made."""
        self.ensure_one()
        self.check_access("write")
        orders = self.order_ids
        if not orders:
            raise UserError(_("Select the planned orders to release (Planning → Planned Orders), then Release…."))
        result = orders.release_orders(grouping=self.grouping)
        return orders._release_notification(result)
