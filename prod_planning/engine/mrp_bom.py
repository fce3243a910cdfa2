"""Bills of materials in the MRP engine: low-level codes and explosion.

``components`` maps a parent key to ``[(component key, qty per parent unit)]``
(manufactured and kit parents only). Low-level codes order the netting so that
an item is netted after every parent that may add dependent demand to it; the
explosion turns a kit's requirements and a planned order of a manufactured
item into requirement rows of their components (see :mod:`.mrp_demand` for
the row layout).
"""

from __future__ import annotations

from datetime import date
from itertools import groupby

from .mrp_exceptions import _no_source_message
from .mrp_types import K_DEPENDENT, BomCycleError


def _read_bom(run, bom_lines):
    """{parent: [(component, qty)]}; duplicate lines added up, qty <= 0 and
    parents neither manufactured nor kit left out. Every key becomes an item."""
    components = {}
    for line in bom_lines:
        parent = run.ensure(line.parent)
        run.ensure(line.component)
        if parent.supply_type not in ("manufacture", "kit") or line.qty <= 0:
            continue
        comps = components.setdefault(line.parent, {})
        comps[line.component] = comps.get(line.component, 0.0) + line.qty
    return {p: list(c.items()) for p, c in components.items()}


def _planning_levels(keys, components):
    """(low-level codes, [[keys of a level in input order], ...] top level first)."""
    llc = _low_level_codes(keys, components)
    position = {k: i for i, k in enumerate(keys)}
    order = sorted(keys, key=lambda k: (llc[k], position[k]))
    return llc, [list(level) for _code, level in groupby(order, key=llc.__getitem__)]


def _low_level_codes(keys, components):
    """{key: llc} by Kahn's algorithm; raises BomCycleError on a loop."""
    indegree = dict.fromkeys(keys, 0)
    for comps in components.values():
        for child, _qty in comps:
            indegree[child] += 1
    llc = dict.fromkeys(keys, 0)
    queue = [k for k in keys if indegree[k] == 0]
    head = 0
    while head < len(queue):
        parent = queue[head]
        head += 1
        comps = components.get(parent)
        if not comps:
            continue
        level = llc[parent] + 1
        for child, _qty in comps:
            if llc[child] < level:
                llc[child] = level
            indegree[child] -= 1
            if indegree[child] == 0:
                queue.append(child)
    if len(queue) < len(keys):
        raise BomCycleError(_find_cycle(keys, components, indegree))
    return llc


def _find_cycle(keys, components, indegree):
    """A cycle among the nodes Kahn could not free (each has a looping parent)."""
    remaining = {k for k in keys if indegree[k] > 0}
    parents = {}
    for parent, comps in components.items():
        if parent in remaining:
            for child, _qty in comps:
                if child in remaining:
                    parents.setdefault(child, []).append(parent)
    position = {k: i for i, k in enumerate(keys)}
    node = min(remaining, key=position.__getitem__)
    path, seen = [], {}
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = parents[node][0]
    backward = path[seen[node] :]
    cycle = backward[::-1]  # parent -> child order
    start = min(range(len(cycle)), key=lambda i: position[cycle[i]])
    cycle = cycle[start:] + cycle[:start]
    return [*cycle, cycle[0]]


def _explode_kit(run, key):
    """Pass a kit's requirements on to its components (same date and ref); a
    kit without components gets a no_source message instead."""
    run.n_kits += 1
    rows = run.reqs.get(key)
    if not rows:
        return
    comps = run.components.get(key)
    if not comps:
        run.exceptions.append(
            _no_source_message(key, date.fromordinal(min(rows)[0]), sum(r[4] for r in rows), "kit_without_components")
        )
        return
    reqs = run.reqs
    seq = run.seq
    added = 0
    for need, own, rank, _s, qty, ref, _k, own_date in rows:
        for comp, per in comps:
            row = (need, own, rank, next(seq), qty * per, ref, K_DEPENDENT, own_date)
            lst = reqs.get(comp)
            if lst is None:
                reqs[comp] = lst = []
            lst.append(row)
            added += 1
    run.n_dependent += added


def _explode_orders(run, orders, comps):
    """Dependent demand of planned orders: ``qty * per`` of each component at
    the order's release date (before today: at today), ref ``("planned", id)``."""
    reqs = run.reqs
    seq = run.seq
    today_ord = run.today_ord
    added = 0
    for po in orders:
        release_date = po.release_date
        own = release_date.toordinal()
        need = own if own > today_ord else today_ord
        ref = ("planned", po.id)
        qty = po.qty
        for comp, per in comps:
            lst = reqs.get(comp)
            if lst is None:
                reqs[comp] = lst = []
            lst.append((need, own, 0, next(seq), qty * per, ref, K_DEPENDENT, release_date))
            added += 1
    run.n_dependent += added
