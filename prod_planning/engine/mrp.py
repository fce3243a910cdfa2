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
      id)``, ``date`` = due date, ``suggested_date`` = need date, ``qty`` =
      order qty, ``values["release_date"]``) released before today
      (``release_in_past``) or moved after its need by the time fence
      (``time_fence``).
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
"""

from __future__ import annotations

import gc
import math
from bisect import bisect_left
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property, partial
from itertools import count
from typing import Any, NamedTuple

from .workcalendar import DEFAULT_CALENDAR, WorkCalendar

__all__ = [
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

SUPPLY_TYPES = ("buy", "manufacture", "kit", "none")
LOT_POLICIES = ("lfl", "fixed", "min_max_multiple", "poq")
DEMAND_MODES = ("max", "sum")
EXCEPTION_KINDS = (
    "reschedule_in",
    "reschedule_out",
    "cancel",
    "late",
    "below_safety",
    "no_source",
)
# The codes of each kind (ExceptionMessage.code), see the module doc.
EXCEPTION_CODES = {
    "reschedule_in": ("bring_forward",),
    "reschedule_out": ("postpone",),
    "cancel": ("not_needed",),
    "late": ("firm_late", "release_in_past", "time_fence"),
    "below_safety": ("stock_out", "below_safety"),
    "no_source": ("no_source", "kit_without_components", "not_in_items"),
}

# Requirement kinds (internal codes) and their sort rank within a day.
K_FORECAST, K_ACTUAL, K_DEPENDENT, K_SAFETY, K_NEGATIVE = 0, 1, 2, 3, 4
_DEMAND_KINDS = {"forecast": K_FORECAST, "actual": K_ACTUAL, "dependent": K_DEPENDENT}
_RANK = {K_FORECAST: 1, K_ACTUAL: 0, K_DEPENDENT: 0}


# --------------------------------------------------------------------------- input


@dataclass(slots=True)
class Item:
    """A planned item (product, or product in a warehouse). See module doc."""

    key: Hashable
    supply_type: str = "buy"
    lead_time: int = 0
    lot_policy: str = "lfl"
    fixed_qty: float = 0.0
    min_qty: float = 0.0
    max_qty: float = 0.0
    multiple: float = 0.0
    poq_days: int = 0
    safety_stock: float = 0.0
    on_hand: float = 0.0
    calendar: WorkCalendar | None = None
    time_fence_days: int = 0
    source_ref: Any = None
    demand_mode: str = "max"


@dataclass(slots=True)
class BomLine:
    """``qty`` of ``component`` per one unit of ``parent``."""

    parent: Hashable
    component: Hashable
    qty: float


@dataclass(slots=True)
class Demand:
    """A gross requirement; ``kind`` in ``"actual"``, ``"forecast"``,
    ``"dependent"``."""

    item: Hashable
    date: date
    qty: float
    ref: Any = None
    kind: str = "actual"


@dataclass(slots=True)
class Forecast:
    """Forecast qty for ``[date_start, date_end)``."""

    item: Hashable
    date_start: date
    date_end: date
    qty: float
    ref: Any = None


@dataclass(slots=True)
class Supply:
    """An existing receipt; ``firm`` ones are never suggested to move."""

    item: Hashable
    date: date
    qty: float
    ref: Any = None
    kind: str = ""
    firm: bool = False


@dataclass(slots=True)
class PlanOptions:
    """Tuning of a run. See module doc."""

    reschedule_tolerance_days: int = 1
    epsilon: float = 1e-6
    default_calendar: WorkCalendar | None = None
    pause_gc: bool = True


# -------------------------------------------------------------------------- output


class Peg(NamedTuple):
    """``qty`` of a supply that covers the requirement ``ref`` dated ``date``."""

    ref: Any
    qty: float
    date: date


@dataclass(slots=True)
class PlannedOrder:
    """A new order proposed by the engine."""

    id: int
    item: Hashable
    qty: float
    release_date: date
    due_date: date
    supply_type: str
    source_ref: Any
    pegs: list[Peg] = field(default_factory=list)
    late: bool = False
    need_date: date | None = None


@dataclass(slots=True)
class ExceptionMessage:
    """An action or warning message for the planner, as data: ``kind`` and
    ``code`` say what it is, the other fields what it is about (the caller
    words it). See module doc."""

    item: Hashable
    kind: str
    ref: Any
    date: date | None
    suggested_date: date | None
    qty: float
    code: str
    values: dict = field(default_factory=dict)


@dataclass(slots=True)
class SupplyAllocation:
    """How an existing supply was used by the plan.

    ``need_date``: date of the first requirement it covers (None: unused);
    ``suggested_date``: where the plan wants it (its own date when no
    reschedule is suggested, None when cancel is suggested or it is unused
    beyond the horizon).
    """

    item: Hashable
    ref: Any
    kind: str
    firm: bool
    date: date
    qty: float
    allocated_qty: float
    need_date: date | None
    suggested_date: date | None
    pegs: list[Peg] = field(default_factory=list)


@dataclass(slots=True)
class ProjectionBucket:
    """One ISO week of an item's projection (quantities in the item's unit).

    ``forecast`` / ``actual`` / ``dependent``: gross requirements of the week by
    kind (past due ones in today's week), ``demand_total`` their sum;
    ``scheduled_receipts``: existing supplies; ``planned_receipts``: planned
    orders by due date; ``opening_on_hand`` / ``projected_on_hand``: projected
    on hand at the start / end of the week; ``min_on_hand``: lowest end-of-day
    projected on hand in the week (from today on); ``shortage``:
    ``max(0, safety_stock - min_on_hand)`` (below safety stock, stock-outs
    included); ``stockout``: ``max(0, -min_on_hand)``.
    """

    week_start: date
    opening_on_hand: float
    forecast: float
    actual: float
    dependent: float
    demand_total: float
    scheduled_receipts: float
    planned_receipts: float
    projected_on_hand: float
    min_on_hand: float
    safety_stock: float
    shortage: float
    stockout: float


@dataclass(slots=True)
class DailyBalance:
    """One day with events of an item's projection (end-of-day on hand)."""

    date: date
    demand: float
    scheduled_receipts: float
    planned_receipts: float
    projected_on_hand: float


class BomCycleError(ValueError):
    """The bills of materials loop: ``cycle`` = ``[A, B, ..., A]``."""

    def __init__(self, cycle):
        self.cycle = list(cycle)
        super().__init__(
            "Bill of materials cycle: " + " -> ".join(str(k) for k in self.cycle)
        )


class _Trace:
    """What the projection of one item needs (kept by PlanResult)."""

    __slots__ = ("on_hand", "orders", "rows", "safety", "sups")

    def __init__(self, on_hand, safety, rows, sups, orders):
        self.on_hand = on_hand
        self.safety = safety
        self.rows = rows  # requirement rows, see plan()
        self.sups = sups  # [(current ordinal, suggested ordinal, qty)]
        self.orders = orders  # [PlannedOrder]

    def requirements(self):
        """[(need ordinal, qty, kind code)] of the real requirements."""
        return [(r[0], r[4], r[6]) for r in self.rows if r[6] <= K_DEPENDENT]

    def planned(self):
        """[(due ordinal, qty)] of the planned orders."""
        return [(po.due_date.toordinal(), po.qty) for po in self.orders]


@dataclass
class PlanResult:
    """Result of :func:`plan`. See module doc."""

    planned_orders: list[PlannedOrder]
    exceptions: list[ExceptionMessage]
    allocations: list[SupplyAllocation]
    low_level_codes: dict
    counters: dict
    today: date
    horizon_end: date | None
    _traces: dict = field(default_factory=dict, repr=False)

    @cached_property
    def projection(self) -> dict:
        """``{item: [ProjectionBucket]}`` weekly, as-is (computed once)."""
        paused = gc.isenabled()
        if paused:
            gc.disable()  # many small objects, no cycles (see plan())
        try:
            return {key: self.projection_for(key) for key in self._traces}
        finally:
            if paused:
                gc.enable()

    def projection_for(self, key, adjusted: bool = False) -> list[ProjectionBucket]:
        """Weekly buckets of one item ([] when it has no projection)."""
        trace = self._traces.get(key)
        if trace is None:
            return []
        return _weekly(trace, self.today, self.horizon_end, adjusted)

    def daily_projection(self, key, adjusted: bool = False) -> list[DailyBalance]:
        """Days with events of one item, in order, with end-of-day on hand."""
        trace = self._traces.get(key)
        if trace is None:
            return []
        days = _daily(trace, adjusted)
        out = []
        balance = trace.on_hand
        for x in sorted(days):
            demand, receipts, planned = days[x]
            balance += receipts + planned - demand
            out.append(
                DailyBalance(date.fromordinal(x), demand, receipts, planned, balance)
            )
        return out


# ------------------------------------------------------------------------ helpers

new_peg = partial(tuple.__new__, Peg)


def _daily(trace, adjusted):
    """{ordinal: [demand, scheduled receipts, planned receipts]}."""
    days = {}
    for x, qty, _kind in trace.requirements():
        day = days.get(x)
        if day is None:
            days[x] = [qty, 0.0, 0.0]
        else:
            day[0] += qty
    for current, suggested, qty in trace.sups:
        x = suggested if adjusted else current
        day = days.get(x)
        if day is None:
            days[x] = [0.0, qty, 0.0]
        else:
            day[1] += qty
    for x, qty in trace.planned():
        day = days.get(x)
        if day is None:
            days[x] = [0.0, 0.0, qty]
        else:
            day[2] += qty
    return days


def _weekly(trace, today, horizon_end, adjusted):
    today_ord = today.toordinal()
    monday = today_ord - today.weekday()
    # (day, slot, qty); slots: 0 forecast, 1 actual, 2 dependent, 3 sched, 4 plan
    events = [(r[0], r[6], r[4]) for r in trace.rows if r[6] <= K_DEPENDENT]
    if adjusted:
        events.extend((suggested, 3, qty) for _c, suggested, qty in trace.sups)
    else:
        events.extend((current, 3, qty) for current, _s, qty in trace.sups)
    events.extend((po.due_date.toordinal(), 4, po.qty) for po in trace.orders)
    events.sort()
    if horizon_end is not None:
        end = horizon_end.toordinal()
    else:
        end = events[-1][0] if events else today_ord
    end = max(end, today_ord)
    weeks = (end - monday) // 7 + 1
    sums = [[0.0, 0.0, 0.0, 0.0, 0.0] for _ in range(weeks)]
    mins = [None] * weeks  # lowest end-of-day balance of the week's event days
    first_day = [None] * weeks
    balance = trace.on_hand
    day = None
    for x, slot, qty in events:
        if x > end:
            break
        if x != day:
            if day is not None:
                w = (day - monday) // 7
                if mins[w] is None or balance < mins[w]:
                    mins[w] = balance
            day = x
            w = (x - monday) // 7
            if first_day[w] is None:
                first_day[w] = x
        sums[w][slot] += qty
        balance += qty if slot >= 3 else -qty
    if day is not None:
        w = (day - monday) // 7
        if mins[w] is None or balance < mins[w]:
            mins[w] = balance
    safety = trace.safety
    out = []
    balance = trace.on_hand
    for w in range(weeks):
        forecast, actual, dependent, sched, planned = sums[w]
        opening = balance
        demand = forecast + actual + dependent
        balance = opening + sched + planned - demand
        week_start = monday + 7 * w
        low = mins[w]
        if low is None or (
            opening < low and first_day[w] != max(week_start, today_ord)
        ):
            low = opening  # some day of the week ends with the opening balance
        out.append(
            ProjectionBucket(
                date.fromordinal(week_start),
                opening,
                forecast,
                actual,
                dependent,
                demand,
                sched,
                planned,
                balance,
                low,
                safety,
                safety - low if low < safety else 0.0,
                -low if low < 0 else 0.0,
            )
        )
    return out


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


def _check_item(item):
    if item.supply_type not in SUPPLY_TYPES:
        raise ValueError(
            f"Item {item.key!r}: supply_type {item.supply_type!r} is not one of "
            f"{', '.join(SUPPLY_TYPES)}."
        )
    if item.lot_policy not in LOT_POLICIES:
        raise ValueError(
            f"Item {item.key!r}: lot_policy {item.lot_policy!r} is not one of "
            f"{', '.join(LOT_POLICIES)}."
        )
    if item.demand_mode not in DEMAND_MODES:
        raise ValueError(
            f"Item {item.key!r}: demand_mode {item.demand_mode!r} is not one of "
            f"{', '.join(DEMAND_MODES)}."
        )
    if item.lead_time < 0 or item.time_fence_days < 0:
        raise ValueError(
            f"Item {item.key!r}: lead_time and time_fence_days must be >= 0."
        )


# --------------------------------------------------------------------------- plan


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
        return _plan(
            items, bom_lines, demands, forecasts, supplies, today, horizon_end, opts
        )
    finally:
        if paused:
            gc.enable()


def _plan(items, bom_lines, demands, forecasts, supplies, today, horizon_end, opts):
    eps = opts.epsilon
    default_calendar = opts.default_calendar or DEFAULT_CALENDAR
    tolerance = opts.reschedule_tolerance_days
    today_ord = today.toordinal()
    horizon_ord = horizon_end.toordinal() if horizon_end is not None else None

    # ---- items ---------------------------------------------------------------
    by_key = {}
    for item in items:
        if item.key in by_key:
            raise ValueError(f"Item {item.key!r} is given twice.")
        _check_item(item)
        by_key[item.key] = item
    implicit = set()

    def ensure(key):
        item = by_key.get(key)
        if item is None:
            item = by_key[key] = Item(key=key, supply_type="none")
            implicit.add(key)
        return item

    # ---- BoM -----------------------------------------------------------------
    components = {}
    for line in bom_lines:
        parent = ensure(line.parent)
        ensure(line.component)
        if parent.supply_type not in ("manufacture", "kit") or line.qty <= 0:
            continue
        comps = components.setdefault(line.parent, {})
        comps[line.component] = comps.get(line.component, 0.0) + line.qty
    components = {p: list(c.items()) for p, c in components.items()}

    # ---- requirements ----------------------------------------------------------
    seq = count()
    reqs = {}  # key -> [(need ord, own ord, rank, seq, qty, ref, kind, own date)]
    max_mode_items = set()
    forecasts = list(forecasts)
    for fc in forecasts:
        if ensure(fc.item).demand_mode == "max":
            max_mode_items.add(fc.item)
    actuals = {}  # key -> [(own ord, qty)] of actual demand (forecast consumption)
    for dem in demands:
        qty = float(dem.qty)
        if qty <= eps:
            continue
        key = dem.item
        ensure(key)
        kind = _DEMAND_KINDS.get(dem.kind)
        if kind is None:
            raise ValueError(
                f"Demand {dem.ref!r} of {key!r}: kind {dem.kind!r} is not one of "
                "actual, forecast, dependent."
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

    # ---- forecast consumption ------------------------------------------------------
    if forecasts:
        by_item = {}
        for fc in forecasts:
            if fc.qty > eps:
                by_item.setdefault(fc.item, []).append(fc)
        for key, fcs in by_item.items():
            fcs.sort(key=lambda f: (f.date_start.toordinal(), f.date_end.toordinal()))
            acts = sorted(actuals.get(key, ()))
            act_days = [a[0] for a in acts]
            capacity = [a[1] for a in acts]
            consume = by_key[key].demand_mode == "max"
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
                    for idx in range(
                        bisect_left(act_days, start), bisect_left(act_days, end)
                    ):
                        if left <= eps:
                            break
                        cap = capacity[idx]
                        if cap > eps:
                            take = cap if cap < left else left
                            capacity[idx] = cap - take
                            left -= take
                if left > eps:
                    place_date = date.fromordinal(place)
                    row = (place, place, 1, next(seq), left, fc.ref, K_FORECAST)
                    reqs.setdefault(key, []).append((*row, place_date))

    # ---- supplies --------------------------------------------------------------
    sups = {}
    for sup in supplies:
        if sup.qty <= eps:
            continue
        ensure(sup.item)
        own = sup.date.toordinal()
        current = own if own > today_ord else today_ord
        row = (current, own, next(seq), float(sup.qty), sup)
        sups.setdefault(sup.item, []).append(row)

    # ---- low-level codes -----------------------------------------------------------
    keys = list(by_key)
    llc = _low_level_codes(keys, components)
    position = {k: i for i, k in enumerate(keys)}
    order = sorted(keys, key=lambda k: (llc[k], position[k]))

    # ---- netting --------------------------------------------------------------------
    planned_orders = []
    exceptions = []
    allocations = []
    traces = {}
    order_ids = count(1)
    fence_cache = {}
    first_workday = {}
    n_netted = n_kits = n_dependent = 0

    for key in order:
        item = by_key[key]
        stype = item.supply_type
        rows = reqs.get(key)
        comps = components.get(key)

        if stype == "kit":
            n_kits += 1
            if not rows:
                continue
            if not comps:
                total = sum(r[4] for r in rows)
                first = min(rows)
                exceptions.append(
                    ExceptionMessage(
                        key,
                        "no_source",
                        None,
                        date.fromordinal(first[0]),
                        None,
                        total,
                        "kit_without_components",
                    )
                )
                continue
            for need, own, rank, _s, qty, ref, _k, own_date in rows:
                for comp, per in comps:
                    row = (need, own, rank, next(seq), qty * per, ref)
                    lst = reqs.get(comp)
                    if lst is None:
                        reqs[comp] = lst = []
                    lst.append((*row, K_DEPENDENT, own_date))
                    n_dependent += 1
            continue

        sup_rows = sups.get(key)
        on_hand = float(item.on_hand)
        safety = float(item.safety_stock)
        if not rows and not sup_rows and safety <= eps and -eps <= on_hand <= eps:
            continue
        n_netted += 1
        calendar = item.calendar or default_calendar
        cal_id = id(calendar)
        first_work = first_workday.get(cal_id)
        if first_work is None:
            first_work = first_workday[cal_id] = calendar.next_ord(today_ord)

        rows = list(rows) if rows else []
        if safety > eps:
            rows.append(
                (today_ord, today_ord, 2, next(seq), safety, ("safety", key))
                + (K_SAFETY, today)
            )
        if on_hand < -eps:
            rows.append(
                (today_ord, 0, -1, next(seq), -on_hand, ("on_hand", key))
                + (K_NEGATIVE, today)
            )
        rows.sort()
        n = len(rows)
        i = 0
        rem = rows[0][4] if n else 0.0
        may_dip = False

        # 1. on hand
        avail = on_hand if on_hand > 0 else 0.0
        while i < n and avail > eps:
            take = rem if rem < avail else avail
            avail -= take
            rem -= take
            if rem <= eps:
                i += 1
                if i < n:
                    rem = rows[i][4]

        # 2. existing supplies, all of them, FIFO
        sup_trace = []
        if sup_rows:
            sup_rows.sort()  # (current, own date, seq): seq is unique
            for current, own, _s, qty, sup in sup_rows:
                sup_date = date.fromordinal(own)
                left = qty
                need_ord = None
                pegs = []
                while i < n and left > eps:
                    row = rows[i]
                    if need_ord is None:
                        need_ord = row[0]
                    take = rem if rem < left else left
                    pegs.append(new_peg((row[5], take, row[7])))
                    left -= take
                    rem -= take
                    if rem <= eps:
                        i += 1
                        if i < n:
                            rem = rows[i][4]
                allocated = qty - left
                suggested = current
                if need_ord is None:
                    suggested = None
                    if not sup.firm and (horizon_ord is None or own <= horizon_ord):
                        exceptions.append(
                            ExceptionMessage(
                                key,
                                "cancel",
                                sup.ref,
                                sup_date,
                                None,
                                qty,
                                "not_needed",
                            )
                        )
                    sup_trace.append((current, current, qty))
                else:
                    target = calendar.prev_ord(need_ord)
                    if target < first_work:
                        target = first_work
                    need_date = date.fromordinal(need_ord)
                    if target < current:
                        target_date = date.fromordinal(target)
                        if sup.firm:
                            may_dip = True
                            exceptions.append(
                                ExceptionMessage(
                                    key,
                                    "late",
                                    sup.ref,
                                    sup_date,
                                    target_date,
                                    qty,
                                    "firm_late",
                                )
                            )
                        else:
                            suggested = target
                            exceptions.append(
                                ExceptionMessage(
                                    key,
                                    "reschedule_in",
                                    sup.ref,
                                    sup_date,
                                    target_date,
                                    qty,
                                    "bring_forward",
                                )
                            )
                    elif target > current and not sup.firm:
                        target_date = date.fromordinal(target)
                        gap = calendar.workdays_between(
                            date.fromordinal(current), target_date
                        )
                        if gap > tolerance:
                            suggested = target
                            exceptions.append(
                                ExceptionMessage(
                                    key,
                                    "reschedule_out",
                                    sup.ref,
                                    sup_date,
                                    target_date,
                                    qty,
                                    "postpone",
                                )
                            )
                    if suggested > need_ord:
                        may_dip = True
                    sup_trace.append((current, suggested, qty))
                    suggested = date.fromordinal(suggested)
                    allocations.append(
                        SupplyAllocation(
                            key,
                            sup.ref,
                            sup.kind,
                            sup.firm,
                            sup_date,
                            qty,
                            allocated,
                            need_date,
                            suggested,
                            pegs,
                        )
                    )
                    continue
                allocations.append(
                    SupplyAllocation(
                        key,
                        sup.ref,
                        sup.kind,
                        sup.firm,
                        sup_date,
                        qty,
                        allocated,
                        None,
                        date.fromordinal(current)
                        if sup.firm or (horizon_ord is not None and own > horizon_ord)
                        else None,
                        pegs,
                    )
                )

        # 3. planned orders for what existing supply cannot cover
        item_orders = []
        if i < n:
            if stype == "none":
                may_dip = True
                total = rem + sum(rows[j][4] for j in range(i + 1, n))
                first = date.fromordinal(rows[i][0])
                exceptions.append(
                    ExceptionMessage(
                        key,
                        "no_source",
                        None,
                        first,
                        None,
                        total,
                        "not_in_items" if key in implicit else "no_source",
                    )
                )
            else:
                fence = item.time_fence_days
                fence_key = (cal_id, fence)
                earliest = fence_cache.get(fence_key)
                if earliest is None:
                    earliest = fence_cache[fence_key] = calendar.add_ord(
                        today_ord, fence
                    )
                policy = item.lot_policy
                poq_days = item.poq_days if policy == "poq" else 0
                lot_args = (
                    policy,
                    item.fixed_qty,
                    item.min_qty,
                    item.max_qty,
                    item.multiple,
                )
                lead_time = item.lead_time
                source_ref = item.source_ref
                free = []
                cur = 0
                while i < n:
                    if cur >= len(item_orders):
                        need = rows[i][0]
                        due = calendar.prev_ord(need)
                        if due < earliest:
                            due = earliest
                        limit = calendar.add_ord(due, 1)
                        if need + poq_days > limit:
                            limit = need + poq_days
                        total = rem
                        j = i + 1
                        while j < n and rows[j][0] < limit:
                            total += rows[j][4]
                            j += 1
                        release = calendar.sub_ord(due, lead_time)
                        due_date = date.fromordinal(due)
                        release_date = date.fromordinal(release)
                        if policy == "lfl" or policy == "poq":
                            sizes = (total,)
                        else:
                            sizes = _lot_sizes(*lot_args, total, eps)
                        for qty in sizes:
                            po = PlannedOrder(
                                next(order_ids),
                                key,
                                qty,
                                release_date,
                                due_date,
                                stype,
                                source_ref,
                                [],
                            )
                            item_orders.append(po)
                            free.append(qty)
                    po = item_orders[cur]
                    row = rows[i]
                    if not po.pegs:  # the first requirement it covers
                        need = row[0]
                        need_date = po.need_date = date.fromordinal(need)
                        if release < today_ord or due > need:
                            po.late = True
                            if due > need:
                                may_dip = True
                            exceptions.append(
                                ExceptionMessage(
                                    key,
                                    "late",
                                    ("planned", po.id),
                                    due_date,
                                    need_date,
                                    po.qty,
                                    "release_in_past"
                                    if release < today_ord
                                    else "time_fence",
                                    {"release_date": po.release_date},
                                )
                            )
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
                planned_orders.extend(item_orders)
                if comps:
                    for po in item_orders:
                        release_date = po.release_date
                        own = release_date.toordinal()
                        need = own if own > today_ord else today_ord
                        ref = ("planned", po.id)
                        qty = po.qty
                        for comp, per in comps:
                            lst = reqs.get(comp)
                            if lst is None:
                                reqs[comp] = lst = []
                            lst.append(
                                (need, own, 0, next(seq), qty * per, ref)
                                + (K_DEPENDENT, release_date)
                            )
                            n_dependent += 1

        trace = _Trace(on_hand, safety, rows, sup_trace, item_orders)
        traces[key] = trace

        # 4. what the plan cannot fix: below safety stock with suggestions followed
        if may_dip:
            _below_safety(key, trace, eps, exceptions)

    counters = {
        "items": len(by_key),
        "items_netted": n_netted,
        "kits": n_kits,
        "implicit_items": len(implicit),
        "levels": (max(llc.values()) + 1) if llc else 0,
        "planned_orders": len(planned_orders),
        "dependent_demands": n_dependent,
        "exceptions": len(exceptions),
    }
    for kind in EXCEPTION_KINDS:
        counters["exceptions_" + kind] = 0
    for exc in exceptions:
        counters["exceptions_" + exc.kind] += 1
    return PlanResult(
        planned_orders=planned_orders,
        exceptions=exceptions,
        allocations=allocations,
        low_level_codes=llc,
        counters=counters,
        today=today,
        horizon_end=horizon_end,
        _traces=traces,
    )


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
