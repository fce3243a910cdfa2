"""Raw-material price observations stored in bulk.

The import pipeline of the price history: rows (XML-RPC imports, market
feeds) are checked against what they name (products, indexes, vendors,
currencies, units, all read in a few queries), normalised to the company
currency and the product unit, then stored with one ``INSERT ... ON CONFLICT``
keyed on the observations' idempotency keys (the unique indexes created by
``prod.planning.price.observation.init``). Index values give the products
that follow the index a derived price in one more statement.
"""

import logging

import psycopg2.errors

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_round

from ..engine import prices as price_engine

_logger = logging.getLogger(__name__)

# Errors of a transaction that met another one: not the row's fault; raised so
# that Odoo's RPC layer (or the cron) retries the whole call.
CONCURRENCY_ERRORS = (
    psycopg2.errors.SerializationFailure,
    psycopg2.errors.DeadlockDetected,
    psycopg2.errors.LockNotAvailable,
)

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
ARRAY_CASTS = {"int4": "%s::int4[]", "date": "%s::date[]", "varchar": "%s::varchar[]", "numeric": "%s::numeric[]"}
# Sources whose observations are keyed on (company, product, index, vendor,
# source, date, feed): storing the same key again updates the observation.
# The targets match the partial unique indexes of the observation table.
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
    "key": ("company_id", "product_id", "index_id", "partner_id", "source", "date", "feed_id"),
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


def upsert_vals(**values):
    """A row of the bulk upsert: every column of UPSERT_COLUMNS, None unless
    given."""
    return {name: values.get(name) for name, _type in UPSERT_COLUMNS}


def _row_values(rows, name, kind):
    """The distinct values of type ``kind`` the rows give for ``name``."""
    found = set()
    for row in rows:
        if isinstance(row, dict) and isinstance(row.get(name), kind):
            found.add(row[name].strip() if kind is str else row[name])
    return found


class ProdPlanningPriceImport(models.AbstractModel):
    _name = "prod.planning.price.import"
    _description = "Raw-Material Price Import"

    @api.model
    def _import_rows(self, rows, source, feed=None):
        """Validate ``rows`` in bulk, then upsert the valid ones in one query.

        Shared by the XML-RPC import and the market feeds. Returns one result
        dict per row (see prod.planning.price.observation.import_observations).
        """
        company = feed.company_id if feed else self.env.company
        results = [{"row": number, "status": "error", "id": False, "message": ""} for number in range(1, len(rows) + 1)]
        prepared = self._prepare_import_rows(rows, results, source, company, feed)
        if prepared:
            self._store_prepared(prepared, results)
        return results

    @api.model
    def _prepare_import_rows(self, rows, results, source, company, feed):
        """Resolve and normalise rows; errors are written into ``results``.

        Returns ``{key: {"vals": upsert row, "positions": [row positions]}}``.
        """
        lookup = self._import_lookups(rows, company)
        lookup["rates"] = {}
        lookup["digits"] = self.env["prod.planning.price.observation"]._price_digits()
        prepared = {}
        for position, row in enumerate(rows):
            try:
                vals = self._prepare_import_row(row, lookup, source, company, feed)
            except UserError as error:
                results[position]["message"] = str(error.args[0])
                continue
            key = tuple(vals[name] for name in CONFLICT_KEYS["key"])
            # A key repeated in one batch: the last row wins, all report it.
            prepared.setdefault(key, {"vals": None, "positions": []})
            prepared[key]["vals"] = vals
            prepared[key]["positions"].append(position)
        return prepared

    # ------------------------------------------------------------------
    # Lookups: everything the rows refer to, read in a few queries
    # ------------------------------------------------------------------

    @api.model
    def _import_lookups(self, rows, company):
        """Everything the rows refer to, read in a few queries."""
        products = self._lookup_products(rows, company)
        indexes = self._lookup_indexes(rows, company)
        by_code = {}
        for product in products:
            by_code.setdefault(product["default_code"], []).append(product)
        currencies = self._lookup_currencies(rows, company, indexes)
        # Odoo 19 archives standard units (Dozens) that 18 had active: archived
        # units are known too, an active one wins a name they share.
        uoms = (
            self.env["uom.uom"]
            .with_context(active_test=False)
            .search_read([], ["name", "factor", "parent_path"], order="active, id")
        )
        return {
            "products": {product["id"]: product for product in products},
            "products_by_code": by_code,
            "indexes": {index["id"]: index for index in indexes},
            "indexes_by_code": {index["code"]: index for index in indexes},
            "partners": self._lookup_partners(rows, company),
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
    def _lookup_products(self, rows, company):
        """The products the rows name, as dicts.

        Searched with the user's rights, then read with one query (search_read
        would build 15,000 display names for a batch of 5,000 rows).
        """
        product_query = (
            self.env["product.product"]
            .with_context(active_test=False)
            ._search(
                [
                    "|",
                    ("id", "in", list(_row_values(rows, "product_id", int))),
                    ("default_code", "in", list(_row_values(rows, "product_code", str))),
                    ("company_id", "in", [False, company.id]),
                ]
            )
        )
        return self.env.execute_query_dict(
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

    @api.model
    def _lookup_indexes(self, rows, company):
        """The commodity indexes the rows name, as dicts."""
        index_query = self.env["prod.planning.price.index"]._search(
            [
                "|",
                ("id", "in", list(_row_values(rows, "index_id", int))),
                ("code", "in", list(_row_values(rows, "index_code", str))),
                ("company_id", "in", [False, company.id]),
            ]
        )
        return self.env.execute_query_dict(
            SQL(
                "SELECT id, code, uom_id, currency_id FROM prod_planning_price_index WHERE id IN %s",
                index_query.subselect(),
            )
        )

    @api.model
    def _lookup_partners(self, rows, company):
        """Commercial partners of the vendors the rows name, by id, reference
        and name (sets: a reference or a name may be shared)."""
        vendor_keys = _row_values(rows, "vendor_ref", str) | _row_values(rows, "vendor", str)
        partners = self.env["res.partner"].search_read(
            [
                "|",
                "|",
                ("id", "in", list(_row_values(rows, "vendor_id", int))),
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
        return partners_by

    @api.model
    def _lookup_currencies(self, rows, company, indexes):
        """The currencies the rows name, the company's and the indexes'."""
        currencies = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search(
                [
                    "|",
                    ("id", "in", list(_row_values(rows, "currency_id", int))),
                    ("name", "in", [code.upper() for code in _row_values(rows, "currency", str)]),
                ]
            )
        )
        return (
            currencies
            | company.currency_id
            | self.env["res.currency"].browse([index["currency_id"] for index in indexes])
        )

    # ------------------------------------------------------------------
    # One row
    # ------------------------------------------------------------------

    @api.model
    def _prepare_import_row(self, row, lookup, source, company, feed):
        """One row as upsert values, or a UserError saying how to fix it."""
        self._check_import_fields(row)
        product, index = self._resolve_import_target(row, lookup)
        target_uom = (product or index)["uom_id"]
        price, quantity, date = self._parse_import_values(row, source)
        currency = self._resolve_import_currency(row, lookup, company, product, index)
        uom_id = self._resolve_import_uom(row, lookup, target_uom)
        vals = upsert_vals(
            product_id=product and product["id"],
            product_tmpl_id=product and product["product_tmpl_id"],
            categ_id=product and product["categ_id"],
            index_id=index and index["id"],
            partner_id=self._resolve_import_vendor(row, lookup),
            company_id=company.id,
            date=date,
            source=source,
            feed_id=feed.id if feed else None,
            reference=str(row["reference"])[:200] if row.get("reference") else None,
            price=price,
            currency_id=currency.id,
            uom_id=uom_id,
            quantity=quantity,
            normalized_uom_id=target_uom,
        )
        rate = self.env["prod.planning.price.observation"]._company_rate(currency, company, date, lookup["rates"])
        uoms = lookup["uoms"]
        return self._normalize_vals(vals, rate, uoms[uom_id]["factor"], uoms[target_uom]["factor"], lookup["digits"])

    @api.model
    def _normalize_vals(self, vals, rate, from_factor, to_factor, digits):
        """Add the normalised price to upsert ``vals`` and round the price."""
        # The engine's factor (units per reference unit, Odoo 18) is the inverse
        # of Odoo 19's: pass Odoo 19's factors swapped.
        vals["normalized_price"] = float_round(
            price_engine.normalize_price(vals["price"], rate, to_factor, from_factor), precision_digits=digits
        )
        vals["price"] = float_round(vals["price"], precision_digits=digits)
        return vals

    @api.model
    def _check_import_fields(self, row):
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

    @api.model
    def _parse_import_values(self, row, source):
        """The row's ``(price, quantity, date)``; a feed row without a date is
        dated today."""
        try:
            price = price_engine.parse_number(row.get("price"))
            quantity = price_engine.parse_number(row.get("quantity"))
            date = price_engine.parse_date(
                row.get("date"), fields.Date.context_today(self) if source == "feed" else None
            )
        except price_engine.PriceDataError as error:
            raise UserError(
                _(
                    "%(error)s: correct the value.",
                    error=self.env["prod.planning.price.observation"]._price_data_error_message(error),
                )
            ) from None
        if price is None:
            raise UserError(_("The price is missing: give a number, e.g. 4.25."))
        if price < 0:
            raise UserError(_("The price %(price)s is negative: give a price of 0 or more.", price=price))
        return price, quantity, date

    @api.model
    def _resolve_import_currency(self, row, lookup, company, product, index):
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
        return currency

    @api.model
    def _resolve_import_target(self, row, lookup):
        """The product (dict) or the commodity index (dict) the row is for."""
        product = self._resolve_import_product(row, lookup)
        index = None
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
    def _resolve_import_product(self, row, lookup):
        if row.get("product_id"):
            product = lookup["products"].get(row["product_id"])
            if not product:
                raise UserError(_("No product with id %(id)s in this company: check the id.", id=row["product_id"]))
            return product
        if not row.get("product_code"):
            return None
        code = str(row["product_code"]).strip()
        found = lookup["products_by_code"].get(code, [])
        if not found:
            raise UserError(
                _("Unknown product code %(code)s: create the product or fix its internal reference.", code=code)
            )
        if len(found) > 1:
            raise UserError(
                _(
                    "Product code %(code)s is used by %(count)s products: give product_id instead.",
                    code=code,
                    count=len(found),
                )
            )
        return found[0]

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
                    "Unknown unit of measure %(uom)s: use a unit name such as %(example)s.",
                    uom=row.get("uom") or row.get("uom_id"),
                    example=uoms[target_uom]["name"],
                )
            )
        if uoms[uom_id]["category"] != uoms[target_uom]["category"]:
            raise UserError(
                _(
                    "The unit %(uom)s cannot express a price per %(target)s: use a unit of the same category.",
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
                raise UserError(_("No vendor with id %(id)s: check the id.", id=row["vendor_id"]))
            return partner_id
        key = row.get("vendor_ref") or row.get("vendor")
        if not key:
            return None
        key = str(key).strip()
        found = partners["ref"].get(key) or (partners["name"].get(key) if not row.get("vendor_ref") else None)
        if not found:
            raise UserError(
                _("Unknown vendor %(vendor)s: give its reference or exact name, or create the vendor.", vendor=key)
            )
        if len(found) > 1:
            raise UserError(
                _(
                    "Vendor %(vendor)s matches %(count)s partners: give vendor_id or a unique reference.",
                    vendor=key,
                    count=len(found),
                )
            )
        return next(iter(found))

    # ------------------------------------------------------------------
    # Storing
    # ------------------------------------------------------------------

    @api.model
    def _store_prepared(self, prepared, results):
        """Upsert the prepared rows; a database error falls back row by row."""
        try:
            with self.env.cr.savepoint(flush=False):
                stored = self._upsert([item["vals"] for item in prepared.values()])
        except CONCURRENCY_ERRORS:
            raise
        except Exception:  # a bad row: store each row on its own to find it
            _logger.info("Bulk price upsert failed, storing row by row", exc_info=True)
            stored = {}
            for item in prepared.values():
                try:
                    with self.env.cr.savepoint(flush=False):
                        stored.update(self._upsert([item["vals"]]))
                except CONCURRENCY_ERRORS:
                    raise
                except Exception as error:  # reported on the row, others kept
                    for position in item["positions"]:
                        results[position]["message"] = _(
                            "The database refused the row: %(error)s", error=str(error).strip().splitlines()[0]
                        )
        for key, item in prepared.items():
            if key not in stored:
                continue
            record_id, created = stored[key]
            for rank, position in enumerate(item["positions"]):
                results[position].update(
                    id=record_id, status="created" if created and not rank else "updated", message=""
                )

    @api.model
    def _upsert(self, vals_list, conflict="key"):
        """Insert or update observations in one statement.

        ``vals_list``: dicts with every column of UPSERT_COLUMNS, already
        normalised. Returns ``{key: (id, created)}``, key as CONFLICT_KEYS.
        Raw SQL for speed (imports of thousands of rows): the ORM cache of
        the observations is invalidated afterwards.
        """
        if not vals_list:
            return {}
        observations = self.env["prod.planning.price.observation"]
        observations.flush_model()
        names = [name for name, _type in UPSERT_COLUMNS]
        arrays = [SQL(ARRAY_CASTS[sql_type], [vals[name] for vals in vals_list]) for name, sql_type in UPSERT_COLUMNS]
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
        observations.invalidate_model()
        # Index values (an index, no product) give the linked products a price;
        # the derivation keeps the index values among the ids it is given.
        if any(vals["index_id"] and not vals["product_id"] for vals in vals_list):
            self.env["prod.planning.price.index.writer"]._derive_index_prices_sql([row[0] for row in rows])
        return {tuple(row[2:]): (row[0], row[1]) for row in rows}
