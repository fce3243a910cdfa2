from collections import defaultdict

import psycopg2.errors
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import ConcurrencyError, UserError, ValidationError
from odoo.tools import format_date

from ..tools import rpc_arguments

PERIOD_LENGTH = {"day": relativedelta(days=1), "week": relativedelta(weeks=1), "month": relativedelta(months=1)}
# Forecasts further than this from today are refused as a typing error.
MAX_YEARS_AWAY = 5
# The keys of an import_forecasts row.
IMPORT_KEYS = ("product", "warehouse", "date", "quantity", "period")


class ProdPlanningForecast(models.Model):
    """Expected demand of a product in a warehouse over a period.

    Actual demand dated inside the period consumes the forecast (see the
    product's planning parameters) so that demand is not counted twice.
    """

    _name = "prod.planning.forecast"
    _description = "Demand Forecast"
    _inherit = ["prod.planning.amount.mixin"]
    _amount_fields = ("quantity",)
    _order = "date_start, product_id"
    _check_company_auto = True

    product_id = fields.Many2one(
        comodel_name="product.product",
        required=True,
        index=True,
        check_company=True,
        domain=[("is_storable", "=", True)],
    )
    warehouse_id = fields.Many2one(
        comodel_name="stock.warehouse",
        required=True,
        index=True,
        check_company=True,
        default=lambda self: self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1),
    )
    company_id = fields.Many2one(related="warehouse_id.company_id", store=True, index=True, precompute=True)
    date_start = fields.Date(string="Period Start", required=True, default=fields.Date.context_today)
    period = fields.Selection(
        selection=[("day", "Day"), ("week", "Week"), ("month", "Month")], default="month", required=True
    )
    date_end = fields.Date(
        string="Period End", compute="_compute_date_end", store=True, help="First day after the period."
    )
    quantity = fields.Float(required=True, digits="Product Unit")
    uom_id = fields.Many2one(related="product_id.uom_id")
    note = fields.Char()

    # One forecast per product, warehouse, period start and kind of period:
    # two imports of the same row at once cannot both create it.
    _unique_forecast_key = models.UniqueIndex(
        "(product_id, COALESCE(warehouse_id, 0), date_start, period)",
        "A forecast of this product, warehouse, date and period already exists.",
    )

    @api.depends("date_start", "period")
    def _compute_date_end(self):
        for forecast in self:
            forecast.date_end = forecast.date_start and (forecast.date_start + PERIOD_LENGTH[forecast.period])

    @api.depends("product_id", "date_start", "period")
    def _compute_display_name(self):
        periods = dict(self._fields["period"]._description_selection(self.env))
        for forecast in self:
            forecast.display_name = _(
                "%(product)s, %(period)s of %(date)s",
                product=forecast.product_id.display_name,
                period=periods.get(forecast.period),
                date=format_date(self.env, forecast.date_start),
            )

    @api.constrains("warehouse_id")
    def _check_company_of_warehouse(self):
        # Odoo 19 checks the companies of the written fields only: moved to
        # another warehouse, the record's other relations must follow its company.
        self._check_company()

    @api.constrains("quantity", "date_start", "product_id")
    def _check_forecast(self):
        today = fields.Date.context_today(self)
        earliest = today - relativedelta(years=1)
        latest = today + relativedelta(years=MAX_YEARS_AWAY)
        for forecast in self:
            if forecast.quantity < 0:
                raise ValidationError(
                    _(
                        "Forecast of %(product)s on %(date)s: the quantity %(qty)s is negative; enter 0 or more.",
                        product=forecast.product_id.display_name,
                        date=format_date(self.env, forecast.date_start),
                        qty=forecast.quantity,
                    )
                )
            if rpc_arguments.number_problem(self.env, forecast.quantity):
                raise ValidationError(
                    _(
                        "Forecast of %(product)s on %(date)s: the quantity %(qty)s is out of range; "
                        "enter a number from 0 to %(max)s.",
                        product=forecast.product_id.display_name,
                        date=format_date(self.env, forecast.date_start),
                        qty=forecast.quantity,
                        max=f"{rpc_arguments.MAX_ABS_VALUE:g}",
                    )
                )
            if not earliest <= forecast.date_start <= latest:
                raise ValidationError(
                    _(
                        "Forecast of %(product)s: the date %(date)s is out of range; "
                        "use a date between %(earliest)s and %(latest)s.",
                        product=forecast.product_id.display_name,
                        date=format_date(self.env, forecast.date_start),
                        earliest=format_date(self.env, earliest),
                        latest=latest,
                    )
                )
            if not forecast.product_id.is_storable:
                raise ValidationError(
                    _(
                        "Forecast of %(product)s: only products tracked in inventory "
                        "can be planned; set the product's 'Track Inventory'.",
                        product=forecast.product_id.display_name,
                    )
                )

    @api.constrains("date_start", "period")
    def _check_period_open(self):
        """A period that is over can no longer be planned: refuse it."""
        today = fields.Date.context_today(self)
        for forecast in self:
            if forecast.date_end and forecast.date_end <= today:
                raise ValidationError(
                    _(
                        "Forecast of %(product)s: the period from %(start)s to %(end)s is closed (it ended "
                        "before today); forecast a period that ends today or later.",
                        product=forecast.product_id.display_name,
                        start=format_date(self.env, forecast.date_start),
                        end=format_date(self.env, forecast.date_end - relativedelta(days=1)),
                    )
                )

    @api.constrains("product_id", "warehouse_id", "date_start", "period")
    def _check_overlap(self):
        """Two forecasts of one product, warehouse and kind of period may not
        overlap: the demand would be counted twice."""
        self.flush_model(["product_id", "warehouse_id", "period", "date_start", "date_end"])
        by_key = defaultdict(list)
        for other in self.search(
            [
                ("product_id", "in", self.product_id.ids),
                ("warehouse_id", "in", self.warehouse_id.ids),
                ("period", "in", list(set(self.mapped("period")))),
            ]
        ):
            by_key[other.product_id, other.warehouse_id, other.period].append(other)
        for forecast in self:
            for other in by_key[forecast.product_id, forecast.warehouse_id, forecast.period]:
                if other == forecast or not (
                    other.date_start < forecast.date_end and other.date_end > forecast.date_start
                ):
                    continue
                raise ValidationError(
                    _(
                        "Forecast of %(product)s in %(warehouse)s from %(start)s overlaps the forecast "
                        "%(other)s; change the quantity of that forecast instead of adding another one.",
                        product=forecast.product_id.display_name,
                        warehouse=forecast.warehouse_id.display_name,
                        start=format_date(self.env, forecast.date_start),
                        other=other.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_references(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        return super().write(vals)

    def _check_references(self, vals_list):
        """Name the row and the unknown id instead of a foreign-key error."""
        for model, field in (("product.product", "product_id"), ("stock.warehouse", "warehouse_id")):
            wanted = {vals[field] for vals in vals_list if vals.get(field)}
            existing = set(self.env[model].browse(wanted).exists().ids)
            for index, vals in enumerate(vals_list, start=1):
                if vals.get(field) and vals[field] not in existing:
                    raise UserError(
                        _(
                            "Forecast row %(row)s: %(field)s %(value)s does not "
                            "exist; use the id of an existing record.",
                            row=index,
                            field=field,
                            value=vals[field],
                        )
                    )

    @api.model
    def import_forecasts(self, rows):
        """Create or update forecasts from plain rows; all or nothing.

        Each row is a dict with ``product`` (id or internal reference),
        ``warehouse`` (id or short code, optional: the company's first
        warehouse), ``date`` (period start, ``YYYY-MM-DD``), ``quantity`` and
        optionally ``period`` (day/week/month, default month). A row for an
        existing (product, warehouse, date, period) replaces its quantity.
        Returns ``{"created": n, "updated": n, "ids": [...]}``; a bad row
        raises a UserError naming it and nothing is written.
        """
        self.check_access("create")
        self.check_access("write")
        rows = rpc_arguments.require_rows(self.env, "import_forecasts", "rows", rows)
        lookups = self._import_lookups(rows)
        vals_list = [self._prepare_import_vals(index, row, lookups) for index, row in enumerate(rows, start=1)]
        self._check_references(vals_list)
        self._check_import_duplicates(vals_list)
        try:
            with self.env.cr.savepoint():
                return self._write_imported(vals_list)
        except psycopg2.errors.UniqueViolation as error:
            # Another import created one of these forecasts since this one
            # read them: Odoo retries the request, which then updates it.
            raise ConcurrencyError(_("Another import created the same forecasts; try again.")) from error

    @api.model
    def _check_import_duplicates(self, vals_list):
        """Refuse a batch that gives the same forecast twice: both rows would
        be stored (or the second would silently win)."""
        seen = {}
        for index, vals in enumerate(vals_list, start=1):
            key = (vals["product_id"], vals["warehouse_id"], vals["date_start"], vals["period"])
            if key in seen:
                raise UserError(
                    _(
                        "Forecast rows %(first)s and %(second)s give the same forecast (product, "
                        "warehouse, date and period); send one row per forecast.",
                        first=seen[key],
                        second=index,
                    )
                )
            seen[key] = index

    @api.model
    def _import_lookups(self, rows):
        """What resolves the rows' codes, read once: products by internal
        reference, warehouses by short name, the default warehouse."""
        codes = {r.get("product") for r in rows if isinstance(r.get("product"), str)}
        products_by_code = {
            p["default_code"]: p["id"]
            for p in self.env["product.product"].search_read([("default_code", "in", list(codes))], ["default_code"])
        }
        warehouses = self.env["stock.warehouse"].search_read(
            [("company_id", "in", self.env.companies.ids)], ["code", "company_id"]
        )
        return {
            "products_by_code": products_by_code,
            "warehouse_by_code": {w["code"]: w["id"] for w in warehouses},
            "default_warehouse": self._fields["warehouse_id"].default(self),
        }

    @api.model
    def _prepare_import_vals(self, index, row, lookups):
        """The create values of row number ``index``, checked in this order;
        a UserError names the row and what is wrong with it."""
        unknown = sorted(str(key) for key in set(row) - set(IMPORT_KEYS))
        if unknown:
            raise UserError(
                _(
                    "Forecast row %(row)s: unknown keys %(keys)s; use %(allowed)s.",
                    row=index,
                    keys=", ".join(unknown),
                    allowed=", ".join(IMPORT_KEYS),
                )
            )
        return {
            "product_id": self._import_product_id(index, row, lookups),
            "warehouse_id": self._import_warehouse_id(index, row, lookups),
            "date_start": self._import_date(index, row),
            "quantity": self._import_quantity(index, row),
            "period": self._import_period(index, row),
        }

    @api.model
    def _import_product_id(self, index, row, lookups):
        product = row.get("product")
        product_id = lookups["products_by_code"].get(product, product) if isinstance(product, str) else product
        if not isinstance(product_id, int) or isinstance(product_id, bool) or product_id <= 0:
            raise UserError(
                _(
                    "Forecast row %(row)s: unknown product %(product)r; give a product id or an internal reference.",
                    row=index,
                    product=product,
                )
            )
        return product_id

    @api.model
    def _import_warehouse_id(self, index, row, lookups):
        warehouse = row.get("warehouse") or lookups["default_warehouse"].id
        warehouse_id = (
            lookups["warehouse_by_code"].get(warehouse, warehouse) if isinstance(warehouse, str) else warehouse
        )
        if not isinstance(warehouse_id, int) or isinstance(warehouse_id, bool) or warehouse_id <= 0:
            raise UserError(
                _(
                    "Forecast row %(row)s: unknown warehouse %(warehouse)r; give a warehouse id or its short name.",
                    row=index,
                    warehouse=warehouse,
                )
            )
        return warehouse_id

    @api.model
    def _import_date(self, index, row):
        try:
            date_start = rpc_arguments.require_date(self.env, "import_forecasts", "date", row.get("date"))
        except UserError:
            date_start = None
        if not date_start:
            raise UserError(
                _(
                    "Forecast row %(row)s: the date %(date)r is not a date; use YYYY-MM-DD.",
                    row=index,
                    date=row.get("date"),
                )
            )
        return date_start

    @api.model
    def _import_quantity(self, index, row):
        quantity = row.get("quantity")
        problem = rpc_arguments.number_problem(self.env, quantity)
        if problem:
            raise UserError(
                _(
                    "Forecast row %(row)s: the quantity %(problem)s; give a number from 0 to %(max)s.",
                    row=index,
                    problem=problem,
                    max=f"{rpc_arguments.MAX_ABS_VALUE:g}",
                )
            )
        return quantity

    @api.model
    def _import_period(self, index, row):
        period = row.get("period") or "month"
        if not isinstance(period, str) or period not in PERIOD_LENGTH:
            raise UserError(
                _(
                    "Forecast row %(row)s: the period %(period)r is unknown; use day, week or month.",
                    row=index,
                    period=period,
                )
            )
        return period

    @api.model
    def _write_imported(self, vals_list):
        """Update the quantity of the forecasts the rows match (product,
        warehouse, date, period), create the others."""
        existing = self.search(
            [
                ("product_id", "in", list({v["product_id"] for v in vals_list})),
                ("date_start", "in", list({v["date_start"] for v in vals_list})),
            ]
        )
        by_key = {(f.product_id.id, f.warehouse_id.id, f.date_start, f.period): f for f in existing}
        to_create, updated = [], self.browse()
        for vals in vals_list:
            key = (vals["product_id"], vals["warehouse_id"], vals["date_start"], vals["period"])
            if key in by_key:
                by_key[key].quantity = vals["quantity"]
                updated |= by_key[key]
            else:
                to_create.append(vals)
        created = self.create(to_create)
        return {"created": len(created), "updated": len(updated), "ids": (created | updated).ids}
