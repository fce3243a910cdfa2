"""Reads what a delivery promise needs, in bulk, as the promise engine's data."""

from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models

from ..engine import promise as promise_engine
from .prod_planning_run_reader import OPEN_MOVE_STATES, RFQ_STATES

HORIZON_DAYS = 2 * 366  # calendar holidays read this far ahead


class ProdPlanningPromiseReader(models.AbstractModel):
    """The promise engine's input for some products in some warehouses
    (reader → engine; a promise writes nothing).

    Only the asked products and everything below them in their BoMs are read:
    their on hand, open moves, RFQ lines and planned orders (draft and firm:
    the plan's supply), the work centers of their routings with the hours the
    capacity load table leaves free, and the company's working calendar.
    The run reader (``prod.planning.run.reader``) decides, as for the plan,
    which BoM a product uses, whether it is bought or made, from which vendor
    and in how many days.

    Item keys are ``(product_id, warehouse_id)``.
    """

    _name = "prod.planning.promise.reader"
    _description = "Delivery Promise Data Reader"

    @api.model
    def _collect(self, company, keys, today, exclude_move_ids=()):
        """``{"promiser": engine Promiser, "product_ids", "workcenter_names"}``
        for the ``(product id, warehouse id)`` ``keys`` and their components;
        ``exclude_move_ids``: moves left out of the projection (those of the
        delivery or order being promised, which must not wait for themselves)."""
        self.env.flush_all()
        run_reader = self.env["prod.planning.run.reader"]
        wh_ids = tuple({wh for _p, wh in keys})
        boms, product_ids = self._read_boms_below(company, {product_id for product_id, _wh in keys})
        products = run_reader._read_products(product_ids, company)
        params = {
            (p["product_id"], p["warehouse_id"]): p
            for p in self.env["prod.planning.parameter"].search_read(
                [("warehouse_id", "in", wh_ids), ("product_id", "in", list(product_ids))],
                ["product_id", "warehouse_id", "supply_type", "lead_time_days"],
                load=None,
            )
        }
        pids = tuple(products) or (0,)
        on_hand = self._read_on_hand(pids, wh_ids)
        events = self._read_moves(company, pids, wh_ids, tuple(exclude_move_ids) or (0,))
        self._read_rfq_lines(company, pids, wh_ids, events)
        self._read_planned_orders(company, pids, wh_ids, events)
        operations = self._read_operations([bom["id"] for bom in boms.values()])
        calendar = run_reader._company_calendar(company, today, today + timedelta(days=HORIZON_DAYS))
        vendor_names = self._vendor_names(products)
        items = []
        wc_ids = set()
        for warehouse_id in wh_ids:
            for product_id, product in products.items():
                key = (product_id, warehouse_id)
                bom = boms.get(product_id)
                param = params.get(key, {})
                supply_type, _source, _reason = run_reader._supply_type(product, bom, param, False)
                lead_time = run_reader._lead_time(supply_type, product, bom, param, company)
                # A kit ships when its components do: made at once, no operation.
                engine_type = {"buy": "buy", "manufacture": "manufacture", "kit": "manufacture"}.get(supply_type)
                item = promise_engine.PromiseItem(
                    key,
                    on_hand=on_hand.get(key, 0.0),
                    events=events.get(key, []),
                    supply_type=engine_type or "none",
                    lead_time=lead_time if supply_type != "kit" else 0,
                )
                if supply_type == "buy":
                    item.vendor = vendor_names.get(product["seller"]["partner_id"])
                elif supply_type == "kit":
                    item.components = [
                        ((component_id, warehouse_id), qty) for component_id, qty in bom["lines"] if qty > 0
                    ]
                elif supply_type == "manufacture":
                    item.components = [
                        ((component_id, warehouse_id), qty) for component_id, qty in bom["lines"] if qty > 0
                    ]
                    item.operations = operations.get(bom["id"], [])
                    wc_ids.update(op.workcenter for op in item.operations)
                items.append(item)
        workcenters, wc_names = self._read_workcenters(sorted(wc_ids), today, calendar)
        return {
            "promiser": promise_engine.Promiser(
                items, today, workcenters, calendar, self._read_commitments(company, pids, wh_ids, today)
            ),
            "product_ids": set(products),
            "workcenter_names": wc_names,
        }

    def _read_boms_below(self, company, product_ids):
        """({product id: BoM as the run reader prepares it}, every product id
        from ``product_ids`` down their BoMs): the BoMs are read level by
        level, only for these products, and chosen as the run reader chooses
        them (product-specific first, then by sequence)."""
        run_reader = self.env["prod.planning.run.reader"]
        uoms = {
            u["id"]: u["factor"]
            for u in self.env["uom.uom"].with_context(active_test=False).search_read([], ["factor"], load=None)
        }
        chosen, seen, frontier = {}, set(), set(product_ids)
        while frontier:
            seen |= frontier
            variants = run_reader._product_uoms([("id", "in", list(frontier))])
            template_ids = {template_id for _id, template_id, _uom in variants}
            records = run_reader._read_bom_records(company, template_ids)
            bom_ids = [bom["id"] for bom in records]
            lines_by_bom = run_reader._read_bom_lines(bom_ids) if bom_ids else {}
            component_ids = {line["product_id"] for lines in lines_by_bom.values() for line in lines}
            component_uom = {
                product_id: uom_id
                for product_id, _tmpl, uom_id in run_reader._product_uoms([("id", "in", list(component_ids))])
            }
            first_workcenter = run_reader._first_workcenters(bom_ids) if bom_ids else {}
            by_template = {}
            for bom in sorted(records, key=lambda b: (not b["product_id"], b["sequence"])):
                by_template.setdefault(bom["product_tmpl_id"], []).append(bom)
            frontier = set()
            for product_id, template_id, uom_id in variants:
                for bom in by_template.get(template_id, ()):
                    if bom["product_id"] and bom["product_id"] != product_id:
                        continue
                    chosen[product_id] = run_reader._prepare_bom(
                        bom,
                        uom_id,
                        lines_by_bom[bom["id"]],
                        uoms,
                        component_uom,
                        first_workcenter.get(bom["id"], False),
                    )
                    frontier.update(component_id for component_id, _qty in chosen[product_id]["lines"])
                    break
            frontier = {product_id for product_id in frontier if product_id in component_uom} - seen
        return chosen, seen

    # ------------------------------------------------------------ demand and supply

    def _read_on_hand(self, product_ids, wh_ids):
        """{(product id, warehouse id): quantity in the warehouse's internal locations}."""
        self.env.cr.execute(
            """
            SELECT q.product_id, l.warehouse_id, SUM(q.quantity)
              FROM stock_quant q
              JOIN stock_location l ON l.id = q.location_id
             WHERE l.usage = 'internal' AND l.warehouse_id IN %s AND q.product_id IN %s
          GROUP BY q.product_id, l.warehouse_id
            """,
            [wh_ids, product_ids],
        )
        return {(product_id, wh): qty for product_id, wh, qty in self.env.cr.fetchall()}

    def _read_moves(self, company, product_ids, wh_ids, exclude_move_ids=(0,)):
        """{key: [(date, qty)]}: open moves entering (+) or leaving (-) a
        warehouse, as the run reader reads them."""
        self.env.cr.execute(
            """
            SELECT m.product_id, m.product_qty, m.date::date,
                   CASE WHEN src.usage = 'internal' AND src.warehouse_id IN %(wh)s
                        THEN src.warehouse_id END,
                   CASE WHEN dest.usage = 'internal' AND dest.warehouse_id IN %(wh)s
                        THEN dest.warehouse_id END
              FROM stock_move m
              JOIN stock_location src ON src.id = m.location_id
              JOIN stock_location dest ON dest.id = m.location_dest_id
             WHERE m.state IN %(states)s
               AND m.company_id = %(company)s
               AND m.product_id IN %(products)s
               AND m.id NOT IN %(excluded)s
               AND ((src.usage = 'internal' AND src.warehouse_id IN %(wh)s)
                 OR (dest.usage = 'internal' AND dest.warehouse_id IN %(wh)s))
               AND (src.usage != 'internal' OR dest.usage != 'internal'
                    OR src.warehouse_id IS DISTINCT FROM dest.warehouse_id)
            """,
            {
                "wh": wh_ids,
                "states": OPEN_MOVE_STATES,
                "company": company.id,
                "products": product_ids,
                "excluded": exclude_move_ids,
            },
        )
        events = defaultdict(list)
        for product_id, qty, day, out_wh, in_wh in self.env.cr.fetchall():
            if out_wh:
                events[(product_id, out_wh)].append((day, -qty))
            if in_wh:
                events[(product_id, in_wh)].append((day, qty))
        return events

    def _read_rfq_lines(self, company, product_ids, wh_ids, events):
        """RFQ lines not confirmed yet (they have no moves) are supply."""
        self.env.cr.execute(
            """
            SELECT pol.product_id, pol.product_uom_qty, pol.date_planned::date, pt.warehouse_id
              FROM purchase_order_line pol
              JOIN purchase_order po ON po.id = pol.order_id
              JOIN stock_picking_type pt ON pt.id = po.picking_type_id
             WHERE po.state IN %s AND po.company_id = %s AND pt.warehouse_id IN %s
               AND pol.product_id IN %s AND pol.display_type IS NULL
            """,
            [RFQ_STATES, company.id, wh_ids, product_ids],
        )
        for product_id, qty, day, warehouse_id in self.env.cr.fetchall():
            events[(product_id, warehouse_id)].append((day, qty))

    def _read_planned_orders(self, company, product_ids, wh_ids, events):
        """The plan's planned orders (draft and firm) are supply on their due
        date; manufacturing ones take their BoM's components on their release
        date (quantities converted to the units of the product and component)."""
        self.env.cr.execute(
            """
            SELECT product_id, warehouse_id, quantity, due_date
              FROM prod_planning_order
             WHERE state IN ('draft', 'firm') AND company_id = %s AND warehouse_id IN %s AND product_id IN %s
            """,
            [company.id, wh_ids, product_ids],
        )
        for product_id, warehouse_id, qty, due in self.env.cr.fetchall():
            events[(product_id, warehouse_id)].append((due, qty))
        self.env.cr.execute(
            """
            WITH lines AS (
                SELECT l.bom_id, l.product_id,
                       l.product_qty * lu.factor / cu.factor / (b.product_qty * bu.factor / pu.factor) AS per_unit
                  FROM mrp_bom_line l
                  JOIN mrp_bom b ON b.id = l.bom_id
                  JOIN uom_uom lu ON lu.id = l.product_uom_id
                  JOIN product_product cp ON cp.id = l.product_id
                  JOIN product_template ct ON ct.id = cp.product_tmpl_id
                  JOIN uom_uom cu ON cu.id = ct.uom_id
                  JOIN uom_uom bu ON bu.id = b.product_uom_id
                  JOIN product_template pt ON pt.id = b.product_tmpl_id
                  JOIN uom_uom pu ON pu.id = pt.uom_id
                 WHERE l.product_id IN %s AND b.product_qty > 0
            )
            , orders AS (
                SELECT bom_id, warehouse_id, release_date, SUM(quantity) AS quantity
                  FROM prod_planning_order
                 WHERE state IN ('draft', 'firm') AND supply_type = 'manufacture' AND company_id = %s
                   AND warehouse_id IN %s AND bom_id IN (SELECT bom_id FROM lines)
              GROUP BY 1, 2, 3
            )
            SELECT lines.product_id, o.warehouse_id, o.release_date, SUM(o.quantity * lines.per_unit)
              FROM orders o
              JOIN lines ON lines.bom_id = o.bom_id
          GROUP BY 1, 2, 3
            """,
            [product_ids, company.id, wh_ids],
        )
        for component_id, warehouse_id, release, qty in self.env.cr.fetchall():
            events[(component_id, warehouse_id)].append((release, -qty))

    @api.model
    def _read_commitments(self, company, product_ids, wh_ids, today):
        """``[(key, date, qty)]`` of promises accepted but not yet in stock
        moves (none here; ``prod_planning_sale`` adds its quotations')."""
        return []

    # --------------------------------------------------------------- capacity

    def _read_operations(self, bom_ids):
        """{BoM id: [engine Operation]}: hours per unit and per order of each
        operation on its work center (cycle time at the work center's
        capacity and efficiency, setup and cleanup)."""
        if not bom_ids:
            return {}
        operations = self.env["mrp.routing.workcenter"].search_read(
            [("bom_id", "in", bom_ids)], ["bom_id", "workcenter_id", "time_cycle_manual"], load=None
        )
        wc_ids = list({op["workcenter_id"] for op in operations})
        workcenters = {
            wc["id"]: wc
            for wc in self.env["mrp.workcenter"].search_read(
                [("id", "in", wc_ids)], ["time_efficiency", "time_start", "time_stop"], load=None
            )
        }
        # Odoo 19 makes a BoM's quantity in parallel by default (one cycle).
        bom_qty = {
            bom["id"]: bom["product_qty"]
            for bom in self.env["mrp.bom"].search_read([("id", "in", bom_ids)], ["product_qty"], load=None)
        }
        result = defaultdict(list)
        for op in operations:
            wc = workcenters.get(op["workcenter_id"])
            if not wc:
                continue
            capacity = bom_qty.get(op["bom_id"]) or 1.0
            efficiency = (wc["time_efficiency"] or 100.0) / 100.0
            result[op["bom_id"]].append(
                promise_engine.Operation(
                    wc["id"],
                    (op["time_cycle_manual"] or 0.0) / capacity / efficiency / 60.0,
                    ((wc["time_start"] or 0.0) + (wc["time_stop"] or 0.0)) / 60.0,
                )
            )
        return result

    def _read_workcenters(self, wc_ids, today, calendar):
        """(engine WorkCenters, {id: name}): free hours per day from the
        capacity load table, then the calendar's hours per day beyond it."""
        if not wc_ids:
            return [], {}
        free = defaultdict(dict)
        known_until = {}
        for row in self.env["prod.planning.capacity.load"].search_read(
            [("workcenter_id", "in", wc_ids), ("date", ">=", today)], ["workcenter_id", "date", "free_hours"], load=None
        ):
            wc_id, day = row["workcenter_id"], row["date"]
            free[wc_id][day] = free[wc_id].get(day, 0.0) + max(0.0, row["free_hours"])
            known_until[wc_id] = max(known_until.get(wc_id, day), day)
        rows = self.env["mrp.workcenter"].search_read(
            [("id", "in", wc_ids)], ["name", "resource_calendar_id"], load=None
        )
        hours = {
            c["id"]: c["hours_per_day"]
            for c in self.env["resource.calendar"].search_read(
                [("id", "in", [row["resource_calendar_id"] for row in rows if row["resource_calendar_id"]])],
                ["hours_per_day"],
                load=None,
            )
        }
        workcenters, names = [], {}
        for row in rows:
            names[row["id"]] = row["name"]
            workcenters.append(
                promise_engine.WorkCenter(
                    row["id"],
                    free=free.get(row["id"], {}),
                    known_until=known_until.get(row["id"]),
                    daily_hours=hours.get(row["resource_calendar_id"]) or 8.0,
                    calendar=calendar,
                )
            )
        return workcenters, names

    def _vendor_names(self, products):
        partner_ids = {p["seller"]["partner_id"] for p in products.values() if p["seller"]}
        return {p.id: p.name for p in self.env["res.partner"].browse(partner_ids)}

    @api.model
    def _today(self):
        return fields.Date.context_today(self)
