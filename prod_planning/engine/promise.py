"""Delivery promises: available-to-promise, then capable-to-promise (pure Python).

The question: *when can ``qty`` of an item ship, not before ``requested``?*

**Available to promise (ATP), cumulative with look-ahead.** An item's
projection is its on hand plus its events (receipts +, requirements -, dated;
past-due ones count today). ``B(t)`` is the end-of-day balance. An order that
takes ``q`` on day ``d`` lowers every balance from ``d`` on, so it may only
take what no later requirement needs: ``ATP(d) = max(0, min(B(t) for t >= d))``.
``ATP`` never decreases with ``d``; it changes only on event days (the
*steps*).

**Capable to promise (CTP).** When the steps never reach ``q``, the shortfall
``q - ATP(d)`` must come from new supply arriving by ``d``:

* ``buy``: ordered today, it arrives after the vendor's lead time (working days);
* ``manufacture``: every component must be there at the start (its own ATP,
  else its own CTP, recursively), then the work centers of the routing must
  have the hours free (what the current load leaves, day by day from the
  start), and the manufacturing lead time (working days) must have passed;
* ``none``: nothing can be made or bought: no date for the shortfall.

The answer is the earliest working day (of the shipping calendar) on or after
the requested day when stock plus new supply covers the whole quantity, with
what constrains it (:class:`Constraint`) and the earliest partial split: what
can ship on the requested day and when the rest follows, step by step.

**Promises consume.** :meth:`Promiser.promise` with ``commit=True`` records the
answer (the demand on the ship date, the new supplies, the components they
take and the hours they load), so the next promise in the same run cannot be
given the same units; earlier promises come in as ``commitments``.

Dates are :class:`datetime.date`; quantities floats in the item's unit.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .workcalendar import DEFAULT_CALENDAR, WorkCalendar

EPS = 1e-6
MAX_CAPACITY_DAYS = 3 * 366  # a job that does not fit in that many days has no date
CONSTRAINT_KINDS = (
    "stock",  # on hand covers it on the requested day
    "calendar",  # on hand covers it; the requested day is not a working day
    "receipt",  # waits for an incoming supply (receipt, order in progress)
    "vendor_lead_time",  # a purchase (of the item or a component) takes this long
    "manufacturing_lead_time",  # making it takes this many working days
    "capacity",  # a work center has no hours free earlier
    "no_source",  # not enough stock and nothing can make or buy the rest
)


# --------------------------------------------------------------------------- input


@dataclass(slots=True)
class Operation:
    """``hours_per_unit`` (plus ``fixed_hours`` per order) on ``workcenter``."""

    workcenter: Hashable
    hours_per_unit: float
    fixed_hours: float = 0.0


@dataclass(slots=True)
class PromiseItem:
    """A product in a warehouse as the promise sees it.

    ``events``: ``[(date, qty)]``, receipts positive, requirements negative;
    ``supply_type``: ``"buy"``, ``"manufacture"`` or ``"none"``;
    ``lead_time``: working days of the purchase or of the manufacturing;
    ``vendor``: a name for the explanation; ``components``: ``[(key, qty per
    unit)]``; ``operations``: :class:`Operation` of its routing.
    """

    key: Hashable
    on_hand: float = 0.0
    events: list = field(default_factory=list)
    supply_type: str = "none"
    lead_time: int = 0
    vendor: Any = None
    components: list = field(default_factory=list)
    operations: list = field(default_factory=list)


@dataclass(slots=True)
class WorkCenter:
    """Free hours of a work center: ``free`` per day up to ``known_until``
    (included; a day missing there has none), then ``daily_hours`` on each
    working day of ``calendar``."""

    key: Hashable
    free: dict = field(default_factory=dict)
    known_until: date | None = None
    daily_hours: float = 8.0
    calendar: WorkCalendar | None = None


# -------------------------------------------------------------------------- output


@dataclass(slots=True)
class Constraint:
    """What sets the date: ``kind`` (see CONSTRAINT_KINDS), the item or work
    center it is about (``subject``), the chain of items from the promised one
    down to it (``path``, the promised item first) and figures in ``values``."""

    kind: str
    subject: Hashable = None
    path: tuple = ()
    values: dict = field(default_factory=dict)


@dataclass(slots=True)
class Promise:
    """The answer for one line: ``date`` (None: the whole quantity cannot be
    promised), ``available_now`` (what ships on the requested day), ``split``
    ``[(date, qty)]`` (the earliest partial deliveries; the last one's date is
    ``date``) and the ``constraint``."""

    key: Hashable
    quantity: float
    requested: date
    date: date | None
    available_now: float
    split: list
    constraint: Constraint


@dataclass(slots=True)
class _Found:
    """An availability: ordinal ``day``, its constraint, the actions to commit."""

    day: int
    constraint: Constraint
    actions: list


class _State:
    """Mutable projection of one item: aggregated events and ATP steps."""

    __slots__ = ("deltas", "item", "steps")

    def __init__(self, item, today_ord):
        self.item = item
        self.deltas = {}
        for day, qty in item.events:
            self.add(max(day.toordinal(), today_ord), qty)
        self.steps = None

    def add(self, x, qty):
        self.deltas[x] = self.deltas.get(x, 0.0) + qty
        self.steps = None

    def atp_steps(self, today_ord):
        """``(days, atps)``: ATP is ``atps[i]`` from ``days[i]`` until the next day."""
        if self.steps is None:
            days = [today_ord]
            balances = [self.item.on_hand]
            balance = self.item.on_hand
            for x in sorted(self.deltas):
                balance += self.deltas[x]
                if x == today_ord:
                    balances[0] = balance
                else:
                    days.append(x)
                    balances.append(balance)
            low = float("inf")
            atps = [0.0] * len(days)
            for i in range(len(days) - 1, -1, -1):
                low = min(low, balances[i])
                atps[i] = low if low > 0 else 0.0
            self.steps = (days, atps)
        return self.steps


class Promiser:
    """Promises against one projection; see the module docstring.

    ``items``: :class:`PromiseItem`; ``workcenters``: :class:`WorkCenter`;
    ``calendar``: the shipping and manufacturing calendar (working days and
    holidays); ``commitments``: ``[(key, date, qty)]`` earlier promises.
    """

    def __init__(self, items, today, workcenters=(), calendar=None, commitments=()):
        self.today = today
        self.today_ord = today.toordinal()
        self.calendar = calendar or DEFAULT_CALENDAR
        self.items = {item.key: item for item in items}
        self.states = {}
        self.free = {}
        self.workcenters = {wc.key: wc for wc in workcenters}
        for key, day, qty in commitments:
            if key in self.items:
                self._state(key).add(max(day.toordinal(), self.today_ord), -qty)

    # ---------------------------------------------------------------- public

    def atp(self, key, day):
        """Available to promise of ``key`` on ``day`` (0 for an unknown item)."""
        if key not in self.items:
            return 0.0
        days, atps = self._state(key).atp_steps(self.today_ord)
        i = bisect_right(days, max(day.toordinal(), self.today_ord)) - 1
        return atps[i]

    def promise(self, key, qty, requested=None, commit=False):
        """The :class:`Promise` of ``qty`` of ``key`` (an item of this
        promiser) not before ``requested`` (default: today); ``commit`` records
        it so that the next promises cannot take the same units."""
        if key not in self.items:
            raise KeyError(f"Unknown item {key!r}.")
        if qty <= 0:
            raise ValueError(f"The quantity must be positive, got {qty!r}.")
        asked = max(requested or self.today, self.today)
        first = self.calendar.next_ord(asked.toordinal())
        self._cache = {}
        found = self._earliest(key, qty, first, (key,))
        available_now = min(qty, self._atp_at(key, first))
        if found is None:
            split = self._split(key, qty, first, None)
            constraint = self._no_source_constraint(key, qty, first)
            answer = Promise(key, qty, asked, None, available_now, split, constraint)
        else:
            day = self.calendar.next_ord(found.day)
            constraint = found.constraint
            if constraint.kind == "stock" and first > asked.toordinal():
                constraint = Constraint("calendar", key, (key,), {"requested": asked})
            answer = Promise(
                key, qty, asked, date.fromordinal(day), available_now, self._split(key, qty, first, day), constraint
            )
            if commit:
                for action in found.actions:
                    self._apply(action)
                self._state(key).add(day, -qty)
        return answer

    # -------------------------------------------------------------- internals

    def _state(self, key):
        state = self.states.get(key)
        if state is None:
            state = self.states[key] = _State(self.items[key], self.today_ord)
        return state

    def _atp_at(self, key, x):
        days, atps = self._state(key).atp_steps(self.today_ord)
        return atps[bisect_right(days, x) - 1]

    def _earliest(self, key, qty, not_before, path):
        """:class:`_Found` for ``qty`` of ``key`` on a day >= ``not_before``
        from its ATP plus new supply; None when it cannot be had."""
        days, atps = self._state(key).atp_steps(self.today_ord)
        # New supply comes earliest for the smallest shortfall (the last step).
        last_short = qty - atps[-1]
        least = None
        if last_short > EPS:
            least = self._new_supply(key, last_short, path)
            if least is None:
                return None  # stock never covers it and nothing can supply the rest
        for i, day in enumerate(days):
            end = days[i + 1] if i + 1 < len(days) else None
            if end is not None and end <= not_before:
                continue
            start = max(day, not_before)
            available = atps[i]
            if available >= qty - EPS:
                kind = "stock" if start == not_before else "receipt"
                return _Found(start, Constraint(kind, key, path, {"date": date.fromordinal(start)}), [])
            if least is not None and end is not None and end <= least.day:
                continue  # new supply cannot come before the next step
            supply = self._new_supply(key, qty - available, path)
            if supply is None:
                continue
            if end is None or max(start, supply.day) < end:
                if supply.day > start:
                    constraint = supply.constraint
                else:
                    kind = "stock" if start == not_before else "receipt"
                    constraint = Constraint(kind, key, path, {"date": date.fromordinal(start)})
                actions = [*supply.actions, ("supply", key, supply.day, qty - available)]
                return _Found(max(start, supply.day), constraint, actions)
        return None

    def _new_supply(self, key, qty, path):
        """:class:`_Found` of the earliest arrival of ``qty`` new units of
        ``key`` (not booked on ``key`` itself); None when there is no source."""
        cache_key = (key, round(qty, 9), path)
        if cache_key in self._cache:
            return self._cache[cache_key]
        item = self.items[key]
        result = None
        if item.supply_type == "buy":
            day = self.calendar.add_ord(self.today_ord, item.lead_time) if item.lead_time > 0 else self.today_ord
            values = {"days": item.lead_time, "vendor": item.vendor}
            result = _Found(day, Constraint("vendor_lead_time", key, path, values), [])
        elif item.supply_type == "manufacture":
            result = self._manufacture(item, qty, path)
        self._cache[cache_key] = result
        return result

    def _manufacture(self, item, qty, path):
        """Components there at the start, then hours free and the lead time."""
        start = self.calendar.next_ord(self.today_ord)
        binding = None
        actions = []
        for component, per_unit in item.components:
            if component not in self.items or per_unit <= 0:
                continue
            need = qty * per_unit
            found = self._earliest(component, need, self.today_ord, (*path, component))
            if found is None:
                return None
            actions.extend(found.actions)
            actions.append(("demand", component, None, need))  # dated at the start below
            ready = self.calendar.next_ord(found.day)
            if ready > start:
                start, binding = ready, found.constraint
        finish = self.calendar.add_ord(start, item.lead_time) if item.lead_time > 0 else start
        constraint = binding or Constraint("manufacturing_lead_time", item.key, path, {"days": item.lead_time})
        for operation in item.operations:
            hours = qty * operation.hours_per_unit + operation.fixed_hours
            if hours <= EPS:
                continue
            booked = self._book_hours(operation.workcenter, start, hours)
            if booked is None:
                return None
            end, load = booked
            actions.append(("load", operation.workcenter, load, None))
            if end > finish:
                finish = end
                constraint = Constraint(
                    "capacity", operation.workcenter, path, {"hours": hours, "start": date.fromordinal(start)}
                )
        actions = [(kind, key, start if day is None else day, q) for kind, key, day, q in actions]
        return _Found(finish, constraint, actions)

    def _free_hours(self, wc, x):
        free = self.free.get(wc.key)
        if free is not None and x in free:
            return free[x]
        day = date.fromordinal(x)
        if wc.known_until is not None and day <= wc.known_until:
            return wc.free.get(day, 0.0)
        calendar = wc.calendar or self.calendar
        return wc.daily_hours if calendar.is_workday(day) else 0.0

    def _book_hours(self, wc_key, start, hours):
        """(last day, {day: hours}) of ``hours`` booked on the free hours of
        ``wc_key`` from ``start`` on; None when they do not fit."""
        wc = self.workcenters.get(wc_key)
        if wc is None:
            return start, {}
        load = {}
        x = start
        left = hours
        while x < start + MAX_CAPACITY_DAYS:
            free = self._free_hours(wc, x)
            if free > EPS:
                taken = min(free, left)
                load[x] = taken
                left -= taken
                if left <= EPS:
                    return x, load
            x += 1
        return None

    def _apply(self, action):
        kind, key, x, qty = action
        if kind == "supply":
            self._state(key).add(x, qty)
        elif kind == "demand":
            self._state(key).add(x, -qty)
        else:
            wc = self.workcenters[key]
            free = self.free.setdefault(key, {})
            for day, hours in x.items():
                free[day] = self._free_hours(wc, day) - hours

    def _split(self, key, qty, first, full_day):
        """[(date, qty)]: what stock gives from ``first`` step by step, then
        the rest on ``full_day`` (None: the rest has no date)."""
        days, atps = self._state(key).atp_steps(self.today_ord)
        split = {}
        given = 0.0
        for i, day in enumerate(days):
            end = days[i + 1] if i + 1 < len(days) else None
            if end is not None and end <= first:
                continue
            x = self.calendar.next_ord(max(day, first))
            if full_day is not None and x >= full_day:
                break
            more = min(atps[i], qty) - given
            if more > EPS:
                split[x] = split.get(x, 0.0) + more
                given += more
        if full_day is not None and qty - given > EPS:
            split[full_day] = split.get(full_day, 0.0) + qty - given
        return [(date.fromordinal(x), q) for x, q in sorted(split.items())]

    def _no_source_constraint(self, key, qty, first):
        """The item down the BoM that has neither stock nor a source."""
        path = (key,)
        while True:
            item = self.items[path[-1]]
            if item.supply_type != "manufacture":
                return Constraint("no_source", item.key, path, {"quantity": qty})
            for component, per_unit in item.components:
                sub_path = (*path, component)
                if component in self.items and self._earliest(component, qty * per_unit, first, sub_path) is None:
                    path = (*path, component)
                    qty = qty * per_unit
                    break
            else:
                return Constraint("capacity", item.key, path, {"quantity": qty})


def explain(promise, name=str):
    """The promise in plain English words (the addon words it through its
    translations; this is for logs and tests). ``name(key)`` names an item or
    work center."""
    c = promise.constraint
    subject = name(c.subject) if c.subject is not None else ""
    via = ""
    if len(c.path) > 1 and c.kind not in ("capacity",):
        via = f" (needed to make {name(c.path[-2])})"
    texts = {
        "stock": "In stock: it can ship on the requested day.",
        "calendar": "In stock; the requested day is not a working day, so it ships on the next one.",
        "receipt": f"Waits for incoming {subject}{via}, expected on {c.values.get('date')}.",
        "vendor_lead_time": f"{subject}{via} must be bought: {c.values.get('days')} working days of vendor lead time.",
        "manufacturing_lead_time": f"{subject}{via} must be made: {c.values.get('days')} working days to make it.",
        "capacity": f"Work center {subject} is fully loaded before then.",
        "no_source": f"Not enough {subject}{via} in stock, and it can be neither made nor bought.",
    }
    return texts[c.kind]
