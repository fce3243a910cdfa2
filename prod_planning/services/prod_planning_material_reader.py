"""Component availability of manufacturing orders, for the scheduler: when
their components can be there (free stock, open purchase lines, manufacturing
orders producing them) and which orders wait for which."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from odoo import _, api, models
from odoo.tools import format_date

from .prod_planning_schedule_reader import EPSILON

OPEN_PRODUCTION_STATES = ("confirmed", "progress", "to_close")


def _netting_order(production):
    """Orders net their components urgent first, then by deadline and start."""
    return (
        production.priority != "1",
        production.date_deadline or datetime.max,
        production.date_start or datetime.max,
        production.id,
    )


@dataclass
class MaterialPool:
    """What component netting draws from, order after order: free stock and
    incoming supplies (in date order) per (product id, warehouse id), product
    names; ``links`` collects the (producer, consumer) orders in scope."""

    on_hand: dict
    supplies: dict
    names: dict
    links: list = field(default_factory=list)


class ProdPlanningMaterialReader(models.AbstractModel):
    """Reads and nets the components of the orders to schedule, in bulk (one
    read of the moves, of the free stock and of the incoming supply); called
    by the schedule reader (``prod.planning.schedule.reader``)."""

    _name = "prod.planning.material.reader"
    _description = "Component Availability Reader"

    @api.model
    def _read_availability(self, scheduled, scope):
        """When the components of the ``scheduled`` orders are available, and
        which orders wait for which.

        Components still to be reserved are netted, order by order (urgent first,
        then by deadline and start), against the free stock of the order's
        warehouse, then against incoming supply by expected date: open purchase
        lines (their planned date), manufacturing orders outside the ``scope``
        (their planned end) and those inside it (a link: the consumer waits for
        the producer's last operation). Returns ``({production id: (release
        datetime or None, note)}, [(producer id, consumer id)])`` for the orders
        that wait or are short.
        """
        needs = self._component_needs(scheduled)
        material = {}
        if not needs:
            return material, []
        warehouse_of = {p.id: (p.picking_type_id.warehouse_id or p.location_src_id.warehouse_id).id for p in scheduled}
        pool = self._material_pool(
            {pid for need in needs.values() for pid in need}, set(warehouse_of.values()) - {False}, scope
        )
        for production in scheduled.sorted(_netting_order):
            if production.id not in needs:
                continue
            latest, upstream, short = self._net_order(
                production, needs[production.id], warehouse_of[production.id], pool
            )
            note = self._material_note(latest, upstream, short)
            if note:
                material[production.id] = (latest[0] if latest else None, note)
        return material, pool.links

    @api.model
    def _component_needs(self, scheduled):
        """``{production id: {product id: quantity}}`` of the components still
        to be reserved (product's unit)."""
        moves = self.env["stock.move"].search(
            [("raw_material_production_id", "in", scheduled.ids), ("state", "not in", ("done", "cancel"))]
        )
        needs = defaultdict(lambda: defaultdict(float))
        for move in moves:
            reserved = move.product_uom._compute_quantity(
                move.quantity, move.product_id.uom_id, rounding_method="HALF-UP"
            )
            need = move.product_qty - reserved
            if need > EPSILON:
                needs[move.raw_material_production_id.id][move.product_id.id] += need
        return needs

    @api.model
    def _material_pool(self, product_ids, warehouse_ids, scope):
        products = self.env["product.product"].browse(product_ids)
        return MaterialPool(
            on_hand=self._free_stock(product_ids, warehouse_ids),
            supplies=self._incoming_supply(product_ids, warehouse_ids, scope),
            names={p.id: p.display_name for p in products},
        )

    @api.model
    def _net_order(self, production, needs, warehouse_id, pool):
        """Net one order's ``needs`` against ``pool`` (taken from it):
        ``(latest, upstream, short)``, the latest supply waited for outside
        the scope as (date, product name, reference), the supplies of orders
        in the scope and the shortages, as texts."""
        latest = None
        upstream, short = [], []
        for product_id, need in sorted(needs.items()):
            key = (product_id, warehouse_id)
            take = min(need, pool.on_hand.get(key, 0.0))
            pool.on_hand[key] = pool.on_hand.get(key, 0.0) - take
            need -= take
            name = pool.names[product_id]
            for supply in pool.supplies.get(key, []):
                if need <= EPSILON:
                    break
                if supply["production_id"] == production.id:
                    continue
                take = min(need, supply["qty"])
                if take <= EPSILON:
                    continue
                supply["qty"] -= take
                need -= take
                if supply["in_scope"]:
                    pool.links.append((supply["production_id"], production.id))
                    upstream.append(_("%(product)s from %(ref)s", product=name, ref=supply["ref"]))
                elif supply["date"] and (latest is None or supply["date"] > latest[0]):
                    latest = (supply["date"], name, supply["ref"])
            if need > EPSILON:
                short.append(
                    _("%(product)s short by %(qty)s with no supply expected", product=name, qty=round(need, 4))
                )
        return latest, upstream, short

    @api.model
    def _material_note(self, latest, upstream, short):
        notes = []
        if latest:
            notes.append(
                _(
                    "%(product)s expected from %(ref)s on %(date)s",
                    product=latest[1],
                    ref=latest[2],
                    date=format_date(self.env, latest[0]),
                )
            )
        if upstream:
            notes.append(_("waits for %s", ", ".join(dict.fromkeys(upstream))))
        notes.extend(short)
        return "; ".join(notes)

    @api.model
    def _free_stock(self, product_ids, warehouse_ids):
        """Unreserved on-hand quantity per (product, warehouse)."""
        if not product_ids or not warehouse_ids:
            return {}
        self.env["stock.quant"].flush_model(["product_id", "location_id", "quantity", "reserved_quantity"])
        self.env.cr.execute(
            """
            SELECT q.product_id, l.warehouse_id,
                   SUM(q.quantity) - SUM(q.reserved_quantity)
              FROM stock_quant q
              JOIN stock_location l ON l.id = q.location_id
             WHERE l.usage = 'internal'
               AND q.product_id IN %s
               AND l.warehouse_id IN %s
          GROUP BY q.product_id, l.warehouse_id
            """,
            [tuple(product_ids), tuple(warehouse_ids)],
        )
        return {(p, w): max(0.0, qty or 0.0) for p, w, qty in self.env.cr.fetchall()}

    @api.model
    def _incoming_supply(self, product_ids, warehouse_ids, scope):
        """Open purchase lines and manufacturing orders per (product, warehouse),
        sorted by expected date (orders in scope by their current planned end)."""
        supplies = defaultdict(list)
        lines = self.env["purchase.order.line"].search(
            [
                ("product_id", "in", list(product_ids)),
                ("state", "=", "purchase"),
                ("order_id.picking_type_id.warehouse_id", "in", list(warehouse_ids)),
            ]
        )
        for line in lines:
            if line.product_qty <= EPSILON:
                continue
            open_ratio = max(0.0, 1.0 - line.qty_received / line.product_qty)
            qty = line.product_uom_qty * open_ratio
            if qty > EPSILON:
                supplies[(line.product_id.id, line.order_id.picking_type_id.warehouse_id.id)].append(
                    {
                        "date": line.date_planned,
                        "qty": qty,
                        "ref": line.order_id.name,
                        "production_id": False,
                        "in_scope": False,
                    }
                )
        productions = self.env["mrp.production"].search(
            [
                ("product_id", "in", list(product_ids)),
                ("state", "in", OPEN_PRODUCTION_STATES),
                ("picking_type_id.warehouse_id", "in", list(warehouse_ids)),
            ]
        )
        for production in productions:
            ratio = production.product_uom_qty / production.product_qty if production.product_qty else 1.0
            qty = production.product_uom_qty - production.qty_produced * ratio
            if qty > EPSILON:
                supplies[(production.product_id.id, production.picking_type_id.warehouse_id.id)].append(
                    {
                        "date": production.date_finished,
                        "qty": qty,
                        "ref": production.name,
                        "production_id": production.id,
                        "in_scope": production in scope,
                    }
                )
        for queue in supplies.values():
            queue.sort(key=lambda s: (s["date"] or datetime.max, s["ref"]))
        return supplies
