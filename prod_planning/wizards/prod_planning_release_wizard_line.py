from odoo import fields, models


class ProdPlanningReleaseWizardLine(models.TransientModel):
    """One line of the release preview: an RFQ line or a manufacturing order."""

    _name = "prod.planning.release.wizard.line"
    _description = "Release Preview Line"
    _order = "rfq_index, date, product_id, id"

    wizard_id = fields.Many2one(comodel_name="prod.planning.release.wizard", index=True, ondelete="cascade")
    production_wizard_id = fields.Many2one(comodel_name="prod.planning.release.wizard", index=True, ondelete="cascade")
    kind = fields.Selection(selection=[("purchase", "RFQ line"), ("manufacture", "Manufacturing order")])
    rfq_index = fields.Integer(string="RFQ")
    rfq_name = fields.Char(string="RFQ Group")
    vendor_id = fields.Many2one(comodel_name="res.partner")
    warehouse_id = fields.Many2one(comodel_name="stock.warehouse")
    product_id = fields.Many2one(comodel_name="product.product")
    date = fields.Date(help="RFQ lines: the date the vendor delivers (the earliest due date); MOs: the start date.")
    due_date = fields.Date()
    quantity = fields.Float(string="Planned Qty", digits="Product Unit", help="In the product's unit.")
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    purchase_qty = fields.Float(
        string="Quantity",
        digits="Product Unit",
        help="What is ordered, in the vendor's unit: rounded up to whole units, the vendor's minimum and multiple.",
    )
    purchase_uom_id = fields.Many2one(comodel_name="uom.uom", string="Purchase Unit")
    late = fields.Boolean(help="A planned order of the line should have been released before today.")
    days_late = fields.Integer()
    order_ids = fields.Many2many(
        comodel_name="prod.planning.order",
        relation="prod_planning_release_wizard_line_order_rel",
        column1="line_id",
        column2="order_id",
        string="Planned Orders",
    )
    order_count = fields.Integer(compute="_compute_order_count", string="Orders")

    def _compute_order_count(self):
        for line in self:
            line.order_count = len(line.order_ids)
