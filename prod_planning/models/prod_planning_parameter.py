from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# Quantities of the planning parameters: finite, within ±1e12.
AMOUNT_FIELDS = ("lot_fixed_qty", "lot_min_qty", "lot_max_qty", "lot_multiple_qty", "safety_stock")


class ProdPlanningParameter(models.Model):
    """How one product is planned in one warehouse.

    Without a record the run derives everything from standard Odoo data: supply
    type from routes, BoMs and vendors, lead times from the vendor delay, the
    BoM's manufacturing lead time and the company's security lead days, and
    lot-for-lot ordering without safety stock.
    """

    _name = "prod.planning.parameter"
    _description = "Planning Parameters"
    _inherit = ["prod.planning.amount.mixin"]
    _amount_fields = AMOUNT_FIELDS
    _order = "product_id, warehouse_id"
    _check_company_auto = True

    product_id = fields.Many2one(
        comodel_name="product.product",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        domain=[("is_storable", "=", True)],
    )
    warehouse_id = fields.Many2one(
        comodel_name="stock.warehouse",
        required=True,
        ondelete="cascade",
        check_company=True,
        default=lambda self: self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1),
    )
    company_id = fields.Many2one(related="warehouse_id.company_id", store=True, index=True, precompute=True)
    active = fields.Boolean(default=True)
    supply_type = fields.Selection(
        selection=[
            ("auto", "Automatic"),
            ("buy", "Buy"),
            ("manufacture", "Manufacture"),
            ("kit", "Kit"),
            ("none", "Do not plan"),
        ],
        default="auto",
        required=True,
        help="Automatic: manufacture when the product has a BoM and the Manufacture "
        "route, buy when it has a vendor; a kit BoM makes it a kit.",
    )
    lead_time_days = fields.Integer(
        string="Lead Time Override",
        help="Working days from release to receipt. 0 uses the vendor delay or the "
        "BoM's manufacturing lead time plus the company's security lead days.",
    )
    lot_policy = fields.Selection(
        selection=[
            ("lfl", "Lot for lot"),
            ("fixed", "Fixed quantity"),
            ("min_max_multiple", "Minimum / maximum / multiple"),
            ("poq", "Period order quantity"),
        ],
        default="lfl",
        required=True,
    )
    lot_fixed_qty = fields.Float(string="Fixed Quantity", digits="Product Unit")
    lot_min_qty = fields.Float(string="Minimum Quantity", digits="Product Unit")
    lot_max_qty = fields.Float(string="Maximum Quantity", digits="Product Unit", help="0 means no maximum.")
    lot_multiple_qty = fields.Float(string="Multiple", digits="Product Unit", help="0 means any quantity.")
    poq_days = fields.Integer(
        string="Period (days)",
        default=7,
        help="Period order quantity: one order covers the net requirements of this many calendar days.",
    )
    safety_stock = fields.Float(digits="Product Unit")
    time_fence_days = fields.Integer(
        string="Planning Time Fence", help="No new planned order is due within this many working days from today."
    )
    forecast_consumption = fields.Selection(
        selection=[("max", "Larger of forecast and actual demand"), ("sum", "Forecast plus actual demand")],
        default="max",
        required=True,
        help="How actual demand in a forecast's period consumes the forecast.",
    )
    auto_release = fields.Boolean(
        help="The scheduled planning run releases this product's purchase planned "
        "orders within the release time fence into RFQs by itself."
    )
    uom_id = fields.Many2one(related="product_id.uom_id")

    _product_warehouse_unique = models.Constraint(
        "unique(product_id, warehouse_id)", "A product has one set of planning parameters per warehouse."
    )

    @api.depends("product_id", "warehouse_id")
    def _compute_display_name(self):
        for parameter in self:
            parameter.display_name = f"{parameter.product_id.display_name} @ {parameter.warehouse_id.name}"

    @api.constrains("warehouse_id")
    def _check_company_of_warehouse(self):
        # Odoo 19 checks the companies of the written fields only: moved to
        # another warehouse, the record's other relations must follow its company.
        self._check_company()

    @api.constrains(
        "lot_policy",
        "lot_fixed_qty",
        "lot_min_qty",
        "lot_max_qty",
        "lot_multiple_qty",
        "poq_days",
        "safety_stock",
        "time_fence_days",
        "lead_time_days",
    )
    def _check_quantities(self):
        for parameter in self:
            name = parameter.display_name
            numbers = (
                parameter.lot_fixed_qty,
                parameter.lot_min_qty,
                parameter.lot_max_qty,
                parameter.lot_multiple_qty,
                parameter.safety_stock,
                parameter.time_fence_days,
                parameter.lead_time_days,
            )
            if any(number < 0 for number in numbers):
                raise ValidationError(
                    _(
                        "Planning parameters of %(name)s: quantities, days and safety stock cannot be negative.",
                        name=name,
                    )
                )
            if parameter.lot_policy == "fixed" and parameter.lot_fixed_qty <= 0:
                raise ValidationError(
                    _("Planning parameters of %(name)s: a fixed lot size needs a fixed quantity above 0.", name=name)
                )
            if parameter.lot_policy == "poq" and parameter.poq_days <= 0:
                raise ValidationError(
                    _(
                        "Planning parameters of %(name)s: the period order quantity "
                        "needs a period of at least one day.",
                        name=name,
                    )
                )
            if 0 < parameter.lot_max_qty < parameter.lot_min_qty:
                raise ValidationError(
                    _(
                        "Planning parameters of %(name)s: the maximum quantity must not be below the minimum quantity.",
                        name=name,
                    )
                )
