"""Data model of the finite-capacity scheduler (pure Python, no Odoo).

Time is an integer number of minutes from a horizon origin (minute 0, "now").
No operation that is not fixed starts before minute 0.

The public classes are re-exported by :mod:`.scheduling`; this module also holds
the index-based internal form (:class:`Prepared`) shared by the heuristic and the
CP-SAT model, the objective evaluation and :func:`validate`.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable
from dataclasses import dataclass, field

from .scheduling_calendar import Calendar

FORWARD = "forward"
BACKWARD = "backward"
STRATEGIES = (FORWARD, BACKWARD)


class SolveStatus(enum.Enum):
    """How :func:`~.scheduling.solve` obtained its schedule (``Schedule.status``).

    CP-SAT starts from the dispatching heuristic's schedule: only
    ``CP_SAT_OPTIMAL`` and ``CP_SAT_FEASIBLE`` return a CP-SAT schedule, every
    other status the heuristic's, and says why.
    """

    HEURISTIC = "heuristic"  # CP-SAT not asked for, or nothing to move
    CP_SAT_OPTIMAL = "cp_sat_optimal"  # CP-SAT proved every objective optimal
    CP_SAT_FEASIBLE = "cp_sat_feasible"  # CP-SAT improved it, without a proof
    CP_SAT_NO_GAIN = "cp_sat_no_gain"  # CP-SAT found nothing better
    CP_SAT_TIMEOUT = "cp_sat_timeout"  # no CP-SAT solution within the time limit
    CP_SAT_FAILED = "cp_sat_failed"  # CP-SAT's model failed (``failure`` says how)
    CP_SAT_UNAVAILABLE = "cp_sat_unavailable"  # OR-Tools is not installed

    def describe(self, failure: str = "", rejected: bool = False) -> str:
        """The short English description :attr:`Schedule.method` holds
        (``"cp-sat optimal"``, ``"heuristic (cp-sat timeout)"``...); ``failure``
        details ``CP_SAT_FAILED``; ``rejected``: a CP-SAT solution failed
        :func:`validate` and was dropped."""
        if self is SolveStatus.CP_SAT_FAILED:
            text = f"heuristic (cp-sat failed:{failure})"
        else:
            text = _DESCRIPTIONS[self]
        if rejected:
            text += " [invalid cp-sat solution rejected]"
        return text


_DESCRIPTIONS = {
    SolveStatus.HEURISTIC: "heuristic",
    SolveStatus.CP_SAT_OPTIMAL: "cp-sat optimal",
    SolveStatus.CP_SAT_FEASIBLE: "cp-sat feasible",
    SolveStatus.CP_SAT_NO_GAIN: "heuristic (cp-sat no gain)",
    SolveStatus.CP_SAT_TIMEOUT: "heuristic (cp-sat timeout)",
    SolveStatus.CP_SAT_UNAVAILABLE: "heuristic (cp-sat unavailable)",
}


class ProblemError(ValueError):
    """The problem itself is malformed (unknown keys, cycles, empty choices...).

    ``str()`` is an English sentence; ``code`` names the problem and
    ``values`` the keys it is about, for a caller that words it in its user's
    language: ``precedence_cycle`` (operations: keys of the operations left
    in or behind a cycle, at most 10), ``duplicate_resource`` /
    ``bad_capacity`` (resource), ``duplicate_job`` (job),
    ``duplicate_operation`` / ``negative_duration`` / ``no_resource`` /
    ``fixed_end_before_start`` (operation), ``wrong_job`` (operation, job,
    owner), ``unknown_predecessor`` (operation, predecessor),
    ``unknown_resource`` / ``unknown_fixed_resource`` (operation, resource).
    The errors of ``read_jsplib`` (benchmark files) have no code.
    """

    def __init__(self, message, code="", **values):
        super().__init__(message)
        self.code = code
        self.values = values


@dataclass
class Resource:
    """A work centre.

    ``capacity`` is the number of operations it can process in parallel.
    ``available`` lists its working intervals ``(start, end)`` in minutes (end
    excluded); ``None`` means always available. After the end of the last
    interval the resource is treated as available without interruption (an
    open-ended tail), so that a schedule always exists; operations that end in
    that tail are reported in :attr:`Schedule.warnings`.
    """

    key: Hashable
    capacity: int = 1
    available: list[tuple[int, int]] | None = None


@dataclass
class Operation:
    """One work order.

    ``alternatives`` maps each resource able to do it to its duration in working
    minutes of that resource (setup and cleanup included, efficiency already
    applied). ``predecessors`` are operation keys (of this or another job) that
    must end before it starts. ``fixed = (resource, start, end)`` keeps an
    operation (e.g. a started work order) exactly where it is: it still occupies
    its resource, its successors wait for its end, but it is not moved, nor
    checked against calendars, releases or its own predecessors.
    """

    key: Hashable
    job: Hashable = None
    alternatives: dict[Hashable, int] = field(default_factory=dict)
    predecessors: list[Hashable] = field(default_factory=list)
    fixed: tuple[Hashable, int, int] | None = None


@dataclass
class Job:
    """A manufacturing order.

    ``weight`` is its priority (weights the tardiness and the earliness),
    ``release`` the earliest start of its operations (material availability),
    ``due`` its deadline (``None``: no deadline).
    """

    key: Hashable
    weight: float = 1.0
    release: int = 0
    due: int | None = None
    operations: list[Operation] = field(default_factory=list)


@dataclass
class Problem:
    resources: list[Resource]
    jobs: list[Job]
    name: str = ""


@dataclass
class Assignment:
    operation: Hashable
    job: Hashable
    resource: Hashable
    start: int
    end: int
    fixed: bool = False


@dataclass
class JobResult:
    """Per-job outcome; all values in minutes except ``weighted_tardiness``."""

    job: Hashable
    finish: int
    due: int | None
    lateness: int  # max(0, finish - due), 0 without a due date
    earliness: int  # max(0, due - finish), 0 without a due date
    weighted_tardiness: float  # weight * lateness


@dataclass
class Schedule:
    """The result of :func:`solve`.

    ``status`` (:class:`SolveStatus`) says how it was obtained and ``method``
    describes it in words (``status.describe()``). ``objective`` names the
    primary objective (``"weighted_tardiness"`` when some
    job has a due date, else ``"makespan"``), ``objective_value`` its value,
    ``lower_bound`` a proven lower bound of it (CP-SAT) and ``gap`` the relative
    gap ``(value - bound) / value`` in percent. ``phases`` lists the lexicographic
    CP-SAT phases that ran (name, value, bound, status).
    """

    assignments: dict[Hashable, Assignment]
    jobs: dict[Hashable, JobResult]
    strategy: str
    makespan: int
    total_weighted_tardiness: float
    total_weighted_earliness: float
    method: str
    objective: str
    objective_value: float
    lower_bound: float | None = None
    gap: float | None = None
    wall_time: float = 0.0
    heuristic_value: float | None = None
    status: SolveStatus = SolveStatus.HEURISTIC
    phases: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def late_jobs(self) -> list[Hashable]:
        return [key for key, res in self.jobs.items() if res.lateness > 0]


@dataclass
class Violation:
    kind: str  # missing, resource, fixed, release, calendar, precedence, capacity, job
    message: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


class Prepared:
    """Index-based form of a :class:`Problem` (validated)."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self._read_resources(problem.resources)
        ops = self._read_jobs(problem.jobs)
        self.n = len(ops)
        self._link_predecessors(ops)
        self.topo = self._topological_order()
        self.topo_pos = [0] * self.n
        for pos, i in enumerate(self.topo):
            self.topo_pos[i] = pos
        self._derive()

    def _read_resources(self, resources):
        """Index the resources: keys, capacities and calendars."""
        self.res_keys = []
        self.res_index = {}
        self.caps = []
        self.cals = []
        for res in resources:
            if res.key in self.res_index:
                raise ProblemError(f"duplicate resource {res.key!r}", "duplicate_resource", resource=res.key)
            if int(res.capacity) < 1:
                raise ProblemError(f"resource {res.key!r}: capacity must be >= 1", "bad_capacity", resource=res.key)
            self.res_index[res.key] = len(self.res_keys)
            self.res_keys.append(res.key)
            self.caps.append(int(res.capacity))
            self.cals.append(Calendar(res.available))

    def _read_jobs(self, jobs):
        """Index the jobs and their operations; returns the operations in
        index order."""
        self.job_keys = []
        self.job_w = []
        self.job_release = []
        self.job_due = []
        self.job_ops = []
        self.op_keys = []
        self.op_job = []
        self.op_index = {}
        self.alts = []  # [(res index, duration)] sorted by duration
        self.fixed = []  # (res index, start, end) or None
        job_seen = set()
        ops = []
        for job in jobs:
            if job.key in job_seen:
                raise ProblemError(f"duplicate job {job.key!r}", "duplicate_job", job=job.key)
            job_seen.add(job.key)
            j = len(self.job_keys)
            self.job_keys.append(job.key)
            self.job_w.append(float(job.weight))
            self.job_release.append(int(job.release))
            self.job_due.append(None if job.due is None else int(job.due))
            self.job_ops.append([])
            for op in job.operations:
                self._read_operation(op, job, j)
                ops.append(op)
        return ops

    def _read_operation(self, op, job, j):
        if op.job is not None and op.job != job.key:
            raise ProblemError(
                f"operation {op.key!r} lists job {op.job!r} but belongs to job {job.key!r}",
                "wrong_job",
                operation=op.key,
                job=op.job,
                owner=job.key,
            )
        if op.key in self.op_index:
            raise ProblemError(f"duplicate operation {op.key!r}", "duplicate_operation", operation=op.key)
        i = len(self.op_keys)
        self.op_index[op.key] = i
        self.op_keys.append(op.key)
        self.op_job.append(j)
        self.job_ops[j].append(i)
        self.alts.append(self._alternatives(op))
        self.fixed.append(self._fixed(op))

    def _link_predecessors(self, ops):
        """Predecessor and successor lists by operation index."""
        self.preds = [[] for _ in range(self.n)]
        self.succs = [[] for _ in range(self.n)]
        for i, op in enumerate(ops):
            for pkey in op.predecessors:
                p = self.op_index.get(pkey)
                if p is None:
                    raise ProblemError(
                        f"operation {op.key!r}: unknown predecessor {pkey!r}",
                        "unknown_predecessor",
                        operation=op.key,
                        predecessor=pkey,
                    )
                if p != i and p not in self.preds[i]:
                    self.preds[i].append(p)
                    self.succs[p].append(i)

    def _alternatives(self, op):
        alts = []
        for rkey, dur in op.alternatives.items():
            r = self.res_index.get(rkey)
            if r is None:
                raise ProblemError(
                    f"operation {op.key!r}: unknown resource {rkey!r}",
                    "unknown_resource",
                    operation=op.key,
                    resource=rkey,
                )
            if int(dur) < 0:
                raise ProblemError(f"operation {op.key!r}: negative duration", "negative_duration", operation=op.key)
            alts.append((r, int(dur)))
        if not alts and op.fixed is None:
            raise ProblemError(f"operation {op.key!r} has no resource", "no_resource", operation=op.key)
        alts.sort(key=lambda a: (a[1], a[0]))
        return alts

    def _fixed(self, op):
        if op.fixed is None:
            return None
        rkey, start, end = op.fixed
        r = self.res_index.get(rkey)
        if r is None:
            raise ProblemError(
                f"operation {op.key!r}: unknown fixed resource {rkey!r}",
                "unknown_fixed_resource",
                operation=op.key,
                resource=rkey,
            )
        if int(end) < int(start):
            raise ProblemError(
                f"operation {op.key!r}: fixed end before start", "fixed_end_before_start", operation=op.key
            )
        return (r, int(start), int(end))

    def _topological_order(self):
        indeg = [len(p) for p in self.preds]
        stack = [i for i in range(self.n - 1, -1, -1) if indeg[i] == 0]
        order = []
        while stack:
            i = stack.pop()
            order.append(i)
            for k in reversed(self.succs[i]):
                indeg[k] -= 1
                if indeg[k] == 0:
                    stack.append(k)
        if len(order) != self.n:
            cyc = [self.op_keys[i] for i in range(self.n) if indeg[i] > 0]
            raise ProblemError(
                f"precedence cycle among operations {cyc[:10]!r}", "precedence_cycle", operations=cyc[:10]
            )
        return order

    def _derive(self):
        n = self.n
        self.mind = [
            (self.fixed[i][2] - self.fixed[i][1]) if self.fixed[i] else min(d for _, d in self.alts[i])
            for i in range(n)
        ]
        # earliest start from the release (never before minute 0)
        self.est = [max(0, self.job_release[self.op_job[i]]) for i in range(n)]
        # base ready time: release and ends of fixed predecessors
        self.base_ready = list(self.est)
        for i in range(n):
            for p in self.preds[i]:
                if self.fixed[p]:
                    self.base_ready[i] = max(self.base_ready[i], self.fixed[p][2])
        # head: longest path of minimal durations from the releases
        self.head = [0] * n
        for i in self.topo:
            if self.fixed[i]:
                self.head[i] = self.fixed[i][1]
                continue
            h = self.base_ready[i]
            for p in self.preds[i]:
                if not self.fixed[p]:
                    h = max(h, self.head[p] + self.mind[p])
            self.head[i] = h
        # remaining work inside the job (this operation included)
        self.rem = [0] * n
        for i in reversed(self.topo):
            j = self.op_job[i]
            tail = 0
            for k in self.succs[i]:
                if self.op_job[k] == j:
                    tail = max(tail, self.rem[k])
            self.rem[i] = self.mind[i] + tail
        self.has_due = any(d is not None for d in self.job_due)
        self.movable = [i for i in range(n) if self.fixed[i] is None]


def job_finishes(prep: Prepared, sol) -> list[int]:
    fin = []
    for ops in prep.job_ops:
        fin.append(max((sol[i][2] for i in ops), default=0))
    return fin


def objective_key(prep: Prepared, sol, strategy: str) -> tuple:
    """Lexicographic objective of a solution (smaller is better).

    forward: (weighted tardiness, makespan, total completion)
    backward: (weighted tardiness, weighted earliness + weighted completion of
    jobs without due date, spread = sum over operations of jobs with a due
    date of (job finish - operation end)).
    """
    fin = job_finishes(prep, sol)
    wt = 0.0
    we = 0.0
    for j, c in enumerate(fin):
        due = prep.job_due[j]
        if due is None:
            if strategy == BACKWARD and prep.has_due:
                we += prep.job_w[j] * c
            continue
        if c > due:
            wt += prep.job_w[j] * (c - due)
        else:
            we += prep.job_w[j] * (due - c)
    makespan = max((s[2] for s in sol), default=0)
    if strategy == BACKWARD and prep.has_due:
        spread = 0
        for j, ops in enumerate(prep.job_ops):
            if prep.job_due[j] is None:
                continue
            for i in ops:
                if prep.fixed[i] is None:
                    spread += fin[j] - sol[i][2]
        return (round(wt, 6), round(we, 6), spread)
    return (round(wt, 6), makespan, sum(fin))


def primary_objective(prep: Prepared) -> str:
    return "weighted_tardiness" if prep.has_due else "makespan"


def build_schedule(
    prep: Prepared, sol, strategy: str, status: SolveStatus = SolveStatus.HEURISTIC, method: str | None = None
) -> Schedule:
    """The :class:`Schedule` of an index-based solution; ``method`` defaults to
    ``status.describe()``."""
    assignments = {}
    warnings = []
    for i in range(prep.n):
        r, s, e = sol[i]
        assignments[prep.op_keys[i]] = Assignment(
            operation=prep.op_keys[i],
            job=prep.job_keys[prep.op_job[i]],
            resource=prep.res_keys[r],
            start=s,
            end=e,
            fixed=prep.fixed[i] is not None,
        )
        cal = prep.cals[r]
        if prep.fixed[i] is None and e > s and cal.horizon_end is not None and e > cal.horizon_end:
            warnings.append(
                f"operation {prep.op_keys[i]!r} ends at {e}, after the end of the "
                f"calendar of resource {prep.res_keys[r]!r} ({cal.horizon_end})"
            )
    fin = job_finishes(prep, sol)
    jobs = {}
    twt = 0.0
    twe = 0.0
    for j, key in enumerate(prep.job_keys):
        due = prep.job_due[j]
        late = 0 if due is None else max(0, fin[j] - due)
        early = 0 if due is None else max(0, due - fin[j])
        wt = prep.job_w[j] * late
        twt += wt
        twe += prep.job_w[j] * early
        jobs[key] = JobResult(key, fin[j], due, late, early, wt)
    makespan = max((s[2] for s in sol), default=0)
    name = primary_objective(prep)
    return Schedule(
        assignments=assignments,
        jobs=jobs,
        strategy=strategy,
        makespan=makespan,
        total_weighted_tardiness=twt,
        total_weighted_earliness=twe,
        method=status.describe() if method is None else method,
        status=status,
        objective=name,
        objective_value=twt if name == "weighted_tardiness" else makespan,
        warnings=warnings,
    )


def validate(problem: Problem, schedule: Schedule) -> list[Violation]:
    """Check a schedule against every constraint of the problem.

    Returns the list of violations (empty when the schedule is feasible):
    missing/unknown operations, resource not among the alternatives, fixed
    operations moved, start before the release (or before minute 0), start or
    end not matching the resource calendar and the duration, precedence,
    capacity, and job results inconsistent with the assignments. Overloads
    made of fixed operations only are the caller's data and are not reported.
    """
    prep = Prepared(problem)
    out = []
    sol = [None] * prep.n
    for key in schedule.assignments:
        if key not in prep.op_index:
            out.append(Violation("missing", f"unknown operation {key!r} scheduled"))
    for i, key in enumerate(prep.op_keys):
        a = schedule.assignments.get(key)
        if a is None:
            out.append(Violation("missing", f"operation {key!r} not scheduled"))
            continue
        r = prep.res_index.get(a.resource)
        if r is None:
            out.append(Violation("resource", f"{key!r}: unknown resource"))
            continue
        sol[i] = (r, int(a.start), int(a.end))
    out.extend(check_solution(prep, sol))
    if all(s is not None for s in sol):
        fin = job_finishes(prep, sol)
        for j, key in enumerate(prep.job_keys):
            res = schedule.jobs.get(key)
            due = prep.job_due[j]
            late = 0 if due is None else max(0, fin[j] - due)
            if res is None or res.finish != fin[j] or res.lateness != late:
                out.append(Violation("job", f"job {key!r}: finish/lateness inconsistent"))
    return out


def check_solution(prep: Prepared, sol) -> list[Violation]:
    """Constraint check of an index-based solution (``None`` entries skipped)."""
    out = []
    for i, item in enumerate(sol):
        if item is None:
            continue
        key = prep.op_keys[i]
        r, s, e = item
        fixed = prep.fixed[i]
        if fixed is not None:
            if tuple(item) != fixed:
                out.append(
                    Violation(
                        "fixed",
                        f"{key!r} fixed at {problem_fixed(prep, i)} but scheduled on {prep.res_keys[r]!r} [{s}, {e})",
                    )
                )
            continue
        dur = dict(prep.alts[i]).get(r)
        if dur is None:
            out.append(Violation("resource", f"{key!r} cannot run on {prep.res_keys[r]!r}"))
            continue
        if s < prep.est[i]:
            out.append(Violation("release", f"{key!r} starts at {s} before its release {prep.est[i]}"))
        cal = prep.cals[r]
        if dur == 0:
            if e != s:
                out.append(Violation("calendar", f"{key!r}: zero duration, end!=start"))
        elif not cal.is_working(s):
            out.append(Violation("calendar", f"{key!r} starts at {s}, outside working time"))
        elif cal.add(s, dur) != e:
            out.append(
                Violation(
                    "calendar",
                    f"{key!r} [{s}, {e}) does not hold its {dur} working minutes (should end at {cal.add(s, dur)})",
                )
            )
    for i in range(prep.n):
        if sol[i] is None or prep.fixed[i] is not None:
            continue
        for p in prep.preds[i]:
            if sol[p] is not None and sol[p][2] > sol[i][1]:
                out.append(
                    Violation(
                        "precedence",
                        f"{prep.op_keys[i]!r} starts at {sol[i][1]} before {prep.op_keys[p]!r} ends at {sol[p][2]}",
                    )
                )
    out.extend(_capacity_violations(prep, sol))
    return out


def problem_fixed(prep, i):
    r, s, e = prep.fixed[i]
    return f"{prep.res_keys[r]!r} [{s}, {e})"


def _capacity_violations(prep, sol):
    out = []
    events = {}
    for i, item in enumerate(sol):
        if item is None:
            continue
        r, s, e = item
        if e > s:
            events.setdefault(r, []).append((s, e, i))
    for r, items in events.items():
        cap = prep.caps[r]
        points = []
        for s, e, i in items:
            points.append((s, 1, i))
            points.append((e, -1, i))
        points.sort(key=lambda p: (p[0], p[1]))
        active = set()
        reported = False
        for t, delta, i in points:
            if delta < 0:
                active.discard(i)
                continue
            active.add(i)
            if len(active) > cap and not reported:
                movable = [k for k in active if prep.fixed[k] is None]
                if movable:
                    names = sorted(repr(prep.op_keys[k]) for k in active)
                    out.append(
                        Violation(
                            "capacity",
                            f"resource {prep.res_keys[r]!r} overloaded at {t} "
                            f"({len(active)} > {cap}): {', '.join(names)}",
                        )
                    )
                    reported = True
    return out
