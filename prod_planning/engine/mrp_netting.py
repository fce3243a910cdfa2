"""Netting of one item in the MRP engine: on hand, existing supplies, then
planned orders, each covering the earliest uncovered requirement (FIFO).

The requirement rows (see :mod:`.mrp_demand`) are walked with a cursor
``(i, rem)``: ``rows[i]`` is the first requirement not fully covered and
``rem`` what it still needs. Each step takes the cursor and returns it moved.
"""

from __future__ import annotations

from datetime import date

from .mrp_bom import _explode_kit, _explode_orders
from .mrp_demand import _stock_requirements
from .mrp_exceptions import _below_safety, _no_source_message, _supply_message
from .mrp_lots import _plan_orders
from .mrp_projection import _Trace
from .mrp_types import SupplyAllocation, new_peg


def _net_level(run, keys):
    """Net the items of one low-level code (their parents are all netted)."""
    by_key = run.by_key
    for key in keys:
        item = by_key[key]
        if item.supply_type == "kit":
            _explode_kit(run, key)
        else:
            _net_item(run, item)


def _net_item(run, item):
    """Cover the item's requirements, suggest moves of its supplies, plan
    orders for the rest and explode them; keep its trace for the projection."""
    key = item.key
    eps = run.eps
    sup_rows = run.sups.get(key)
    on_hand = float(item.on_hand)
    safety = float(item.safety_stock)
    rows = run.reqs.get(key)
    if not rows and not sup_rows and safety <= eps and -eps <= on_hand <= eps:
        return
    run.n_netted += 1
    calendar = item.calendar or run.default_calendar
    rows = _stock_requirements(run, key, rows, on_hand, safety)
    i, rem = _allocate_on_hand(rows, on_hand, eps)
    i, rem, sup_trace, may_dip = _allocate_supplies(run, key, sup_rows, rows, i, rem, calendar)
    orders = []
    if i < len(rows):
        if item.supply_type == "none":
            may_dip = True
            _no_source(run, key, rows, i, rem)
        else:
            orders, late_dip = _plan_orders(run, item, rows, i, rem, calendar)
            may_dip = may_dip or late_dip
            run.planned_orders.extend(orders)
            comps = run.components.get(key)
            if comps:
                _explode_orders(run, orders, comps)
    trace = run.traces[key] = _Trace(on_hand, safety, rows, sup_trace, orders)
    # What the plan cannot fix: below safety stock with suggestions followed.
    if may_dip:
        _below_safety(key, trace, eps, run.exceptions)


def _allocate_on_hand(rows, on_hand, eps):
    """Step 1: on hand covers the first requirements; returns the cursor."""
    rem = rows[0][4] if rows else 0.0
    if on_hand <= eps:
        return 0, rem
    i, rem, _left = _cover(rows, 0, rem, on_hand, eps, None)
    return i, rem


def _cover(rows, i, rem, qty, eps, pegs):
    """Cover the requirements from the cursor ``(i, rem)`` on with ``qty``,
    first in first out, pegging each share (unless ``pegs`` is None);
    returns (i, rem, qty left)."""
    n = len(rows)
    left = qty
    while i < n and left > eps:
        take = rem if rem < left else left
        if pegs is not None:
            row = rows[i]
            pegs.append(new_peg((row[5], take, row[7])))
        left -= take
        rem -= take
        if rem <= eps:
            i += 1
            if i < n:
                rem = rows[i][4]
    return i, rem, left


def _allocate_supplies(run, key, sup_rows, rows, i, rem, calendar):
    """Step 2: every existing supply, by date, covers the earliest uncovered
    requirements, even when it arrives later (then it is to be brought
    forward, or late when firm). Returns the cursor, the supplies' trace
    ``[(current, suggested, qty)]`` and whether the projection may dip."""
    trace = []
    may_dip = False
    if not sup_rows:
        return i, rem, trace, may_dip
    eps = run.eps
    n = len(rows)
    first_work = _first_workday(run, calendar)
    sup_rows.sort()  # (current, own date, seq): seq is unique
    for current, own, _s, qty, sup in sup_rows:
        sup_date = date.fromordinal(own)
        need_ord = rows[i][0] if i < n else None
        pegs = []
        i, rem, left = _cover(rows, i, rem, qty, eps, pegs)
        if need_ord is None:
            need_date = None
            suggested_date = _unused_supply(run, key, sup, sup_date, current, own, qty)
            trace.append((current, current, qty))
        else:
            target = calendar.prev_ord(need_ord)
            if target < first_work:
                target = first_work
            suggested, firm_late = _suggest_supply_date(
                run, key, sup, sup_date, qty, current, target, calendar, pegs[0].ref if pegs else None
            )
            if firm_late or suggested > need_ord:
                may_dip = True
            trace.append((current, suggested, qty))
            need_date = date.fromordinal(need_ord)
            suggested_date = date.fromordinal(suggested)
        run.allocations.append(
            SupplyAllocation(
                key, sup.ref, sup.kind, sup.firm, sup_date, qty, qty - left, need_date, suggested_date, pegs
            )
        )
    return i, rem, trace, may_dip


def _first_workday(run, calendar):
    """The calendar's first working day from today (cached per calendar)."""
    cal_id = id(calendar)
    first_work = run.first_workday.get(cal_id)
    if first_work is None:
        first_work = run.first_workday[cal_id] = calendar.next_ord(run.today_ord)
    return first_work


def _suggest_supply_date(run, key, sup, sup_date, qty, current, target, calendar, demand_ref=None):
    """(ordinal where the plan wants the supply, whether it is firm and late)
    for a supply due at ``current`` and needed at ``target``; adds the
    reschedule or late message."""
    if target < current:
        target_date = date.fromordinal(target)
        if sup.firm:
            run.exceptions.append(
                _supply_message(key, "late", "firm_late", sup, sup_date, target_date, qty, demand_ref)
            )
            return current, True
        run.exceptions.append(
            _supply_message(key, "reschedule_in", "bring_forward", sup, sup_date, target_date, qty, demand_ref)
        )
        return target, False
    if target > current and not sup.firm:
        target_date = date.fromordinal(target)
        gap = calendar.workdays_between(date.fromordinal(current), target_date)
        if gap > run.tolerance:
            run.exceptions.append(_supply_message(key, "reschedule_out", "postpone", sup, sup_date, target_date, qty))
            return target, False
    return current, False


def _unused_supply(run, key, sup, sup_date, current, own, qty):
    """A supply no requirement needs: to cancel unless firm or beyond the
    horizon. Returns its suggested date (its own, or None when to cancel)."""
    beyond = run.horizon_ord is not None and own > run.horizon_ord
    if sup.firm or beyond:
        return date.fromordinal(current)
    run.exceptions.append(_supply_message(key, "cancel", "not_needed", sup, sup_date, None, qty))
    return None


def _no_source(run, key, rows, i, rem):
    """Step 3 for an item nothing supplies: its shortage is reported."""
    total = rem + sum(rows[j][4] for j in range(i + 1, len(rows)))
    code = "not_in_items" if key in run.implicit else "no_source"
    run.exceptions.append(_no_source_message(key, date.fromordinal(rows[i][0]), total, code))
