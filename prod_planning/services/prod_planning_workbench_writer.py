"""Writes the planner's workbench edits (forecast and planned supply cells)
and replans net change: the edited products and everything below them in their
BoMs, nothing else (reader → engine ``mrp_netchange`` → run writer's inserts).
"""

from collections import defaultdict
from datetime import timedelta
from types import SimpleNamespace

from odoo import api, fields, models
from odoo.exceptions import ConcurrencyError, UserError, ValidationError
from odoo.tools import float_compare, float_round

from ..engine import mrp, mrp_netchange
from ..engine.workcalendar import DEFAULT_CALENDAR
from ..models.prod_planning_run import RUN_LOCK_KEY
from ..tools import rpc_arguments

CELL_KEYS = ("product_id", "warehouse_id", "date", "kind", "quantity", "expected")
CELL_KINDS = ("forecast", "planned")
# Class of the per-product advisory locks (two-key form) of an edit.
EDIT_LOCK_CLASS = 73_104_189


class ProdPlanningWorkbenchWriter(models.AbstractModel):
    _name = "prod.planning.workbench.writer"
    _description = "Planner's Workbench Writer"

    # ------------------------------------------------------------ set_cells

    @api.model
    def _set_cells(self, cells, options):
        """Validate every cell, write them all, replan net change; return
        {warehouse: [product ids edited or replanned]}."""
        self._check_no_run()
        today = fields.Date.context_today(self)
        periods = self.env["prod.planning.workbench.reader"]._periods(
            options["period"], options["date_from"] or today, options["periods"]
        )
        cells = self._validate_cells(cells, periods, options, today)
        self._lock_products(cells)
        self._check_expected(cells, today)
        by_warehouse = defaultdict(set)
        for cell in cells:
            by_warehouse[cell["warehouse"]].add(cell["product"].id)
        planned = [cell for cell in cells if cell["kind"] == "planned"]
        infos = self._item_infos(planned, today)
        for cell in cells:
            if cell["kind"] == "forecast":
                self._write_forecast(cell, options["period"], today)
            else:
                self._write_planned(cell, infos[(cell["product"].id, cell["warehouse"].id)], today)
        return {
            warehouse: self._replan(warehouse, product_ids, today) for warehouse, product_ids in by_warehouse.items()
        }

    def _lock_products(self, cells):
        """One edit at a time per product. Two planners typing into the same
        empty cell would not see each other's new records (each transaction
        reads its own snapshot), so the second edit does not wait: it raises a
        ConcurrencyError, Odoo's RPC layer retries the whole call on a new
        snapshot, and its ``expected`` values meet what the first one wrote."""
        for product_id in sorted({cell["product"].id for cell in cells}):
            self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [EDIT_LOCK_CLASS, product_id])
            if not self.env.cr.fetchone()[0]:
                raise ConcurrencyError(f"product {product_id} is being edited in the workbench")

    def _check_no_run(self):
        """Refuse while a full planning run is in progress (it would replace
        what is written here). Edits hold the run lock shared until they
        commit: they do not wait for each other, a run cannot start meanwhile."""
        running = (
            self.env["prod.planning.run"]
            .sudo()
            .search_count(  # sudo: any user's run counts
                [
                    ("company_id", "in", self.env.companies.ids),
                    ("state", "=", "draft"),
                    ("date_start", "!=", False),
                    ("date_end", "=", False),
                ],
                limit=1,
            )
        )
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock_shared(%s)", [RUN_LOCK_KEY])
        if running or not self.env.cr.fetchone()[0]:
            raise UserError(
                self.env._(
                    "A planning run is in progress: nothing was saved. Wait until it has finished, "
                    "reload the workbench and type your changes again."
                )
            )

    def _fail(self, cell, problem, fix):
        raise ValidationError(
            self.env._(
                "set_cells: the %(kind)s cell of %(product)s, %(period)s %(problem)s; %(fix)s Nothing was saved.",
                kind=cell.get("kind_label") or self.env._("cell"),
                product=cell.get("product_name") or self.env._("an unknown product"),
                period=cell.get("period_label") or self.env._("unknown period"),
                problem=problem,
                fix=fix,
            )
        )

    def _validate_cells(self, cells, periods, options, today):
        """The cells as dicts of records and dates; the first bad one raises."""
        env = self.env
        rpc_arguments.require_rows(env, "set_cells", "cells", cells)
        Product, Warehouse = env["product.product"], env["stock.warehouse"]
        product_ids = {c.get("product_id") for c in cells if rpc_arguments._valid_id(c.get("product_id"))}
        warehouse_ids = {c.get("warehouse_id") for c in cells if rpc_arguments._valid_id(c.get("warehouse_id"))}
        products = {p.id: p for p in Product.browse(product_ids).exists()}
        warehouses = {w.id: w for w in Warehouse.browse(warehouse_ids).exists()}
        first = max(periods[0][0], self._period_start(options["period"], today))
        company = options["warehouse"].company_id
        end = min(periods[-1][1], today + timedelta(days=company.prod_planning_horizon_days))
        kind_labels = {"forecast": env._("forecast"), "planned": env._("planned supply")}
        result, seen = [], set()
        for index, raw in enumerate(cells):
            cell = {"kind_label": kind_labels.get(raw.get("kind")), "period_label": env._("#%s", index + 1)}
            unknown = set(raw) - set(CELL_KEYS)
            product = products.get(raw.get("product_id"))
            if product:
                cell["product_name"] = product.sudo().display_name  # sudo: only its name, for the message
            elif raw.get("product_id"):
                cell["product_name"] = env._("product #%s", raw.get("product_id"))
            day = self._cell_date(raw.get("date"))
            period = next(((s, e, label) for s, e, label in periods if day and s <= day < e), None)
            if period:
                cell["period_label"] = period[2]
            elif day:
                cell["period_label"] = fields.Date.to_string(day)
            if unknown:
                self._fail(
                    cell,
                    env._("has unknown keys %s", ", ".join(sorted(map(str, unknown)))),
                    env._("send only %s.", ", ".join(CELL_KEYS)),
                )
            if raw.get("kind") not in CELL_KINDS:
                self._fail(
                    cell,
                    env._("has the unknown kind %s", rpc_arguments._shown(raw.get("kind"))),
                    env._("use forecast or planned."),
                )
            if not product:
                self._fail(cell, env._("names no product"), env._("give the id of an existing product."))
            warehouse = warehouses.get(raw.get("warehouse_id"))
            if not warehouse:
                self._fail(cell, env._("names no warehouse"), env._("give the id of an existing warehouse."))
            if (
                warehouse.company_id not in env.companies
                or warehouse.company_id != company
                or (product.company_id and product.company_id != company)
            ):
                self._fail(
                    cell,
                    env._("belongs to another company"),
                    env._(
                        "edit only products and warehouses of %(company)s, the company of the workbench.",
                        company=company.name,
                    ),
                )
            if not product.is_storable:
                self._fail(cell, env._("is not planned (not tracked in inventory)"), env._("edit a storable product."))
            if not day:
                self._fail(
                    cell,
                    env._("has the date %s", rpc_arguments._shown(raw.get("date"))),
                    env._("give a date as YYYY-MM-DD."),
                )
            if not first <= day < end or period is None:
                self._fail(
                    cell,
                    env._("is outside the horizon"),
                    env._(
                        "give a date from %(first)s to %(last)s.",
                        first=fields.Date.to_string(first),
                        last=fields.Date.to_string(end - timedelta(days=1)),
                    ),
                )
            quantity = raw.get("quantity")
            rounding = product.uom_id.rounding
            problem = rpc_arguments.number_problem(env, quantity)
            if problem:
                self._fail(cell, problem, env._("type a number of 0 or more."))
            if quantity < 0:
                self._fail(cell, env._("is negative (%s)", quantity), env._("type 0 or more."))
            if float_compare(float_round(quantity, precision_rounding=rounding), quantity, precision_digits=10):
                self._fail(
                    cell,
                    env._(
                        "has more decimals than the unit %(uom)s allows (%(qty)s)",
                        uom=product.uom_id.name,
                        qty=quantity,
                    ),
                    env._(
                        "round it to a multiple of %(rounding)s, e.g. %(rounded)s.",
                        rounding=rounding,
                        rounded=float_round(quantity, precision_rounding=rounding),
                    ),
                )
            expected = raw.get("expected")
            if expected is not None and rpc_arguments.number_problem(env, expected):
                self._fail(
                    cell,
                    env._("has the expected value %s", rpc_arguments._shown(expected)),
                    env._("send the value the cell showed, or leave expected out."),
                )
            key = (product.id, warehouse.id, raw["kind"], period[0])
            if key in seen:
                self._fail(cell, env._("is given twice"), env._("send each cell once."))
            seen.add(key)
            cell.update(
                product=product,
                warehouse=warehouse,
                kind=raw["kind"],
                start=period[0],
                end=period[1],
                quantity=float(quantity),
                expected=expected,
            )
            result.append(cell)
        return result

    @staticmethod
    def _cell_date(value):
        if not isinstance(value, str) or len(value) != 10:
            return None
        try:
            return fields.Date.to_date(value)
        except ValueError:
            return None

    @staticmethod
    def _period_start(period, day):
        if period == "week":
            return day - timedelta(days=day.weekday())
        if period == "month":
            return day.replace(day=1)
        return day

    # -------------------------------------------------------- current values

    def _cell_records(self, cells, today):
        """{id(cell): records behind the cell} (forecasts or non-released
        planned orders of its period), in two queries."""
        product_ids = list({c["product"].id for c in cells})
        warehouse_ids = list({c["warehouse"].id for c in cells})
        end = max(c["end"] for c in cells)
        forecasts = self.env["prod.planning.forecast"].search(
            [("product_id", "in", product_ids), ("warehouse_id", "in", warehouse_ids), ("date_start", "<", end)],
            order="date_start, id",
        )
        orders = self.env["prod.planning.order"].search(
            [
                ("product_id", "in", product_ids),
                ("warehouse_id", "in", warehouse_ids),
                ("state", "in", ("draft", "firm")),
                ("due_date", "<", end),
            ],
            order="due_date, id",
        )
        result = {}
        for cell in cells:
            key = (cell["product"], cell["warehouse"])
            if cell["kind"] == "forecast":
                # As the grid shows them: a forecast counts at its start, today when past.
                records = forecasts.filtered(
                    lambda f, c=cell, k=key: (
                        (f.product_id, f.warehouse_id) == k
                        and c["start"] <= max(f.date_start, today) < c["end"]
                        and f.date_end > today
                    )
                )
            else:
                records = orders.filtered(
                    lambda o, c=cell, k=key: (o.product_id, o.warehouse_id) == k and c["start"] <= o.due_date < c["end"]
                )
            result[id(cell)] = records
        return result

    def _check_expected(self, cells, today):
        """Refuse a cell whose value changed since the client read it."""
        records = self._cell_records(cells, today)
        for cell in cells:
            cell["records"] = records[id(cell)]
            current = sum(cell["records"].mapped("quantity"))
            cell["current"] = current
            expected = cell["expected"]
            rounding = cell["product"].uom_id.rounding
            if expected is not None and float_compare(expected, current, precision_rounding=rounding):
                raise ValidationError(
                    self.env._(
                        "set_cells: the %(kind)s cell of %(product)s, %(period)s was changed meanwhile: it is now "
                        "%(current)s, not %(expected)s. Reload the workbench and type your value again. "
                        "Nothing was saved.",
                        kind=cell["kind_label"],
                        product=cell["product_name"],
                        period=cell["period_label"],
                        current=float_round(current, precision_rounding=rounding),
                        expected=expected,
                    )
                )

    # ------------------------------------------------------------- writing

    def _write_forecast(self, cell, period, today):
        """The period's forecast becomes ``quantity``: the first forecast of the
        period keeps its own period length and takes it, the others go."""
        records = cell["records"]
        if cell["quantity"] == 0:
            records.unlink()
        elif records:
            records[0].write({"quantity": cell["quantity"]})
            records[1:].unlink()
        else:
            self.env["prod.planning.forecast"].create(
                {
                    "product_id": cell["product"].id,
                    "warehouse_id": cell["warehouse"].id,
                    "date_start": cell["start"],
                    "period": period,
                    "quantity": cell["quantity"],
                }
            )

    def _item_infos(self, cells, today):
        """{key: (engine item, item info)} of the planned-supply cells'
        products, as the run sees them (supply type, source, lead time)."""
        if not cells:
            return {}
        run_reader = self.env["prod.planning.run.reader"]
        result = {}
        for warehouse in {c["warehouse"] for c in cells}:
            company = warehouse.company_id
            horizon_end = today + timedelta(days=company.prod_planning_horizon_days)
            product_ids = list({c["product"].id for c in cells if c["warehouse"] == warehouse})
            boms = self.env["prod.planning.workbench.reader"]._boms_around(company, product_ids)
            parameters = self.env["prod.planning.parameter"].search_read(
                [("warehouse_id", "=", warehouse.id), ("product_id", "in", product_ids)], [], load=None
            )
            items, _lines, info = run_reader._prepare_items(
                company,
                (warehouse.id,),
                run_reader._read_products(product_ids, company),
                {pid: bom for pid, bom in boms.items() if pid in product_ids},
                {(p["product_id"], p["warehouse_id"]): p for p in parameters},
                {},
                run_reader._company_calendar(company, today, horizon_end),
            )
            result.update({item.key: (item, info[item.key]) for item in items})
        return result

    def _write_planned(self, cell, item_info, today):
        """The period's planned supply becomes one firm planned order of
        ``quantity`` (none for 0); released orders stay."""
        item, info = item_info
        if item.supply_type not in ("buy", "manufacture"):
            self._fail(
                cell,
                self.env._("is of a product that is a kit or has no vendor or BoM")
                if item.supply_type == "kit"
                else self.env._("is of a product without vendor or BoM"),
                self.env._("plan its components, or give it a vendor or a BoM."),
            )
        due = cell["records"][:1].due_date or max(cell["start"], today)
        cell["records"].unlink()
        if cell["quantity"] == 0:
            return
        calendar = item.calendar or DEFAULT_CALENDAR
        self.env["prod.planning.order"].create(
            {
                "product_id": cell["product"].id,
                "warehouse_id": cell["warehouse"].id,
                "company_id": cell["warehouse"].company_id.id,
                "quantity": cell["quantity"],
                "supply_type": item.supply_type,
                "vendor_id": info["vendor_id"] or False,
                "bom_id": info["bom_id"] or False,
                "workcenter_id": info["workcenter_id"] or False,
                "release_date": calendar.subtract_workdays(due, item.lead_time),
                "due_date": due,
                "state": "firm",
            }
        )

    # ------------------------------------------------------------ net change

    @api.model
    def _replan(self, warehouse, product_ids, today):
        """Replan ``product_ids`` in ``warehouse`` and everything below them in
        their BoMs; return the product ids replanned (edited ones first)."""
        self.env.flush_all()
        company = warehouse.company_id
        horizon_end = today + timedelta(days=company.prod_planning_horizon_days)
        reader = self.env["prod.planning.workbench.reader"]
        affected, boms = self._affected(company, product_ids)
        changed = {(pid, warehouse.id) for pid in product_ids}
        while True:
            data = reader._collect(
                company, warehouse, sorted(affected), today, horizon_end, replanned=affected, boms=boms
            )
            result, keys = mrp_netchange.plan_with_dependent(
                data["items"],
                data["bom_lines"],
                data["demands"],
                data["forecasts"],
                data["supplies"],
                today,
                changed,
                horizon_end=horizon_end,
            )
            exact = {key[0] for key in keys}
            if exact >= affected:
                break
            # A bought product with a BoM does not pass demand on: the BoMs
            # alone named too many products; their stored orders are kept, so
            # collect again with their demand on the ones really replanned.
            affected = exact
        replanned = sorted({key[0] for key in keys if key in data["keys"]})
        self._write_plan(company, warehouse, replanned, data, result)
        return [*sorted(product_ids), *(pid for pid in replanned if pid not in product_ids)]

    def _affected(self, company, product_ids):
        """``product_ids`` and everything below them in their BoMs (and the
        kits above them), reading the BoMs level by level; and those BoMs
        (``_boms_around`` of them all)."""
        reader = self.env["prod.planning.workbench.reader"]
        affected, frontier, boms = set(product_ids), set(product_ids), {}
        while frontier:
            boms.update(reader._boms_around(company, frontier))
            bom_lines = [
                mrp.BomLine(parent, component, qty) for parent, bom in boms.items() for component, qty in bom["lines"]
            ]
            types = {pid: "kit" if bom["type"] == "phantom" else "manufacture" for pid, bom in boms.items()}
            frontier = mrp_netchange.affected_keys(affected, bom_lines, types) - affected
            affected |= frontier
        return affected, boms

    def _write_plan(self, company, warehouse, product_ids, data, result):
        """Replace the non-firm planned orders, open exceptions and projection
        of ``product_ids`` in ``warehouse`` by ``result`` (the run writer's inserts)."""
        if not product_ids:
            return
        cr = self.env.cr
        wh_ids, pids = (warehouse.id,), tuple(product_ids)
        cr.execute(
            "DELETE FROM prod_planning_order WHERE state = 'draft' AND warehouse_id = %s AND product_id IN %s",
            [warehouse.id, pids],
        )
        cr.execute(
            "DELETE FROM prod_planning_exception WHERE state = 'open' AND warehouse_id = %s AND product_id IN %s",
            [warehouse.id, pids],
        )
        cr.execute(
            "DELETE FROM prod_planning_projection_series WHERE warehouse_id = %s AND product_id IN %s",
            [warehouse.id, pids],
        )
        last_run = self.env["prod.planning.run"].search([("company_id", "=", company.id)], limit=1)
        # The rows belong to the last run (the plan they amend), or to none.
        run = SimpleNamespace(id=last_run.id or None, company_id=company)
        writer = self.env["prod.planning.run.writer"]
        info = data["item_info"]
        orders = [order for order in result.planned_orders if order.item in info]
        order_ids = writer._insert_orders(run, info, orders)
        writer._insert_exceptions(run, info, result, order_ids, wh_ids, product_ids=pids)
        projection = SimpleNamespace(projection={k: v for k, v in result.projection.items() if k in info})
        writer._insert_projection(run, projection)
        for model in ("order", "peg", "exception", "projection.series", "projection"):
            self.env[f"prod.planning.{model}"].invalidate_model()
