"""Planned orders of the MRP engine: lead-time offsetting, lot sizing, pegging.

What on hand and existing supplies leave uncovered of an item's requirement
rows (see :mod:`.mrp_demand`) gets planned orders, one lot at a time: the lot
is due on the working day before its first need (not before the time fence),
released ``lead_time`` working days earlier, and sized by the item's lot
policy for the requirements of its window. Each order is pegged to the
requirements it covers, first in first out; lot-size excess serves the next
requirements before a new lot is made.
"""

from __future__ import annotations

import math
from datetime import date

from .mrp_exceptions import _late_order_message
from .mrp_types import PlannedOrder, new_peg


def _plan_orders(run, item, rows, i, rem, calendar):
    """Step 3: orders covering ``rows`` from the cursor ``(i, rem)`` on.

    Returns (the orders, whether one is due after its need).
    """
    eps = run.eps
    today_ord = run.today_ord
    exceptions = run.exceptions
    key = item.key
    lot = _lot_rule(run, item, calendar)
    n = len(rows)
    orders = []
    free = []  # what each order still has for the next requirements
    cur = 0
    may_dip = False
    while i < n:
        if cur >= len(orders):
            release, due = _new_lots(run, lot, rows, i, rem, orders, free)
        po = orders[cur]
        row = rows[i]
        if not po.pegs:  # the first requirement it covers
            need = row[0]
            po.need_date = date.fromordinal(need)
            if release < today_ord or due > need:
                po.late = True
                if due > need:
                    may_dip = True
                exceptions.append(_late_order_message(key, po, release < today_ord))
        # peg: the order covers what it can of the requirement
        avail = free[cur]
        take = rem if rem < avail else avail
        po.pegs.append(new_peg((row[5], take, row[7])))
        avail -= take
        rem -= take
        free[cur] = avail
        if avail <= eps:
            cur += 1
        if rem <= eps:
            i += 1
            if i < n:
                rem = rows[i][4]
    return orders, may_dip


def _lot_rule(run, item, calendar):
    """What every lot of the item needs, read once: (key, supply type, source
    ref, calendar, earliest due ordinal, lead time, poq days, lot-size
    arguments or None for lot for lot)."""
    fence = item.time_fence_days
    fence_key = (id(calendar), fence)
    earliest = run.fence_cache.get(fence_key)
    if earliest is None:
        earliest = run.fence_cache[fence_key] = calendar.add_ord(run.today_ord, fence)
    policy = item.lot_policy
    return (
        item.key,
        item.supply_type,
        item.source_ref,
        calendar,
        earliest,
        item.lead_time,
        item.poq_days if policy == "poq" else 0,
        None
        if policy in ("lfl", "poq")
        else (policy, item.fixed_qty, item.min_qty, item.max_qty, item.multiple),
    )


def _new_lots(run, lot, rows, i, rem, orders, free):
    """Append the order(s) of the next lot, for ``rows[i]`` on, to ``orders``
    (and their quantities to ``free``); returns (release, due) ordinals."""
    key, supply_type, source_ref, calendar, earliest, lead_time, poq_days, sizing = lot
    need = rows[i][0]
    release, due = _offset_lead_time(calendar, need, earliest, lead_time)
    # the lot covers the requirements before the day after its due date, or
    # before the end of its period (period order quantity)
    limit = calendar.add_ord(due, 1)
    if need + poq_days > limit:
        limit = need + poq_days
    n = len(rows)
    total = rem
    j = i + 1
    while j < n and rows[j][0] < limit:
        total += rows[j][4]
        j += 1
    due_date = date.fromordinal(due)
    release_date = date.fromordinal(release)
    order_ids = run.order_ids
    sizes = (total,) if sizing is None else _lot_sizes(*sizing, total, run.eps)
    for qty in sizes:
        orders.append(
            PlannedOrder(
                next(order_ids),
                key,
                qty,
                release_date,
                due_date,
                supply_type,
                source_ref,
                [],
            )
        )
        free.append(qty)
    return release, due


def _offset_lead_time(calendar, need, earliest, lead_time):
    """(release, due) ordinals of a lot needed at ``need``: due the working
    day before, not before ``earliest`` (time fence), released ``lead_time``
    working days before its due date (even before today)."""
    due = calendar.prev_ord(need)
    if due < earliest:
        due = earliest
    return calendar.sub_ord(due, lead_time), due


def _lot_sizes(policy, fixed, minimum, maximum, multiple, net, eps):
    """Order quantities covering ``net`` under the item's lot policy."""
    if policy == "fixed":
        if fixed <= eps:
            return [net]
        return [float(max(1, math.ceil(net / fixed - 1e-9)) * fixed)]
    if policy != "min_max_multiple":
        return [net]

    def round_up(qty):
        if multiple > eps:
            return float(max(1, math.ceil(qty / multiple - 1e-9)) * multiple)
        return float(qty)

    min_rounded = round_up(minimum) if minimum > eps else 0.0
    if maximum > eps:
        cap = maximum
        if multiple > eps:
            cap = math.floor(maximum / multiple + 1e-9) * multiple or multiple
        cap = max(cap, min_rounded)
    else:
        cap = math.inf
    out = []
    remaining = net
    while remaining > eps:
        take = remaining if remaining < cap else cap
        out.append(round_up(take if take > minimum else minimum))
        remaining -= take
    return out
