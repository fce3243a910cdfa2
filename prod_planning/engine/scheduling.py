"""Finite-capacity scheduling engine (pure Python; OR-Tools CP-SAT optional).

Public API::

    solve(problem, strategy="forward", time_limit=10.0, use_cp_sat=True,
          workers=2) -> Schedule
    validate(problem, schedule) -> list[Violation]     # [] when feasible
    read_jsplib(text, name="") -> Problem               # JSPLIB / OR-Library

Model (:mod:`.scheduling_model`): :class:`Resource`, :class:`Operation`,
:class:`Job`, :class:`Problem`; results :class:`Schedule`, :class:`Assignment`,
:class:`JobResult`. Times are integer minutes from the horizon origin (0).

Strategies:

* ``"forward"``: as early as possible. Minimises the total weighted tardiness,
  then the makespan (only the makespan when no job has a due date).
* ``"backward"``: just in time. Minimises, lexicographically, the total weighted
  tardiness, then the total weighted earliness (jobs finishing before their due
  date; jobs without a due date count their weighted completion time, i.e. are
  kept as early as possible), then the *spread*: the sum over the operations of
  jobs with a due date of (job finish - operation end), which pulls each
  operation towards its job's finish (little work-in-progress). Without any due
  date it is the forward strategy.

The dispatching heuristic (:mod:`.scheduling_heuristic`) always runs first: it
is the fallback and CP-SAT's hint (:mod:`.scheduling_cpsat`). A CP-SAT solution
is only returned when :func:`validate` accepts it.
"""

from __future__ import annotations

import importlib.util
import time

from .scheduling_calendar import Calendar, Timeline
from .scheduling_heuristic import heuristic, left_shift, right_shift
from .scheduling_model import (
    BACKWARD,
    FORWARD,
    STRATEGIES,
    Assignment,
    Job,
    JobResult,
    Operation,
    Prepared,
    Problem,
    ProblemError,
    Resource,
    Schedule,
    SolveStatus,
    Violation,
    build_schedule,
    check_solution,
    objective_key,
    validate,
)

# Seconds of random-key improvement when the heuristic runs alone (its first
# schedule is then improved for this long at most).
HEURISTIC_ALONE_MAX = 1.0

__all__ = [
    "BACKWARD",
    "FORWARD",
    "STRATEGIES",
    "Assignment",
    "Calendar",
    "Job",
    "JobResult",
    "Operation",
    "Problem",
    "ProblemError",
    "Resource",
    "Schedule",
    "SolveStatus",
    "Timeline",
    "Violation",
    "read_jsplib",
    "solve",
    "validate",
]


def solve(
    problem: Problem,
    strategy: str = FORWARD,
    time_limit: float = 10.0,
    use_cp_sat: bool = True,
    workers: int = 2,
    heuristic_time: float | None = None,
    seed: int = 0,
    log: bool = False,
    cp_params: dict | None = None,
) -> Schedule:
    """Schedule ``problem``; always returns a feasible schedule.

    ``time_limit`` (seconds) bounds the whole call (heuristic, model building and
    CP-SAT); ``heuristic_time`` the heuristic's improvement loop (default:
    :func:`default_heuristic_time`); ``workers`` CP-SAT's threads;
    ``cp_params`` extra CP-SAT parameters (name: value). Raises
    :class:`ProblemError` for a malformed problem.
    """
    t0 = time.perf_counter()
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, not {strategy!r}")
    deadline = t0 + float(time_limit)
    prep = Prepared(problem)
    if heuristic_time is None:
        heuristic_time = default_heuristic_time(prep, time_limit, use_cp_sat)
    h = heuristic(prep, strategy, heuristic_time, seed=seed)
    sol = h.sol
    warnings = [f"internal: heuristic {v}" for v in check_solution(prep, sol)]
    status, method = SolveStatus.HEURISTIC, None
    cp = None
    if use_cp_sat and prep.movable and not warnings:
        cp, status, method = _run_cp_sat(prep, strategy, sol, deadline, workers, log, cp_params)
        if cp is not None and cp.sol is not None:
            sol = _compact(prep, cp.sol, strategy)
    schedule = build_schedule(prep, sol, strategy, status, method)
    schedule.warnings[:0] = warnings
    hsched = build_schedule(prep, h.sol, strategy)
    schedule.heuristic_value = hsched.objective_value
    if cp is not None:
        schedule.phases = cp.phases
        if cp.bound is not None:
            lb = min(cp.bound, schedule.objective_value)
            schedule.lower_bound = lb
            value = schedule.objective_value
            schedule.gap = 0.0 if value <= 0 else 100.0 * (value - lb) / value
    schedule.wall_time = time.perf_counter() - t0
    return schedule


def ortools_available() -> bool:
    return importlib.util.find_spec("ortools") is not None


def default_heuristic_time(prep, time_limit: float, use_cp_sat: bool) -> float:
    """Seconds for the heuristic's improvement loop: small problems leave the
    time to CP-SAT; on big ones (where CP-SAT's search is slow) the heuristic
    gets a quarter of the time; alone it stops after at most
    ``HEURISTIC_ALONE_MAX`` seconds (half the limit when that is shorter).

    The engine owns the time budget: callers give the limit, not its split."""
    time_limit = float(time_limit)
    if not use_cp_sat:
        return min(HEURISTIC_ALONE_MAX, 0.5 * time_limit)
    if len(prep.movable) >= 500:
        return 0.25 * time_limit
    return min(0.5, 0.05 * time_limit)


def _run_cp_sat(prep, strategy, hint, deadline, workers, log, params):
    """``(CpResult or None, SolveStatus, method)``: CP-SAT's improvement of
    ``hint``; the result's solution is None when the heuristic's stays."""
    if not ortools_available():
        status = SolveStatus.CP_SAT_UNAVAILABLE
        return None, status, status.describe()
    from .scheduling_cpsat import CpStatus, solve_cp_sat

    def check(sol):
        return not check_solution(prep, sol)

    cp = solve_cp_sat(prep, strategy, hint, deadline, workers=workers, check=check, log=log, params=params)
    if cp.status is CpStatus.OPTIMAL:
        status = SolveStatus.CP_SAT_OPTIMAL
    elif cp.status is CpStatus.FEASIBLE:
        status = SolveStatus.CP_SAT_FEASIBLE if cp.improved else SolveStatus.CP_SAT_NO_GAIN
    elif cp.status is CpStatus.TIMEOUT:
        status = SolveStatus.CP_SAT_TIMEOUT
    else:
        status = SolveStatus.CP_SAT_FAILED
        cp.sol = None
    rejected = any(p.get("invalid") for p in cp.phases)
    return cp, status, status.describe(cp.failure, rejected)


def _compact(prep, sol, strategy):
    """Left-shift (forward) or right-shift (backward) a solution, kept only if
    still feasible and not worse."""
    shifted = right_shift(prep, sol) if strategy == BACKWARD else left_shift(prep, sol)
    if check_solution(prep, shifted):
        return sol
    if objective_key(prep, shifted, strategy) <= objective_key(prep, sol, strategy):
        return shifted
    return sol


def read_jsplib(text: str, name: str = "") -> Problem:
    """Read a job-shop instance in the JSPLIB / OR-Library text format.

    First non-comment line ``n_jobs n_machines``, then one line per job of
    ``machine duration`` pairs (machines numbered from 0). Lines starting with
    ``#`` are comments. Resources are the machine numbers (capacity 1, no
    calendar), jobs are numbered from 0, operation keys are ``(job, index)``;
    no due dates, so the objective is the makespan.
    """
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            rows.append([int(tok) for tok in line.split()])
        except ValueError as exc:
            raise ProblemError(f"not a JSPLIB line: {line!r}") from exc
    if not rows or len(rows[0]) < 2:
        raise ProblemError("missing 'n_jobs n_machines' header")
    n_jobs, n_machines = rows[0][0], rows[0][1]
    if len(rows) - 1 < n_jobs:
        raise ProblemError(f"expected {n_jobs} job lines, found {len(rows) - 1}")
    resources = [Resource(m) for m in range(n_machines)]
    jobs = []
    for j, row in enumerate(rows[1 : 1 + n_jobs]):
        if len(row) % 2:
            raise ProblemError(f"job {j}: odd number of values")
        ops = []
        for k in range(len(row) // 2):
            machine, duration = row[2 * k], row[2 * k + 1]
            if not 0 <= machine < n_machines:
                raise ProblemError(f"job {j}: machine {machine} out of range")
            ops.append(
                Operation(key=(j, k), job=j, alternatives={machine: duration}, predecessors=[(j, k - 1)] if k else [])
            )
        jobs.append(Job(key=j, operations=ops))
    return Problem(resources=resources, jobs=jobs, name=name)
