"""The MRP engine's exception messages: data for the planner, no text.

Each message is made where netting finds its case (see :mod:`.mrp_netting`);
the below-safety-stock check runs once an item is netted, on its projection
with every suggestion followed. See the doc of :mod:`.mrp` for the kinds and
codes.
"""

from __future__ import annotations

from datetime import date

from .mrp_projection import _daily
from .mrp_types import EXCEPTION_KINDS, ExceptionMessage


def _supply_message(key, kind, code, sup, sup_date, suggested_date, qty, demand_ref=None):
    """A message about the existing supply ``sup`` (reschedule, cancel, late)."""
    days_late = (sup_date - suggested_date).days if suggested_date and kind in ("late", "reschedule_in") else 0
    return ExceptionMessage(key, kind, sup.ref, sup_date, suggested_date, qty, code, {}, demand_ref, max(days_late, 0))


def _late_order_message(key, po, release_in_past, demand_ref, arrival):
    """A planned order released before today or moved after its need.

    ``date`` is when the supply can arrive at best: released today, after its
    lead time (``arrival``), or the time fence's due date; ``suggested_date``
    is the need, the date to expedite it to.
    """
    arrives = arrival if release_in_past and arrival > po.due_date else po.due_date
    return ExceptionMessage(
        key,
        "late",
        ("planned", po.id),
        arrives,
        po.need_date,
        po.qty,
        "release_in_past" if release_in_past else "time_fence",
        {"release_date": po.release_date},
        demand_ref,
        max((arrives - po.need_date).days, 0),
    )


def exception_priority(kind, code, days_late, value, options):
    """0 (normal), 1 (high) or 2 (urgent) of a message.

    A supply late for its need (``late``, ``reschedule_in``) is high from
    ``options.high_priority_days`` days late and urgent from
    ``options.urgent_priority_days``; its value (qty x unit value) at or above
    ``options.high_priority_value`` raises it one step (a late supply of any
    value is at least high then). Demand that nothing supplies and projected
    stock-outs are high; the other messages normal.
    """
    if kind in ("late", "reschedule_in"):
        if days_late <= 0:
            return 0
        level = 2 if days_late >= options.urgent_priority_days else 1 if days_late >= options.high_priority_days else 0
        if value >= options.high_priority_value > 0:
            level += 1
        return min(level, 2)
    if kind == "no_source" or code == "stock_out":
        return 1
    return 0


def _finish_exceptions(exceptions, by_key, options):
    """The run's messages for the planner: the late ones merged per item and
    demand (one message for every supply late for the same need), then each
    given its priority."""
    merged = []
    late_by_demand = {}
    for exc in exceptions:
        if exc.kind != "late" or exc.demand_ref is None:
            merged.append(exc)
            continue
        try:
            group_key = (exc.item, exc.demand_ref)
            first = late_by_demand.get(group_key)
        except TypeError:  # a demand ref that cannot be a key
            merged.append(exc)
            continue
        if first is None:
            late_by_demand[group_key] = exc
            exc.values = {**exc.values, "supply_count": 1}
            merged.append(exc)
            continue
        first.qty += exc.qty
        first.values["supply_count"] += 1
        if exc.date and (first.date is None or exc.date > first.date):
            first.date = exc.date
        if exc.suggested_date and (first.suggested_date is None or exc.suggested_date < first.suggested_date):
            first.suggested_date = exc.suggested_date
        if "release_date" in exc.values and exc.values["release_date"] < first.values.get("release_date", date.max):
            first.values["release_date"] = exc.values["release_date"]
        if first.date and first.suggested_date:
            first.days_late = max((first.date - first.suggested_date).days, 0)
    for exc in merged:
        item = by_key.get(exc.item)
        value = exc.qty * item.unit_value if item is not None else 0.0
        exc.priority = exception_priority(exc.kind, exc.code, exc.days_late, value, options)
    return merged


def _no_source_message(key, first_date, qty, code):
    """``qty`` needed from ``first_date`` that nothing can supply."""
    return ExceptionMessage(key, "no_source", None, first_date, None, qty, code)


def _below_safety(key, trace, eps, exceptions):
    """Add one below_safety message per period under safety stock (adjusted)."""
    days = _daily(trace, adjusted=True)
    safety = trace.safety
    threshold = safety - eps
    balance = trace.on_hand
    start = None
    worst = 0.0
    for x in sorted(days):
        demand, receipts, planned = days[x]
        balance += receipts + planned - demand
        if balance < threshold:
            if start is None:
                start = x
                worst = balance
            elif balance < worst:
                worst = balance
        elif start is not None:
            exceptions.append(_below_message(key, start, x, worst, safety))
            start = None
    if start is not None:
        exceptions.append(_below_message(key, start, None, worst, safety))


def _below_message(key, start, end, worst, safety):
    return ExceptionMessage(
        key,
        "below_safety",
        None,
        date.fromordinal(start),
        date.fromordinal(end) if end is not None else None,
        safety - worst,
        "stock_out" if worst < 0 else "below_safety",
        {"lowest": worst, "safety_stock": safety},
    )


def _count_exceptions(exceptions):
    """{"exceptions_<kind>": count} of every kind (0 when none)."""
    counters = {"exceptions_" + kind: 0 for kind in EXCEPTION_KINDS}
    for exc in exceptions:
        counters["exceptions_" + exc.kind] += 1
    return counters
