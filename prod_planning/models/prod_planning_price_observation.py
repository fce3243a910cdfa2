import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_round

from ..engine import prices as price_engine

_logger = logging.getLogger(__name__)

PRICE_DIGITS = "Raw-Material Price"
SOURCES = [
    ("purchase", "Purchase Order"),
    ("pricelist", "Vendor Pricelist"),
    ("feed", "Market Feed"),
    ("index", "Commodity Index"),
    ("manual", "Manual"),
    ("import", "Import"),
]
# Sources whose observations are keyed on (company, product, index, vendor,
# source, date, feed): storing the same key again updates the observation.
KEYED_SOURCES = ("feed", "import", "index")
# Columns written by the bulk upsert, with their PostgreSQL array types.
UPSERT_COLUMNS = (
    ("product_id", "int4"),
    ("product_tmpl_id", "int4"),
    ("categ_id", "int4"),
    ("index_id", "int4"),
    ("partner_id", "int4"),
    ("company_id", "int4"),
    ("date", "date"),
    ("source", "varchar"),
    ("feed_id", "int4"),
    ("purchase_line_id", "int4"),
    ("supplierinfo_id", "int4"),
    ("reference", "varchar"),
    ("price", "numeric"),
    ("currency_id", "int4"),
    ("uom_id", "int4"),
    ("quantity", "numeric"),
    ("normalized_uom_id", "int4"),
    ("normalized_price", "numeric"),
)
ARRAY_CASTS = {
    "int4": "%s::int4[]",
    "date": "%s::date[]",
    "varchar": "%s::varchar[]",
    "numeric": "%s::numeric[]",
}
CONFLICT_TARGETS = {
    "key": SQL(
        "(company_id, COALESCE(product_id, 0), COALESCE(index_id, 0), "
        "COALESCE(partner_id, 0), source, date, COALESCE(feed_id, 0)) "
        "WHERE source IN ('feed', 'import', 'index')"
    ),
    "purchase": SQL("(purchase_line_id) WHERE source = 'purchase'"),
    "pricelist": SQL("(supplierinfo_id, product_id, date) WHERE source = 'pricelist'"),
}
CONFLICT_KEYS = {
    "key": (
        "company_id",
        "product_id",
        "index_id",
        "partner_id",
        "source",
        "date",
        "feed_id",
    ),
    "purchase": ("purchase_line_id",),
    "pricelist": ("supplierinfo_id", "product_id", "date"),
}
IMPORT_FIELDS = {
    "product_id",
    "product_code",
    "index_id",
    "index_code",
    "vendor_id",
    "vendor_ref",
    "vendor",
    "price",
    "currency",
    "currency_id",
    "uom",
    "uom_id",
    "quantity",
    "date",
    "reference",
}


class ProdPlanningPriceObservation(models.Model):
    _name = "prod.planning.price.observation"
    _description = "Raw-Material Price Observation"
    _order = "date desc, id desc"
    _check_company_auto = True

    # Indexed by prod_planning_price_observation_series_idx (see init).
    product_id = fields.Many2one(
        comodel_name="product.product",
        check_company=True,
        ondelete="cascade",
    )
    product_tmpl_id = fields.Many2one(
        related="product_id.product_tmpl_id", store=True, index=True
    )
    categ_id = fields.Many2one(
        related="product_id.categ_id", store=True, string="Product Category"
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
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
    )
    date = fields.Date(required=True, index=True, default=fields.Date.context_today)
    source = fields.Selection(selection=SOURCES, required=True, default="manual")
    feed_id = fields.Many2one(
        comodel_name="prod.planning.price.feed",
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
    )
    purchase_line_id = fields.Many2one(
        comodel_name="purchase.order.line",
        string="Purchase Order Line",
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
    )
    purchase_order_id = fields.Many2one(
        related="purchase_line_id.order_id", string="Purchase Order"
    )
    supplierinfo_id = fields.Many2one(
        comodel_name="product.supplierinfo",
        string="Vendor Pricelist Line",
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
    )
    reference = fields.Char(
        help="Where the price comes from: order, pricelist, feed, file..."
    )
    price = fields.Float(
        string="Observed Price",
        required=True,
        digits=PRICE_DIGITS,
        help="The price as observed, in its own currency and unit.",
    )
    currency_id = fields.Many2one(
        comodel_name="res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    uom_id = fields.Many2one(
        comodel_name="uom.uom",
        string="Price Unit",
        required=True,
        help="The unit the observed price is per.",
    )
    quantity = fields.Float(digits="Product Unit")
    normalized_uom_id = fields.Many2one(
        comodel_name="uom.uom",
        string="Product Unit",
        compute="_compute_normalized_uom_id",
        store=True,
    )
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
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
        # Partial unique indexes: the idempotency keys of the upserts.
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

    @api.depends("product_id.uom_id", "index_id.uom_id")
    def _compute_normalized_uom_id(self):
        for observation in self:
            observation.normalized_uom_id = (
                observation.product_id.uom_id or observation.index_id.uom_id
            )

    @api.depends(
        "price", "currency_id", "uom_id", "normalized_uom_id", "date", "company_id"
    )
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
                price_engine.normalize_price(
                    observation.price, rate, to_uom.factor, from_uom.factor
                ),
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
                date=observation.date or "",
            )

    @api.constrains("product_id", "index_id", "price")
    def _check_target_and_price(self):
        for observation in self:
            if not observation.product_id and not observation.index_id:
                raise ValidationError(
                    _(
                        "The price %(price)s observed on %(date)s names no product: "
                        "choose the product (or the commodity index) it is for.",
                        price=observation.price,
                        date=observation.date,
                    )
                )
            if observation.price < 0:
                raise ValidationError(
                    _(
                        "The price of %(what)s on %(date)s is negative (%(price)s): "
                        "enter a price of 0 or more.",
                        what=observation.display_name,
                        date=observation.date,
                        price=observation.price,
                    )
                )

    @api.constrains("uom_id", "product_id", "index_id")
    def _check_uom_category(self):
        for observation in self:
            target = observation.product_id.uom_id or observation.index_id.uom_id
            if target and not (
                observation.uom_id and observation.uom_id._has_common_reference(target)
            ):
                raise ValidationError(
                    _(
                        "The price of %(what)s on %(date)s is per %(unit)s, which "
                        "cannot be converted to %(target)s: choose a unit of the same "
                        "category.",
                        what=observation.product_id.display_name
                        or observation.index_id.name,
                        date=observation.date,
                        unit=observation.uom_id.name,
                        target=target.name,
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
                raise ValidationError(
                    _(
                        "The price %(price)s observed on %(date)s names no product: "
                        "choose the product (or the commodity index) it is for.",
                        price=vals.get("price", 0.0),
                        date=vals.get("date") or fields.Date.context_today(self),
                    )
                )
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
        if not isinstance(rows, list | tuple):
            raise UserError(
                _(
                    "import_observations expects a list of rows (dicts), got %(type)s.",
                    type=type(rows).__name__,
                )
            )
        results = self._import_rows(rows, source="import")
        if evaluate_alerts:
            self.env["prod.planning.price.alert.rule"].search(
                [("company_id", "=", self.env.company.id)]
            )._evaluate()
        return results

    @api.model
    def get_price_history(
        self, product_codes=None, date_from=None, date_to=None, limit=None
    ):
        """Price history as plain dicts (XML-RPC): newest first.

        ``product_codes``: internal references to filter on (all products
        when empty); ``date_from`` / ``date_to``: YYYY-MM-DD bounds.
        """
        domain = [("product_id", "!=", False)]
        if product_codes:
            domain.append(("product_id.default_code", "in", list(product_codes)))
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
            cache[key] = self.env["res.currency"]._get_conversion_rate(
                currency, company.currency_id, company, date
            )
        return cache[key]

    @api.model
    def _import_rows(self, rows, source, feed=None):
        """Validate ``rows`` in bulk, then upsert the valid ones in one query.

        Shared by the XML-RPC import and the market feeds. Returns one
        result dict per row (see import_observations).
        """
        company = feed.company_id if feed else self.env.company
        results = [
            {"row": number, "status": "error", "id": False, "message": ""}
            for number in range(1, len(rows) + 1)
        ]
        prepared = self._prepare_import_rows(rows, results, source, company, feed)
        if prepared:
            self._store_prepared(prepared, results)
        return results

    @api.model
    def _prepare_import_rows(self, rows, results, source, company, feed):
        """Resolve and normalise rows; errors are written into ``results``."""
        lookup = self._import_lookups(rows, company)
        digits = self._price_digits()
        rates = {}
        prepared = {}
        for position, row in enumerate(rows):
            try:
                vals = self._prepare_import_row(row, lookup, source, company, feed)
                rate = self._company_rate(
                    lookup["currency_records"][vals["currency_id"]],
                    company,
                    vals["date"],
                    rates,
                )
            except UserError as error:
                results[position]["message"] = str(error.args[0])
                continue
            vals["normalized_price"] = float_round(
                # Odoo 19's factors swapped: the engine's are their inverses.
                price_engine.normalize_price(
                    vals["price"],
                    rate,
                    lookup["uoms"][vals["normalized_uom_id"]]["factor"],
                    lookup["uoms"][vals["uom_id"]]["factor"],
                ),
                precision_digits=digits,
            )
            vals["price"] = float_round(vals["price"], precision_digits=digits)
            key = tuple(vals[name] for name in CONFLICT_KEYS["key"])
            # A key repeated in one batch: the last row wins, all report it.
            prepared.setdefault(key, {"vals": None, "positions": []})
            prepared[key]["vals"] = vals
            prepared[key]["positions"].append(position)
        return prepared

    @api.model
    def _import_lookups(self, rows, company):
        """Everything the rows refer to, read in a few queries."""

        def values(name, kind):
            found = set()
            for row in rows:
                if isinstance(row, dict) and isinstance(row.get(name), kind):
                    found.add(row[name].strip() if kind is str else row[name])
            return found

        # Products and indexes are searched with the user's rights, then read
        # with one query each (search_read would build 15,000 display names
        # for a batch of 5,000 rows).
        product_query = (
            self.env["product.product"]
            .with_context(active_test=False)
            ._search(
                [
                    "|",
                    ("id", "in", list(values("product_id", int))),
                    ("default_code", "in", list(values("product_code", str))),
                    ("company_id", "in", [False, company.id]),
                ]
            )
        )
        product_rows = self.env.execute_query_dict(
            SQL(
                """
                SELECT pp.id, pp.default_code, pp.product_tmpl_id, pt.uom_id,
                       pt.categ_id
                  FROM product_product pp
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE pp.id IN %s
                """,
                product_query.subselect(),
            )
        )
        by_code = {}
        for product in product_rows:
            by_code.setdefault(product["default_code"], []).append(product)
        index_query = self.env["prod.planning.price.index"]._search(
            [
                "|",
                ("id", "in", list(values("index_id", int))),
                ("code", "in", list(values("index_code", str))),
                ("company_id", "in", [False, company.id]),
            ]
        )
        indexes = self.env.execute_query_dict(
            SQL(
                "SELECT id, code, uom_id, currency_id "
                "FROM prod_planning_price_index WHERE id IN %s",
                index_query.subselect(),
            )
        )
        vendor_keys = values("vendor_ref", str) | values("vendor", str)
        partners = self.env["res.partner"].search_read(
            [
                "|",
                "|",
                ("id", "in", list(values("vendor_id", int))),
                ("ref", "in", list(vendor_keys)),
                ("name", "in", list(vendor_keys)),
                ("company_id", "in", [False, company.id]),
            ],
            ["name", "ref", "commercial_partner_id"],
        )
        partners_by = {"id": {}, "ref": {}, "name": {}}
        for partner in partners:
            commercial = partner["commercial_partner_id"][0]
            partners_by["id"][partner["id"]] = commercial
            if partner["ref"]:
                partners_by["ref"].setdefault(partner["ref"], set()).add(commercial)
            partners_by["name"].setdefault(partner["name"], set()).add(commercial)
        currencies = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search(
                [
                    "|",
                    ("id", "in", list(values("currency_id", int))),
                    ("name", "in", [code.upper() for code in values("currency", str)]),
                ]
            )
        )
        currencies |= company.currency_id
        # Odoo 19 archives standard units (Dozens) that 18 had active: archived
        # units are known too, an active one wins a name they share.
        uoms = (
            self.env["uom.uom"]
            .with_context(active_test=False)
            .search_read([], ["name", "factor", "parent_path"], order="active, id")
        )
        indexes_by_id = {index["id"]: index for index in indexes}
        currencies |= self.env["res.currency"].browse(
            [index["currency_id"] for index in indexes]
        )
        return {
            "products": {product["id"]: product for product in product_rows},
            "products_by_code": by_code,
            "indexes": indexes_by_id,
            "indexes_by_code": {index["code"]: index for index in indexes},
            "partners": partners_by,
            "currencies": {currency.name: currency for currency in currencies},
            "currency_records": {currency.id: currency for currency in currencies},
            "uoms": {
                uom["id"]: {
                    "factor": uom["factor"],
                    # Odoo 19 has no unit categories: units convert into
                    # each other when they share their root reference unit.
                    "category": uom["parent_path"].split("/")[0],
                    "name": uom["name"],
                }
                for uom in uoms
            },
            "uoms_by_name": {uom["name"]: uom["id"] for uom in uoms},
        }

    @api.model
    def _prepare_import_row(self, row, lookup, source, company, feed):
        """One row as column values, or a UserError saying how to fix it."""
        if not isinstance(row, dict):
            raise UserError(_("The row is not a dict of field values."))
        unknown = set(row) - IMPORT_FIELDS
        if unknown:
            raise UserError(
                _(
                    "Unknown field(s) %(fields)s: use %(allowed)s.",
                    fields=", ".join(sorted(map(str, unknown))),
                    allowed=", ".join(sorted(IMPORT_FIELDS)),
                )
            )
        product, index = self._resolve_import_target(row, lookup)
        target_uom = (product or index)["uom_id"]
        try:
            price = price_engine.parse_number(row.get("price"))
            quantity = price_engine.parse_number(row.get("quantity"))
            date = price_engine.parse_date(
                row.get("date"),
                fields.Date.context_today(self) if source == "feed" else None,
            )
        except price_engine.PriceDataError as error:
            raise UserError(
                _(
                    "%(error)s: correct the value.",
                    error=self._price_data_error_message(error),
                )
            ) from None
        if price is None:
            raise UserError(_("The price is missing: give a number, e.g. 4.25."))
        if price < 0:
            raise UserError(
                _(
                    "The price %(price)s is negative: give a price of 0 or more.",
                    price=price,
                )
            )
        if row.get("currency_id"):
            currency = lookup["currency_records"].get(row["currency_id"])
        elif row.get("currency"):
            currency = lookup["currencies"].get(str(row["currency"]).strip().upper())
        elif index and not product:
            currency = lookup["currency_records"].get(index["currency_id"])
        else:
            currency = company.currency_id
        if not currency:
            raise UserError(
                _(
                    "Unknown currency %(currency)s: use an ISO code such as USD.",
                    currency=row.get("currency") or row.get("currency_id"),
                )
            )
        if not currency.active:
            raise UserError(
                _(
                    "The currency %(currency)s is not active: activate it in the "
                    "accounting settings or convert the price.",
                    currency=currency.name,
                )
            )
        uom_id = self._resolve_import_uom(row, lookup, target_uom)
        partner_id = self._resolve_import_vendor(row, lookup)
        return {
            "product_id": product and product["id"],
            "product_tmpl_id": product and product["product_tmpl_id"],
            "categ_id": product and product["categ_id"],
            "index_id": index and index["id"],
            "partner_id": partner_id,
            "company_id": company.id,
            "date": date,
            "source": source,
            "feed_id": feed.id if feed else None,
            "purchase_line_id": None,
            "supplierinfo_id": None,
            "reference": str(row["reference"])[:200] if row.get("reference") else None,
            "price": price,
            "currency_id": currency.id,
            "uom_id": uom_id,
            "quantity": quantity,
            "normalized_uom_id": target_uom,
        }

    @api.model
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
        elif code == "date_missing":
            message = _("the date is missing")
        elif code == "not_a_date":
            message = _("%(value)s is not a date (YYYY-MM-DD)", **values)
        elif code == "json_path_missing":
            message = _("the JSON payload has no %(path)s", **values)
        elif code == "malformed_json":
            message = _("malformed JSON: %(error)s", **values)
        elif code == "not_a_list" and error.values["path"]:
            message = _(
                "expected a list of price objects under %(path)s, got %(type)s",
                **values,
            )
        elif code == "not_a_list":
            message = _(
                "expected a list of price objects at the top level, got %(type)s",
                **values,
            )
        elif code == "row_not_object":
            return _("row %(row)s is not an object: %(value)s", **values)
        elif code == "csv_missing_columns":
            message = _(
                "malformed CSV: the header %(header)s lacks the column(s) %(columns)s",
                **values,
            )
        elif code == "csv_extra_cells":
            message = _(
                "malformed CSV: line %(line)s has more cells than the header",
                **values,
            )
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

    def _resolve_import_target(self, row, lookup):
        product = index = None
        if row.get("product_id"):
            product = lookup["products"].get(row["product_id"])
            if not product:
                raise UserError(
                    _(
                        "No product with id %(id)s in this company: check the id.",
                        id=row["product_id"],
                    )
                )
        elif row.get("product_code"):
            code = str(row["product_code"]).strip()
            found = lookup["products_by_code"].get(code, [])
            if not found:
                raise UserError(
                    _(
                        "Unknown product code %(code)s: create the product or fix "
                        "its internal reference.",
                        code=code,
                    )
                )
            if len(found) > 1:
                raise UserError(
                    _(
                        "Product code %(code)s is used by %(count)s products: give "
                        "product_id instead.",
                        code=code,
                        count=len(found),
                    )
                )
            product = found[0]
        if row.get("index_id"):
            index = lookup["indexes"].get(row["index_id"])
        elif row.get("index_code"):
            index = lookup["indexes_by_code"].get(str(row["index_code"]).strip())
        if (row.get("index_id") or row.get("index_code")) and not index:
            raise UserError(
                _(
                    "Unknown commodity index %(index)s: create it under Raw-Material "
                    "Prices > Configuration > Commodity Indexes or fix the code.",
                    index=row.get("index_code") or row.get("index_id"),
                )
            )
        if not product and not index:
            raise UserError(
                _(
                    "The row names no product: give product_code (internal "
                    "reference) or product_id, or index_code for an index value."
                )
            )
        if product and index:
            raise UserError(
                _(
                    "The row names both a product and an index: import index values "
                    "without a product, products follow their index by themselves."
                )
            )
        return product, index

    @api.model
    def _resolve_import_uom(self, row, lookup, target_uom):
        uoms = lookup["uoms"]
        if row.get("uom_id"):
            uom_id = row["uom_id"] if row["uom_id"] in uoms else None
        elif row.get("uom"):
            uom_id = lookup["uoms_by_name"].get(str(row["uom"]).strip())
        else:
            return target_uom
        if not uom_id:
            raise UserError(
                _(
                    "Unknown unit of measure %(uom)s: use a unit name such as "
                    "%(example)s.",
                    uom=row.get("uom") or row.get("uom_id"),
                    example=uoms[target_uom]["name"],
                )
            )
        if uoms[uom_id]["category"] != uoms[target_uom]["category"]:
            raise UserError(
                _(
                    "The unit %(uom)s cannot express a price per %(target)s: use a "
                    "unit of the same category.",
                    uom=uoms[uom_id]["name"],
                    target=uoms[target_uom]["name"],
                )
            )
        return uom_id

    @api.model
    def _resolve_import_vendor(self, row, lookup):
        partners = lookup["partners"]
        if row.get("vendor_id"):
            partner_id = partners["id"].get(row["vendor_id"])
            if not partner_id:
                raise UserError(
                    _("No vendor with id %(id)s: check the id.", id=row["vendor_id"])
                )
            return partner_id
        key = row.get("vendor_ref") or row.get("vendor")
        if not key:
            return None
        key = str(key).strip()
        found = partners["ref"].get(key) or (
            partners["name"].get(key) if not row.get("vendor_ref") else None
        )
        if not found:
            raise UserError(
                _(
                    "Unknown vendor %(vendor)s: give its reference or exact name, or "
                    "create the vendor.",
                    vendor=key,
                )
            )
        if len(found) > 1:
            raise UserError(
                _(
                    "Vendor %(vendor)s matches %(count)s partners: give vendor_id or "
                    "a unique reference.",
                    vendor=key,
                    count=len(found),
                )
            )
        return next(iter(found))

    @api.model
    def _store_prepared(self, prepared, results):
        """Upsert the prepared rows; a database error falls back row by row."""
        try:
            with self.env.cr.savepoint(flush=False):
                stored = self._upsert([item["vals"] for item in prepared.values()])
        except Exception:  # a bad row: store each row on its own to find it
            _logger.info("Bulk price upsert failed, storing row by row", exc_info=True)
            stored = {}
            for item in prepared.values():
                try:
                    with self.env.cr.savepoint(flush=False):
                        stored.update(self._upsert([item["vals"]]))
                except Exception as error:  # reported on the row, others kept
                    for position in item["positions"]:
                        results[position]["message"] = _(
                            "The database refused the row: %(error)s",
                            error=str(error).strip().splitlines()[0],
                        )
        for key, item in prepared.items():
            if key not in stored:
                continue
            record_id, created = stored[key]
            for rank, position in enumerate(item["positions"]):
                results[position].update(
                    id=record_id,
                    status="created" if created and not rank else "updated",
                    message="",
                )

    @api.model
    def _upsert(self, vals_list, conflict="key"):
        """Insert or update observations in one statement.

        ``vals_list``: dicts with every column of UPSERT_COLUMNS, already
        normalised. Returns ``{key: (id, created)}``, key as CONFLICT_KEYS.
        Raw SQL for speed (imports of thousands of rows): the ORM cache of
        the model is invalidated afterwards.
        """
        if not vals_list:
            return {}
        self.flush_model()
        names = [name for name, _type in UPSERT_COLUMNS]
        arrays = [
            SQL(ARRAY_CASTS[sql_type], [vals[name] for vals in vals_list])
            for name, sql_type in UPSERT_COLUMNS
        ]
        columns = SQL(", ").join(SQL.identifier(name) for name in names)
        key_names = CONFLICT_KEYS[conflict]
        # The key columns are equal by definition of the conflict.
        updates = SQL(", ").join(
            SQL("%s = EXCLUDED.%s", SQL.identifier(name), SQL.identifier(name))
            for name in names
            if name not in key_names
        )
        now = self.env.cr.now()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO prod_planning_price_observation
                    (%(columns)s, create_uid, create_date, write_uid, write_date)
                SELECT u.*, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(arrays)s) AS u(%(columns)s)
                ON CONFLICT %(target)s
                DO UPDATE SET %(updates)s, write_uid = %(uid)s, write_date = %(now)s
                RETURNING id, (xmax = 0), %(keys)s
                """,
                columns=columns,
                uid=self.env.uid,
                now=now,
                arrays=SQL(", ").join(arrays),
                target=CONFLICT_TARGETS[conflict],
                updates=updates,
                keys=SQL(", ").join(SQL.identifier(name) for name in key_names),
            )
        )
        rows = self.env.cr.fetchall()
        self.invalidate_model()
        # Index values (an index, no product) give the linked products a price;
        # the derivation keeps the index values among the ids it is given.
        if any(vals["index_id"] and not vals["product_id"] for vals in vals_list):
            self._derive_index_prices_sql([row[0] for row in rows])
        return {tuple(row[2:]): (row[0], row[1]) for row in rows}

    def _derive_index_prices(self):
        """Products following an index get a price from each index value."""
        values = self.filtered(lambda o: o.index_id and not o.product_id)
        if values:
            self._derive_index_prices_sql(values.ids)

    @api.model
    def _derive_index_prices_sql(self, observation_ids):
        """Upsert the derived product prices of the index values among
        ``observation_ids``: price per product unit = index value (per index
        unit, converted to the product unit when they share a category)
        times the link's factor. Keyed like imports (source ``index``)."""
        if not observation_ids:
            return
        # The SQL reads index links, products and units.
        self.env.flush_all()
        digits = self._price_digits()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO prod_planning_price_observation
                    (product_id, product_tmpl_id, categ_id, index_id, partner_id,
                     company_id, date, source, feed_id, reference, price,
                     currency_id, uom_id, quantity, normalized_uom_id,
                     normalized_price, create_uid, create_date, write_uid,
                     write_date)
                SELECT link.product_id, pt.id, pt.categ_id, v.index_id, NULL,
                       v.company_id, v.date, 'index', v.feed_id, v.reference,
                       ROUND((v.price * iu.factor / vu.factor
                              * (CASE WHEN split_part(iu.parent_path, '/', 1)
                                           = split_part(pu.parent_path, '/', 1)
                                      THEN pu.factor / iu.factor ELSE 1 END)
                              * link.factor)::numeric, %(digits)s),
                       v.currency_id, pt.uom_id, NULL, pt.uom_id,
                       ROUND((v.normalized_price
                              * (CASE WHEN split_part(iu.parent_path, '/', 1)
                                           = split_part(pu.parent_path, '/', 1)
                                      THEN pu.factor / iu.factor ELSE 1 END)
                              * link.factor)::numeric, %(digits)s),
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM prod_planning_price_observation v
                  JOIN prod_planning_price_index i ON i.id = v.index_id
                  JOIN uom_uom iu ON iu.id = i.uom_id
                  JOIN uom_uom vu ON vu.id = v.uom_id
                  JOIN prod_planning_price_index_product link
                    ON link.index_id = v.index_id
                  JOIN product_product pp ON pp.id = link.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN uom_uom pu ON pu.id = pt.uom_id
                 WHERE v.id = ANY(%(ids)s) AND v.product_id IS NULL
                ON CONFLICT %(target)s
                DO UPDATE SET price = EXCLUDED.price,
                              normalized_price = EXCLUDED.normalized_price,
                              currency_id = EXCLUDED.currency_id,
                              uom_id = EXCLUDED.uom_id,
                              normalized_uom_id = EXCLUDED.normalized_uom_id,
                              reference = EXCLUDED.reference,
                              write_uid = EXCLUDED.write_uid,
                              write_date = EXCLUDED.write_date
                """,
                digits=digits,
                uid=self.env.uid,
                now=self.env.cr.now(),
                ids=list(observation_ids),
                target=CONFLICT_TARGETS["key"],
            )
        )
        self.invalidate_model()

    # Automatic capture -------------------------------------------------

    @api.model
    def _capture_purchase_lines(self, lines):
        """Observe the prices of confirmed purchase order lines (idempotent
        per line: confirming an order again updates its observations)."""
        lines = lines.filtered(
            lambda line: (
                line.product_id
                and not line.display_type
                and line.price_unit > 0
                and line.order_id.state in ("purchase", "done")
            )
        )
        vals_list = []
        for line in lines:
            order = line.order_id
            date = fields.Date.context_today(
                self, order.date_approve or fields.Datetime.now()
            )
            price = line.price_unit * (1 - (line.discount or 0.0) / 100)
            vals_list.append(
                self._prepare_captured_vals(
                    line.product_id,
                    order.partner_id.commercial_partner_id,
                    order.company_id,
                    date,
                    "purchase",
                    price,
                    order.currency_id,
                    line.product_uom_id,
                    line.product_qty,
                    order.name,
                    purchase_line_id=line.id,
                )
            )
        return self.sudo()._upsert(vals_list, conflict="purchase")

    @api.model
    def _capture_supplierinfo(self, supplierinfos):
        """Observe vendor pricelist prices (one observation per pricelist
        line, product and day: a second change the same day updates it)."""
        vals_list = []
        today = fields.Date.context_today(self)
        for info in supplierinfos.filtered(lambda i: i.price > 0 and i.partner_id):
            products = info.product_id or info.product_tmpl_id.product_variant_ids
            for product in products:
                vals_list.append(
                    self._prepare_captured_vals(
                        product,
                        info.partner_id.commercial_partner_id,
                        info.company_id or self.env.company,
                        today,
                        "pricelist",
                        # Odoo 19's price_discounted is converted to the
                        # product unit: the price is observed in the line's unit.
                        info.price * (1 - (info.discount or 0.0) / 100),
                        info.currency_id or self.env.company.currency_id,
                        info.product_uom_id or product.uom_id,
                        info.min_qty,
                        info.product_code or info.partner_id.display_name,
                        supplierinfo_id=info.id,
                    )
                )
        return self.sudo()._upsert(vals_list, conflict="pricelist")

    @api.model
    def _capture_existing_supplierinfo(self):
        """Snapshot every current vendor pricelist price (at installation)."""
        infos = self.env["product.supplierinfo"].sudo().search([("price", ">", 0)])
        self._capture_supplierinfo(infos)

    @api.model
    def _prepare_captured_vals(
        self,
        product,
        partner,
        company,
        date,
        source,
        price,
        currency,
        uom,
        quantity,
        reference,
        **links,
    ):
        rate = self._company_rate(currency, company, date, {})
        if not uom._has_common_reference(product.uom_id):
            # Cannot be converted: the price is taken as per product unit.
            uom = product.uom_id
        digits = self._price_digits()
        vals = {
            "product_id": product.id,
            "product_tmpl_id": product.product_tmpl_id.id,
            "categ_id": product.categ_id.id or None,
            "index_id": None,
            "partner_id": partner.id or None,
            "company_id": company.id,
            "date": date,
            "source": source,
            "feed_id": None,
            "purchase_line_id": None,
            "supplierinfo_id": None,
            "reference": reference or None,
            "price": float_round(price, precision_digits=digits),
            "currency_id": currency.id,
            "uom_id": uom.id,
            "quantity": quantity or None,
            "normalized_uom_id": product.uom_id.id,
            "normalized_price": float_round(
                # Odoo 19's factors swapped: the engine's are their inverses.
                price_engine.normalize_price(
                    price, rate, product.uom_id.factor, uom.factor
                ),
                precision_digits=digits,
            ),
        }
        vals.update(links)
        return vals
