import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..engine import vendors as engine
from ..tools import rpc_arguments

_logger = logging.getLogger(__name__)

REASONS = [
    (engine.LATE, "Late"),
    (engine.AFTER_NEED, "Promised after need date"),
    (engine.UNCONFIRMED, "Not confirmed by vendor"),
    (engine.PARTIAL, "Partially received"),
]


class ProdPlanningExpediting(models.Model):
    """The expediting queue: open purchase lines that need a buyer's attention.

    A stored table rather than an SQL view: the reasons need the planning need
    dates and the engine's rules, the queue is sorted by an urgency score, and
    every line keeps a stable row for the daily follow-up activities. It is
    refreshed by the daily scheduled action, by the Refresh button, and for the
    lines concerned whenever a vendor contact is logged or a line is marked
    confirmed; rows are maintained by the system (sudo), users only read them.
    """

    _name = "prod.planning.expediting"
    _description = "Expediting Queue Line"
    _order = "urgency desc, date_promised, id"
    _rec_name = "purchase_line_id"

    purchase_line_id = fields.Many2one(
        comodel_name="purchase.order.line", required=True, index=True, ondelete="cascade", readonly=True
    )
    order_id = fields.Many2one(comodel_name="purchase.order", string="Purchase Order", index=True)
    partner_id = fields.Many2one(comodel_name="res.partner", string="Vendor", index=True)
    product_id = fields.Many2one(comodel_name="product.product")
    company_id = fields.Many2one(comodel_name="res.company", index=True)
    user_id = fields.Many2one(comodel_name="res.users", string="Buyer")
    date_promised = fields.Date(string="Promised Date")
    date_requested_original = fields.Date(string="Original Date")
    need_date = fields.Date(string="Needed On", help="The date the last planning run needs this supply.")
    product_qty = fields.Float(string="Ordered", digits="Product Unit")
    qty_received = fields.Float(string="Received", digits="Product Unit")
    qty_open = fields.Float(string="Open", digits="Product Unit")
    product_uom_id = fields.Many2one(comodel_name="uom.uom", string="Unit")
    days_late = fields.Integer(help="Days since the promised date, when late.")
    reason = fields.Selection(selection=REASONS, string="Main Reason", index=True, help="The most urgent.")
    is_late = fields.Boolean(string="Late")
    is_after_need = fields.Boolean(string="After Need Date")
    is_unconfirmed = fields.Boolean(string="Not Confirmed")
    is_partial = fields.Boolean(string="Partial")
    reasons_label = fields.Char(string="Reasons", compute="_compute_reasons_label")
    urgency = fields.Integer(
        aggregator="max",
        help="Higher is more urgent: late lines first, then lines promised after "
        "the planning need, unconfirmed lines due soon, partial receipts.",
    )
    slip_count = fields.Integer(related="purchase_line_id.slip_count")
    vendor_confirmed = fields.Boolean(related="purchase_line_id.vendor_confirmed")
    last_contact_id = fields.Many2one(comodel_name="prod.planning.vendor.contact", string="Last Contact")
    last_contact_date = fields.Datetime(related="last_contact_id.date")
    last_outcome = fields.Selection(related="last_contact_id.outcome")
    next_followup_date = fields.Date(string="Next Follow-up", help="From the last vendor contact.")
    refreshed_on = fields.Datetime()

    _purchase_line_uniq = models.Constraint(
        "unique(purchase_line_id)", "A purchase line appears once in the expediting queue."
    )

    @api.depends("is_late", "is_after_need", "is_unconfirmed", "is_partial")
    def _compute_reasons_label(self):
        labels = dict(self._fields["reason"]._description_selection(self.env))
        for row in self:
            flags = {
                engine.LATE: row.is_late,
                engine.AFTER_NEED: row.is_after_need,
                engine.UNCONFIRMED: row.is_unconfirmed,
                engine.PARTIAL: row.is_partial,
            }
            row.reasons_label = ", ".join(labels[key] for key in engine.REASONS if flags[key])

    def action_refresh(self):
        """Refresh button: recompute the queue of the user's companies."""
        self.check_access("read")
        self.env["purchase.order.line"].check_access("read")
        self.env["prod.planning.expediting"]._refresh(companies=self.env.companies)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def action_log_contact(self):
        """Log one contact about the selected lines (all of one vendor)."""
        self.check_access("read")
        self.env["prod.planning.vendor.contact"].check_access("create")
        vendors = self.partner_id
        if len(vendors) != 1:
            raise UserError(
                _(
                    "Select lines of one vendor to log a contact; the selection has lines of %(vendors)s.",
                    vendors=", ".join(vendors.mapped("display_name")),
                )
            )
        orders = self.order_id
        return self.env["prod.planning.vendor.contact"]._action_log_contact(
            vendor=vendors, order=orders if len(orders) == 1 else None, lines=self.purchase_line_id
        )

    def action_send_reminder(self):
        """Email each vendor a reminder of its selected lines, in its language."""
        self.check_access("read")
        self.order_id.check_access("write")
        self.env["prod.planning.vendor.contact"].check_access("create")
        template = self.env.ref("prod_planning.mail_template_vendor_reminder")
        contact_model = self.env["prod.planning.vendor.contact"]
        contacts = contact_model
        for order in self.order_id:
            lines = self.filtered(lambda row, order=order: row.order_id == order)
            order_lines = lines.purchase_line_id
            # The template sends as the buyer, else the user; when neither has an
            # email address, as the company (else OdooBot).
            author = {}
            if not (order.user_id.email or self.env.user.email):
                author = order.company_id._prod_planning_author_values()
            order.with_context(prod_planning_reminder_line_ids=order_lines.ids).message_post_with_source(
                template, subtype_xmlid="mail.mt_comment", message_type="comment", **author
            )
            contacts |= contact_model.create(
                {
                    "partner_id": order.partner_id.commercial_partner_id.id,
                    "contact_partner_id": order.partner_id.id,
                    "company_id": order.company_id.id,
                    "purchase_order_id": order.id,
                    "purchase_line_ids": [fields.Command.set(order_lines.ids)],
                    "channel": "email",
                    "direction": "out",
                    "outcome": "no_answer",
                    "summary": _("Reminder email sent from the expediting queue."),
                }
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Reminders sent"),
                "message": _(
                    "%(count)s reminder emails sent to %(vendors)s.",
                    count=len(contacts),
                    vendors=", ".join(self.partner_id.mapped("display_name")),
                ),
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_mark_confirmed(self):
        """The vendor confirmed these lines (outside any logged contact)."""
        self.check_access("read")
        self.purchase_line_id.check_access("write")
        lines = self.purchase_line_id
        lines._prod_planning_mark_confirmed()
        for order in lines.order_id:
            order.message_post(
                body=_(
                    "Marked as confirmed by the vendor from the expediting queue: %(lines)s",
                    lines=", ".join(line.product_id.display_name for line in lines if line.order_id == order),
                ),
                subtype_xmlid="mail.mt_note",
                **order.company_id._prod_planning_author_values(),
            )
        self._refresh(lines=lines)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def action_open_purchase_order(self):
        self.check_access("read")
        self.order_id.check_access("read")
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "purchase.order",
            "res_id": self.order_id.id,
            "view_mode": "form",
        }

    @api.model
    def get_queue(self, options=None):
        """Read the expediting queue (XML-RPC), most urgent first.

        ``options`` (all optional): ``refresh`` (bool, refresh the queue of
        the caller's companies first), ``vendor_ids`` (list of res.partner
        ids), ``reasons`` (subset of late, after_need, unconfirmed, partial),
        ``limit`` (int). Returns a list of dicts: ``id``, ``purchase_line_id``,
        ``purchase_order`` (name), ``vendor_id``, ``vendor``, ``product_id``,
        ``product``, ``date_promised``, ``date_requested_original``,
        ``need_date`` (``YYYY-MM-DD`` or False), ``product_qty``,
        ``qty_received``, ``qty_open``, ``reasons`` (list, most urgent first),
        ``urgency``, ``days_late``, ``slip_count``, ``vendor_confirmed``.
        """
        self.check_access("read")
        options = rpc_arguments.require_options(
            self.env, "get_queue", "options", options, ("refresh", "vendor_ids", "reasons", "limit")
        )
        refresh = rpc_arguments.require_bool(self.env, "get_queue", "options.refresh", options.get("refresh"))
        vendor_ids = rpc_arguments.require_ids(
            self.env, "get_queue", "options.vendor_ids", options.get("vendor_ids"), "res.partner"
        )
        reasons = rpc_arguments.require_choices(
            self.env, "get_queue", "options.reasons", options.get("reasons"), engine.REASONS
        )
        limit = rpc_arguments.require_limit(self.env, "get_queue", "options.limit", options.get("limit"))
        if refresh:
            self.env["purchase.order.line"].check_access("read")
            self._refresh(companies=self.env.companies)
        domain = [("company_id", "in", self.env.companies.ids)]
        if vendor_ids:
            domain.append(("partner_id", "in", vendor_ids))
        if reasons:
            domain += ["|"] * (len(reasons) - 1) + [(f"is_{reason}", "=", True) for reason in reasons]
        rows = self.search(domain, limit=limit)
        result = []
        for row in rows:
            flags = {
                engine.LATE: row.is_late,
                engine.AFTER_NEED: row.is_after_need,
                engine.UNCONFIRMED: row.is_unconfirmed,
                engine.PARTIAL: row.is_partial,
            }
            result.append(
                {
                    "id": row.id,
                    "purchase_line_id": row.purchase_line_id.id,
                    "purchase_order": row.order_id.name,
                    "vendor_id": row.partner_id.id,
                    "vendor": row.partner_id.display_name,
                    "product_id": row.product_id.id,
                    "product": row.product_id.display_name,
                    "date_promised": fields.Date.to_string(row.date_promised),
                    "date_requested_original": fields.Date.to_string(row.date_requested_original) or False,
                    "need_date": fields.Date.to_string(row.need_date) or False,
                    "product_qty": row.product_qty,
                    "qty_received": row.qty_received,
                    "qty_open": row.qty_open,
                    "reasons": [key for key in engine.REASONS if flags[key]],
                    "urgency": row.urgency,
                    "days_late": row.days_late,
                    "slip_count": row.slip_count,
                    "vendor_confirmed": row.vendor_confirmed,
                }
            )
        return result

    @api.model
    def _cron_refresh(self):
        """Daily: refresh every company's queue, then schedule follow-ups."""
        for company in self.env["res.company"].search([]):
            self.with_company(company)._refresh(companies=company)
        return self._schedule_followups()

    @api.model
    def _refresh(self, companies=None, lines=None):
        """Recompute the queue rows of ``companies`` (or only of ``lines``).

        Returns the rows of the scope that need attention.
        """
        # sudo: the queue is a system table users only read; callers checked
        # their read access to it and to the purchase lines.
        rows_model = self.sudo()
        if lines is not None:
            lines = lines.exists()
            scope = [("purchase_line_id", "in", lines.ids)]
            companies = lines.company_id
        else:
            companies = companies or self.env.companies
            scope = [("company_id", "in", companies.ids)]
        if not companies:
            return self.browse()
        candidates = self._fetch_candidates(companies, lines)
        line_model = self.env["purchase.order.line"]
        need_dates = line_model.browse(list(candidates))._prod_planning_need_dates()
        last_contacts = self._fetch_last_contacts(list(candidates))
        today = fields.Date.context_today(self)
        now = fields.Datetime.now()
        values = {}
        for line_id, data in candidates.items():
            company = self.env["res.company"].browse(data["company_id"])
            due_days = company.prod_planning_expedite_days
            state = engine.LineState(
                promised=data["date_promised"],
                ordered=data["product_qty"],
                received=data["qty_received"],
                confirmed=data["confirmed"],
                need_date=need_dates.get(line_id),
            )
            reasons = engine.expediting_reasons(state, today, due_days)
            if not reasons:
                continue
            contact_id, followup = last_contacts.get(line_id, (False, False))
            values[line_id] = {
                "purchase_line_id": line_id,
                "order_id": data["order_id"],
                "partner_id": data["partner_id"],
                "product_id": data["product_id"],
                "company_id": data["company_id"],
                "user_id": data["user_id"],
                "date_promised": data["date_promised"],
                "date_requested_original": data["date_requested_original"] or False,
                "need_date": state.need_date or False,
                "product_qty": data["product_qty"],
                "qty_received": data["qty_received"],
                "qty_open": data["product_qty"] - data["qty_received"],
                "product_uom_id": data["product_uom_id"],
                "days_late": max((today - state.promised).days, 0),
                "reason": reasons[0],
                "is_late": engine.LATE in reasons,
                "is_after_need": engine.AFTER_NEED in reasons,
                "is_unconfirmed": engine.UNCONFIRMED in reasons,
                "is_partial": engine.PARTIAL in reasons,
                "urgency": engine.urgency(state, today, due_days, reasons),
                "last_contact_id": contact_id,
                "next_followup_date": followup,
                "refreshed_on": now,
            }
        existing = rows_model.search(scope)
        stale = existing.filtered(lambda row: row.purchase_line_id.id not in values)
        stale.unlink()
        for row in existing - stale:
            row.write(values.pop(row.purchase_line_id.id))
        if values:
            rows_model.create(list(values.values()))
        self._close_obsolete_activities(companies, lines)
        return self.search(scope)

    @api.model
    def _fetch_candidates(self, companies, lines=None):
        """{line id: data} of the confirmed, open goods lines in scope (one query)."""
        self.env["purchase.order.line"].flush_model()
        self.env["purchase.order"].flush_model()
        query = """
            SELECT pol.id, po.id, po.company_id, rp.commercial_partner_id,
                   pol.product_id, COALESCE(po.user_id, rp_c.buyer_id),
                   pol.date_promised, pol.date_requested_original,
                   pol.product_qty, pol.qty_received, pol.product_uom_id,
                   COALESCE(pol.vendor_confirmed, FALSE)
                       OR COALESCE(po.acknowledged, FALSE)
              FROM purchase_order_line pol
              JOIN purchase_order po ON po.id = pol.order_id
              JOIN res_partner rp ON rp.id = po.partner_id
              JOIN res_partner rp_c ON rp_c.id = rp.commercial_partner_id
              JOIN product_product pp ON pp.id = pol.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE po.state = 'purchase'
               AND pol.display_type IS NULL
               AND pt.type = 'consu'
               AND pol.date_promised IS NOT NULL
               AND pol.qty_received < pol.product_qty
               AND po.company_id = ANY(%(companies)s)
        """
        params = {"companies": companies.ids}
        if lines is not None:
            query += " AND pol.id = ANY(%(lines)s)"
            params["lines"] = lines.ids
        self.env.cr.execute(query, params)
        columns = (
            "order_id",
            "company_id",
            "partner_id",
            "product_id",
            "user_id",
            "date_promised",
            "date_requested_original",
            "product_qty",
            "qty_received",
            "product_uom_id",
            "confirmed",
        )
        return {row[0]: dict(zip(columns, row[1:], strict=True)) for row in self.env.cr.fetchall()}

    @api.model
    def _fetch_last_contacts(self, line_ids):
        """{line id: (last contact id, its next follow-up date)}."""
        if not line_ids:
            return {}
        self.env["prod.planning.vendor.contact"].flush_model()
        self.env.cr.execute(
            """
            SELECT DISTINCT ON (line_id) line_id, contact_id, next_followup_date
              FROM (
                SELECT rel.line_id, c.id AS contact_id, c.date, c.next_followup_date
                  FROM prod_planning_vendor_contact_purchase_line_rel rel
                  JOIN prod_planning_vendor_contact c ON c.id = rel.contact_id
                 WHERE rel.line_id = ANY(%(ids)s)
                UNION ALL
                SELECT pol.id, c.id, c.date, c.next_followup_date
                  FROM prod_planning_vendor_contact c
                  JOIN purchase_order_line pol ON pol.order_id = c.purchase_order_id
                 WHERE pol.id = ANY(%(ids)s)
                   AND NOT EXISTS (
                        SELECT 1 FROM prod_planning_vendor_contact_purchase_line_rel r
                         WHERE r.contact_id = c.id)
              ) contacts
             ORDER BY line_id, date DESC, contact_id DESC
            """,
            {"ids": line_ids},
        )
        return {line_id: (contact_id, followup) for line_id, contact_id, followup in (self.env.cr.fetchall())}

    @api.model
    def _close_obsolete_activities(self, companies, lines=None):
        """Expediting activities of lines that left the queue are done."""
        activity_type = self.env.ref("prod_planning.mail_activity_type_expedite", raise_if_not_found=False)
        if not activity_type:
            return
        domain = [
            ("activity_type_id", "=", activity_type.id),
            ("prod_planning_purchase_line_id", "!=", False),
            ("prod_planning_purchase_line_id.company_id", "in", companies.ids),
        ]
        if lines is not None:
            domain.append(("prod_planning_purchase_line_id", "in", lines.ids))
        # sudo: the buyers' activities, whoever refreshes the queue.
        activities = self.env["mail.activity"].sudo().search(domain)
        queued = set(
            self.sudo()
            .search([("purchase_line_id", "in", activities.prod_planning_purchase_line_id.ids)])
            .purchase_line_id.ids
        )
        obsolete = activities.filtered(lambda a: a.prod_planning_purchase_line_id.id not in queued)
        if obsolete:
            obsolete.action_feedback(feedback=_("The line no longer needs expediting."))

    @api.model
    def _schedule_followups(self, rows=None):
        """One open expediting activity per queued line, for its buyer.

        Lines that already have one, and lines whose last vendor contact has a
        follow-up still to come, get none. Each line is processed in its own
        savepoint: a line that fails is logged and skipped, the others go on.
        Returns ``{"created": n, "skipped": n, "failed": [line ids]}``.
        """
        activity_type = self.env.ref("prod_planning.mail_activity_type_expedite")
        # sudo: follow-ups are scheduled for every company's buyers (scheduled action).
        rows = (rows if rows is not None else self.sudo().search([])).exists()
        today = fields.Date.context_today(self)
        existing = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("activity_type_id", "=", activity_type.id),
                    ("prod_planning_purchase_line_id", "in", rows.purchase_line_id.ids),
                ]
            )
        )
        covered = set(existing.prod_planning_purchase_line_id.ids)
        labels = dict(self._fields["reason"]._description_selection(self.env))
        created, skipped, failed = 0, 0, []
        for row in rows:
            line = row.purchase_line_id
            if line.id in covered or (row.next_followup_date and row.next_followup_date > today):
                skipped += 1
                continue
            try:
                with self.env.cr.savepoint():
                    row._create_followup_activity(activity_type, labels)
                created += 1
                covered.add(line.id)
            except Exception:
                # One bad line must not stop the others (scheduled action).
                _logger.exception("Expediting: no follow-up activity for purchase line %s", line.id)
                failed.append(line.id)
        return {"created": created, "skipped": skipped, "failed": failed}

    def _create_followup_activity(self, activity_type, labels):
        self.ensure_one()
        line = self.purchase_line_id
        order = line.order_id
        user = order.user_id or self.partner_id.buyer_id or line.company_id._prod_planning_escalation_user()
        reason = labels.get(self.reason, "")
        if self.is_late:
            reason = _("%(reason)s by %(days)s days", reason=reason, days=self.days_late)
        # sudo: the activity is for the order's buyer (scheduled action).
        return (
            order.sudo()
            .with_context(mail_activity_quick_update=True)
            .activity_schedule(
                activity_type_id=activity_type.id,
                date_deadline=fields.Date.context_today(self),
                summary=_("Expedite %(line)s: %(reason)s", line=line._prod_planning_label(), reason=reason),
                note=_(
                    "Promised on %(promised)s; %(open)s %(uom)s still to receive.",
                    promised=format_date(self.env, self.date_promised),
                    open=self.qty_open,
                    uom=self.product_uom_id.name,
                ),
                user_id=user.id,
                prod_planning_purchase_line_id=line.id,
            )
        )
