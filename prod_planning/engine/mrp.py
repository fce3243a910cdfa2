"""Regenerative, multi-level, time-phased MRP with daily buckets (pure Python).

No Odoo import and nothing outside the standard library: plain dataclasses in,
plain dataclasses out. Quantities are floats in each item's own unit; dates are
:class:`datetime.date` (a ``datetime`` is taken by its date); lead times and
time fences are *working* days of the item's
:class:`~.workcalendar.WorkCalendar`; ``poq_days`` and the forecast periods are
*calendar* days.

Entry point
===========
``plan(items, bom_lines, demands, forecasts, supplies, today, horizon_end=None,
options=None) -> PlanResult``

Input
-----
``Item(key, supply_type="buy", lead_time=0, lot_policy="lfl", fixed_qty=0,
min_qty=0, max_qty=0, multiple=0, poq_days=0, safety_stock=0, on_hand=0,
calendar=None, time_fence_days=0, source_ref=None, demand_mode="max")``
    ``key``: any hashable (e.g. ``(product_id, warehouse_id)``), unique.
    ``supply_type``: ``"buy"`` / ``"manufacture"`` get planned orders (only
    ``"manufacture"`` explodes its BoM lines into dependent demand); ``"kit"``
    never gets orders, holds no stock (its ``on_hand`` and supplies are
    ignored) and passes every requirement on to its components at the same date
    (no lead time); ``"none"`` gets no orders: its shortage stays in the
    projection and a ``no_source`` exception is raised.
    ``lot_policy``: ``"lfl"`` (the net requirement of one due day, exactly),
    ``"fixed"`` (one order of the smallest multiple of ``fixed_qty`` that
    covers the net requirement of one due day; ``fixed_qty`` 0 = lfl),
    ``"min_max_multiple"`` (``max(net, min_qty)`` rounded up to ``multiple``;
    above ``max_qty`` several orders of at most ``max_qty`` are made; 0 = no
    min / max / multiple; when they conflict, min and multiple win over max),
    ``"poq"`` (one order covering the net requirements dated in the
    ``poq_days`` calendar days starting with the first uncovered one, and at
    least its due day). Lot-size excess is carried forward and used by later
    requirements.
    ``safety_stock``: projected on hand is kept at or above it (it is planned
    as a requirement at ``today``, after today's real requirements).
    ``on_hand``: stock at the start of ``today`` (may be negative).
    ``calendar``: ``None`` = ``options.default_calendar`` (Monday-Friday).
    ``time_fence_days``: no *new* planned order may be due before
    ``add_workdays(today, time_fence_days)``; orders needed earlier are moved
    to that date and flagged late.
    ``source_ref``: passed through to the planned orders (vendor, BoM...).
    ``demand_mode``: ``"max"`` = actual demand consumes forecasts of its
    period; ``"sum"`` = forecasts add to actual demand.
``BomLine(parent, component, qty)``: ``qty`` of ``component`` (in its unit)
    per one unit of ``parent``. Only lines whose parent is ``"manufacture"`` or
    ``"kit"`` are used (for explosion, low-level codes and cycle detection);
    duplicate lines are added up; lines with qty <= 0 are ignored.
``Demand(item, date, qty, ref=None, kind="actual")``: a gross requirement.
    ``kind``: ``"actual"`` (sales deliveries, MO component needs...; consumes
    forecasts), ``"forecast"`` (never consumed: prefer ``Forecast``) or
    ``"dependent"``. A demand dated before ``today`` is past due and needed
    at ``today``; one dated after ``horizon_end`` is ignored; qty <= 0 is
    ignored.
``Forecast(item, date_start, date_end, qty, ref=None)``: forecast of the period
    ``[date_start, date_end)``. With ``demand_mode="max"`` the ``"actual"``
    demands dated (their own date, even past due) in the period consume it
    (each actual unit consumes one forecast unit once, forecasts taken by
    start date); the remainder ``max(0, qty - consumed)`` is a requirement at
    ``max(date_start, today)``. With ``"sum"`` the whole qty is. A period
    that ended on or before ``today``, or starting after ``horizon_end``,
    is ignored.
``Supply(item, date, qty, ref=None, kind="", firm=False)``: an existing
    (scheduled) receipt. One dated before ``today`` is counted at ``today``.
    The engine never changes supplies, it only reports exceptions for them.
``PlanOptions(reschedule_tolerance_days=1, epsilon=1e-6, default_calendar=None,
pause_gc=True)``
    ``reschedule_tolerance_days``: working days a non-firm receipt may arrive
    before its need without a ``reschedule_out`` message.
    ``epsilon``: quantities at or below it count as zero.
    ``default_calendar``: calendar of items without one (None: Monday-Friday).
    ``pause_gc``: disable Python's cyclic garbage collector during the run
    (process-wide, restored after; halves the run time of large plans).

Netting (per item, items taken by low-level code then input order)
-----------------------------------------------------------------
Requirements (demands, unconsumed forecasts, dependent demand, safety stock)
are sorted by date (past due first by their own date; on a date: actual and
dependent, then forecast, then safety stock). Supply is allocated to them
first-in first-out: on hand, then *all* existing supplies by date, then planned
orders. An existing supply serves the earliest uncovered requirement even when
it arrives later (that is a ``reschedule_in``, or ``late`` when firm), so a
planned order is only created for what existing supply cannot cover at all.
The date suggested for a supply is the previous working day of its first need,
but not before the first working day from ``today`` (time fences do not apply
to existing supply).
Planned orders: due date = need date moved to the previous working day, but
not before ``add_workdays(today, time_fence_days)``; release date =
``subtract_workdays(due, lead_time)``, kept even when before ``today``;
``late`` = release before today or due after the need date. A manufactured
item's planned order needs ``qty * bom qty`` of each component at its release
date (before ``today``: at today) as a ``"dependent"`` requirement whose ref is
``("planned", order.id)``; a kit's requirements reach its components with
their own ref and original date, as kind ``"dependent"``.

Output
------
``PlanResult``:
    ``planned_orders``: ``PlannedOrder(id, item, qty, release_date, due_date,
    supply_type, source_ref, pegs, late, need_date)``; ``id`` is an int
    numbered from 1 in planning order (deterministic for the same input
    order); ``need_date`` is the (>= today) date of the first requirement it
    covers.
    ``pegs`` (of orders and allocations): list of ``Peg(ref, qty, date)``
    (a NamedTuple), the
    requirements the supply covers, FIFO: ``ref`` is the demand's or
    forecast's ref, ``("planned", id)`` for dependent demand of a planned
    order, ``("safety", item)`` for safety stock, ``("on_hand", item)`` for
    refilling a negative on hand; ``date`` is the requirement's own date (may
    be before today for past due). Lot-size excess is not pegged, so
    ``sum(peg.qty) <= qty``. Refs may repeat.
    ``exceptions``: ``ExceptionMessage(item, kind, ref, date, suggested_date,
    qty, code, values)``: data, no text (the caller words the message in the
    user's language). ``code`` tells the case apart within a kind, ``values``
    holds what the other fields do not. Kinds (codes):
      ``reschedule_in`` (``bring_forward``): non-firm supply ``ref`` dated
      ``date`` is needed on ``suggested_date`` (earlier); ``qty`` = supply qty.
      ``reschedule_out`` (``postpone``): non-firm supply needed first on
      ``suggested_date``, more than the tolerance after its ``date``.
      ``cancel`` (``not_needed``): non-firm supply dated within the horizon
      that no requirement needs (``suggested_date`` None).
      ``late``: (``firm_late``) a firm supply ``ref`` arriving on ``date``
      after its need on ``suggested_date`` (it is not moved, no order is
      added: the shortage shows); or a planned order (``ref=("planned",
      id)``, ``date`` = when it can arrive at best: released today after its
      lead time (``release_in_past``) or the due date the time fence moved it
      to (``time_fence``); ``suggested_date`` = need date, the date to
      expedite it to or to move the demand from; ``qty`` = order qty,
      ``values["release_date"]``). Late messages for the same item and
      demand (``demand_ref``) are merged into one: qty summed, latest
      ``date``, earliest ``suggested_date``, ``values["supply_count"]``.
    Every message has ``demand_ref`` (the requirement the supply serves
    first, None when not about one), ``days_late`` (calendar days its supply
    arrives after its need) and ``priority`` (0 normal, 1 high, 2 urgent: see
    ``mrp_exceptions.exception_priority``; from days late and value,
    ``qty * Item.unit_value``, with the thresholds of ``PlanOptions``
    ``high_priority_days``, ``urgent_priority_days``,
    ``high_priority_value``).
      ``below_safety`` (``stock_out`` when the lowest projected on hand is
      negative, else ``below_safety``): projected on hand with every
      suggestion followed (non-firm supplies at their suggested dates,
      planned orders at their due dates) is below safety stock from ``date``
      until ``suggested_date`` (None: to the end), deficit up to ``qty``;
      ``values``: ``lowest`` projected on hand and ``safety_stock``; ``ref``
      None. It remains after the plan: time fence, no source, firm supply.
      ``no_source``: item of type ``"none"`` (``no_source``), a kit without
      components (``kit_without_components``) or a key missing from
      ``items`` (``not_in_items``) with ``qty`` uncovered from ``date``.
    ``allocations``: ``SupplyAllocation`` per existing supply (after kits are
    dropped): allocated qty, first need date, suggested date, pegs.
    ``projection``: ``{item: [ProjectionBucket]}`` per ISO week (Monday
    ``week_start``) from today's week to ``horizon_end``'s (else to the
    item's last event), supplies at their current dates (as-is); kits and
    items without any demand, supply, stock or safety stock are left out.
    Computed on first access; ``projection_for(item, adjusted=False)`` and
    ``daily_projection(item, adjusted=False)`` give one item (``adjusted``:
    supplies at their suggested dates).
    ``low_level_codes``: ``{item: int}`` (0 = top level).
    ``counters``: items, items_netted, kits, levels, planned_orders,
    dependent_demands, exceptions, implicit_items, ``exceptions_<kind>``.

``BomCycleError(cycle)``: raised when the BoMs loop; ``cycle`` is the list of
keys in order, first repeated last (``[A, B, C, A]``: A contains B ...).

Modules
-------
This module is the entry point and the plan driver; the engine's parts live in
``mrp_types`` (input and output data, codes), ``mrp_demand`` (requirement and
supply rows, forecast consumption), ``mrp_bom`` (low-level codes, BoM
explosion), ``mrp_netting`` (netting of one item against on hand and existing
supplies), ``mrp_lots`` (planned orders: lead-time offsetting, lot sizing,
pegging), ``mrp_exceptions`` (exception messages) and ``mrp_projection``
(``PlanResult`` and the projections).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from datetime import date, datetime
from itertools import count

from .mrp_bom import _planning_levels, _read_bom
from .mrp_demand import _consume_forecasts, _read_demand, _read_supplies
from .mrp_exceptions import _count_exceptions, _finish_exceptions
from .mrp_netting import _net_level
from .mrp_projection import PlanResult
from .mrp_types import (
    DEMAND_MODES,
    EXCEPTION_CODES,
    EXCEPTION_KINDS,
    LOT_POLICIES,
    SUPPLY_TYPES,
    BomCycleError,
    BomLine,
    DailyBalance,
    Demand,
    ExceptionMessage,
    Forecast,
    Item,
    Peg,
    PlannedOrder,
    PlanOptions,
    ProjectionBucket,
    Supply,
    SupplyAllocation,
)
from .workcalendar import DEFAULT_CALENDAR

__all__ = [
    "DEMAND_MODES",
    "EXCEPTION_CODES",
    "EXCEPTION_KINDS",
    "LOT_POLICIES",
    "SUPPLY_TYPES",
    "BomCycleError",
    "BomLine",
    "DailyBalance",
    "Demand",
    "ExceptionMessage",
    "Forecast",
    "Item",
    "Peg",
    "PlanOptions",
    "PlanResult",
    "PlannedOrder",
    "ProjectionBucket",
    "Supply",
    "SupplyAllocation",
    "plan",
]


def plan(
    items: Iterable[Item],
    bom_lines: Iterable[BomLine],
    demands: Iterable[Demand],
    forecasts: Iterable[Forecast],
    supplies: Iterable[Supply],
    today: date,
    horizon_end: date | None = None,
    options: PlanOptions | None = None,
) -> PlanResult:
    """Plan every item; see the module docstring for the exact rules."""
    opts = options or PlanOptions()
    if isinstance(today, datetime):
        today = today.date()
    if isinstance(horizon_end, datetime):
        horizon_end = horizon_end.date()
    # The run allocates hundreds of thousands of small objects and no cycles:
    # the cyclic garbage collector would only rescan them (about half the time).
    paused = opts.pause_gc and gc.isenabled()
    if paused:
        gc.disable()
    try:
        return _plan(items, bom_lines, demands, forecasts, supplies, today, horizon_end, opts)
    finally:
        if paused:
            gc.enable()


def _plan(items, bom_lines, demands, forecasts, supplies, today, horizon_end, opts):
    """The plan, step by step: read the items, BoMs, demand and supplies, then
    net level by level (each item after all its parents)."""
    run = _PlanRun(today, horizon_end, opts)
    _read_items(run, items)
    run.components = _read_bom(run, bom_lines)
    forecasts = list(forecasts)
    actuals = _read_demand(run, demands, forecasts)
    _consume_forecasts(run, forecasts, actuals)
    _read_supplies(run, supplies)
    llc, levels = _planning_levels(list(run.by_key), run.components)
    for keys in levels:
        _net_level(run, keys)
    run.exceptions = _finish_exceptions(run.exceptions, run.by_key, opts)
    return PlanResult(
        planned_orders=run.planned_orders,
        exceptions=run.exceptions,
        allocations=run.allocations,
        low_level_codes=llc,
        counters=_counters(run, llc),
        today=today,
        horizon_end=horizon_end,
        _traces=run.traces,
    )


class _PlanRun:
    """The state of one run, shared by its steps (plain attributes)."""

    __slots__ = (
        "allocations",
        "by_key",
        "components",
        "default_calendar",
        "eps",
        "exceptions",
        "fence_cache",
        "first_workday",
        "horizon_end",
        "horizon_ord",
        "implicit",
        "n_dependent",
        "n_kits",
        "n_netted",
        "order_ids",
        "planned_orders",
        "reqs",
        "seq",
        "sups",
        "today",
        "today_ord",
        "tolerance",
        "traces",
    )

    def __init__(self, today, horizon_end, opts):
        self.today = today
        self.today_ord = today.toordinal()
        self.horizon_end = horizon_end
        self.horizon_ord = horizon_end.toordinal() if horizon_end is not None else None
        self.eps = opts.epsilon
        self.tolerance = opts.reschedule_tolerance_days
        self.default_calendar = opts.default_calendar or DEFAULT_CALENDAR
        self.by_key = {}  # key -> Item, given ones first, then implicit ones
        self.implicit = set()  # keys met in BoMs, demands... but not in items
        self.components = {}  # parent key -> [(component key, qty)]
        self.reqs = {}  # key -> [requirement row], see mrp_demand
        self.sups = {}  # key -> [supply row], see mrp_demand
        self.seq = count()  # makes rows unique, in input order
        self.order_ids = count(1)
        self.planned_orders = []
        self.exceptions = []
        self.allocations = []
        self.traces = {}  # key -> _Trace, for the projection
        self.fence_cache = {}  # (calendar id, fence days) -> earliest due ordinal
        self.first_workday = {}  # calendar id -> first working day from today
        self.n_netted = self.n_kits = self.n_dependent = 0

    def ensure(self, key):
        """The item of ``key``; an unknown key becomes an item of type "none"."""
        item = self.by_key.get(key)
        if item is None:
            item = self.by_key[key] = Item(key=key, supply_type="none")
            self.implicit.add(key)
        return item


def _read_items(run, items):
    """Check the given items and index them by key (each key once)."""
    by_key = run.by_key
    for item in items:
        if item.key in by_key:
            raise ValueError(f"Item {item.key!r} is given twice.")
        _check_item(item)
        by_key[item.key] = item


def _check_item(item):
    if item.supply_type not in SUPPLY_TYPES:
        raise ValueError(
            f"Item {item.key!r}: supply_type {item.supply_type!r} is not one of {', '.join(SUPPLY_TYPES)}."
        )
    if item.lot_policy not in LOT_POLICIES:
        raise ValueError(f"Item {item.key!r}: lot_policy {item.lot_policy!r} is not one of {', '.join(LOT_POLICIES)}.")
    if item.demand_mode not in DEMAND_MODES:
        raise ValueError(
            f"Item {item.key!r}: demand_mode {item.demand_mode!r} is not one of {', '.join(DEMAND_MODES)}."
        )
    if item.lead_time < 0 or item.time_fence_days < 0:
        raise ValueError(f"Item {item.key!r}: lead_time and time_fence_days must be >= 0.")


def _counters(run, llc):
    """The run's counts (see the module doc)."""
    counters = {
        "items": len(run.by_key),
        "items_netted": run.n_netted,
        "kits": run.n_kits,
        "implicit_items": len(run.implicit),
        "levels": (max(llc.values()) + 1) if llc else 0,
        "planned_orders": len(run.planned_orders),
        "dependent_demands": run.n_dependent,
        "exceptions": len(run.exceptions),
    }
    counters.update(_count_exceptions(run.exceptions))
    return counters
