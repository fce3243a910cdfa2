from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare, format_date

from ..tools import rpc_arguments

CHANNELS = [("phone", "Phone"), ("email", "Email"), ("meeting", "Meeting"), ("portal", "Portal"), ("other", "Other")]
DIRECTIONS = [("out", "Outgoing"), ("in", "Incoming")]
OUTCOMES = [
    ("confirmed", "Confirmed"),
    ("new_date", "New promised date"),
    ("price_change", "Price change"),
    ("partial", "Partial delivery"),
    ("no_answer", "No answer"),
    ("issue", "Issue"),
]
# Outcomes in which the vendor commits to the (new) date of the lines.
CONFIRMING_OUTCOMES = ("confirmed", "new_date")


class ProdPlanningVendorContact(models.Model):
    """One contact with a vendor: a call, an email, a meeting, a portal message.

    Tied to a purchase order and some of its lines when it is about them. Its
    outcome acts on the lines: "new promised date" moves their promised date
    (and records a revision), "confirmed" marks them confirmed by the vendor.
    A follow-up date schedules an activity for the responsible buyer.

    Response time: an outgoing contact with any outcome but "no answer" was
    answered on the spot; an unanswered one is answered by the vendor's next
    incoming contact (about the same order, or any when it had none), or when
    its outcome is changed later. ``response_hours`` feeds the scorecards.
    """

    _name = "prod.planning.vendor.contact"
    _description = "Vendor Contact"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        comodel_name="res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Vendor",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        domain="[('parent_id', '=', False)]",
    )
    contact_partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Contact Person",
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id)]",
    )
    purchase_order_id = fields.Many2one(
        comodel_name="purchase.order",
        string="Purchase Order",
        index="btree_not_null",
        check_company=True,
        tracking=True,
        domain="[('partner_id.commercial_partner_id', '=', partner_id)]",
    )
    purchase_line_ids = fields.Many2many(
        comodel_name="purchase.order.line",
        relation="prod_planning_vendor_contact_purchase_line_rel",
        column1="contact_id",
        column2="line_id",
        string="Lines Concerned",
        check_company=True,
        domain="[('order_id', '=', purchase_order_id), ('display_type', '=', False)] "
        "if purchase_order_id else [('partner_id', 'child_of', partner_id), "
        "('display_type', '=', False), ('state', 'in', ('purchase', 'done'))]",
        help="Empty: the contact is about every open line of the purchase order.",
    )
    channel = fields.Selection(selection=CHANNELS, required=True, default="phone")
    direction = fields.Selection(selection=DIRECTIONS, required=True, default="out")
    date = fields.Datetime(required=True, index=True, default=fields.Datetime.now, tracking=True)
    summary = fields.Text()
    outcome = fields.Selection(selection=OUTCOMES, required=True, tracking=True)
    new_promised_date = fields.Date(tracking=True, help="The date the vendor now promises for the lines concerned.")
    new_price = fields.Float(
        digits="Product Price", tracking=True, help="The unit price the vendor announces, in the order's currency."
    )
    currency_id = fields.Many2one(comodel_name="res.currency", compute="_compute_currency_id")
    next_followup_date = fields.Date(
        string="Next Follow-up", tracking=True, help="Schedules a follow-up activity for the responsible buyer."
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Responsible Buyer",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        domain="[('share', '=', False)]",
    )
    followup_activity_id = fields.Many2one(comodel_name="mail.activity", copy=False, readonly=True, ondelete="set null")
    response_date = fields.Datetime(
        string="Answered On", copy=False, help="When the vendor answered this outgoing contact."
    )
    response_hours = fields.Float(
        string="Response Time (hours)", compute="_compute_response_hours", store=True, aggregator="avg"
    )
    revision_ids = fields.One2many(
        comodel_name="prod.planning.promised.date.revision", inverse_name="contact_id", string="Promised-date Revisions"
    )
    reference = fields.Char(
        string="External Reference",
        copy=False,
        help="The integrator's own id of this contact: a batch sent again with the same references logs nothing twice.",
    )

    _reference_company_uniq = models.Constraint(
        "unique(company_id, reference)", "An external reference names one vendor contact per company."
    )

    @api.depends("purchase_order_id.currency_id", "company_id.currency_id")
    def _compute_currency_id(self):
        for contact in self:
            contact.currency_id = contact.purchase_order_id.currency_id or contact.company_id.currency_id

    @api.depends("purchase_order_id.user_id", "partner_id.buyer_id")
    def _compute_user_id(self):
        for contact in self:
            contact.user_id = (
                contact.purchase_order_id.user_id or contact.partner_id.buyer_id or contact.user_id or self.env.user
            )

    @api.depends("date", "response_date", "direction")
    def _compute_response_hours(self):
        for contact in self:
            if contact.direction == "out" and contact.response_date and contact.date:
                delta = contact.response_date - contact.date
                contact.response_hours = max(delta.total_seconds() / 3600.0, 0.0)
            else:
                contact.response_hours = 0.0

    @api.depends("partner_id", "channel", "direction", "date")
    def _compute_display_name(self):
        channels = dict(self._fields["channel"]._description_selection(self.env))
        for contact in self:
            date = (
                format_date(self.env, fields.Datetime.context_timestamp(contact, contact.date).date())
                if contact.date
                else ""
            )
            contact.display_name = _(
                "%(vendor)s: %(channel)s %(arrow)s %(date)s",
                vendor=contact.partner_id.display_name or _("No vendor"),
                channel=channels.get(contact.channel, ""),
                arrow="→" if contact.direction == "out" else "←",
                date=date,
            )

    @api.constrains("partner_id")
    def _check_partner_id(self):
        for contact in self:
            if not contact.partner_id:
                raise ValidationError(contact._error_no_vendor(contact.summary))

    @api.constrains("date", "next_followup_date")
    def _check_next_followup_date(self):
        for contact in self:
            if not (contact.next_followup_date and contact.date):
                continue
            contact_day = fields.Datetime.context_timestamp(contact, contact.date)
            if contact.next_followup_date < contact_day.date():
                raise ValidationError(
                    _(
                        "Vendor contact %(contact)s: the next follow-up "
                        "(%(followup)s) is before the contact itself (%(date)s); "
                        "choose a follow-up date on or after the contact date.",
                        contact=contact.display_name,
                        followup=format_date(self.env, contact.next_followup_date),
                        date=format_date(self.env, contact_day.date()),
                    )
                )

    @api.constrains("outcome", "new_promised_date", "new_price")
    def _check_outcome_values(self):
        for contact in self:
            if contact.outcome == "new_date" and not contact.new_promised_date:
                raise ValidationError(
                    _(
                        "Vendor contact %(contact)s: the outcome is a new promised "
                        "date but no date is given; enter the date the vendor "
                        "promises.",
                        contact=contact.display_name,
                    )
                )
            if contact.outcome == "price_change" and contact.new_price <= 0:
                raise ValidationError(
                    _(
                        "Vendor contact %(contact)s: the outcome is a price change "
                        "but no new price is given; enter the unit price the "
                        "vendor announces.",
                        contact=contact.display_name,
                    )
                )

    @api.constrains("outcome", "new_promised_date")
    def _check_new_promised_date(self):
        today = fields.Date.context_today(self)
        for contact in self:
            if contact.outcome == "new_date" and contact.new_promised_date and contact.new_promised_date < today:
                raise ValidationError(
                    _(
                        "Vendor contact %(contact)s: the new promised date %(date)s is in the past; "
                        "enter the date the vendor now promises, today (%(today)s) or later.",
                        contact=contact.display_name,
                        date=format_date(self.env, contact.new_promised_date),
                        today=format_date(self.env, today),
                    )
                )

    @api.constrains("user_id")
    def _check_user_id(self):
        for contact in self:
            if contact.user_id.share:
                raise ValidationError(
                    _(
                        "Vendor contact %(contact)s: %(user)s is not an internal user; "
                        "choose an internal user as the responsible buyer.",
                        contact=contact.display_name,
                        user=contact.user_id.display_name,
                    )
                )

    @api.constrains("partner_id", "purchase_order_id", "purchase_line_ids")
    def _check_purchase_vendor(self):
        for contact in self:
            vendor = contact.partner_id.commercial_partner_id
            order = contact.purchase_order_id
            if order and order.partner_id.commercial_partner_id != vendor:
                raise ValidationError(
                    _(
                        "Vendor contact %(contact)s: purchase order %(order)s is "
                        "from %(other)s, not from %(vendor)s; choose an order of "
                        "this vendor.",
                        contact=contact.display_name,
                        order=order.name,
                        other=order.partner_id.display_name,
                        vendor=vendor.display_name,
                    )
                )
            for line in contact.purchase_line_ids:
                if line.order_id.partner_id.commercial_partner_id != vendor:
                    raise ValidationError(
                        _(
                            "Vendor contact %(contact)s: purchase line %(line)s is "
                            "from vendor %(other)s, not from %(vendor)s; remove it "
                            "from the lines concerned.",
                            contact=contact.display_name,
                            line=line._prod_planning_label(),
                            other=line.order_id.partner_id.display_name,
                            vendor=vendor.display_name,
                        )
                    )
                if order and line.order_id != order:
                    raise ValidationError(
                        _(
                            "Vendor contact %(contact)s: purchase line %(line)s "
                            "is not on purchase order %(order)s; remove it or "
                            "change the order.",
                            contact=contact.display_name,
                            line=line._prod_planning_label(),
                            order=order.name,
                        )
                    )

    @api.constrains("outcome", "new_promised_date", "purchase_line_ids")
    def _check_promised_lines(self):
        for contact in self.filtered(lambda c: c.outcome == "new_date"):
            if contact.purchase_line_ids:
                contact.purchase_line_ids._prod_planning_check_promisable(contact)
                continue
            order = contact.purchase_order_id
            if not order:
                raise ValidationError(
                    _(
                        "Vendor contact %(contact)s: a new promised date needs the "
                        "purchase order or the lines it applies to.",
                        contact=contact.display_name,
                    )
                )
            if order.state == "cancel" or not contact._concerned_lines():
                raise ValidationError(
                    _(
                        "Vendor contact %(contact)s: purchase order %(order)s has "
                        "no line left to deliver (cancelled or fully received); a "
                        "new promised date cannot apply to it.",
                        contact=contact.display_name,
                        order=order.name,
                    )
                )

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        vendor = self.partner_id.commercial_partner_id
        if self.purchase_order_id.partner_id.commercial_partner_id != vendor:
            self.purchase_order_id = False
        if self.contact_partner_id.commercial_partner_id != vendor:
            self.contact_partner_id = False

    @api.onchange("purchase_order_id")
    def _onchange_purchase_order_id(self):
        order = self.purchase_order_id
        if order:
            self.partner_id = order.partner_id.commercial_partner_id
            if order.partner_id != order.partner_id.commercial_partner_id:
                self.contact_partner_id = order.partner_id
        self.purchase_line_ids = self.purchase_line_ids.filtered(lambda line: line.order_id == order)

    @api.model_create_multi
    def create(self, vals_list):
        rpc_arguments.check_amount_vals(self.env, self, vals_list, ("new_price",))
        for vals in vals_list:
            if not vals.get("partner_id"):
                raise ValidationError(self._error_no_vendor(vals.get("summary")))
            self._normalize_vendor(vals)
            if vals.get("purchase_order_id") and not vals.get("company_id"):
                vals["company_id"] = self.env["purchase.order"].browse(vals["purchase_order_id"]).company_id.id
        contacts = super().create(vals_list)
        for contact in contacts:
            if contact.direction == "out" and contact.outcome != "no_answer" and not contact.response_date:
                contact.response_date = contact.date
        contacts._answer_pending_contacts()
        contacts._apply_outcome()
        contacts._close_previous_followups()
        contacts._sync_followup_activity()
        contacts._post_on_purchase_order()
        return contacts

    def write(self, vals):
        rpc_arguments.check_amount_vals(self.env, self, [vals], ("new_price",))
        if "partner_id" in vals:
            if not vals["partner_id"]:
                raise ValidationError(self[:1]._error_no_vendor(self[:1].display_name or vals.get("summary")))
            self._normalize_vendor(vals)
        answered = self.env[self._name]
        if vals.get("outcome") and vals["outcome"] != "no_answer":
            answered = self.filtered(
                lambda c: c.direction == "out" and c.outcome == "no_answer" and not c.response_date
            )
        result = super().write(vals)
        if answered and "response_date" not in vals:
            answered.response_date = fields.Datetime.now()
        if {"outcome", "new_promised_date", "purchase_line_ids", "purchase_order_id"} & (vals.keys()):
            self._apply_outcome()
        if {"next_followup_date", "user_id", "purchase_order_id", "summary"} & (vals.keys()):
            self._sync_followup_activity()
        return result

    def action_open_purchase_order(self):
        self.check_access("read")
        self.purchase_order_id.check_access("read")
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "purchase.order",
            "res_id": self.purchase_order_id.id,
            "view_mode": "form",
        }

    @api.model
    def log_contacts(self, rows):
        """Log vendor contacts in batch (XML-RPC); all or nothing.

        ``rows`` is a list of dicts with the keys

        * ``vendor`` (required): res.partner id, or the vendor's exact name;
        * ``purchase_order``: purchase.order id or name (e.g. ``"P00012"``);
        * ``lines``: list of purchase.order.line ids (default: the whole order);
        * ``contact``: res.partner id of the person spoken to;
        * ``channel``: phone, email, meeting, portal or other (default phone);
        * ``direction``: out or in (default out);
        * ``date``: ``YYYY-MM-DD HH:MM:SS`` in UTC (default now);
        * ``summary``; ``outcome`` (required): confirmed, new_date,
          price_change, partial, no_answer or issue;
        * ``new_promised_date`` (``YYYY-MM-DD``, for new_date),
          ``new_price`` (for price_change), ``next_followup_date``;
        * ``user``: res.users id of the responsible buyer (default: the
          order's buyer, the vendor's buyer, or the caller);
        * ``reference``: the caller's own id of the contact; a row whose
          reference is already logged is not logged again (replays are safe).

        Every row is validated, each in its own savepoint so that all the bad
        rows are reported at once. If any row is bad, a ValidationError lists
        every bad row (``Row 3: ...``) and **nothing is written**; otherwise
        returns ``{"created": n, "existing": n, "ids": [...]}`` with the ids in
        row order (rows already logged under their reference count as existing).
        """
        self.check_access("create")
        return self.env["prod.planning.vendor.contact.import"]._import_rows(rows)

    @api.model
    def _action_log_contact(self, vendor, order=None, lines=None):
        """A new contact form, prefilled, in a dialog (the Log contact buttons)."""
        commercial = vendor.commercial_partner_id
        source = order or (lines[:1].order_id if lines else None)
        company = source.company_id if source else self.env.company
        context = {"default_partner_id": commercial.id, "default_company_id": company.id, "default_direction": "out"}
        if vendor != commercial:
            context["default_contact_partner_id"] = vendor.id
        if order:
            context["default_purchase_order_id"] = order.id
        if lines:
            context["default_purchase_line_ids"] = [fields.Command.set(lines.ids)]
        return {
            "type": "ir.actions.act_window",
            "name": _("Log Vendor Contact"),
            "res_model": self._name,
            "view_mode": "form",
            "views": [(self.env.ref("prod_planning.prod_planning_vendor_contact_view_form").id, "form")],
            "target": "new",
            "context": context,
        }

    def _error_no_vendor(self, label):
        return _(
            "Vendor contact %(contact)s has no vendor; choose the vendor you were in contact with.",
            contact=repr(label or _("(no summary)")),
        )

    @api.model
    def _normalize_vendor(self, vals):
        """A contact person given as vendor: log it on the company, as contact."""
        partner = self.env["res.partner"].browse(vals["partner_id"])
        commercial = partner.commercial_partner_id
        if partner != commercial:
            vals["partner_id"] = commercial.id
            vals.setdefault("contact_partner_id", partner.id)

    def _concerned_lines(self):
        """The lines the contact is about: chosen ones, else the order's open ones."""
        self.ensure_one()
        if self.purchase_line_ids:
            return self.purchase_line_ids
        return self.purchase_order_id.order_line.filtered(
            lambda line: (
                not line.display_type
                and line.product_id.type == "consu"
                and float_compare(
                    line.qty_received, line.product_qty, precision_rounding=line.product_uom_id.rounding or 0.01
                )
                < 0
            )
        )

    def _apply_outcome(self):
        """Move the promised date, or mark the lines confirmed by the vendor."""
        for contact in self:
            if contact.outcome not in CONFIRMING_OUTCOMES:
                continue
            lines = contact._concerned_lines()
            if contact.outcome == "new_date":
                lines._prod_planning_set_promised_date(
                    contact.new_promised_date, source="contact", reason=contact.summary, contact=contact
                )
            lines._prod_planning_mark_confirmed(contact.date)
        queue_lines = self.mapped(lambda c: c._concerned_lines())
        if queue_lines:
            self.env["prod.planning.expediting"]._refresh(lines=queue_lines)

    def _answer_pending_contacts(self):
        """An incoming contact answers the vendor's pending outgoing contacts."""
        for contact in self.filtered(lambda c: c.direction == "in"):
            domain = [
                ("id", "!=", contact.id),
                ("partner_id", "=", contact.partner_id.id),
                ("company_id", "=", contact.company_id.id),
                ("direction", "=", "out"),
                ("response_date", "=", False),
                ("date", "<=", contact.date),
            ]
            if contact.purchase_order_id:
                domain.append(("purchase_order_id", "in", [contact.purchase_order_id.id, False]))
            self.search(domain).write({"response_date": contact.date})

    def _close_previous_followups(self):
        """A new contact is the follow-up of the earlier ones on the same subject."""
        for contact in self:
            earlier = self.search(
                [
                    ("id", "not in", self.ids),
                    ("partner_id", "=", contact.partner_id.id),
                    ("company_id", "=", contact.company_id.id),
                    ("purchase_order_id", "=", contact.purchase_order_id.id),
                    ("followup_activity_id", "!=", False),
                    ("date", "<=", contact.date),
                ]
            )
            for activity in earlier.followup_activity_id.filtered("active"):
                activity.action_feedback(feedback=_("Followed up by %(contact)s", contact=contact.display_name))

    def _sync_followup_activity(self):
        """One follow-up activity per contact, moved when the date changes."""
        activity_type = self.env.ref("prod_planning.mail_activity_type_vendor_followup", raise_if_not_found=False)
        for contact in self:
            activity = contact.followup_activity_id
            if not contact.next_followup_date:
                if activity:
                    activity.unlink()
                continue
            order = contact.purchase_order_id
            summary = (
                _("Follow up with %(vendor)s (%(order)s)", vendor=contact.partner_id.display_name, order=order.name)
                if order
                else _("Follow up with %(vendor)s", vendor=contact.partner_id.display_name)
            )
            user = contact.user_id or self.env.user
            if activity:
                activity.write({"date_deadline": contact.next_followup_date, "user_id": user.id, "summary": summary})
                continue
            author = contact.company_id._prod_planning_author_context()
            contact.followup_activity_id = contact.with_context(**author).activity_schedule(
                activity_type_id=activity_type.id if activity_type else False,
                date_deadline=contact.next_followup_date,
                summary=summary,
                note=contact.summary or "",
                user_id=user.id,
            )

    def _post_on_purchase_order(self):
        """Leave a trace of the contact in the purchase order's chatter."""
        outcomes = dict(self._fields["outcome"]._description_selection(self.env))
        channels = dict(self._fields["channel"]._description_selection(self.env))
        for contact in self.filtered("purchase_order_id"):
            detail = ""
            if contact.outcome == "new_date":
                detail = _(" (%(date)s)", date=format_date(self.env, contact.new_promised_date))
            elif contact.outcome == "price_change":
                detail = _(" (%(price)s)", price=contact.new_price)
            body = Markup("<p>%s</p>") % _(
                "Vendor contact (%(channel)s, %(direction)s): %(outcome)s%(detail)s",
                channel=channels[contact.channel],
                direction=_("outgoing") if contact.direction == "out" else _("incoming"),
                outcome=outcomes[contact.outcome],
                detail=detail,
            )
            if contact.summary:
                body += Markup("<p>%s</p>") % contact.summary
            order = contact.purchase_order_id
            order.message_post(
                body=body, subtype_xmlid="mail.mt_note", **order.company_id._prod_planning_author_values()
            )
