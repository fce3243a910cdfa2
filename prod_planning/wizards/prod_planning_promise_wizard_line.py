from odoo import fields, models


class ProdPlanningPromiseWizardLine(models.TransientModel):
    _name = "prod.planning.promise.wizard.line"
    _description = "Delivery Promise Check Line"

    wizard_id = fields.Many2one(comodel_name="prod.planning.promise.wizard", required=True, ondelete="cascade")
    product_id = fields.Many2one(comodel_name="product.product", readonly=True)
    quantity = fields.Float(digits="Product Unit", readonly=True)
    date = fields.Date(string="Promised Date", readonly=True, help="Empty: the whole quantity cannot be promised.")
    first_date = fields.Date(string="First Part On", readonly=True)
    available_now = fields.Float(digits="Product Unit", readonly=True)
    constrained_by = fields.Char(readonly=True)
    explanation = fields.Char(readonly=True)
