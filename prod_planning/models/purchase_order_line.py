from datetime import datetime, time

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare, format_date

# Fields whose change may move date_planned (Odoo recomputes it from the
# vendor pricelist when the quantity, unit or product change).
DATE_PLANNED_TRIGGERS = {"date_planned", "product_qty", "product_uom_id", "product_id"}

PLANNING_USER = "prod_planning.group_prod_planning_user"


class PurchaseOrderLine(models.Model):
    """Promised-date history: original requested date, revisions, slips."""

    _inherit = "purchase.order.line"

    date_requested_original = fields.Date(
        string="Original Requested Date",
        compute="_compute_date_requested_original",
        store=True,
        copy=False,
        help="The date requested when the order was confirmed; later promises are measured against it.",
    )
    date_promised = fields.Date(
        string="Promised Date",
        compute="_compute_date_promised",
        store=True,
        index=True,
        help="The date the vendor currently promises: the day of the expected arrival, in the order's time zone.",
    )
    promised_revision_ids = fields.One2many(
        comodel_name="prod.planning.promised.date.revision",
        inverse_name="purchase_line_id",
        string="Promised-date Revisions",
        groups=PLANNING_USER,
    )
    slip_count = fields.Integer(
        string="Slips",
        compute="_compute_slip_count",
        store=True,
        help="How many times the promised date moved later after confirmation.",
    )
    vendor_confirmed = fields.Boolean(
        string="Confirmed by Vendor",
        copy=False,
        help="The vendor confirmed this line (a contact with outcome confirmed or "
        "new promised date, or marked confirmed from the expediting queue).",
    )
    vendor_confirmed_date = fields.Datetime(string="Vendor Confirmation", copy=False)
    prod_planning_contact_ids = fields.Many2many(
        comodel_name="prod.planning.vendor.contact",
        relation="prod_planning_vendor_contact_purchase_line_rel",
        column1="line_id",
        column2="contact_id",
        string="Vendor Contacts",
        copy=False,
        groups=PLANNING_USER,
    )
    planning_need_date = fields.Date(
        string="Planning Need Date",
        compute="_compute_planning_need_date",
        groups=PLANNING_USER,
        help="The date the last planning run needs this supply (from its "
        "reschedule-in and late messages, or the pegging of the planned order "
        "it was released from).",
    )

    @api.depends("order_id.state")
    def _compute_date_requested_original(self):
        # Set once, at the first confirmation, and kept afterwards.
        for line in self:
            if line.date_requested_original or line.display_type:
                continue
            if line.order_id.state in ("purchase", "done") and line.date_planned:
                line.date_requested_original = line._prod_planning_local_date(line.date_planned)
            else:
                line.date_requested_original = False

    @api.depends("date_planned", "order_id.user_id.tz", "company_id.partner_id.tz")
    def _compute_date_promised(self):
        for line in self:
            line.date_promised = (
                line._prod_planning_local_date(line.date_planned)
                if line.date_planned and not line.display_type
                else False
            )

    @api.depends("promised_revision_ids.is_slip")
    def _compute_slip_count(self):
        counts = dict(
            self.env["prod.planning.promised.date.revision"]._read_group(
                [("purchase_line_id", "in", self.ids), ("is_slip", "=", True)], ["purchase_line_id"], ["__count"]
            )
        )
        for line in self:
            line.slip_count = counts.get(line, 0)

    def _compute_planning_need_date(self):
        need_dates = self._prod_planning_need_dates()
        for line in self:
            line.planning_need_date = need_dates.get(line.id, False)

    def write(self, vals):
        if not DATE_PLANNED_TRIGGERS & vals.keys() or self.env.context.get("prod_planning_no_revision"):
            return super().write(vals)
        tracked = self.filtered(lambda line: line.order_id.state in ("purchase", "done") and not line.display_type)
        before = {line.id: line.date_promised for line in tracked}
        result = super().write(vals)
        if tracked:
            tracked._prod_planning_record_revisions(before)
        return result

    def action_open_promised_revisions(self):
        self.check_access("read")
        self.env["prod.planning.promised.date.revision"].check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": _("Promised-date Revisions"),
            "res_model": "prod.planning.promised.date.revision",
            "view_mode": "list,form",
            "domain": [("purchase_line_id", "in", self.ids)],
        }

    def _prod_planning_label(self):
        """``P00012 / [RAW-STEEL] Steel Tube`` to name a line in messages."""
        self.ensure_one()
        return f"{self.order_id.name} / {self.product_id.display_name or self.name}"

    def _prod_planning_local_date(self, value):
        """The day of a UTC datetime in the order's time zone."""
        self.ensure_one()
        timezone = self.order_id.get_order_timezone() if self.order_id else pytz.utc
        return pytz.utc.localize(value).astimezone(timezone).date()

    def _prod_planning_is_fully_received(self):
        self.ensure_one()
        return (
            float_compare(self.qty_received, self.product_qty, precision_rounding=self.product_uom_id.rounding or 0.01)
            >= 0
        )

    def _prod_planning_check_promisable(self, contact=None):
        """A promised date only makes sense on a line still to be delivered."""
        for line in self:
            problem = None
            if line.display_type:
                problem = _("is a section or note")
            elif line.state == "cancel" or line.order_id.state == "cancel":
                problem = _("is cancelled")
            elif line.order_id.state in ("purchase", "done") and (line._prod_planning_is_fully_received()):
                problem = _("is already fully received")
            if problem:
                raise ValidationError(
                    _(
                        "%(contact)sPurchase line %(line)s %(problem)s: a new "
                        "promised date cannot apply to it; remove it from the "
                        "lines concerned.",
                        contact=_("Vendor contact %(contact)s: ", contact=contact.display_name) if contact else "",
                        line=line._prod_planning_label(),
                        problem=problem,
                    )
                )

    def _prod_planning_set_promised_date(self, promised_date, source="manual", reason=None, contact=None):
        """Move the lines (and their open receipts) to ``promised_date``.

        Keeps the time of day of each line; records one revision per line whose
        date changes (see write()), with ``source``, ``reason`` and ``contact``.
        """
        self._prod_planning_check_promisable(contact)
        promised_date = fields.Date.to_date(promised_date)
        today = fields.Date.context_today(self)
        if promised_date < today:
            raise ValidationError(
                _(
                    "%(contact)sThe new promised date %(date)s of %(lines)s is in the past; a vendor "
                    "promises a date from today (%(today)s) on.",
                    contact=_("Vendor contact %(contact)s: ", contact=contact.display_name) if contact else "",
                    date=format_date(self.env, promised_date),
                    lines=", ".join(line._prod_planning_label() for line in self),
                    today=format_date(self.env, today),
                )
            )
        for line in self:
            if line.date_promised == promised_date:
                continue
            timezone = line.order_id.get_order_timezone()
            local = pytz.utc.localize(line.date_planned).astimezone(timezone)
            moved = timezone.localize(datetime.combine(promised_date, local.time() or time(12)))
            new_value = moved.astimezone(pytz.utc).replace(tzinfo=None)
            line.with_context(
                prod_planning_revision_source=source,
                prod_planning_revision_reason=reason,
                prod_planning_contact_id=contact.id if contact else False,
            ).write({"date_planned": new_value})
            # The planning run reads the receipts' dates: move them too.
            line.move_ids.filtered(
                lambda move: move.state not in ("done", "cancel") and move.location_dest_id.usage != "supplier"
            ).write({"date": new_value})
        return True

    def _prod_planning_mark_confirmed(self, when=None):
        lines = self.filtered(lambda line: not line.vendor_confirmed)
        if lines:
            lines.write({"vendor_confirmed": True, "vendor_confirmed_date": when or fields.Datetime.now()})
        return True

    def _prod_planning_record_revisions(self, before):
        """One revision per line whose promised day changed since ``before``."""
        context = self.env.context
        source = context.get("prod_planning_revision_source") or "manual"
        vals_list = []
        for line in self:
            old = before.get(line.id)
            new = line.date_promised
            if not old or not new or old == new:
                continue
            vals_list.append(
                {
                    "purchase_line_id": line.id,
                    "old_date": old,
                    "new_date": new,
                    "source": source,
                    "reason": context.get("prod_planning_revision_reason") or False,
                    "contact_id": context.get("prod_planning_contact_id") or False,
                    "user_id": self.env.user.id,
                }
            )
        if not vals_list:
            return self.env["prod.planning.promised.date.revision"]
        # An audit trail kept by the system: whoever may move the date records it.
        revisions = self.env["prod.planning.promised.date.revision"].sudo().create(vals_list)
        if source == "vendor_portal":
            revisions.purchase_line_id._prod_planning_mark_confirmed()
        revisions.purchase_line_id._prod_planning_escalate()
        return revisions

    def _prod_planning_need_dates(self):
        """{line id: date the planning run needs it} for the lines of ``self``."""
        if not self.ids:
            return {}
        self.env["prod.planning.exception"].flush_model()
        self.env["prod.planning.order"].flush_model()
        self.env["prod.planning.peg"].flush_model()
        self.env.cr.execute(
            """
            SELECT line_id, MIN(need_date) FROM (
                SELECT split_part(e.origin_ref, ',', 2)::int AS line_id,
                       e.suggested_date AS need_date
                  FROM prod_planning_exception e
                 WHERE e.state = 'open' AND e.kind IN ('reschedule_in', 'late')
                   AND e.origin_ref LIKE 'purchase.order.line,%%'
                   AND e.suggested_date IS NOT NULL
                   AND split_part(e.origin_ref, ',', 2)::int = ANY(%(ids)s)
                UNION ALL
                SELECT o.purchase_line_id, pg.need_date
                  FROM prod_planning_order o
                  JOIN prod_planning_peg pg ON pg.order_id = o.id
                 WHERE o.purchase_line_id = ANY(%(ids)s)
                   AND pg.need_date IS NOT NULL
            ) needs
            GROUP BY line_id
            """,
            {"ids": list(self.ids)},
        )
        return dict(self.env.cr.fetchall())

    def _prod_planning_escalate(self):
        """Escalate lines that slipped too often or past the planning need date.

        One open escalation activity per line at most, on its purchase order,
        for the company's escalation user (or its first purchasing manager).
        """
        activity_type = self.env.ref("prod_planning.mail_activity_type_purchase_escalation", raise_if_not_found=False)
        need_dates = self._prod_planning_need_dates()
        open_escalations = self.env["mail.activity"].search(
            [
                ("prod_planning_purchase_line_id", "in", self.ids),
                ("activity_type_id", "=", activity_type.id if activity_type else False),
            ]
        )
        escalated = set(open_escalations.prod_planning_purchase_line_id.ids)
        activities = self.env["mail.activity"]
        for line in self:
            if line.id in escalated:
                continue
            reasons = []
            max_slips = line.company_id.prod_planning_max_slips
            if line.slip_count > max_slips:
                reasons.append(_("slipped %(count)s times (more than %(max)s)", count=line.slip_count, max=max_slips))
            need_date = need_dates.get(line.id)
            if need_date and line.date_promised and line.date_promised > need_date:
                reasons.append(
                    _(
                        "promised on %(promised)s, after the planning need on %(need)s",
                        promised=format_date(self.env, line.date_promised),
                        need=format_date(self.env, need_date),
                    )
                )
            if not reasons:
                continue
            manager = line.company_id._prod_planning_escalation_user()
            # sudo: the escalation goes to the purchase manager, whoever moved the date.
            author = line.company_id._prod_planning_author_context()
            activities |= (
                line.order_id.sudo()
                .with_context(**author)
                .activity_schedule(
                    activity_type_id=activity_type.id if activity_type else False,
                    date_deadline=fields.Date.context_today(line),
                    summary=_("Escalation: %(line)s", line=line._prod_planning_label()),
                    note=_("%(line)s %(reasons)s.", line=line._prod_planning_label(), reasons=_(" and ").join(reasons)),
                    user_id=manager.id,
                    prod_planning_purchase_line_id=line.id,
                )
            )
        return activities
