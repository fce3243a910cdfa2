"""The planner's workbench: the master production schedule as plain data.

Entry points for the workbench screen and for XML-RPC integrators; the reads
are bulk queries in ``prod.planning.workbench.reader``, the writes and the
net-change replan in ``prod.planning.workbench.writer``.
"""

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Domain

from ..tools import rpc_arguments

GRID_OPTIONS = (
    "warehouse_id",
    "period",
    "date_from",
    "periods",
    "domain",
    "offset",
    "limit",
    "categ_id",
    "supply_type",
    "responsible_id",
    "exceptions_only",
    "shortage_only",
    "search",
)
PERIODS = ("day", "week", "month")
SUPPLY_TYPES = ("buy", "make", "kit")
CELL_KINDS = ("forecast", "planned")
DETAIL_KINDS = ("demand", "indirect", "forecast", "confirmed", "planned")
MAX_PERIODS = 400
MAX_PAGE = 500


class ProdPlanningWorkbench(models.AbstractModel):
    _name = "prod.planning.workbench"
    _description = "Planner's Workbench"

    @api.model
    def _check_planning_access(self, write=False):
        """Planning users read and write the workbench (before any sudo)."""
        if not self.env.user.has_group("prod_planning.group_prod_planning_user"):
            raise AccessError(
                self.env._(
                    "Only planning users may %(verb)s the workbench.",
                    verb=self.env._("edit") if write else self.env._("read"),
                )
            )

    @api.model
    def get_grid(self, options=None):
        """One page of the master schedule (see the README's XML-RPC table)."""
        self._check_planning_access()
        options = self._grid_options(options)
        return self.env["prod.planning.workbench.reader"]._grid(options)

    @api.model
    def _grid_options(self, options):
        """The validated options of get_grid, with their defaults."""
        env, method = self.env, "get_grid"
        options = rpc_arguments.require_options(env, method, "options", options, GRID_OPTIONS)
        warehouse_id = rpc_arguments.require_id(
            env, method, "options.warehouse_id", options.get("warehouse_id"), "stock.warehouse", required=False
        )
        warehouse = self.env["stock.warehouse"].browse(warehouse_id) if warehouse_id else None
        if warehouse is None:
            warehouse = self.env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        elif warehouse.company_id not in env.companies:
            raise ValidationError(
                env._(
                    "get_grid: the warehouse %(warehouse)s belongs to another company; "
                    "give a warehouse of your companies.",
                    warehouse=warehouse.sudo().display_name,  # sudo: only its name, for the message
                )
            )
        if not warehouse:
            raise ValidationError(env._("get_grid: your company has no warehouse; create one first."))
        domain = options.get("domain") or []
        if not isinstance(domain, list):
            rpc_arguments.require_rows(env, method, "options.domain", domain, dicts=False)
        return {
            "warehouse": warehouse,
            "period": rpc_arguments.require_choice(env, method, "options.period", options.get("period"), PERIODS)
            or "week",
            "date_from": rpc_arguments.require_date(env, method, "options.date_from", options.get("date_from")),
            "periods": rpc_arguments.require_number(
                env, method, "options.periods", options.get("periods"), 1, MAX_PERIODS, integer=True, required=False
            )
            or 13,
            "domain": list(domain),
            "offset": rpc_arguments.require_number(
                env, method, "options.offset", options.get("offset"), 0, integer=True, required=False
            )
            or 0,
            "limit": rpc_arguments.require_number(
                env, method, "options.limit", options.get("limit"), 1, MAX_PAGE, integer=True, required=False
            )
            or 50,
            "categ_id": rpc_arguments.require_id(
                env, method, "options.categ_id", options.get("categ_id"), "product.category", required=False
            ),
            "supply_type": rpc_arguments.require_choice(
                env, method, "options.supply_type", options.get("supply_type"), SUPPLY_TYPES
            ),
            "responsible_id": rpc_arguments.require_id(
                env, method, "options.responsible_id", options.get("responsible_id"), "res.users", required=False
            ),
            "exceptions_only": rpc_arguments.require_bool(
                env, method, "options.exceptions_only", options.get("exceptions_only")
            ),
            "shortage_only": rpc_arguments.require_bool(
                env, method, "options.shortage_only", options.get("shortage_only")
            ),
            "search": rpc_arguments.require_strings(
                env, method, "options.search", [options["search"]] if options.get("search") else []
            )[:1],
        }

    # ------------------------------------------------------------- writing

    @api.model
    def set_cells(self, cells, options=None):
        """Write forecast / planned-supply cells, all or nothing, and replan
        net change (see the README's XML-RPC table)."""
        self._check_planning_access(write=True)
        for model in ("prod.planning.forecast", "prod.planning.order"):
            self.env[model].check_access("create")
        options = self._grid_options(options)
        replanned = self.env["prod.planning.workbench.writer"]._set_cells(cells, options)
        return {"rows": self._rows_of(replanned, options)}

    @api.model
    def replenish(self, keys, options=None):
        """Release the blocks' planned orders whose release date is within the
        release time fence into RFQs and manufacturing orders."""
        self._check_planning_access(write=True)
        self.env["purchase.order"].check_access("create")
        self.env["mrp.production"].check_access("create")
        options = self._grid_options(options)
        orders = self._block_orders("replenish", keys, ("draft", "firm"), fence=True)
        result = {"purchase_order_ids": [], "production_ids": []}
        if orders:
            released = self.env["prod.planning.release"]._release(orders)
            result = {key: released[key] for key in ("purchase_order_ids", "production_ids")}
        result["rows"] = self._rows_of(self._keys_by_warehouse(keys), options)
        return result

    @api.model
    def firm(self, keys, options=None):
        """Firm the blocks' planned orders: later runs keep them."""
        self._check_planning_access(write=True)
        self.env["prod.planning.order"].check_access("write")
        options = self._grid_options(options)
        orders = self._block_orders("firm", keys, ("draft",))
        orders.write({"state": "firm"})
        return {"count": len(orders), "rows": self._rows_of(self._keys_by_warehouse(keys), options)}

    @api.model
    def run_plan(self, options=None):
        """Run the full plan of the options' warehouse now; its state and date."""
        self._check_planning_access(write=True)
        Run = self.env["prod.planning.run"]
        Run.check_access("create")
        Run._check_source_access()
        options = self._grid_options(options)
        warehouse = options["warehouse"]
        run = Run.create(
            {"trigger": "manual", "company_id": warehouse.company_id.id, "warehouse_ids": [Command.set(warehouse.ids)]}
        )
        run._execute()
        return self._run_info(run)

    @api.model
    def last_run(self, options=None):
        """State and date of the latest planning run of the options' company."""
        self._check_planning_access()
        options = self._grid_options(options)
        run = self.env["prod.planning.run"].search([("company_id", "=", options["warehouse"].company_id.id)], limit=1)
        return self._run_info(run)

    @api.model
    def cell_details(self, product_id, warehouse_id, kind, date, options=None):
        """The window action listing what lies behind a cell of the grid."""
        self._check_planning_access()
        env, method = self.env, "cell_details"
        options = self._grid_options(options)
        product = env["product.product"].browse(rpc_arguments.require_id(env, method, "product_id", product_id))
        warehouse = env["stock.warehouse"].browse(rpc_arguments.require_id(env, method, "warehouse_id", warehouse_id))
        kind = rpc_arguments.require_choice(env, method, "kind", kind, DETAIL_KINDS, required=True)
        day = rpc_arguments.require_date(env, method, "date", date, required=True)
        self._check_key(method, product, warehouse)
        return self.env["prod.planning.workbench.reader"]._cell_action(product, warehouse, kind, day, options)

    # ------------------------------------------------------------- helpers

    def _run_info(self, run):
        return {
            "run_id": run.id or False,
            "name": run.name or False,
            "state": run.state or False,
            "date": fields.Datetime.to_string(run.date_end or run.date_start or run.create_date) if run else False,
            "error": run.error_message or False,
        }

    def _check_key(self, method, product, warehouse):
        """A product and warehouse of the user's companies."""
        if warehouse.company_id not in self.env.companies or (
            product.company_id and product.company_id != warehouse.company_id
        ):
            raise ValidationError(
                self.env._(
                    "%(method)s: %(product)s in %(warehouse)s belongs to another company; "
                    "give a product and warehouse of your companies.",
                    method=method,
                    product=product.sudo().display_name,  # sudo: only names, for the message
                    warehouse=warehouse.sudo().display_name,
                )
            )

    def _block_orders(self, method, keys, states, fence=False):
        """The planned orders of the blocks ``keys`` ([{product_id, warehouse_id}])
        in ``states`` (release date within the release fence with ``fence``)."""
        env = self.env
        keys = rpc_arguments.require_rows(env, method, "keys", keys)
        pairs = set()
        for index, key in enumerate(keys):
            rpc_arguments.require_options(env, method, f"keys[{index}]", key, ("product_id", "warehouse_id"))
            product = env["product.product"].browse(
                rpc_arguments.require_id(
                    env, method, f"keys[{index}].product_id", key.get("product_id"), "product.product"
                )
            )
            warehouse = env["stock.warehouse"].browse(
                rpc_arguments.require_id(
                    env, method, f"keys[{index}].warehouse_id", key.get("warehouse_id"), "stock.warehouse"
                )
            )
            self._check_key(method, product, warehouse)
            pairs.add((product.id, warehouse.id))
        domain = Domain("state", "in", states) & Domain.OR(
            Domain("product_id", "=", product_id) & Domain("warehouse_id", "=", warehouse_id)
            for product_id, warehouse_id in pairs
        )
        if fence:
            domain &= Domain("due_for_release", "=", True)
        return env["prod.planning.order"].search(domain)

    def _keys_by_warehouse(self, keys):
        """{warehouse: [product ids]} of the blocks ``keys``."""
        result = {}
        for key in keys:
            warehouse = self.env["stock.warehouse"].browse(key["warehouse_id"])
            result.setdefault(warehouse, []).append(key["product_id"])
        return result

    def _rows_of(self, products_by_warehouse, options):
        """Grid rows (get_grid's shape, the options' periods) of
        {warehouse: [product ids]}, in that order."""
        reader = self.env["prod.planning.workbench.reader"]
        today = fields.Date.context_today(self)
        periods = reader._periods(options["period"], options["date_from"] or today, options["periods"])
        rows = []
        for warehouse, product_ids in products_by_warehouse.items():
            rows += reader._rows(warehouse, list(dict.fromkeys(product_ids)), periods, today)
        return rows
