from odoo import api, fields, models

REVISION_SOURCES = [
    ("contact", "Vendor contact"),
    ("vendor_portal", "Vendor portal"),
    ("manual", "Changed on the order"),
]


class ProdPlanningPromisedDateRevision(models.Model):
    """One change of a confirmed purchase line's promised date.

    Written by the system (sudo) whenever ``date_planned`` of a confirmed line
    moves to another day, whoever moves it: a vendor contact, the vendor portal,
    a buyer editing the order, a planning exception applied.
    """

    _name = "prod.planning.promised.date.revision"
    _description = "Promised-date Revision"
    _order = "date desc, id desc"
    _rec_name = "purchase_line_id"

    purchase_line_id = fields.Many2one(
        comodel_name="purchase.order.line", required=True, index=True, ondelete="cascade"
    )
    order_id = fields.Many2one(related="purchase_line_id.order_id", store=True, index=True, string="Order")
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Vendor", compute="_compute_partner_id", store=True, index=True
    )
    product_id = fields.Many2one(related="purchase_line_id.product_id", store=True)
    company_id = fields.Many2one(related="purchase_line_id.company_id", store=True, index=True)
    date = fields.Datetime(string="Revised On", required=True, default=fields.Datetime.now, index=True)
    old_date = fields.Date(string="Old Promised Date", required=True)
    new_date = fields.Date(string="New Promised Date", required=True)
    delta_days = fields.Integer(string="Shift (days)", compute="_compute_delta_days", store=True)
    is_slip = fields.Boolean(string="Slip", compute="_compute_delta_days", store=True, help="The date moved later.")
    slip_days = fields.Integer(
        string="Days Slipped",
        compute="_compute_delta_days",
        store=True,
        help="Days the date moved later; 0 when it moved earlier.",
    )
    source = fields.Selection(selection=REVISION_SOURCES, required=True, default="manual")
    reason = fields.Text()
    user_id = fields.Many2one(comodel_name="res.users", string="Revised By", default=lambda self: self.env.user)
    contact_id = fields.Many2one(
        comodel_name="prod.planning.vendor.contact",
        string="Vendor Contact",
        index="btree_not_null",
        ondelete="set null",
    )

    @api.depends("purchase_line_id.order_id.partner_id")
    def _compute_partner_id(self):
        for revision in self:
            revision.partner_id = revision.purchase_line_id.order_id.partner_id.commercial_partner_id

    @api.depends("old_date", "new_date")
    def _compute_delta_days(self):
        for revision in self:
            if revision.old_date and revision.new_date:
                revision.delta_days = (revision.new_date - revision.old_date).days
            else:
                revision.delta_days = 0
            revision.is_slip = revision.delta_days > 0
            revision.slip_days = max(revision.delta_days, 0)
