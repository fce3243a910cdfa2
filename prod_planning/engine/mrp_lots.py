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

    Returns (the orders, whether one is due after its need). Lots are made
    inline: there are about as many lots as orders (86,000 in the N=2,500
    benchmark), and a function call per lot costs 3 % of the whole plan.
    """
    eps = run.eps
    today_ord = run.today_ord
    exceptions = run.exceptions
    order_ids = run.order_ids
    key, stype, source_ref, earliest, lead_time, poq_days, sizing = _lot_rule(run, item, calendar)
    n = len(rows)
    orders = []
    free = []  # what each order still has for the next requirements
    cur = 0
    may_dip = False
    while i < n:
        if cur >= len(orders):
            # A new lot. Lead-time offsetting: due the working day before the
            # first uncovered need, not before the time fence, released
            # lead_time working days earlier. Lot sizing: for what is needed
            # before the next working day after it is due (or the end of the
            # poq period), by the item's lot policy.
            need = rows[i][0]
            due = calendar.prev_ord(need)
            if due < earliest:
                due = earliest
            release = calendar.sub_ord(due, lead_time)
            limit = calendar.add_ord(due, 1)
            if need + poq_days > limit:
                limit = need + poq_days
            total = rem
            j = i + 1
            while j < n and rows[j][0] < limit:
                total += rows[j][4]
                j += 1
            sizes = (total,) if sizing is None else _lot_sizes(*sizing, total, eps)
            due_date = date.fromordinal(due)
            release_date = date.fromordinal(release)
            for qty in sizes:
                orders.append(PlannedOrder(next(order_ids), key, qty, release_date, due_date, stype, source_ref, []))
                free.append(qty)
        po = orders[cur]
        row = rows[i]
        if not po.pegs:  # the first requirement it covers
            need = row[0]
            po.need_date = date.fromordinal(need)
            if release < today_ord or due > need:
                po.late = True
                if due > need:
                    may_dip = True
                arrival = date.fromordinal(calendar.add_ord(today_ord, lead_time))
                exceptions.append(_late_order_message(key, po, release < today_ord, row[5], arrival))
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
    ref, earliest due ordinal (time fence), lead time, poq days, lot-size
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
        earliest,
        item.lead_time,
        item.poq_days if policy == "poq" else 0,
        None if policy in ("lfl", "poq") else (policy, item.fixed_qty, item.min_qty, item.max_qty, item.multiple),
    )


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
