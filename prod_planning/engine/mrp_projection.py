"""What an MRP plan projects: per item, day by day and per ISO week.

:class:`PlanResult` keeps, for each netted item, a :class:`_Trace` of what
netting saw (requirement rows, existing supplies with their current and
suggested dates, planned orders); the daily balances and weekly buckets are
computed from it on demand.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from .mrp_types import K_DEPENDENT, DailyBalance, ExceptionMessage, PlannedOrder, ProjectionBucket, SupplyAllocation

# Event slots of the weekly projection (index in a week's sums).
_S_SCHEDULED, _S_PLANNED = 3, 4  # 0-2 are the requirement kinds K_FORECAST...


class _Trace:
    """What the projection of one item needs (kept by PlanResult)."""

    __slots__ = ("on_hand", "orders", "rows", "safety", "sups")

    def __init__(self, on_hand, safety, rows, sups, orders):
        self.on_hand = on_hand
        self.safety = safety
        self.rows = rows  # requirement rows, see mrp_demand
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
    """Result of :func:`.mrp.plan`. See the doc of :mod:`.mrp`."""

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
            out.append(DailyBalance(date.fromordinal(x), demand, receipts, planned, balance))
        return out


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


def _events(trace, adjusted):
    """Sorted [(day, slot, qty)]: requirements by kind, supplies, planned orders."""
    events = [(r[0], r[6], r[4]) for r in trace.rows if r[6] <= K_DEPENDENT]
    if adjusted:
        events.extend((suggested, _S_SCHEDULED, qty) for _c, suggested, qty in trace.sups)
    else:
        events.extend((current, _S_SCHEDULED, qty) for current, _s, qty in trace.sups)
    events.extend((po.due_date.toordinal(), _S_PLANNED, po.qty) for po in trace.orders)
    events.sort()
    return events


def _week_totals(events, on_hand, monday, end, weeks):
    """(sums per week and slot, lowest end-of-day balance of the week's event
    days, first event day of the week), for the events up to ``end``."""
    sums = [[0.0, 0.0, 0.0, 0.0, 0.0] for _ in range(weeks)]
    mins = [None] * weeks
    first_day = [None] * weeks
    balance = on_hand
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
        balance += qty if slot >= _S_SCHEDULED else -qty
    if day is not None:
        w = (day - monday) // 7
        if mins[w] is None or balance < mins[w]:
            mins[w] = balance
    return sums, mins, first_day


def _weekly(trace, today, horizon_end, adjusted):
    """[ProjectionBucket] from today's week to the horizon's (or last event's)."""
    today_ord = today.toordinal()
    monday = today_ord - today.weekday()
    events = _events(trace, adjusted)
    if horizon_end is not None:
        end = horizon_end.toordinal()
    else:
        end = events[-1][0] if events else today_ord
    end = max(end, today_ord)
    weeks = (end - monday) // 7 + 1
    sums, mins, first_day = _week_totals(events, trace.on_hand, monday, end, weeks)
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
        if low is None or (opening < low and first_day[w] != max(week_start, today_ord)):
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
