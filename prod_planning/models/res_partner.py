from odoo import api, fields, models

PLANNING_USER = "prod_planning.group_prod_planning_user"


class ResPartner(models.Model):
    _inherit = "res.partner"

    prod_planning_contact_count = fields.Integer(
        string="Vendor Contacts", compute="_compute_prod_planning_contact_count", groups=PLANNING_USER
    )
    prod_planning_scorecard_ids = fields.One2many(
        comodel_name="prod.planning.vendor.scorecard",
        inverse_name="partner_id",
        string="Vendor Scorecard",
        groups=PLANNING_USER,
    )

    @api.depends_context("company")
    def _compute_prod_planning_contact_count(self):
        partners = self.commercial_partner_id
        counts = dict(
            self.env["prod.planning.vendor.contact"]._read_group(
                [("partner_id", "in", partners.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.prod_planning_contact_count = counts.get(partner.commercial_partner_id, 0)

    def action_prod_planning_log_contact(self):
        """Open a new vendor contact with this vendor (Log contact button)."""
        self.check_access("read")
        self.env["prod.planning.vendor.contact"].check_access("create")
        self.ensure_one()
        return self.env["prod.planning.vendor.contact"]._action_log_contact(vendor=self)

    def action_prod_planning_view_contacts(self):
        self.check_access("read")
        self.env["prod.planning.vendor.contact"].check_access("read")
        self.ensure_one()
        vendor = self.commercial_partner_id
        action = self.env["ir.actions.act_window"]._for_xml_id("prod_planning.prod_planning_vendor_contact_action")
        action["domain"] = [("partner_id", "=", vendor.id)]
        action["context"] = {"default_partner_id": vendor.id}
        return action

    def action_prod_planning_view_scorecards(self):
        self.check_access("read")
        self.env["prod.planning.vendor.scorecard"].check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("prod_planning.prod_planning_vendor_scorecard_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {}
        return action
