from odoo import fields, models


class StockPickingType(models.Model):
    _inherit = "stock.picking.type"

    schedule_workcenter_id = fields.Many2one(
        comodel_name="mrp.workcenter",
        string="Default Work Center",
        check_company=True,
        help="Where the scheduler places manufacturing orders of this operation "
        "type that have no operations, when their bill of materials names none.",
    )
