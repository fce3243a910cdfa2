"""Gross requirements and existing supplies of the MRP engine, as rows.

A requirement row is a tuple sorted the way netting takes requirements::

    (need ordinal, own ordinal, rank, seq, qty, ref, kind code, own date)

``need``: the day it is needed (``own`` moved to today when past due);
``rank``: order within a day (actual and dependent, forecast, safety stock;
a negative on hand first); ``seq``: a run-wide counter that keeps the input
order and makes rows unique. ``run.reqs`` maps an item key to its rows.

A supply row is ``(current ordinal, own ordinal, seq, qty, Supply)``, current
being its date moved to today when past due; ``run.sups`` maps a key to them.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import date

from .mrp_types import K_ACTUAL, K_DEPENDENT, K_FORECAST, K_NEGATIVE, K_SAFETY

_DEMAND_KINDS = {"forecast": K_FORECAST, "actual": K_ACTUAL, "dependent": K_DEPENDENT}
_RANK = {K_FORECAST: 1, K_ACTUAL: 0, K_DEPENDENT: 0}


def _read_demand(run, demands, forecasts):
    """Requirement rows of ``demands`` (within the horizon) into ``run.reqs``.

    Returns ``{key: [(own ordinal, qty)]}`` of the actual demand of items
    whose forecasts it consumes (``demand_mode="max"``, even past the horizon).
    """
    eps = run.eps
    today_ord = run.today_ord
    horizon_ord = run.horizon_ord
    reqs = run.reqs
    seq = run.seq
    max_mode_items = set()
    for fc in forecasts:
        if run.ensure(fc.item).demand_mode == "max":
            max_mode_items.add(fc.item)
    actuals = {}
    for dem in demands:
        qty = float(dem.qty)
        if qty <= eps:
            continue
        key = dem.item
        run.ensure(key)
        kind = _DEMAND_KINDS.get(dem.kind)
        if kind is None:
            raise ValueError(
                f"Demand {dem.ref!r} of {key!r}: kind {dem.kind!r} is not one of actual, forecast, dependent."
            )
        own = dem.date.toordinal()
        own_date = dem.date if type(dem.date) is date else date.fromordinal(own)
        if kind == K_ACTUAL and key in max_mode_items:
            actuals.setdefault(key, []).append((own, qty))
        if horizon_ord is not None and own > horizon_ord:
            continue
        need = own if own > today_ord else today_ord
        row = (need, own, _RANK[kind], next(seq), qty, dem.ref, kind, own_date)
        lst = reqs.get(key)
        if lst is None:
            reqs[key] = [row]
        else:
            lst.append(row)
    return actuals


def _consume_forecasts(run, forecasts, actuals):
    """A requirement row per forecast for what actual demand leaves of it.

    Forecasts taken by start date; each actual unit dated in a period
    consumes one forecast unit once (``demand_mode="max"``). The rest is
    needed at the period start (today when it started before).
    """
    eps = run.eps
    today_ord = run.today_ord
    horizon_ord = run.horizon_ord
    by_item = {}
    for fc in forecasts:
        if fc.qty > eps:
            by_item.setdefault(fc.item, []).append(fc)
    for key, fcs in by_item.items():
        fcs.sort(key=lambda f: (f.date_start.toordinal(), f.date_end.toordinal()))
        acts = sorted(actuals.get(key, ()))
        act_days = [a[0] for a in acts]
        capacity = [a[1] for a in acts]
        consume = run.by_key[key].demand_mode == "max"
        for fc in fcs:
            start = fc.date_start.toordinal()
            end = fc.date_end.toordinal()
            if end <= today_ord:
                continue
            place = start if start > today_ord else today_ord
            if horizon_ord is not None and place > horizon_ord:
                continue
            left = float(fc.qty)
            if consume:
                left = _consume(act_days, capacity, start, end, left, eps)
            if left > eps:
                place_date = date.fromordinal(place)
                row = (place, place, 1, next(run.seq), left, fc.ref, K_FORECAST)
                run.reqs.setdefault(key, []).append((*row, place_date))


def _consume(act_days, capacity, start, end, left, eps):
    """What is left of a forecast of ``left`` once the actual demand dated in
    ``[start, end)`` took its share (``capacity`` is decreased in place)."""
    for idx in range(bisect_left(act_days, start), bisect_left(act_days, end)):
        if left <= eps:
            break
        cap = capacity[idx]
        if cap > eps:
            take = cap if cap < left else left
            capacity[idx] = cap - take
            left -= take
    return left


def _read_supplies(run, supplies):
    """Supply rows of ``supplies`` into ``run.sups`` (past due at today)."""
    eps = run.eps
    today_ord = run.today_ord
    sups = run.sups
    seq = run.seq
    for sup in supplies:
        if sup.qty <= eps:
            continue
        run.ensure(sup.item)
        own = sup.date.toordinal()
        current = own if own > today_ord else today_ord
        row = (current, own, next(seq), float(sup.qty), sup)
        sups.setdefault(sup.item, []).append(row)


def _stock_requirements(run, key, rows, on_hand, safety):
    """The item's requirement rows, sorted, with the safety stock (at today,
    after today's real requirements) and the refill of a negative on hand
    (first of all)."""
    eps = run.eps
    today = run.today
    today_ord = run.today_ord
    rows = list(rows) if rows else []
    if safety > eps:
        rows.append((today_ord, today_ord, 2, next(run.seq), safety, ("safety", key)) + (K_SAFETY, today))
    if on_hand < -eps:
        rows.append((today_ord, 0, -1, next(run.seq), -on_hand, ("on_hand", key)) + (K_NEGATIVE, today))
    rows.sort()
    return rows
