from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# The longest solver time limit a company may allow (one hour).
SCHEDULE_TIME_LIMIT_CEILING = 3600


class ResCompany(models.Model):
    _inherit = "res.company"

    prod_planning_horizon_days = fields.Integer(string="Planning Horizon (days)", default=120)
    prod_planning_release_fence_days = fields.Integer(
        string="Release Time Fence (days)",
        default=7,
        help="The scheduled planning run releases auto-release planned orders "
        "whose release date falls within this many days from today.",
    )
    prod_planning_auto_confirm_rfq = fields.Boolean(
        string="Confirm Auto-released RFQs",
        help="Purchase orders released by the scheduled run are confirmed, not left as RFQs.",
    )
    prod_planning_expedite_days = fields.Integer(
        string="Expediting Horizon (days)",
        default=7,
        help="Open purchase lines due within this many days and not yet confirmed "
        "by the vendor enter the expediting queue.",
    )
    prod_planning_max_slips = fields.Integer(
        string="Slips Before Escalation",
        default=2,
        help="A purchase line whose promised date slips more than this many times "
        "is escalated to the purchasing manager.",
    )
    prod_planning_escalation_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Escalate To",
        domain="[('share', '=', False)]",
        help="Who gets the escalation activities of slipping purchase lines. "
        "Empty: the first purchasing manager (Purchase / Administrator) of the "
        "company.",
    )
    prod_planning_categ_ids = fields.Many2many(
        comodel_name="product.category",
        relation="prod_planning_company_categ_rel",
        column1="company_id",
        column2="categ_id",
        string="Planned Product Categories",
        help="The planning run, the planning grid, vendor scorecards, cost impact and price history "
        "cover the products of these categories (and their subcategories) and the components of "
        "their bills of materials. Empty: all storable products.",
    )
    prod_planning_schedule_time_limit_max = fields.Integer(
        string="Longest Solver Time Limit (s)",
        default=300,
        help="The longest time limit a schedule may give the solver. Web "
        "requests are stopped after Odoo's real-time limit (limit_time_real, "
        "120 s by default): longer solves belong to scheduled actions and "
        "XML-RPC clients.",
    )

    @api.constrains("prod_planning_schedule_time_limit_max")
    def _check_prod_planning_schedule_time_limit_max(self):
        for company in self:
            if not 1 <= company.prod_planning_schedule_time_limit_max <= SCHEDULE_TIME_LIMIT_CEILING:
                raise ValidationError(
                    _(
                        "%(company)s: the longest solver time limit (%(value)s s) must be between "
                        "1 and %(ceiling)s seconds.",
                        company=company.display_name,
                        value=company.prod_planning_schedule_time_limit_max,
                        ceiling=SCHEDULE_TIME_LIMIT_CEILING,
                    )
                )

    def _prod_planning_categ_ids(self):
        """Ids of the planned categories and their subcategories, or None
        when the company plans every storable product."""
        self.ensure_one()
        if not self.prod_planning_categ_ids:
            return None
        # sudo: categories are shared master data, the setting is the company's.
        return set(
            self.env["product.category"].sudo().search([("id", "child_of", self.prod_planning_categ_ids.ids)]).ids
        )

    def _prod_planning_product_domain(self, field="categ_id"):
        """Domain on ``field`` (a product category field) keeping the planned
        categories; empty when every product is planned."""
        categ_ids = self._prod_planning_categ_ids()
        return [] if categ_ids is None else [(field, "in", sorted(categ_ids))]

    def _prod_planning_author_values(self):
        """``{"author_id", "email_from"}`` of the messages the addon posts for
        the current user: the user, unless they have no email address
        (integration users usually have none), then the company's partner if
        it has one, else OdooBot; a message without sender cannot be mailed."""
        company = self[:1] or self.env.company
        author = self.env.user.partner_id
        if not author.email:
            author = company.partner_id if company.partner_id.email else self.env.ref("base.partner_root")
        return {"author_id": author.id, "email_from": author.email_formatted}

    def _prod_planning_author_context(self):
        """The context in which Odoo's own notifications (activity assignments)
        take :meth:`_prod_planning_author_values` as author (models/mail_thread.py)."""
        return {"prod_planning_author": self._prod_planning_author_values()}

    def _prod_planning_escalation_user(self):
        """Who handles escalations: the configured user, else a purchase manager."""
        self.ensure_one()
        if self.prod_planning_escalation_user_id:
            return self.prod_planning_escalation_user_id
        # sudo: group members are readable by administrators only.
        managers = (
            self.env.ref("purchase.group_purchase_manager")
            .sudo()
            .user_ids.filtered(
                lambda user: user.active and not user.share and not user._is_superuser() and self in user.company_ids
            )
        )
        return managers.sorted("id")[:1] or self.env.ref("base.user_admin")
