"""Reads one page of the planner's workbench, and the plan data of a product
subtree for the net-change replan, in bulk (a few queries per call, none per
product or cell)."""

import calendar
from bisect import bisect_right
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain

from ..engine import mrp
from .prod_planning_run_reader import OPEN_MOVE_STATES

LINES = ("demand", "indirect", "forecast", "confirmed", "planned", "projected", "safety")
ENGINE_TYPES = {"buy": "buy", "manufacture": "make", "kit": "kit", "none": "none"}


class ProdPlanningWorkbenchReader(models.AbstractModel):
    _name = "prod.planning.workbench.reader"
    _description = "Planner's Workbench Reader"

    # ------------------------------------------------------------------ the page

    @api.model
    def _grid(self, options):
        """get_grid's answer for validated ``options`` (see the workbench)."""
        today = fields.Date.context_today(self)
        periods = self._periods(options["period"], options["date_from"] or today, options["periods"])
        warehouse = options["warehouse"]
        Product = self.env["product.product"]
        domain = self._product_domain(options, warehouse)
        total = Product.search_count(domain)
        products = Product.search(domain, offset=options["offset"], limit=options["limit"], order="default_code, id")
        run = self.env["prod.planning.run"].search([("company_id", "=", warehouse.company_id.id)], limit=1)
        return {
            "periods": [
                {"date_start": fields.Date.to_string(start), "date_end": fields.Date.to_string(end), "label": label}
                for start, end, label in periods
            ],
            "total": total,
            "run": {
                "id": run.id or False,
                "state": run.state or False,
                "date": fields.Datetime.to_string(run.date_end or run.date_start or run.create_date) if run else False,
            },
            "rows": self._rows(warehouse, products.ids, periods, today),
        }

    def _periods(self, period, date_from, count):
        """[(start, end (exclusive), label)] of ``count`` periods from the one
        holding ``date_from``."""
        if period == "week":
            start = date_from - timedelta(days=date_from.weekday())
        elif period == "month":
            start = date_from.replace(day=1)
        else:
            start = date_from
        result = []
        for _i in range(count):
            if period == "day":
                end, label = start + timedelta(days=1), start.strftime("%a %d %b")
            elif period == "week":
                end, label = start + timedelta(days=7), self.env._("W%(week)s", week=start.isocalendar()[1])
            else:
                days = calendar.monthrange(start.year, start.month)[1]
                end, label = start + timedelta(days=days), start.strftime("%b %Y")
            result.append((start, end, label))
            start = end
        return result

    def _product_domain(self, options, warehouse):
        """The page's products: storable products of the warehouse's company,
        in its planned categories or planned by the last run, that pass the
        filters."""
        company = warehouse.company_id
        domain = Domain(options["domain"]) & Domain(
            [("is_storable", "=", True), ("company_id", "in", (False, company.id))]
        )
        in_categories = company._prod_planning_product_domain()
        if in_categories:
            # Components of planned products are planned whatever their category.
            planned = self.env["prod.planning.projection.series"]._read_group(
                [("warehouse_id", "=", warehouse.id)], ["product_id"]
            )
            domain &= Domain(in_categories) | Domain("id", "in", [product.id for (product,) in planned])
        if options["categ_id"]:
            domain &= Domain("categ_id", "child_of", options["categ_id"])
        if options["responsible_id"]:
            domain &= Domain("product_tmpl_id.responsible_id", "=", options["responsible_id"])
        for text in options["search"]:
            domain &= Domain("name", "ilike", text) | Domain("default_code", "ilike", text)
        if options["supply_type"]:
            boms = self.env["mrp.bom"].search_read(
                [("company_id", "in", (False, company.id)), ("type", "in", ("normal", "phantom"))],
                ["product_tmpl_id", "product_id", "type"],
                load=None,
            )
            bom_type = {"make": "normal", "kit": "phantom"}.get(options["supply_type"])
            tmpl_ids = {b["product_tmpl_id"] for b in boms if not bom_type or b["type"] == bom_type}
            if bom_type:
                domain &= Domain("product_tmpl_id", "in", list(tmpl_ids))
            else:
                domain &= Domain("product_tmpl_id", "not in", list(tmpl_ids))
        if options["exceptions_only"]:
            product_ids = self.env["prod.planning.exception"]._read_group(
                [("warehouse_id", "=", warehouse.id), ("state", "=", "open")], ["product_id"]
            )
            domain &= Domain("id", "in", [product.id for (product,) in product_ids])
        if options["shortage_only"]:
            product_ids = self.env["prod.planning.projection.series"]._read_group(
                [("warehouse_id", "=", warehouse.id), ("shortage_qty", ">", 0)], ["product_id"]
            )
            domain &= Domain("id", "in", [product.id for (product,) in product_ids])
        return domain

    def _rows(self, warehouse, product_ids, periods, today):
        """The grid rows of ``product_ids`` in ``warehouse``, in that order."""
        if not product_ids:
            return []
        company = warehouse.company_id
        horizon_end = periods[-1][1]
        data = self._collect(company, warehouse, product_ids, today, horizon_end, replanned=())
        orders = self.env["prod.planning.order"].search_read(
            [
                ("product_id", "in", product_ids),
                ("warehouse_id", "=", warehouse.id),
                ("state", "in", ("draft", "firm")),
                ("due_date", "<", horizon_end),
            ],
            ["product_id", "quantity", "due_date"],
            load=None,
        )
        exceptions = self.env["prod.planning.exception"].search_read(
            [("product_id", "in", product_ids), ("warehouse_id", "=", warehouse.id), ("state", "=", "open")],
            ["product_id", "kind", "message", "priority", "date", "suggested_date"],
            load=None,
        )
        names = dict(self.env["product.product"].browse(product_ids).mapped(lambda p: (p.id, p.display_name)))
        uoms = dict(self.env["product.product"].browse(product_ids).mapped(lambda p: (p.id, p.uom_id.name)))
        sources = self._source_names(data["item_info"])
        starts = [start for start, _end, _label in periods]
        first = starts[0]

        def index(day):
            """Period index of ``day``: -1 past due, None beyond the page."""
            if day < first:
                return -1
            if day >= horizon_end:
                return None
            return bisect_right(starts, day) - 1

        blank = {key: {line: [0.0] * len(periods) for line in LINES} for key in data["keys"]}
        past = {key: dict.fromkeys(LINES, 0.0) for key in data["keys"]}

        def add(key, line, day, qty):
            i = index(max(day, today) if line in ("forecast",) else day)
            if key not in blank or i is None:
                return
            if i < 0:
                past[key][line] += qty
            else:
                blank[key][line][i] += qty

        for demand in data["demands"]:
            indirect = demand.kind == "dependent" or demand.ref in data["component_moves"]
            line = "indirect" if indirect else "demand"
            add(demand.item, line, demand.date, demand.qty)
        for forecast in data["forecasts"]:
            if forecast.date_end > today:  # as the engine: a period that ended is no demand
                add(forecast.item, "forecast", forecast.date_start, forecast.qty)
        for supply in data["supplies"]:
            if supply.kind != "firm":
                add(supply.item, "confirmed", supply.date, supply.qty)
        for order in orders:
            add((order["product_id"], warehouse.id), "planned", order["due_date"], order["quantity"])
        exceptions_by_key = defaultdict(list)
        for exception in exceptions:
            day = exception["suggested_date"] or exception["date"]
            i = index(day) if day else -1
            exceptions_by_key[(exception["product_id"], warehouse.id)].append(
                {
                    "id": exception["id"],
                    "period": -1 if i is None and day and day < first else (i if i is not None else len(periods) - 1),
                    "kind": exception["kind"],
                    "message": exception["message"],
                    "severity": {"0": "info", "1": "warning", "2": "danger"}.get(exception["priority"], "info"),
                }
            )
        rows = []
        items = {item.key: item for item in data["items"]}
        for product_id in product_ids:
            key = (product_id, warehouse.id)
            item = items.get(key)
            if item is None:
                continue
            cells, due = blank[key], past[key]
            modes = data["demand_modes"].get(key, "max")
            on_hand = item.on_hand if item.supply_type != "kit" else 0.0
            due["safety"] = item.safety_stock
            balance = on_hand + due["confirmed"] + due["planned"] - due["demand"] - due["indirect"]
            due["projected"] = balance
            for i in range(len(periods)):
                forecast = cells["forecast"][i]
                if modes == "max":
                    forecast = max(0.0, forecast - cells["demand"][i])
                balance += cells["confirmed"][i] + cells["planned"][i]
                balance -= cells["demand"][i] + cells["indirect"][i] + forecast
                cells["projected"][i] = round(balance, 6)
                cells["safety"][i] = item.safety_stock
            rows.append(
                {
                    "product_id": product_id,
                    "warehouse_id": warehouse.id,
                    "product": names[product_id],
                    "header": {
                        "on_hand": on_hand,
                        "supply_type": ENGINE_TYPES[item.supply_type],
                        "source": sources.get(key, ""),
                        "lead_time_days": item.lead_time,
                        "safety_stock": item.safety_stock,
                        "uom": uoms[product_id],
                    },
                    "cells": cells,
                    "past_due": due,
                    "exceptions": exceptions_by_key[key],
                }
            )
        return rows

    def _source_names(self, item_info):
        """{key: vendor or BoM name}, read in two queries."""
        vendor_ids = {info["vendor_id"] for info in item_info.values() if info["vendor_id"]}
        bom_ids = {info["bom"]["id"] for info in item_info.values() if info["bom"]}
        vendors = dict(self.env["res.partner"].browse(vendor_ids).mapped(lambda p: (p.id, p.display_name)))
        boms = dict(self.env["mrp.bom"].browse(bom_ids).mapped(lambda b: (b.id, b.display_name)))
        names = {}
        for key, info in item_info.items():
            if info["vendor_id"]:
                names[key] = vendors.get(info["vendor_id"], "")
            elif info["bom"]:
                names[key] = boms.get(info["bom"]["id"], "")
        return names

    # --------------------------------------------------------- the plan subset

    @api.model
    def _collect(self, company, warehouse, product_ids, today, horizon_end, replanned=None, boms=None):
        """The engine input of ``product_ids`` in ``warehouse`` only (the run
        reader's ``_collect`` restricted to them), with the dependent demand
        that the stored planned orders of their parents put on them: firm
        orders always, non-firm ones unless their product is in ``replanned``
        (None: ``product_ids``; the net change replans those). ``boms``: those
        of ``_boms_around`` for these products, when the caller has them."""
        self.env.flush_all()
        run_reader = self.env["prod.planning.run.reader"]
        wh_ids = (warehouse.id,)
        pids = tuple(product_ids)
        on_hand = self._read_on_hand(warehouse.id, pids)
        demands, supplies, component_moves = self._read_open_moves(company, warehouse.id, pids, horizon_end)
        supplies += [s for s in run_reader._read_rfq_lines(company, wh_ids, horizon_end) if s.item[0] in product_ids]
        forecasts = [
            mrp.Forecast(
                (f["product_id"], f["warehouse_id"]),
                f["date_start"],
                f["date_end"],
                f["quantity"],
                ("prod.planning.forecast", f["id"]),
            )
            for f in self.env["prod.planning.forecast"].search_read(
                [("warehouse_id", "=", warehouse.id), ("product_id", "in", pids), ("date_start", "<", horizon_end)],
                ["product_id", "warehouse_id", "date_start", "date_end", "quantity"],
                load=None,
            )
        ]
        wanted = set(product_ids)
        boms = self._boms_around(company, wanted) if boms is None else boms
        parent_ids = {pid for pid, bom in boms.items() if any(c in wanted for c, _qty in bom["lines"])}
        orders = self.env["prod.planning.order"].search_read(
            [
                ("state", "in", ("draft", "firm")),
                ("warehouse_id", "=", warehouse.id),
                ("product_id", "in", list(wanted | parent_ids)),
            ],
            ["product_id", "warehouse_id", "quantity", "due_date", "release_date", "supply_type", "state"],
            load=None,
        )
        firm = [o for o in orders if o["state"] == "firm" and o["product_id"] in wanted]
        supplies += run_reader._firm_order_supplies(firm)
        replanned = wanted if replanned is None else set(replanned)
        parent_orders = [o for o in orders if o["state"] == "firm" or o["product_id"] not in replanned]
        demands += [d for d in run_reader._firm_order_demands(parent_orders, boms) if d.item[0] in wanted]
        parameters = self.env["prod.planning.parameter"].search_read(
            [("warehouse_id", "=", warehouse.id), ("product_id", "in", pids)], [], load=None
        )
        items, bom_lines, item_info = run_reader._prepare_items(
            company,
            wh_ids,
            run_reader._read_products(list(product_ids), company),
            {pid: bom for pid, bom in boms.items() if pid in wanted},
            {(p["product_id"], p["warehouse_id"]): p for p in parameters},
            on_hand,
            run_reader._company_calendar(company, today, horizon_end),
        )
        keys = {item.key for item in items}
        return {
            "items": items,
            "keys": keys,
            "bom_lines": bom_lines,
            "boms": boms,
            "demands": [d for d in demands if d.item in keys],
            "forecasts": [f for f in forecasts if f.item in keys],
            "supplies": [s for s in supplies if s.item in keys],
            "item_info": item_info,
            "component_moves": component_moves,
            "demand_modes": {
                (p["product_id"], p["warehouse_id"]): p.get("forecast_consumption") or "max" for p in parameters
            },
        }

    @api.model
    def _boms_around(self, company, product_ids):
        """{product id: BoM} (as the run reader reads them) of ``product_ids``
        and of the products whose BoMs use them, in a few queries."""
        if not product_ids:
            return {}
        self.env["mrp.bom"].flush_model()
        self.env["mrp.bom.line"].flush_model()
        pids = tuple(product_ids)
        self.env.cr.execute(
            """
            SELECT b.product_tmpl_id
              FROM mrp_bom_line l
              JOIN mrp_bom b ON b.id = l.bom_id
             WHERE l.product_id IN %s AND b.active AND b.type IN ('normal', 'phantom')
               AND (b.company_id IS NULL OR b.company_id = %s)
             UNION
            SELECT product_tmpl_id FROM product_product WHERE id IN %s
            """,
            [pids, company.id, pids],
        )
        template_ids = [row[0] for row in self.env.cr.fetchall()]
        return self.env["prod.planning.run.reader"]._read_boms(company, template_ids)

    def _read_on_hand(self, warehouse_id, product_ids):
        self.env.cr.execute(
            """
            SELECT q.product_id, SUM(q.quantity)
              FROM stock_quant q
              JOIN stock_location l ON l.id = q.location_id
             WHERE l.usage = 'internal' AND l.warehouse_id = %s AND q.product_id IN %s
          GROUP BY q.product_id
            """,
            [warehouse_id, product_ids],
        )
        return {(product_id, warehouse_id): qty for product_id, qty in self.env.cr.fetchall()}

    def _read_open_moves(self, company, warehouse_id, product_ids, horizon_end):
        """As the run reader's, for some products; component moves of MOs are
        returned apart (their refs) as indirect demand."""
        self.env.cr.execute(
            """
            SELECT m.id, m.product_id, m.product_qty, m.date::date,
                   src.usage = 'internal' AND src.warehouse_id = %(wh)s,
                   dest.usage = 'internal' AND dest.warehouse_id = %(wh)s,
                   m.purchase_line_id, m.production_id, m.raw_material_production_id
              FROM stock_move m
              JOIN stock_location src ON src.id = m.location_id
              JOIN stock_location dest ON dest.id = m.location_dest_id
             WHERE m.state IN %(states)s
               AND m.company_id = %(company)s
               AND m.date < %(horizon)s
               AND m.product_id IN %(products)s
               AND ((src.usage = 'internal' AND src.warehouse_id = %(wh)s)
                 OR (dest.usage = 'internal' AND dest.warehouse_id = %(wh)s))
               AND (src.usage != 'internal' OR dest.usage != 'internal'
                    OR src.warehouse_id IS DISTINCT FROM dest.warehouse_id)
            """,
            {
                "wh": warehouse_id,
                "states": OPEN_MOVE_STATES,
                "company": company.id,
                "horizon": horizon_end,
                "products": product_ids,
            },
        )
        demands, supplies, component_moves = [], [], set()
        for move_id, product_id, qty, day, is_out, is_in, pol_id, production_id, raw_id in self.env.cr.fetchall():
            key = (product_id, warehouse_id)
            if is_out:
                demands.append(mrp.Demand(key, day, qty, ("stock.move", move_id), "actual"))
                if raw_id:
                    component_moves.add(("stock.move", move_id))
            if is_in:
                if pol_id:
                    ref = ("purchase.order.line", pol_id)
                elif production_id:
                    ref = ("mrp.production", production_id)
                else:
                    ref = ("stock.move", move_id)
                supplies.append(mrp.Supply(key, day, qty, ref, "receipt", False))
        return demands, supplies, component_moves

    # ------------------------------------------------------------ cell details

    @api.model
    def _cell_action(self, product, warehouse, kind, day, options):
        """A window action (list) on the records behind one cell: the period
        of the grid holding ``day`` (before the first period: past due)."""
        today = fields.Date.context_today(self)
        periods = self._periods(options["period"], options["date_from"] or today, options["periods"])
        start, end = next(((s, e) for s, e, _label in periods if s <= day < e), (None, periods[0][0]))
        if day >= periods[-1][1]:
            start, end = periods[-1][1], None
        key = Domain("product_id", "=", product.id)
        moves = (
            key
            & Domain("state", "in", OPEN_MOVE_STATES)
            & Domain("company_id", "=", warehouse.company_id.id)
            & self._range("date", start, end, datetime=True)
        )
        out_moves = (
            moves
            & Domain("location_id.usage", "=", "internal")
            & Domain("location_id.warehouse_id", "=", warehouse.id)
            & (
                Domain("location_dest_id.usage", "!=", "internal")
                | Domain("location_dest_id.warehouse_id", "!=", warehouse.id)
            )
        )
        planned = key & Domain("warehouse_id", "=", warehouse.id) & Domain("state", "in", ("draft", "firm"))
        title = self.env._("%(product)s: %(what)s", product=product.display_name, what="%s")
        if kind == "demand":
            return self._window(
                "stock.move", out_moves & Domain("raw_material_production_id", "=", False), title % self.env._("Demand")
            )
        if kind == "indirect":
            parents = (
                Domain("bom_id.bom_line_ids.product_id", "=", product.id)
                & Domain("warehouse_id", "=", warehouse.id)
                & Domain("state", "in", ("draft", "firm"))
                & self._range("release_date", start, end)
            )
            title = title % self.env._("Indirect Demand")
            if self.env["prod.planning.order"].search_count(parents, limit=1):
                return self._window("prod.planning.order", parents, title)
            return self._window("stock.move", out_moves & Domain("raw_material_production_id", "!=", False), title)
        if kind == "forecast":
            domain = key & Domain("warehouse_id", "=", warehouse.id)
            if end:
                domain &= Domain("date_start", "<", fields.Date.to_string(end))
            if start:
                domain &= Domain("date_end", ">", fields.Date.to_string(max(start, today)))
            return self._window("prod.planning.forecast", domain, title % self.env._("Forecast"))
        if kind == "planned":
            domain = planned & self._range("due_date", start, end)
            return self._window("prod.planning.order", domain, title % self.env._("Planned Supply"))
        title = title % self.env._("Confirmed Supply")
        lines = (
            key
            & Domain("order_id.picking_type_id.warehouse_id", "=", warehouse.id)
            & Domain("state", "in", ("draft", "sent", "to approve", "purchase"))
            & self._range("date_planned", start, end, datetime=True)
        )
        productions = (
            key
            & Domain("picking_type_id.warehouse_id", "=", warehouse.id)
            & Domain("state", "in", ("draft", "confirmed", "progress", "to_close"))
            & self._range("date_finished", start, end, datetime=True)
        )
        if self.env["mrp.production"].search_count(productions, limit=1) and not self.env[
            "purchase.order.line"
        ].search_count(lines, limit=1):
            return self._window("mrp.production", productions, title)
        return self._window("purchase.order.line", lines, title)

    @staticmethod
    def _range(field, start, end, datetime=False):
        """``start <= field < end`` (either may be None), with dates as text
        (the action goes to the client as JSON)."""
        domain = Domain.TRUE
        suffix = " 00:00:00" if datetime else ""
        if start:
            domain &= Domain(field, ">=", fields.Date.to_string(start) + suffix)
        if end:
            domain &= Domain(field, "<", fields.Date.to_string(end) + suffix)
        return domain

    def _window(self, model, domain, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "views": [[False, "list"], [False, "form"]],
            "view_mode": "list,form",
            "domain": list(domain),
            "context": {"create": False},
            "target": "current",
        }
