"""Net-change MRP: replan the items an edit touches, and only them (pure Python).

An edit (a forecast, a firm planned quantity...) of some items changes their
planned orders, hence the dependent demand of their components, of the
components' components, and so on down the BoMs; nothing above or beside them.
``affected_keys`` finds that set, ``plan_with_dependent`` replans it with the
regenerative engine (:func:`.mrp.plan`: same netting, lot sizing and pegging),
the demand that the kept planned orders of the items *outside* the set put on
it given as ``parent_orders``.

Entry points
============
``affected_keys(changed, bom_lines, item_types=None) -> set``
    ``changed`` and every key below them in ``bom_lines`` (through parents
    whose ``item_types[parent]`` is ``"manufacture"`` or ``"kit"``; without
    ``item_types`` every line counts). A kit with a component in the set is
    added too, with everything below it: a kit holds no stock and passes its
    requirements on, so its components' demand is replanned with it.

``plan_with_dependent(items, bom_lines, demands, forecasts, supplies, today,
changed, horizon_end=None, parent_orders=(), options=None) -> (PlanResult, set)``
    Plans the items of ``affected_keys(changed, ...)`` and returns the plan of
    those items with that set. ``items``, ``bom_lines``, ``demands``,
    ``forecasts`` and ``supplies`` are the inputs of a full run (those of other
    items are ignored, so a caller may pass just the affected items').
    ``parent_orders``: the kept planned orders (``mrp.PlannedOrder``-like:
    ``id``, ``item``, ``qty``, ``release_date``) of manufactured items outside
    the set; each needs ``qty * bom qty`` of its components at its release date
    (before ``today``: at today) as ``"dependent"`` demand with ref
    ``("planned", id)`` — as the full run explodes them. Firm orders are
    supplies of the full run and their component demand is part of
    ``demands``, as for a full run.

When the kept orders are those of a full run on the same data before the
edit, the kept orders plus the returned ones are the planned orders of a full
run after it (same items, quantities, release and due dates).
"""

from __future__ import annotations

from .mrp import Demand, plan

EXPLODING = ("manufacture", "kit")


def affected_keys(changed, bom_lines, item_types=None):
    """The keys to replan after ``changed`` changed (see the module doc)."""
    components, parents = {}, {}
    for line in bom_lines:
        if line.qty <= 0:
            continue
        if item_types is not None and item_types.get(line.parent) not in EXPLODING:
            continue
        components.setdefault(line.parent, []).append(line.component)
        parents.setdefault(line.component, []).append(line.parent)
    kits = {key for key, kind in (item_types or {}).items() if kind == "kit"}
    result = set()
    stack = list(changed)
    while stack:
        key = stack.pop()
        if key in result:
            continue
        result.add(key)
        stack.extend(components.get(key, ()))
        # A kit above a replanned key passes demand down to it: replan the kit.
        stack.extend(parent for parent in parents.get(key, ()) if parent in kits)
    return result


def plan_with_dependent(
    items, bom_lines, demands, forecasts, supplies, today, changed, horizon_end=None, parent_orders=(), options=None
):
    """The plan of the items below ``changed`` (see the module doc)."""
    items = list(items)
    bom_lines = list(bom_lines)
    types = {item.key: item.supply_type for item in items}
    keys = affected_keys(changed, bom_lines, types)
    components = {}
    for line in bom_lines:
        if line.qty > 0 and types.get(line.parent) in EXPLODING:
            components.setdefault(line.parent, []).append((line.component, line.qty))
    dependent = []
    for order in parent_orders:
        if order.item in keys or types.get(order.item) != "manufacture":
            continue
        for component, per in components.get(order.item, ()):
            if component in keys:
                # Dated at the release date: the engine needs it at today when past due.
                dependent.append(
                    Demand(component, order.release_date, order.qty * per, ("planned", order.id), "dependent")
                )
    result = plan(
        [item for item in items if item.key in keys],
        [line for line in bom_lines if line.parent in keys],
        [d for d in demands if d.item in keys] + dependent,
        [f for f in forecasts if f.item in keys],
        [s for s in supplies if s.item in keys],
        today,
        horizon_end=horizon_end,
        options=options,
    )
    return result, keys
