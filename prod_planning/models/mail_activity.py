from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    prod_planning_purchase_line_id = fields.Many2one(
        comodel_name="purchase.order.line",
        string="Purchase Line",
        index="btree_not_null",
        ondelete="cascade",
        help="The purchase line an expediting or escalation activity is about; "
        "one open activity of each kind per line.",
    )
