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


def _supply_message(key, kind, code, sup, sup_date, suggested_date, qty):
    """A message about the existing supply ``sup`` (reschedule, cancel, late)."""
    return ExceptionMessage(key, kind, sup.ref, sup_date, suggested_date, qty, code)


def _late_order_message(key, po, release_in_past):
    """A planned order released before today or moved after its need."""
    return ExceptionMessage(
        key,
        "late",
        ("planned", po.id),
        po.due_date,
        po.need_date,
        po.qty,
        "release_in_past" if release_in_past else "time_fence",
        {"release_date": po.release_date},
    )


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
