from odoo import api, fields, models


class ProdPlanningPriceIndexProduct(models.Model):
    _name = "prod.planning.price.index.product"
    _description = "Product Following a Commodity Index"
    _inherit = ["prod.planning.amount.mixin"]
    _amount_fields = ("factor",)
    _order = "index_id, product_id"
    _check_company_auto = True

    # check_company here too: moving a link to another index checks its
    # product against the company of the new index.
    index_id = fields.Many2one(
        comodel_name="prod.planning.price.index",
        string="Commodity Index",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="index_id.company_id", store=True, index="btree_not_null")
    product_id = fields.Many2one(
        comodel_name="product.product", required=True, ondelete="cascade", index=True, check_company=True
    )
    factor = fields.Float(
        required=True,
        default=1.0,
        digits=(16, 6),
        help="Product price per product unit = index value per index unit x "
        "factor; the value is first converted to the product unit when both "
        "units are of the same category (otherwise the factor converts, e.g. "
        "kg of metal per metre of tube, times any premium).",
    )
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    expected_price = fields.Float(
        compute="_compute_expected_price",
        digits="Raw-Material Price",
        help="Latest index value carried to the product, in the company currency.",
    )

    _product_uniq = models.Constraint("UNIQUE(product_id)", "A product follows one commodity index only.")
    _factor_positive = models.Constraint("CHECK(factor > 0)", "The factor must be positive.")

    @api.depends("index_id", "product_id", "factor")
    @api.depends_context("company")
    def _compute_expected_price(self):
        for link in self:
            index_uom = link.index_id.uom_id
            product_uom = link.product_id.uom_id
            value = link.index_id.latest_value
            if index_uom and product_uom and index_uom._has_common_reference(product_uom):
                value = index_uom._compute_price(value, product_uom)
            link.expected_price = value * link.factor

    @api.constrains("index_id")
    def _check_company_of_index(self):
        # Odoo 19 checks the companies of the written fields only: moved to
        # another index, the record's other relations must follow its company.
        self._check_company()

    @api.model_create_multi
    def create(self, vals_list):
        links = super().create(vals_list)
        links.index_id.action_derive_product_prices()
        return links

    def write(self, vals):
        result = super().write(vals)
        if {"factor", "product_id", "index_id"} & set(vals):
            self.index_id.action_derive_product_prices()
        return result
