from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ProdPlanningPriceFeedLine(models.Model):
    _name = "prod.planning.price.feed.line"
    _description = "Price Feed Code"
    _order = "feed_id, code"
    _check_company_auto = True

    feed_id = fields.Many2one(comodel_name="prod.planning.price.feed", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="feed_id.company_id", store=True)
    code = fields.Char(required=True, help="The code the feed quotes the price under.")
    product_id = fields.Many2one(comodel_name="product.product", check_company=True, ondelete="cascade")
    index_id = fields.Many2one(
        comodel_name="prod.planning.price.index", string="Commodity Index", check_company=True, ondelete="cascade"
    )
    uom_id = fields.Many2one(
        comodel_name="uom.uom",
        string="Quoted Unit",
        compute="_compute_uom_id",
        store=True,
        readonly=False,
        help="The unit the feed's price is per. Default: the product's or index's unit.",
    )

    _code_uniq = models.Constraint("UNIQUE(feed_id, code)", "A code is mapped once per feed.")

    @api.depends("product_id", "index_id")
    def _compute_uom_id(self):
        for line in self:
            unit = line.product_id.uom_id or line.index_id.uom_id
            if not line.uom_id or not unit or not line.uom_id._has_common_reference(unit):
                line.uom_id = unit

    @api.constrains("feed_id")
    def _check_company_of_feed(self):
        # Odoo 19 checks the companies of the written fields only: moved to
        # another feed, the record's other relations must follow its company.
        self._check_company()

    @api.constrains("product_id", "index_id", "uom_id")
    def _check_target(self):
        for line in self:
            if bool(line.product_id) == bool(line.index_id):
                raise ValidationError(
                    _(
                        "Code %(code)s of feed %(feed)s must map to either a product "
                        "or a commodity index: set exactly one of them.",
                        code=line.code,
                        feed=line.feed_id.name,
                    )
                )
            unit = line.product_id.uom_id or line.index_id.uom_id
            if line.uom_id and not line.uom_id._has_common_reference(unit):
                raise ValidationError(
                    _(
                        "Code %(code)s of feed %(feed)s is quoted per %(uom)s, which "
                        "cannot be converted to %(unit)s: choose a unit of the same "
                        "category.",
                        code=line.code,
                        feed=line.feed_id.name,
                        uom=line.uom_id.name,
                        unit=unit.name,
                    )
                )
