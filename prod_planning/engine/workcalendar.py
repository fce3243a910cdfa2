"""Working-day arithmetic on a weekly pattern plus holidays (pure Python).

``WorkCalendar(workdays=frozenset({0, 1, 2, 3, 4}), holidays=frozenset())``

* ``workdays``: ISO weekday numbers as :meth:`datetime.date.weekday` gives them
  (Monday = 0 ... Sunday = 6) that are working days. At least one is required
  (``ValueError`` otherwise).
* ``holidays``: :class:`datetime.date` values that are not working days even when
  their weekday is.

Semantics (``n`` is a number of working days, ``d`` any date):

* ``is_workday(d)``: weekday in ``workdays`` and ``d`` not a holiday.
* ``previous_workday(d)`` / ``next_workday(d)``: ``d`` itself when it is a working
  day, else the closest working day before / after it.
* ``subtract_workdays(d, n)``: the n-th working day strictly before ``d``
  (Monday - 1 = Friday, Saturday - 1 = Friday); ``n == 0`` gives
  ``previous_workday(d)``.
* ``add_workdays(d, n)``: the n-th working day strictly after ``d``
  (Friday + 1 = Monday, Saturday + 1 = Monday); ``n == 0`` gives
  ``next_workday(d)``. A negative ``n`` goes the other way in both methods.
* ``workdays_between(a, b)``: number of working days in ``[a, b)`` (negative when
  ``b < a``).

Calendars are immutable, hashable and compare by their pattern and holidays.
Each keeps a lazily grown sorted list of working-day ordinals, so every method is
a binary search (O(log n)); the list grows by at least about a year when a date
outside it is asked for.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date

__all__ = ["DEFAULT_CALENDAR", "WorkCalendar"]

_MIN_ORD = date.min.toordinal()
_MAX_ORD = date.max.toordinal()
_MARGIN = 400  # days added on each side when the cache grows


class _Cache:
    """Working days in ``[lo, hi)``: their sorted ordinals, and for each day
    ``lo + i`` the number of working days in ``[lo, lo + i]`` (``upto[i]``)."""

    __slots__ = ("hi", "lo", "ords", "upto")

    def __init__(self):
        self.lo = 0
        self.hi = 0
        self.ords = []
        self.upto = []


@dataclass(frozen=True)
class WorkCalendar:
    """Working days: a weekly pattern minus holidays. See the module docstring."""

    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    holidays: frozenset[date] = frozenset()
    _cache: _Cache = field(default=None, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self):
        workdays = frozenset(int(day) for day in self.workdays)
        if not workdays:
            raise ValueError("A working calendar needs at least one working weekday.")
        if any(day < 0 or day > 6 for day in workdays):
            raise ValueError(f"Working weekdays must be 0 (Monday) to 6 (Sunday), got {sorted(workdays)}.")
        object.__setattr__(self, "workdays", workdays)
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "_cache", _Cache())

    # -- cache ---------------------------------------------------------------

    def _grow(self, lo: int, hi: int) -> list[int]:
        """Make the cache cover at least ``[lo, hi)`` (ordinals), with a margin.

        A new cache object replaces the old one in one assignment, so that a
        thread reading the calendar meanwhile sees either one, whole.
        """
        old = self._cache
        if old.hi > old.lo:
            lo = min(lo, old.lo)
            hi = max(hi, old.hi)
        lo = max(_MIN_ORD, lo - _MARGIN)
        hi = min(_MAX_ORD + 1, hi + _MARGIN)
        workdays = self.workdays
        holidays = {h.toordinal() for h in self.holidays}
        cache = _Cache()
        ords = cache.ords
        upto = cache.upto
        # date.fromordinal(1) is a Monday: weekday of ordinal x is (x - 1) % 7.
        for x in range(lo, hi):
            if (x - 1) % 7 in workdays and x not in holidays:
                ords.append(x)
            upto.append(len(ords))
        cache.lo = lo
        cache.hi = hi
        object.__setattr__(self, "_cache", cache)
        return ords

    def _at(self, x: int, index: int, direction: int) -> int:
        """Ordinal at ``index`` relative to ``x``'s position, growing as needed.

        ``direction`` -1: ``index`` counts back from the last working day < x
        (0 = that day); +1: forward from the first working day > x.
        """
        while True:
            cache = self._cache
            if not cache.lo <= x < cache.hi:
                self._grow(x, x + 1)
                continue
            ords = cache.ords
            if direction < 0:
                base = bisect_left(ords, x) - 1
                pos = base - index
                if pos >= 0:
                    return ords[pos]
                if cache.lo <= _MIN_ORD:
                    break
                self._grow(cache.lo - (index + 1) * 7 - _MARGIN, cache.hi)
            else:
                base = bisect_right(ords, x)
                pos = base + index
                if pos < len(ords):
                    return ords[pos]
                if cache.hi > _MAX_ORD:
                    break
                self._grow(cache.lo, cache.hi + (index + 1) * 7 + _MARGIN)
        raise ValueError(f"No working day found around {date.fromordinal(x)}.")

    # -- ordinal API (used by the MRP engine) ----------------------------------

    def prev_ord(self, x: int) -> int:
        """Ordinal of the working day on or before ordinal ``x``."""
        cache = self._cache
        if cache.lo <= x < cache.hi:
            count = cache.upto[x - cache.lo]
            if count:
                return cache.ords[count - 1]
        return self._at(x + 1, 0, -1)

    def next_ord(self, x: int) -> int:
        """Ordinal of the working day on or after ordinal ``x``."""
        return self._at(x - 1, 0, 1)

    def sub_ord(self, x: int, n: int) -> int:
        """Ordinal version of :meth:`subtract_workdays`."""
        if n <= 0:
            return self.prev_ord(x) if n == 0 else self.add_ord(x, -n)
        cache = self._cache
        if cache.lo < x < cache.hi:
            target = cache.upto[x - 1 - cache.lo] - n
            if target >= 0:
                return cache.ords[target]
        return self._at(x, n - 1, -1)

    def add_ord(self, x: int, n: int) -> int:
        """Ordinal version of :meth:`add_workdays`."""
        if n <= 0:
            return self.next_ord(x) if n == 0 else self.sub_ord(x, -n)
        cache = self._cache
        if cache.lo <= x < cache.hi:
            target = cache.upto[x - cache.lo] + n - 1
            if target < len(cache.ords):
                return cache.ords[target]
        return self._at(x, n - 1, 1)

    # -- date API ----------------------------------------------------------------

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is a working day."""
        return day.weekday() in self.workdays and day not in self.holidays

    def previous_workday(self, day: date) -> date:
        """``day`` if it is a working day, else the closest working day before."""
        x = day.toordinal()
        y = self.prev_ord(x)
        return day if y == x else date.fromordinal(y)

    def next_workday(self, day: date) -> date:
        """``day`` if it is a working day, else the closest working day after."""
        x = day.toordinal()
        y = self.next_ord(x)
        return day if y == x else date.fromordinal(y)

    def subtract_workdays(self, day: date, n: int) -> date:
        """The n-th working day strictly before ``day`` (n=0: previous_workday)."""
        return date.fromordinal(self.sub_ord(day.toordinal(), int(n)))

    def add_workdays(self, day: date, n: int) -> date:
        """The n-th working day strictly after ``day`` (n=0: next_workday)."""
        return date.fromordinal(self.add_ord(day.toordinal(), int(n)))

    def workdays_between(self, start: date, end: date) -> int:
        """Number of working days in ``[start, end)``; negative when end < start."""
        a, b = start.toordinal(), end.toordinal()
        if b < a:
            return -self.workdays_between(end, start)
        cache = self._cache
        ords = cache.ords
        if not (cache.lo <= a and b <= cache.hi):
            ords = self._grow(a, b)
        return bisect_left(ords, b) - bisect_left(ords, a)


DEFAULT_CALENDAR = WorkCalendar()
