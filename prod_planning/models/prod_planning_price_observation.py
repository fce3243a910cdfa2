from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools import SQL, float_round, format_date

from ..engine import prices as price_engine
from ..tools import rpc_arguments

PRICE_DIGITS = "Raw-Material Price"
SOURCES = [
    ("purchase", "Purchase Order"),
    ("pricelist", "Vendor Pricelist"),
    ("feed", "Market Feed"),
    ("index", "Commodity Index"),
    ("manual", "Manual"),
    ("import", "Import"),
]


class ProdPlanningPriceObservation(models.Model):
    _name = "prod.planning.price.observation"
    _description = "Raw-Material Price Observation"
    _inherit = ["prod.planning.amount.mixin"]
    _amount_fields = ("price", "quantity")
    _order = "date desc, id desc"
    _check_company_auto = True

    # Indexed by prod_planning_price_observation_series_idx (see init).
    product_id = fields.Many2one(comodel_name="product.product", check_company=True, ondelete="cascade")
    product_tmpl_id = fields.Many2one(related="product_id.product_tmpl_id", store=True, index=True)
    categ_id = fields.Many2one(related="product_id.categ_id", store=True, string="Product Category")
    in_planned_categories = fields.Boolean(
        compute="_compute_in_planned_categories",
        search="_search_in_planned_categories",
        help="The product is in the company's planned product categories (Planning settings; "
        "all products when none is set). Index values always are.",
    )
    index_id = fields.Many2one(
        comodel_name="prod.planning.price.index",
        string="Commodity Index",
        index="btree_not_null",
        ondelete="cascade",
        check_company=True,
        help="Set without a product: a value of the index. Set with a product: "
        "the product's price derived from the index value.",
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Vendor",
        index="btree_not_null",
        check_company=True,
        help="Empty for market prices that no vendor quoted.",
    )
    company_id = fields.Many2one(comodel_name="res.company", required=True, default=lambda self: self.env.company)
    date = fields.Date(required=True, index=True, default=fields.Date.context_today)
    source = fields.Selection(selection=SOURCES, required=True, default="manual")
    feed_id = fields.Many2one(
        comodel_name="prod.planning.price.feed", index="btree_not_null", ondelete="set null", check_company=True
    )
    purchase_line_id = fields.Many2one(
        comodel_name="purchase.order.line",
        string="Purchase Order Line",
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
    )
    purchase_order_id = fields.Many2one(related="purchase_line_id.order_id", string="Purchase Order")
    supplierinfo_id = fields.Many2one(
        comodel_name="product.supplierinfo",
        string="Vendor Pricelist Line",
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
    )
    reference = fields.Char(help="Where the price comes from: order, pricelist, feed, file...")
    price = fields.Float(
        string="Observed Price",
        required=True,
        digits=PRICE_DIGITS,
        help="The price as observed, in its own currency and unit.",
    )
    currency_id = fields.Many2one(
        comodel_name="res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    uom_id = fields.Many2one(
        comodel_name="uom.uom", string="Price Unit", required=True, help="The unit the observed price is per."
    )
    quantity = fields.Float(digits="Product Unit")
    normalized_uom_id = fields.Many2one(
        comodel_name="uom.uom", string="Product Unit", compute="_compute_normalized_uom_id", store=True
    )
    company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    normalized_price = fields.Float(
        string="Price",
        compute="_compute_normalized_price",
        store=True,
        digits=PRICE_DIGITS,
        aggregator="avg",
        help="The observed price in the company currency, per unit of the product "
        "(per unit of the index for index values).",
    )

    def init(self):
        # Partial unique indexes: the idempotency keys of the upserts
        # (CONFLICT_TARGETS of prod.planning.price.import).
        self.env.cr.execute(
            SQL(
                """
            CREATE UNIQUE INDEX IF NOT EXISTS prod_planning_price_observation_key_uniq
                ON prod_planning_price_observation (
                    company_id, COALESCE(product_id, 0), COALESCE(index_id, 0),
                    COALESCE(partner_id, 0), source, date, COALESCE(feed_id, 0))
                WHERE source IN ('feed', 'import', 'index');
            CREATE UNIQUE INDEX IF NOT EXISTS prod_planning_price_observation_po_uniq
                ON prod_planning_price_observation (purchase_line_id)
                WHERE source = 'purchase';
            CREATE UNIQUE INDEX IF NOT EXISTS prod_planning_price_observation_pl_uniq
                ON prod_planning_price_observation (supplierinfo_id, product_id, date)
                WHERE source = 'pricelist';
            CREATE INDEX IF NOT EXISTS prod_planning_price_observation_series_idx
                ON prod_planning_price_observation (product_id, date DESC, id DESC);
            CREATE INDEX IF NOT EXISTS prod_planning_price_observation_series_key_idx
                ON prod_planning_price_observation (
                    COALESCE(product_id, 0), COALESCE(index_id, 0),
                    COALESCE(partner_id, 0), COALESCE(supplierinfo_id, 0),
                    date DESC, id DESC);
            CREATE INDEX IF NOT EXISTS prod_planning_price_observation_pricelist_idx
                ON prod_planning_price_observation (product_id, date)
                WHERE source = 'pricelist';
            """
            )
        )

    @api.depends("categ_id", "company_id.prod_planning_categ_ids")
    def _compute_in_planned_categories(self):
        categ_ids = {company: company._prod_planning_categ_ids() for company in self.company_id}
        for observation in self:
            planned = categ_ids.get(observation.company_id)
            observation.in_planned_categories = (
                planned is None or not observation.product_id or observation.categ_id.id in planned
            )

    def _search_in_planned_categories(self, operator, value):
        if operator == "in":
            positive = True in value
        elif operator == "not in":
            positive = True not in value
        elif operator in ("=", "!="):
            positive = bool(value) == (operator == "=")
        else:
            return NotImplemented
        domains = []
        for company in self.env.companies:
            planned = company._prod_planning_categ_ids()
            domain = Domain("company_id", "=", company.id)
            if planned is not None:
                domain &= Domain("product_id", "=", False) | Domain("categ_id", "in", sorted(planned))
            domains.append(domain)
        domain = Domain.OR(domains)
        return domain if positive else ~domain

    @api.depends("product_id.uom_id", "index_id.uom_id")
    def _compute_normalized_uom_id(self):
        for observation in self:
            observation.normalized_uom_id = observation.product_id.uom_id or observation.index_id.uom_id

    @api.depends("price", "currency_id", "uom_id", "normalized_uom_id", "date", "company_id")
    def _compute_normalized_price(self):
        rates = {}
        digits = self._price_digits()
        for observation in self:
            if not (
                observation.currency_id
                and observation.uom_id
                and observation.normalized_uom_id
                and observation.company_id
            ):
                observation.normalized_price = observation.price
                continue
            rate = self._company_rate(
                observation.currency_id,
                observation.company_id,
                observation.date or fields.Date.context_today(self),
                rates,
            )
            to_uom = observation.normalized_uom_id
            from_uom = observation.uom_id
            if not from_uom._has_common_reference(to_uom):
                from_uom = to_uom
            # The engine's factor (units per reference unit, Odoo 18) is the
            # inverse of Odoo 19's: pass Odoo 19's factors swapped.
            observation.normalized_price = float_round(
                price_engine.normalize_price(observation.price, rate, to_uom.factor, from_uom.factor),
                precision_digits=digits,
            )

    @api.depends("product_id", "index_id", "price", "currency_id", "uom_id", "date")
    def _compute_display_name(self):
        for observation in self:
            what = observation.product_id.display_name or observation.index_id.name
            observation.display_name = _(
                "%(what)s: %(price)s %(currency)s/%(uom)s on %(date)s",
                what=what or _("New"),
                price=observation.price,
                currency=observation.currency_id.name or "",
                uom=observation.uom_id.name or "",
                date=format_date(self.env, observation.date),
            )

    @api.constrains("product_id", "index_id", "price", "quantity")
    def _check_target_and_price(self):
        for observation in self:
            if not observation.product_id and not observation.index_id:
                raise self._error_no_target(observation.price, observation.date)
            for name in ("price", "quantity"):
                if rpc_arguments.number_problem(self.env, observation[name]):
                    raise ValidationError(
                        _(
                            "The %(field)s of %(what)s is out of range (%(value)s): enter a number from 0 to %(max)s.",
                            field=observation._fields[name]._description_string(self.env),
                            what=observation.display_name,
                            value=observation[name],
                            max=f"{rpc_arguments.MAX_ABS_VALUE:g}",
                        )
                    )
            if observation.price < 0:
                raise ValidationError(
                    _(
                        "The price of %(what)s on %(date)s is negative (%(price)s): enter a price of 0 or more.",
                        what=observation.display_name,
                        date=format_date(self.env, observation.date),
                        price=observation.price,
                    )
                )

    @api.constrains("uom_id", "product_id", "index_id")
    def _check_uom_category(self):
        for observation in self:
            target = observation.product_id.uom_id or observation.index_id.uom_id
            if target and not (observation.uom_id and observation.uom_id._has_common_reference(target)):
                raise ValidationError(
                    _(
                        "The price of %(what)s on %(date)s is per %(unit)s, which "
                        "cannot be converted to %(target)s: choose a unit of the same "
                        "category.",
                        what=observation.product_id.display_name or observation.index_id.name,
                        date=format_date(self.env, observation.date),
                        unit=observation.uom_id.name,
                        target=target.name,
                    )
                )

    @api.model
    def _error_no_target(self, price, date):
        return ValidationError(
            _(
                "The price %(price)s observed on %(date)s names no product: "
                "choose the product (or the commodity index) it is for.",
                price=price,
                date=format_date(self.env, date),
            )
        )

    @api.onchange("product_id", "index_id")
    def _onchange_product_id(self):
        unit = self.product_id.uom_id or self.index_id.uom_id
        if unit and (not self.uom_id or not self.uom_id._has_common_reference(unit)):
            self.uom_id = unit
        if self.index_id and not self.product_id:
            self.currency_id = self.index_id.currency_id

    @api.model_create_multi
    def create(self, vals_list):
        products = self.env["product.product"].browse(
            [vals["product_id"] for vals in vals_list if vals.get("product_id")]
        )
        indexes = self.env["prod.planning.price.index"].browse(
            [vals["index_id"] for vals in vals_list if vals.get("index_id")]
        )
        for vals in vals_list:
            if not vals.get("product_id") and not vals.get("index_id"):
                raise self._error_no_target(vals.get("price", 0.0), vals.get("date") or fields.Date.context_today(self))
            if vals.get("uom_id"):
                continue
            if vals.get("product_id"):
                vals["uom_id"] = products.browse(vals["product_id"]).uom_id.id
            elif vals.get("index_id"):
                vals["uom_id"] = indexes.browse(vals["index_id"]).uom_id.id
        observations = super().create(vals_list)
        observations._derive_index_prices()
        return observations

    def write(self, vals):
        result = super().write(vals)
        if {"price", "currency_id", "uom_id", "date", "index_id"} & set(vals):
            self._derive_index_prices()
        return result

    # ------------------------------------------------------------------
    # XML-RPC
    # ------------------------------------------------------------------

    @api.model
    def import_observations(self, rows, evaluate_alerts=False):
        """Import price observations in a batch (XML-RPC entry point).

        ``rows``: list of dicts with ``price`` and ``date`` (YYYY-MM-DD), a
        product (``product_id`` or ``product_code``, the internal reference)
        or a commodity index (``index_id`` or ``index_code``), and optionally
        a vendor (``vendor_id``, ``vendor_ref`` or ``vendor``: reference or
        exact name), ``currency`` (ISO code, default: the company's, or the
        index's), ``uom`` (unit name the price is per, default: the
        product's or index's unit), ``quantity`` and ``reference``.

        Idempotent: a row with the same product, vendor, date (and index) as
        an earlier import updates that observation. Valid rows are stored
        even when others are not. Returns one dict per row, in order:
        ``{"row": n, "status": "created" | "updated" | "error", "id": id or
        False, "message": reason or ""}``.
        """
        self.check_access("create")
        rows = rpc_arguments.require_rows(self.env, "import_observations", "rows", rows, dicts=False)
        evaluate_alerts = rpc_arguments.require_bool(
            self.env, "import_observations", "evaluate_alerts", evaluate_alerts
        )
        results = self.env["prod.planning.price.import"]._import_rows(rows, source="import")
        # Cap what comes back: the first errors in full, the others by status.
        errors = [result for result in results if result["status"] == "error"]
        for result in errors[: rpc_arguments.MAX_ERRORS]:
            result["message"] = rpc_arguments.cut_message(result["message"])
        for result in errors[rpc_arguments.MAX_ERRORS :]:
            result["message"] = _(
                "not detailed: only the first %(max)s errors are; fix them and send again.",
                max=rpc_arguments.MAX_ERRORS,
            )
        if evaluate_alerts:
            self.env["prod.planning.price.alert.rule"].search([("company_id", "=", self.env.company.id)])._evaluate()
        return results

    @api.model
    def get_price_history(self, product_codes=None, date_from=None, date_to=None, limit=None):
        """Price history as plain dicts (XML-RPC): newest first.

        ``product_codes``: internal references to filter on (all products
        when empty); ``date_from`` / ``date_to``: YYYY-MM-DD bounds.
        """
        self.check_access("read")
        env = self.env
        product_codes = rpc_arguments.require_strings(env, "get_price_history", "product_codes", product_codes)
        date_from = rpc_arguments.require_date(env, "get_price_history", "date_from", date_from)
        date_to = rpc_arguments.require_date(env, "get_price_history", "date_to", date_to)
        limit = rpc_arguments.require_limit(env, "get_price_history", "limit", limit)
        domain = [("product_id", "!=", False)]
        if product_codes:
            domain.append(("product_id.default_code", "in", product_codes))
        if date_from:
            domain.append(("date", ">=", date_from))
        if date_to:
            domain.append(("date", "<=", date_to))
        observations = self.search(domain, limit=limit)
        return [
            {
                "id": observation.id,
                "product_id": observation.product_id.id,
                "product_code": observation.product_id.default_code or "",
                "vendor": observation.partner_id.name or "",
                "date": fields.Date.to_string(observation.date),
                "source": observation.source,
                "price": observation.price,
                "currency": observation.currency_id.name,
                "uom": observation.uom_id.name,
                "normalized_price": observation.normalized_price,
                "normalized_uom": observation.normalized_uom_id.name,
                "company_currency": observation.company_currency_id.name,
                "reference": observation.reference or "",
            }
            for observation in observations
        ]

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _price_digits(self):
        return self.env["decimal.precision"].precision_get(PRICE_DIGITS)

    @api.model
    def _company_rate(self, currency, company, date, cache):
        """Company currency per unit of ``currency`` on ``date`` (cached)."""
        if currency == company.currency_id:
            return 1.0
        key = (currency.id, company.id, date)
        if key not in cache:
            cache[key] = self.env["res.currency"]._get_conversion_rate(currency, company.currency_id, company, date)
        return cache[key]

    @api.model
    def _price_data_error_message(self, error):
        """Word a ``PriceDataError`` of the price engine in the user's language
        from its code and values (its ``str()`` is English)."""
        values = {
            name: repr(value) if name in ("value", "path", "field", "header") else value
            for name, value in error.values.items()
        }
        if "columns" in values:
            values["columns"] = ", ".join(values["columns"])
        code = error.code
        if code == "not_a_number":
            message = _("%(value)s is not a number", **values)
        elif code == "not_finite":
            message = _("%(value)s is not a finite number", **values)
        elif code == "out_of_range":
            message = _("%(value)s is beyond %(max)s", **values)
        elif code == "date_out_of_range":
            message = _("%(value)s is out of range (1900-01-01 to 2200-12-31)", **values)
        elif code == "date_missing":
            message = _("the date is missing")
        elif code == "not_a_date":
            message = _("%(value)s is not a date (YYYY-MM-DD)", **values)
        elif code == "json_path_missing":
            message = _("the JSON payload has no %(path)s", **values)
        elif code == "malformed_json":
            message = _("malformed JSON: %(error)s", **values)
        elif code == "not_a_list" and error.values["path"]:
            message = _("expected a list of price objects under %(path)s, got %(type)s", **values)
        elif code == "not_a_list":
            message = _("expected a list of price objects at the top level, got %(type)s", **values)
        elif code == "row_not_object":
            return _("row %(row)s is not an object: %(value)s", **values)
        elif code == "csv_missing_columns":
            message = _("malformed CSV: the header %(header)s lacks the column(s) %(columns)s", **values)
        elif code == "csv_extra_cells":
            message = _("malformed CSV: line %(line)s has more cells than the header", **values)
        elif code == "malformed_csv":
            message = _("malformed CSV: %(error)s", **values)
        elif code == "no_code":
            message = _("no code in field %(field)s", **values)
        elif code == "negative_price":
            message = _("negative price %(price)s", **values)
        else:
            return str(error)  # raised without a code: its own text
        if "row" in values:
            return _("row %(row)s: %(error)s", row=values["row"], error=message)
        return message

    def _derive_index_prices(self):
        """Products following an index get a price from each index value."""
        values = self.filtered(lambda o: o.index_id and not o.product_id)
        if values:
            self.env["prod.planning.price.index.writer"]._derive_index_prices_sql(values.ids)
