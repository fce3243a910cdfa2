"""Reads what a planning run needs from Odoo, in bulk, as the engine's plain data."""

import math
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models

from ..engine import mrp
from ..engine.workcalendar import WorkCalendar

OPEN_MOVE_STATES = ("waiting", "confirmed", "partially_available", "assigned")
RFQ_STATES = ("draft", "sent", "to approve")


class ProdPlanningRunReader(models.AbstractModel):
    """Translate Odoo records into the pure engine's input (first step of a
    planning run: reader → engine → writer).

    Item keys are ``(product_id, warehouse_id)``; demand and supply refs are
    ``(model, id)`` pairs so that pegging and exceptions point at records.
    """

    _name = "prod.planning.run.reader"
    _description = "Planning Data Reader"

    @api.model
    def _collect(self, company, warehouses, today, horizon_end):
        """Return a dict with the engine input and the maps to write results back."""
        self.env.flush_all()
        wh_ids = tuple(warehouses.ids)
        on_hand = self._read_on_hand(wh_ids)
        demands, supplies = self._read_open_moves(company, wh_ids, horizon_end)
        supplies += self._read_rfq_lines(company, wh_ids, horizon_end)
        forecasts = self._read_forecasts(wh_ids, today, horizon_end)
        firm_orders = self._read_firm_orders(wh_ids)
        supplies += self._firm_order_supplies(firm_orders)
        boms = self._read_boms(company)
        parameters = self.env["prod.planning.parameter"].search_read([("warehouse_id", "in", wh_ids)], [], load=None)
        product_ids = self._planned_product_ids(
            on_hand, (*demands, *supplies, *forecasts), parameters, boms, company._prod_planning_categ_ids()
        )
        items, bom_lines, item_info = self._prepare_items(
            company,
            wh_ids,
            self._read_products(product_ids, company),
            boms,
            {(p["product_id"], p["warehouse_id"]): p for p in parameters},
            on_hand,
            self._company_calendar(company, today, horizon_end),
        )
        demands += self._firm_order_demands(firm_orders, boms)
        known = {item.key for item in items}
        return {
            "items": items,
            "bom_lines": bom_lines,
            "demands": [d for d in demands if d.item in known],
            "forecasts": [f for f in forecasts if f.item in known],
            "supplies": [s for s in supplies if s.item in known],
            "item_info": item_info,
        }

    # ------------------------------------------------------------ demand and supply

    def _read_on_hand(self, wh_ids):
        """{(product id, warehouse id): quantity in the warehouse's internal
        locations}."""
        on_hand = defaultdict(float)
        self.env.cr.execute(
            """
            SELECT q.product_id, l.warehouse_id, SUM(q.quantity)
              FROM stock_quant q
              JOIN stock_location l ON l.id = q.location_id
             WHERE l.usage = 'internal' AND l.warehouse_id IN %s
          GROUP BY q.product_id, l.warehouse_id
            """,
            [wh_ids],
        )
        for product_id, warehouse_id, qty in self.env.cr.fetchall():
            on_hand[(product_id, warehouse_id)] += qty
        return on_hand

    def _read_open_moves(self, company, wh_ids, horizon_end):
        """(demands, supplies): open moves leaving a warehouse are demand;
        entering it, supply (by purchase line, production or move)."""
        self.env.cr.execute(
            """
            SELECT m.id, m.product_id, m.product_qty, m.date::date,
                   src.warehouse_id, dest.warehouse_id,
                   src.usage = 'internal' AND src.warehouse_id IN %(wh)s,
                   dest.usage = 'internal' AND dest.warehouse_id IN %(wh)s,
                   m.purchase_line_id, m.production_id
              FROM stock_move m
              JOIN stock_location src ON src.id = m.location_id
              JOIN stock_location dest ON dest.id = m.location_dest_id
             WHERE m.state IN %(states)s
               AND m.company_id = %(company)s
               AND m.date < %(horizon)s
               AND ((src.usage = 'internal' AND src.warehouse_id IN %(wh)s)
                 OR (dest.usage = 'internal' AND dest.warehouse_id IN %(wh)s))
               AND (src.usage != 'internal' OR dest.usage != 'internal'
                    OR src.warehouse_id IS DISTINCT FROM dest.warehouse_id)
            """,
            {"wh": wh_ids, "states": OPEN_MOVE_STATES, "company": company.id, "horizon": horizon_end},
        )
        demands, supplies = [], []
        for (
            move_id,
            product_id,
            qty,
            date,
            src_wh,
            dest_wh,
            is_out,
            is_in,
            purchase_line_id,
            production_id,
        ) in self.env.cr.fetchall():
            if is_out:
                demands.append(mrp.Demand((product_id, src_wh), date, qty, ("stock.move", move_id), "actual"))
            if is_in:
                if purchase_line_id:
                    ref = ("purchase.order.line", purchase_line_id)
                elif production_id:
                    ref = ("mrp.production", production_id)
                else:
                    ref = ("stock.move", move_id)
                supplies.append(mrp.Supply((product_id, dest_wh), date, qty, ref, "receipt", False))
        return demands, supplies

    def _read_rfq_lines(self, company, wh_ids, horizon_end):
        """Supplies of the RFQ lines: RFQs not confirmed yet have no moves."""
        self.env.cr.execute(
            """
            SELECT pol.id, pol.product_id, pol.product_uom_qty, pol.date_planned::date,
                   pt.warehouse_id
              FROM purchase_order_line pol
              JOIN purchase_order po ON po.id = pol.order_id
              JOIN stock_picking_type pt ON pt.id = po.picking_type_id
             WHERE po.state IN %s AND po.company_id = %s AND pt.warehouse_id IN %s
               AND pol.product_id IS NOT NULL AND pol.date_planned < %s
               AND pol.display_type IS NULL
            """,
            [RFQ_STATES, company.id, wh_ids, horizon_end],
        )
        return [
            mrp.Supply((product_id, warehouse_id), date, qty, ("purchase.order.line", line_id), "rfq", False)
            for line_id, product_id, qty, date, warehouse_id in self.env.cr.fetchall()
        ]

    def _read_forecasts(self, wh_ids, today, horizon_end):
        """Forecasts of the warehouses whose period overlaps [today, horizon)."""
        return [
            mrp.Forecast(
                (forecast["product_id"], forecast["warehouse_id"]),
                forecast["date_start"],
                forecast["date_end"],
                forecast["quantity"],
                ("prod.planning.forecast", forecast["id"]),
            )
            for forecast in self.env["prod.planning.forecast"].search_read(
                [("warehouse_id", "in", wh_ids), ("date_end", ">", today), ("date_start", "<", horizon_end)],
                ["product_id", "warehouse_id", "date_start", "date_end", "quantity"],
                load=None,
            )
        ]

    def _read_firm_orders(self, wh_ids):
        """The firm planned orders of the warehouses, as dicts."""
        return self.env["prod.planning.order"].search_read(
            [("state", "=", "firm"), ("warehouse_id", "in", wh_ids)],
            ["product_id", "warehouse_id", "quantity", "due_date", "release_date", "supply_type"],
            load=None,
        )

    def _firm_order_supplies(self, firm_orders):
        """Firm planned orders are supplies the engine never moves."""
        return [
            mrp.Supply(
                (order["product_id"], order["warehouse_id"]),
                order["due_date"],
                order["quantity"],
                ("prod.planning.order", order["id"]),
                "firm",
                True,
            )
            for order in firm_orders
        ]

    def _firm_order_demands(self, firm_orders, boms):
        """Firm planned manufacturing orders need their components like MOs do."""
        demands = []
        for order in firm_orders:
            bom = boms.get(order["product_id"])
            if order["supply_type"] != "manufacture" or not bom:
                continue
            for component_id, qty in bom["lines"]:
                demands.append(
                    mrp.Demand(
                        (component_id, order["warehouse_id"]),
                        order["release_date"],
                        qty * order["quantity"],
                        ("prod.planning.order", order["id"]),
                        "dependent",
                    )
                )
        return demands

    # ------------------------------------------------------------------- items

    def _planned_product_ids(self, on_hand, records, parameters, boms, categ_ids=None):
        """The products to plan: with stock, demand, supply, forecast or
        parameters, and everything below them in their BoMs.

        ``categ_ids`` (the company's planned categories, None: all) keeps the
        products of those categories; their components are planned whatever
        their category."""
        product_ids = set()
        for key in on_hand:
            product_ids.add(key[0])
        for record in records:
            product_ids.add(record.item[0])
        product_ids.update(p["product_id"] for p in parameters)
        if categ_ids is not None:
            product_ids = self._in_categories(product_ids, categ_ids)
        stack = list(product_ids)
        while stack:
            bom = boms.get(stack.pop())
            for component_id, _qty in bom["lines"] if bom else ():
                if component_id not in product_ids:
                    product_ids.add(component_id)
                    stack.append(component_id)
        return product_ids

    def _in_categories(self, product_ids, categ_ids):
        """The products among ``product_ids`` whose category is in ``categ_ids``."""
        if not product_ids or not categ_ids:
            return set()
        self.env.cr.execute(
            """
            SELECT pp.id
              FROM product_product pp
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE pp.id IN %s AND pt.categ_id IN %s
            """,
            [tuple(product_ids), tuple(categ_ids)],
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def _prepare_items(self, company, wh_ids, products, boms, params_by_key, on_hand, calendar):
        """(engine items, BoM lines, {key: what the writer needs}) of every
        product in every warehouse."""
        orderpoint_keys = self._auto_orderpoint_keys(wh_ids)
        items, bom_lines, item_info = [], [], {}
        for warehouse_id in wh_ids:
            for product_id, product in products.items():
                key = (product_id, warehouse_id)
                param = params_by_key.get(key, {})
                bom = boms.get(product_id)
                orderpoint = key in orderpoint_keys
                supply_type, source, no_source_reason = self._supply_type(product, bom, param, orderpoint)
                lead_time = self._lead_time(supply_type, product, bom, param, company)
                items.append(
                    self._prepare_item(
                        key, supply_type, source, lead_time, param, on_hand, calendar, product.get("unit_value", 0.0)
                    )
                )
                item_info[key] = self._prepare_item_info(
                    product, bom, supply_type, source, no_source_reason, orderpoint
                )
                if bom and supply_type in ("manufacture", "kit"):
                    bom_lines.extend(
                        mrp.BomLine(key, (component_id, warehouse_id), qty) for component_id, qty in bom["lines"]
                    )
        return items, bom_lines, item_info

    def _prepare_item(self, key, supply_type, source, lead_time, param, on_hand, calendar, unit_value=0.0):
        """The engine item of ``key`` with its planning parameters;
        ``unit_value`` (cost of one unit) weighs the priority of its messages."""
        return mrp.Item(
            key=key,
            supply_type=supply_type,
            lead_time=lead_time,
            lot_policy=param.get("lot_policy") or "lfl",
            fixed_qty=param.get("lot_fixed_qty") or 0.0,
            min_qty=param.get("lot_min_qty") or 0.0,
            max_qty=param.get("lot_max_qty") or 0.0,
            multiple=param.get("lot_multiple_qty") or 0.0,
            poq_days=param.get("poq_days") or 7,
            safety_stock=param.get("safety_stock") or 0.0,
            on_hand=on_hand.get(key, 0.0),
            calendar=calendar,
            time_fence_days=param.get("time_fence_days") or 0,
            source_ref=source,
            demand_mode=param.get("forecast_consumption") or "max",
            unit_value=unit_value,
        )

    def _prepare_item_info(self, product, bom, supply_type, source, no_source_reason, orderpoint):
        """What the writer needs of an item besides the engine's result."""
        return {
            "product": product,
            "bom": bom,
            "vendor_id": source if supply_type == "buy" else False,
            "bom_id": bom["id"] if supply_type == "manufacture" else False,
            "workcenter_id": bom["workcenter_id"] if bom else False,
            "no_source_reason": no_source_reason,
            "orderpoint": orderpoint,
        }

    def _supply_type(self, product, bom, param, has_orderpoint):
        """(engine supply type, vendor id or BoM id, reason when there is none).

        The reason is a code the writer words for the planner:
        ``"manufacture_without_bom"``, ``"buy_without_vendor"`` or
        ``"no_route"`` (see ``prod.planning.run.wording._word_no_source``).
        """
        forced = param.get("supply_type")
        if has_orderpoint and not forced:
            return "none", False, False
        if forced == "none":
            return "none", False, False
        if bom and bom["type"] == "phantom" and forced in (None, "auto", "kit"):
            return "kit", bom["id"], False
        seller = product["seller"]
        if forced == "manufacture" or (
            forced in (None, "auto") and bom and (product["manufacture"] or not product["buy"])
        ):
            if bom and bom["type"] == "normal":
                return "manufacture", bom["id"], False
            return "none", False, "manufacture_without_bom"
        if forced == "buy" or (forced in (None, "auto") and (product["buy"] or seller)):
            if seller:
                return "buy", seller["partner_id"], False
            return "none", False, "buy_without_vendor"
        if product["manufacture"]:
            return "none", False, "manufacture_without_bom"
        return "none", False, "no_route"

    def _lead_time(self, supply_type, product, bom, param, company):
        if param.get("lead_time_days"):
            return param["lead_time_days"]
        # Odoo 19 dropped the company security lead times (po_lead,
        # manufacturing_lead) that Odoo 18 added here.
        if supply_type == "buy":
            days = product["seller"]["delay"] + company.days_to_purchase
        elif supply_type == "manufacture":
            days = bom["lead_time"]
        else:
            days = 0
        return math.ceil(days)

    def _company_calendar(self, company, today, horizon_end):
        calendar = company.resource_calendar_id
        workdays = frozenset(int(day) for day in calendar.attendance_ids.mapped("dayofweek")) or frozenset(range(5))
        holidays = set()
        leaves = self.env["resource.calendar.leaves"].search_read(
            [
                ("calendar_id", "in", (False, calendar.id)),
                ("resource_id", "=", False),
                ("date_to", ">=", fields.Datetime.to_datetime(today)),
                ("date_from", "<=", fields.Datetime.to_datetime(horizon_end)),
            ],
            ["date_from", "date_to"],
            load=None,
        )
        for leave in leaves:
            day = leave["date_from"].date()
            while day <= leave["date_to"].date():
                # A leave closes a day only when it covers its working hours.
                if (leave["date_to"] - leave["date_from"]) >= timedelta(hours=8):
                    holidays.add(day)
                day += timedelta(days=1)
        return WorkCalendar(workdays=workdays, holidays=frozenset(holidays))

    def _auto_orderpoint_keys(self, wh_ids):
        """Products left to Odoo's automatic reordering rules."""
        return {
            (op["product_id"], op["warehouse_id"])
            for op in self.env["stock.warehouse.orderpoint"].search_read(
                [("warehouse_id", "in", wh_ids), ("trigger", "=", "auto")], ["product_id", "warehouse_id"], load=None
            )
        }

    # -------------------------------------------------------------------- BoMs

    def _read_boms(self, company, template_ids=None):
        """The BoM Odoo would pick for each product, its lines per parent unit
        (with ``template_ids``: for the products of those templates only).

        Quantities are converted to the component's unit and divided by the
        BoM quantity (expressed in the parent's unit).
        """
        uoms = {
            u["id"]: u["factor"]
            for u in self.env["uom.uom"]
            .with_context(active_test=False)  # Odoo 19 archives Dozens
            .search_read([], ["factor"], load=None)
        }
        boms = self._read_bom_records(company, template_ids)
        variants_by_tmpl = defaultdict(list)
        for product_id, template_id, uom_id in self._product_uoms(
            [("product_tmpl_id", "in", list({b["product_tmpl_id"] for b in boms}))]
        ):
            variants_by_tmpl[template_id].append({"id": product_id, "uom_id": uom_id})
        bom_ids = [b["id"] for b in boms]
        lines_by_bom = self._read_bom_lines(bom_ids)
        component_ids = {line["product_id"] for lines in lines_by_bom.values() for line in lines}
        component_uom = {
            product_id: uom_id
            for product_id, _template_id, uom_id in self._product_uoms([("id", "in", list(component_ids))])
        }
        first_workcenter = self._first_workcenters(bom_ids)
        chosen = {}
        # Product-specific BoMs win over template BoMs; lower sequence first.
        for bom in sorted(boms, key=lambda b: (not b["product_id"], b["sequence"])):
            variants = (
                [{"id": bom["product_id"], "uom_id": None}]
                if bom["product_id"]
                else variants_by_tmpl[bom["product_tmpl_id"]]
            )
            for variant in variants:
                if variant["id"] not in chosen:
                    chosen[variant["id"]] = self._prepare_bom(
                        bom,
                        variant["uom_id"] or bom["product_uom_id"],
                        lines_by_bom[bom["id"]],
                        uoms,
                        component_uom,
                        first_workcenter.get(bom["id"], False),
                    )
        return chosen

    def _read_bom_records(self, company, template_ids=None):
        """The company's normal and kit BoMs (of ``template_ids`` when given),
        as dicts, by sequence."""
        domain = [("company_id", "in", (False, company.id)), ("type", "in", ("normal", "phantom"))]
        if template_ids is not None:
            domain.append(("product_tmpl_id", "in", list(template_ids)))
        return self.env["mrp.bom"].search_read(
            domain,
            [
                "product_tmpl_id",
                "product_id",
                "product_qty",
                "product_uom_id",
                "type",
                "produce_delay",
                "days_to_prepare_mo",
                "sequence",
                "operation_ids",
            ],
            order="sequence, id",
            load=None,
        )

    def _read_bom_lines(self, bom_ids):
        """{BoM id: [line dicts]}."""
        lines_by_bom = defaultdict(list)
        for line in self.env["mrp.bom.line"].search_read(
            [("bom_id", "in", bom_ids)], ["bom_id", "product_id", "product_qty", "product_uom_id"], load=None
        ):
            lines_by_bom[line["bom_id"]].append(line)
        return lines_by_bom

    def _first_workcenters(self, bom_ids):
        """{BoM id: work center of its first operation}."""
        first_workcenter = {}
        operations = self.env["mrp.routing.workcenter"].search_read(
            [("bom_id", "in", bom_ids)], ["bom_id", "workcenter_id"], order="sequence, id", load=None
        )
        for operation in operations:
            first_workcenter.setdefault(operation["bom_id"], operation["workcenter_id"])
        return first_workcenter

    def _prepare_bom(self, bom, parent_uom, lines, uoms, component_uom, workcenter):
        """What the run keeps of the BoM chosen for a product whose unit is
        ``parent_uom``: lines as (component, qty in its unit per parent unit)."""
        bom_qty = bom["product_qty"] * uoms[bom["product_uom_id"]] / uoms[parent_uom]
        return {
            "id": bom["id"],
            "type": bom["type"],
            "lead_time": (bom["produce_delay"] or 0) + (bom["days_to_prepare_mo"] or 0),
            "lines": [
                (
                    line["product_id"],
                    line["product_qty"]
                    * uoms[line["product_uom_id"]]
                    / uoms[component_uom[line["product_id"]]]
                    / bom_qty,
                )
                for line in lines
            ],
            "workcenter_id": workcenter,
        }

    def _product_uoms(self, domain):
        """[(product id, template id, unit id)] of the products ``domain`` finds.

        The search applies the usual filters (archived, record rules); the
        units are then read with one query instead of the ORM's related field.
        """
        product_ids = self.env["product.product"].search(domain, order="id").ids
        if not product_ids:
            return []
        self.env.cr.execute(
            """
            SELECT pp.id, pp.product_tmpl_id, pt.uom_id
              FROM product_product pp
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE pp.id IN %s
            """,
            [tuple(product_ids)],
        )
        return self.env.cr.fetchall()

    # ---------------------------------------------------------------- products

    def _read_products(self, product_ids, company):
        """Storable products among ``product_ids``: routes and main vendor.

        Read with a few queries: the buy and manufacture routes as the user
        sees them (active, allowed, selectable on products), which products
        carry them, and the routes of their categories (parents included).
        """
        if not product_ids:
            return {}
        buy_route = self.env.ref("purchase_stock.route_warehouse0_buy", False)
        manufacture_route = self.env.ref("mrp.route_warehouse0_manufacture", False)
        storable = self._read_storable(product_ids)
        template_ids = tuple({row[1] for row in storable.values()}) or (0,)
        routes_by_tmpl = self._product_routes(company, (buy_route, manufacture_route), template_ids)
        routes_by_categ = self._category_routes(company, storable)
        sellers_by_tmpl = self._sellers_by_template(company, template_ids)
        costs = {
            row["id"]: row["standard_price"]
            for row in self.env["product.product"]
            .with_company(company)
            .browse(list(storable))
            .read(["standard_price"], load=None)
        }
        result = {}
        for product_id in product_ids:
            if product_id not in storable:
                continue
            _id, template_id, categ_id = storable[product_id]
            route_ids = routes_by_tmpl[template_id] | routes_by_categ[categ_id]
            sellers = [s for s in sellers_by_tmpl[template_id] if not s["product_id"] or s["product_id"] == product_id]
            result[product_id] = {
                "id": product_id,
                "buy": bool(buy_route and buy_route.id in route_ids),
                "manufacture": bool(manufacture_route and manufacture_route.id in route_ids),
                "seller": sellers[0] if sellers else None,
                "unit_value": costs.get(product_id) or (sellers[0]["price"] if sellers else 0.0),
            }
        return result

    def _read_storable(self, product_ids):
        """{product id: (id, template id, category id)} of the storable ones."""
        self.env.cr.execute(
            """
            SELECT pp.id, pp.product_tmpl_id, pt.categ_id
              FROM product_product pp
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE pp.id IN %s AND pt.is_storable
            """,
            [tuple(product_ids)],
        )
        return {row[0]: row for row in self.env.cr.fetchall()}

    def _product_routes(self, company, routes, template_ids):
        """{template id: {route id}} of the watched ``routes`` set on products
        (those the company's users can select on products)."""
        watched = [route.id for route in routes if route]
        # Odoo 19's Buy and Manufacture routes are not product_selectable (the
        # warehouse offers them) but a product's routes still count, as in
        # stock.rule._search_rule.
        product_route_ids = self.env["stock.route"].with_company(company).search([("id", "in", watched)]).ids
        routes_by_tmpl = defaultdict(set)
        if product_route_ids:
            self.env.cr.execute(
                "SELECT product_id, route_id FROM stock_route_product WHERE route_id IN %s AND product_id IN %s",
                [tuple(product_route_ids), template_ids],
            )
            for template_id, route_id in self.env.cr.fetchall():
                routes_by_tmpl[template_id].add(route_id)
        return routes_by_tmpl

    def _category_routes(self, company, storable):
        """{category id: {route id}} with the parents' routes; None: no category."""
        categories = (
            self.env["product.category"].browse({row[2] for row in storable.values()} - {None}).with_company(company)
        )
        routes_by_categ = {category.id: set(category.total_route_ids.ids) for category in categories}
        routes_by_categ[None] = set()  # a product without category
        return routes_by_categ

    def _sellers_by_template(self, company, template_ids):
        """{template id: [vendor price lines still valid]}, best first."""
        sellers_by_tmpl = defaultdict(list)
        today = fields.Date.context_today(self)
        for seller in self.env["product.supplierinfo"].search_read(
            [
                ("product_tmpl_id", "in", list(template_ids)),
                ("company_id", "in", (False, company.id)),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", today),
            ],
            ["product_tmpl_id", "product_id", "partner_id", "delay", "min_qty", "price"],
            order="sequence, price, id",
            load=None,
        ):
            sellers_by_tmpl[seller["product_tmpl_id"]].append(seller)
        return sellers_by_tmpl

    def _product_names(self, product_ids, company):
        """{product id: display name}, for messages. A product without variant
        attributes is named as Odoo names it ("[reference] name", in the
        user's language) from one query; the others, or all of them when the
        context asks for a vendor's names, by Odoo itself (tens of thousands
        of products would take seconds)."""
        if not product_ids:
            return {}
        Product = self.env["product.product"].with_company(company)
        context = self.env.context
        if any(context.get(key) for key in ("partner_id", "seller_id", "formatted_display_name")):
            return {product.id: product.display_name for product in Product.browse(product_ids)}
        Product.flush_model(["default_code", "product_tmpl_id"])
        self.env["product.template"].flush_model(["name"])
        self.env.cr.execute(
            """
            SELECT product.id, product.default_code,
                   COALESCE(template.name->>%s, template.name->>'en_US'),
                   EXISTS (SELECT 1 FROM product_variant_combination variant
                            WHERE variant.product_product_id = product.id)
              FROM product_product product
              JOIN product_template template ON template.id = product.product_tmpl_id
             WHERE product.id = ANY(%s)
            """,
            [self.env.lang or "en_US", list(product_ids)],
        )
        show_code = context.get("display_default_code", True)
        names, variants = {}, []
        for product_id, code, name, has_variants in self.env.cr.fetchall():
            if has_variants:
                variants.append(product_id)
            else:
                names[product_id] = f"[{code}] {name}" if code and show_code else name
        names.update((product.id, product.display_name) for product in Product.browse(variants))
        return names

    # ------------------------------------------------------------ planning units

    def _warehouse_links(self, warehouses):
        """[(warehouse id, warehouse id)] of ``warehouses`` that supply each
        other: resupply routes and active stock rules moving goods from a
        location of one warehouse to a location of another."""
        wh_ids = tuple(warehouses.ids) or (0,)
        self.env["stock.warehouse"].flush_model()
        self.env["stock.rule"].flush_model()
        self.env["stock.location"].flush_model()
        self.env.cr.execute(
            """
            SELECT supplied_wh_id, supplier_wh_id FROM stock_wh_resupply_table
             WHERE supplied_wh_id IN %s AND supplier_wh_id IN %s
             UNION
            SELECT DISTINCT src.warehouse_id, dest.warehouse_id
              FROM stock_rule r
              JOIN stock_location src ON src.id = r.location_src_id
              JOIN stock_location dest ON dest.id = r.location_dest_id
             WHERE r.active AND src.warehouse_id IN %s AND dest.warehouse_id IN %s
               AND src.warehouse_id <> dest.warehouse_id
            """,
            [wh_ids, wh_ids, wh_ids, wh_ids],
        )
        return self.env.cr.fetchall()
