"""The planner's workbench: the master production schedule as plain data.

Entry points for the workbench screen and for XML-RPC integrators; the reads
are bulk queries in ``prod.planning.workbench.reader``, the writes and the
net-change replan in ``prod.planning.workbench.writer``.
"""

from odoo import api, models
from odoo.exceptions import AccessError, ValidationError

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
