from odoo import _, api, fields, models

PLANNING_USER = "prod_planning.group_prod_planning_user"


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    prod_planning_contact_ids = fields.One2many(
        comodel_name="prod.planning.vendor.contact",
        inverse_name="purchase_order_id",
        string="Vendor Contacts",
        groups=PLANNING_USER,
    )
    prod_planning_contact_count = fields.Integer(
        string="Contacts", compute="_compute_prod_planning_contact_count", groups=PLANNING_USER
    )
    prod_planning_revision_count = fields.Integer(
        string="Date Revisions", compute="_compute_prod_planning_revision_count", groups=PLANNING_USER
    )
    prod_planning_reminder_line_ids = fields.Many2many(
        comodel_name="purchase.order.line",
        string="Lines to Remind",
        compute="_compute_prod_planning_reminder_line_ids",
        help="The lines an expediting reminder is about: those chosen in the "
        "expediting queue, else every line still to be delivered.",
    )

    @api.depends("prod_planning_contact_ids")
    def _compute_prod_planning_contact_count(self):
        counts = dict(
            self.env["prod.planning.vendor.contact"]._read_group(
                [("purchase_order_id", "in", self.ids)], ["purchase_order_id"], ["__count"]
            )
        )
        for order in self:
            order.prod_planning_contact_count = counts.get(order, 0)

    @api.depends("order_line.promised_revision_ids")
    def _compute_prod_planning_revision_count(self):
        counts = dict(
            self.env["prod.planning.promised.date.revision"]._read_group(
                [("order_id", "in", self.ids)], ["order_id"], ["__count"]
            )
        )
        for order in self:
            order.prod_planning_revision_count = counts.get(order, 0)

    @api.depends("order_line")
    @api.depends_context("prod_planning_reminder_line_ids")
    def _compute_prod_planning_reminder_line_ids(self):
        chosen = set(self.env.context.get("prod_planning_reminder_line_ids") or [])
        for order in self:
            lines = order.order_line.filtered(lambda line: not line.display_type and line.product_id)
            if chosen:
                lines = lines.filtered(lambda line: line.id in chosen)
            else:
                lines = lines.filtered(lambda line: not line._prod_planning_is_fully_received())
            order.prod_planning_reminder_line_ids = lines

    def action_prod_planning_log_contact(self):
        """Open a new vendor contact about this order (Log contact button)."""
        self.check_access("read")
        self.env["prod.planning.vendor.contact"].check_access("create")
        self.ensure_one()
        return self.env["prod.planning.vendor.contact"]._action_log_contact(vendor=self.partner_id, order=self)

    def action_prod_planning_view_contacts(self):
        self.check_access("read")
        self.env["prod.planning.vendor.contact"].check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("prod_planning.prod_planning_vendor_contact_action")
        action["domain"] = [("purchase_order_id", "=", self.id)]
        action["context"] = {
            "default_partner_id": self.partner_id.commercial_partner_id.id,
            "default_purchase_order_id": self.id,
        }
        return action

    def action_prod_planning_view_revisions(self):
        self.check_access("read")
        self.env["prod.planning.promised.date.revision"].check_access("read")
        self.ensure_one()
        return self.order_line.action_open_promised_revisions()

    def _update_date_planned_for_lines(self, updated_dates):
        # The vendor portal: the vendor moves the dates itself.
        context = {
            "prod_planning_revision_source": "vendor_portal",
            "prod_planning_revision_reason": _("Updated by the vendor on the portal"),
        }
        return super(PurchaseOrder, self.with_context(**context))._update_date_planned_for_lines(
            [(line.with_context(**context), date) for line, date in updated_dates]
        )

    def button_approve(self, force=False):
        self.check_access("write")
        result = super().button_approve(force=force)
        confirmed = self.filtered(lambda order: order.state in ("purchase", "done"))
        if confirmed:
            self.env["prod.planning.price.capture"]._capture_purchase_lines(confirmed.order_line)
        return result
