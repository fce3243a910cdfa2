"""Working calendars and resource load profiles (pure Python).

A :class:`Calendar` is a sorted list of disjoint working intervals ``[a, b)``.
An operation of ``d`` working minutes starts on a working minute and consumes
``d`` working minutes, pausing over breaks: its elapsed end depends on its start.
After the last given interval the calendar is open-ended (always working), so
every operation fits somewhere; :attr:`Calendar.horizon_end` keeps the end of
the given intervals for warnings.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

INF = 1 << 60
NEG = -(1 << 60)


class Calendar:
    __slots__ = ("always", "starts", "ends", "cum", "cumend", "horizon_end")

    def __init__(self, intervals=None):
        self.horizon_end = None
        if intervals is None:
            self.always = True
            self.starts = [NEG]
            self.ends = [INF]
            self.cum = [0]
            self.cumend = [INF]
            return
        self.always = False
        merged = []
        for a, b in sorted((int(a), int(b)) for a, b in intervals):
            if b <= a:
                continue
            if merged and a <= merged[-1][1]:
                if b > merged[-1][1]:
                    merged[-1][1] = b
            else:
                merged.append([a, b])
        if merged:
            self.horizon_end = merged[-1][1]
            merged[-1][1] = INF  # open-ended tail
        else:
            self.horizon_end = 0
            merged = [[0, INF]]
        self.starts = [a for a, _ in merged]
        self.ends = [b for _, b in merged]
        self.cum = []
        self.cumend = []
        total = 0
        for a, b in merged:
            self.cum.append(total)
            total += b - a
            self.cumend.append(total)

    # -- queries ---------------------------------------------------------------
    def is_working(self, t: int) -> bool:
        return self.next_start(t) == t

    def next_start(self, t: int) -> int:
        """First working minute at or after ``t``."""
        if self.always:
            return t
        k = bisect_right(self.starts, t) - 1
        if k < 0:
            return self.starts[0]
        if t < self.ends[k]:
            return t
        return self.starts[k + 1]

    def work(self, t: int) -> int:
        """Working minutes from the calendar's beginning up to ``t``."""
        k = bisect_right(self.starts, t) - 1
        if k < 0:
            return 0
        return self.cum[k] + min(t, self.ends[k]) - self.starts[k]

    def add(self, s: int, d: int) -> int:
        """End of ``d`` working minutes starting at the working minute ``s``."""
        if self.always or d <= 0:
            return s + d
        w = self.work(s) + d
        j = bisect_left(self.cumend, w)
        return self.starts[j] + w - self.cum[j]

    def latest_end(self, limit: int):
        """Latest possible end (a working minute's end) at or before ``limit``."""
        if self.always:
            return limit
        k = bisect_left(self.starts, limit) - 1
        if k < 0:
            return None
        return min(limit, self.ends[k])

    def sub(self, e: int, d: int):
        """Start of an operation of ``d`` working minutes ending at ``e``."""
        if self.always or d <= 0:
            return e - d
        w = self.work(e) - d
        if w < 0:
            return None
        k = bisect_right(self.cum, w) - 1
        return self.starts[k] + w - self.cum[k]

    def modes(self, d: int, lo: int, hi_end: int) -> dict[int, list[tuple[int, int]]]:
        """Group the feasible starts of a ``d``-minute operation by elapsed length.

        Returns ``{elapsed_length: [(first_start, last_start), ...]}`` for starts
        ``s >= lo`` whose end ``s + elapsed_length <= hi_end``. Within each group
        the end is exactly ``start + elapsed_length``; the groups are few (same
        shift, over one night, over a weekend...).
        """
        out: dict[int, list[tuple[int, int]]] = {}
        if self.always or d <= 0:
            if hi_end - d >= lo:
                out[d] = [(lo, hi_end - d)]
            return out
        starts, ends, cum, cumend = self.starts, self.ends, self.cum, self.cumend
        k = bisect_right(starts, lo) - 1
        if k < 0:
            k = 0
        elif lo >= ends[k]:
            k += 1
        nk = len(starts)
        while k < nk:
            a = max(starts[k], lo)
            if a + d > hi_end:
                break
            off_k = starts[k] - cum[k]
            wlo = a - off_k
            whi = ends[k] - 1 - off_k
            j = bisect_left(cumend, wlo + d)
            while j < nk:
                lo_w = max(wlo, cum[j] - d + 1)
                if lo_w > whi:
                    break
                hi_w = min(whi, cumend[j] - d)
                length = d + (starts[j] - cum[j]) - off_k
                s_lo = lo_w + off_k
                s_hi = min(hi_w + off_k, hi_end - length)
                if s_lo > hi_end - length:
                    break
                if s_lo <= s_hi:
                    out.setdefault(length, []).append((s_lo, s_hi))
                j += 1
            k += 1
        return out


class Timeline:
    """Load profile of one resource: ``loads[k]`` units busy on
    ``[times[k], times[k + 1])``."""

    __slots__ = ("cap", "times", "loads")

    def __init__(self, cap: int):
        self.cap = cap
        self.times = [NEG]
        self.loads = [0]

    def _split(self, t: int) -> int:
        times = self.times
        k = bisect_right(times, t) - 1
        if times[k] == t:
            return k
        times.insert(k + 1, t)
        self.loads.insert(k + 1, self.loads[k])
        return k + 1

    def add(self, s: int, e: int) -> None:
        if e <= s:
            return
        i = self._split(s)
        j = self._split(e)
        loads = self.loads
        for k in range(i, j):
            loads[k] += 1

    def earliest(self, cal: Calendar, t: int, d: int) -> tuple[int, int]:
        """Earliest ``(start, end)`` at or after ``t`` with a free unit throughout."""
        if d <= 0:
            return t, t
        times, loads, cap = self.times, self.loads, self.cap
        n = len(times)
        s = cal.next_start(t)
        while True:
            e = cal.add(s, d)
            k = bisect_right(times, s) - 1
            while k < n and times[k] < e:
                if loads[k] >= cap:
                    k += 1
                    while k < n and loads[k] >= cap:
                        k += 1
                    s = cal.next_start(times[k])
                    break
                k += 1
            else:
                return s, e

    def latest(self, cal: Calendar, limit: int, d: int, lower: int):
        """Latest ``(start, end)`` with ``end <= limit`` and ``start >= lower``."""
        if d <= 0:
            return (limit, limit) if limit >= lower else None
        times, loads, cap = self.times, self.loads, self.cap
        n = len(times)
        e = cal.latest_end(limit)
        while e is not None:
            s = cal.sub(e, d)
            if s is None or s < lower:
                return None
            k = bisect_right(times, e - 1) - 1
            block = None
            while k >= 0 and (k + 1 >= n or times[k + 1] > s):
                if loads[k] >= cap:
                    while k > 0 and loads[k - 1] >= cap:
                        k -= 1
                    block = times[k]
                    break
                k -= 1
            if block is None:
                return s, e
            e = cal.latest_end(block)
        return None
