"""CP-SAT model of the scheduling problem (OR-Tools imported lazily).

Calendars are modelled exactly in elapsed time. For an operation of ``d``
working minutes on a resource, the elapsed length ``end - start`` only depends
on which breaks the operation spans, so its feasible starts split into a few
*modes* (same shift, over one night, over a weekend, ...), each a union of
start ranges with a constant elapsed length (:meth:`Calendar.modes`). One
Boolean per (alternative, mode) selects the mode; the start is constrained to
the mode's ranges and the interval ``[start, start + length)`` goes into the
resource's no-overlap (capacity 1) or cumulative constraint. As the interval
holds the unit during the breaks it spans, and no operation of that resource
can run during a break anyway, this is exact. Fixed operations become fixed
intervals. Objectives are solved lexicographically, one phase after the other,
each phase bounding the previous objective to its best value.
"""

from __future__ import annotations

import enum
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from .scheduling_model import BACKWARD, Prepared

_SKIP_BELOW = 0.05  # seconds: not worth starting a phase


class CpStatus(enum.Enum):
    """Outcome of :func:`solve_cp_sat` (``CpResult.status``)."""

    OPTIMAL = "optimal"  # every phase proven optimal
    FEASIBLE = "feasible"  # a solution, not proven optimal
    TIMEOUT = "timeout"  # no CP-SAT solution of the first phase in time
    FAILED = "failed"  # the model failed: ``CpResult.failure`` says how


class CpResult:
    def __init__(self):
        self.sol = None
        self.improved = False
        self.status = None  # CpStatus
        self.failure = ""  # "horizon" or CP-SAT's status name when FAILED
        self.phases = []
        self.bound = None  # bound of the primary objective (unscaled)
        self.scale = 1


@dataclass
class _Phase:
    """One objective of the lexicographic sequence: its CP-SAT expression,
    its value computed in Python from a solution (scaled integers) and the
    scale that turns that value back into the objective's unit."""

    name: str
    expr: object
    value: Callable
    scale: int


def weight_scale(weights) -> int:
    """Smallest power of ten (<= 1000) making the weights integers."""
    for scale in (1, 10, 100, 1000):
        if all(abs(w * scale - round(w * scale)) < 1e-9 for w in weights):
            return scale
    return 1000


def _fixed_blocks(prep: Prepared, r: int):
    """Load profile of the fixed operations of resource ``r`` as
    ``(start, end, demand)`` segments (demand capped at the capacity)."""
    events = []
    for f in prep.fixed:
        if f is not None and f[0] == r and f[2] > f[1]:
            events.append((f[1], 1))
            events.append((f[2], -1))
    events.sort()
    out = []
    load = 0
    last = None
    for t, delta in events:
        if load > 0 and last is not None and t > last:
            out.append((last, t, min(load, prep.caps[r])))
        load += delta
        last = t
    return out


def solve_cp_sat(
    prep: Prepared,
    strategy: str,
    hint,
    deadline: float,
    workers: int = 2,
    check=None,
    log: bool = False,
    params: dict | None = None,
) -> CpResult:
    """Improve ``hint`` (a feasible solution) with CP-SAT until ``deadline``
    (a ``time.perf_counter()`` value). ``check(sol)`` must return True for a
    solution to be accepted. ``params``: extra CP-SAT parameters."""
    from ortools.sat.python import cp_model

    res = CpResult()
    cp = _CpModel(cp_model, prep, strategy, hint)
    res.scale = cp.scale
    if not cp.add_operations():
        res.status, res.failure = CpStatus.FAILED, "horizon"
        return res
    cp.add_resources()
    cp.add_precedences()
    cp.add_completions()
    cp.solver_settings(workers, log, params)
    _solve_phases(cp, cp.phases(), hint, deadline, check, res)
    return res


def _solve_phases(cp, phases, hint, deadline, check, res):
    """Solve ``phases`` one after the other from ``hint``, each bounding its
    objective to its best value for the next; fills ``res``."""
    best = hint
    outcomes = []
    for idx, phase in enumerate(phases):
        share = 1.0 if idx == len(phases) - 1 else 0.7
        outcome, best, stop = _solve_phase(cp, phase, best, deadline, share, check, res)
        outcomes.append(outcome)
        if stop:
            break
    res.sol = best
    if res.phases and res.phases[0]["bound"] is not None:
        res.bound = res.phases[0]["bound"]
    if res.status is CpStatus.FAILED:
        return
    if not outcomes or outcomes[0] is CpStatus.TIMEOUT:
        res.status = CpStatus.TIMEOUT
    elif len(outcomes) == len(phases) and all(o is CpStatus.OPTIMAL for o in outcomes):
        res.status = CpStatus.OPTIMAL
    else:
        res.status = CpStatus.FEASIBLE


def _solve_phase(cp, phase, best, deadline, share, check, res):
    """One phase from the solution ``best``: ``(outcome, best, stop)``, where
    ``stop`` ends the sequence (CP-SAT gave no solution)."""
    current = phase.value(best)
    remaining = deadline - time.perf_counter()
    entry = {"name": phase.name, "value": current / phase.scale, "bound": None}
    res.phases.append(entry)
    if current == 0:
        entry.update(bound=0.0, status="optimal")
        cp.model.add(phase.expr <= 0)
        return CpStatus.OPTIMAL, best, False
    if remaining < _SKIP_BELOW:
        entry["status"] = "skipped"
        return CpStatus.TIMEOUT, best, False
    solver, status = cp.solve(phase.expr, best, remaining * share)
    cp_model = cp.cp_model
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        name = solver.status_name(status)
        entry["status"] = name.lower()
        if status == cp_model.UNKNOWN:
            return CpStatus.TIMEOUT, best, True
        res.status, res.failure = CpStatus.FAILED, name
        return CpStatus.FAILED, best, True
    sol = cp.extract(solver)
    value = phase.value(sol)
    if value <= current and (check is None or check(sol)):
        res.improved = res.improved or value < current
        best = sol
        current = value
    elif value <= current:
        entry["invalid"] = True
    bound = math.ceil(solver.best_objective_bound - 1e-6)
    bound = min(float(current), max(0.0, bound))  # every objective is >= 0
    optimal = status == cp_model.OPTIMAL and not entry.get("invalid")
    entry.update(value=current / phase.scale, bound=bound / phase.scale, status="optimal" if optimal else "feasible")
    cp.model.add(phase.expr <= current)
    return (CpStatus.OPTIMAL if optimal else CpStatus.FEASIBLE), best, False


class _CpModel:
    """The CP-SAT model of a prepared problem: variables (start, end, chosen
    alternative and calendar mode of each movable operation; completion,
    tardiness and earliness of each job; the makespan), constraints, the
    objective phases, hints and the reading of a solution."""

    def __init__(self, cp_model, prep: Prepared, strategy: str, hint):
        self.cp_model = cp_model
        self.prep = prep
        self.model = cp_model.CpModel()
        self.scale = weight_scale(prep.job_w)
        self.wint = [round(w * self.scale) for w in prep.job_w]
        self.backward = strategy == BACKWARD and prep.has_due
        self.fixed_end = max((f[2] for f in prep.fixed if f is not None), default=0)
        self.horizon = self._horizon(hint)
        n = prep.n
        self.starts = [None] * n
        self.ends = [None] * n
        # [(r, presence literal or None, [(length, ranges, literal)])]
        self.choice = [None] * n
        self.size_vars = [None] * n  # [(r, size var or length)]
        self.intervals = {}  # resource index -> [interval var]
        self.comp = [None] * len(prep.job_keys)
        self.tard = {}
        self.early = {}
        self.makespan = None
        self.mk_lo = 0
        self.settings = {}

    def _horizon(self, hint):
        """Latest end considered: the hint's end, stretched when due dates
        lie beyond it, and never before the fixed operations' end."""
        prep = self.prep
        hint_end = max((s[2] for s in hint), default=0)
        horizon = hint_end
        if prep.has_due:
            max_due = max(d for d in prep.job_due if d is not None)
            min_est = min((prep.est[i] for i in prep.movable), default=0)
            horizon = max(hint_end, max_due) + max(0, hint_end - min_est) // 4
            horizon += max(prep.mind, default=0)
        return max(horizon, self.fixed_end)

    # -- variables -------------------------------------------------------------
    def add_operations(self) -> bool:
        """Variables of the movable operations; False when one of them has no
        start left before the horizon on any alternative."""
        return all(self._add_operation(i) for i in self.prep.movable)

    def _add_operation(self, i) -> bool:
        prep, model = self.prep, self.model
        lo = prep.head[i]
        alts = prep.alts[i]
        if alts[0][1] == 0:  # zero duration: no resource time
            s = model.new_int_var(lo, self.horizon, f"s{i}")
            self.starts[i] = self.ends[i] = s
            self.choice[i] = [(alts[0][0], None, [])]
            return True
        alt_modes = []
        for r, d in alts:
            modes = prep.cals[r].modes(d, lo, self.horizon)
            if modes:
                alt_modes.append((r, modes))
        if not alt_modes:
            return False
        ranges = [list(rg) for _, m in alt_modes for rgs in m.values() for rg in rgs]
        domain = self.cp_model.Domain.from_intervals(ranges)
        self.starts[i] = model.new_int_var_from_domain(domain, f"s{i}")
        self.ends[i] = model.new_int_var(lo, self.horizon, f"e{i}")
        single_alt = len(alt_modes) == 1
        entries, sizes, presences = [], [], []
        for r, modes in alt_modes:
            pres = None if single_alt else model.new_bool_var(f"p{i}_{r}")
            mode_list, size = self._add_modes(i, r, modes, pres, single_alt)
            if single_alt:
                iv = model.new_interval_var(self.starts[i], size, self.ends[i], f"i{i}_{r}")
            else:
                iv = model.new_optional_interval_var(self.starts[i], size, self.ends[i], pres, f"i{i}_{r}")
                presences.append(pres)
            self.intervals.setdefault(r, []).append(iv)
            entries.append((r, pres, mode_list))
            sizes.append((r, size))
        if not single_alt:
            model.add_exactly_one(presences)
        self.choice[i] = entries
        self.size_vars[i] = sizes
        return True

    def _add_modes(self, i, r, modes, pres, single_alt):
        """Calendar modes of operation ``i`` on resource ``r``:
        ``([(length, ranges, literal)], size)``, the size a constant for a
        single mode, else a variable equal to the chosen mode's length."""
        model, Domain = self.model, self.cp_model.Domain
        s = self.starts[i]
        if len(modes) == 1:
            length, rgs = next(iter(modes.items()))
            if not single_alt:
                model.add_linear_expression_in_domain(s, Domain.from_intervals([list(x) for x in rgs])).only_enforce_if(
                    pres
                )
            return [(length, rgs, pres)], length
        mode_list, lits = [], []
        for length, rgs in sorted(modes.items()):
            lit = model.new_bool_var(f"m{i}_{r}_{length}")
            model.add_linear_expression_in_domain(s, Domain.from_intervals([list(x) for x in rgs])).only_enforce_if(lit)
            lits.append(lit)
            mode_list.append((length, rgs, lit))
        values = sorted(modes) if single_alt else [0, *sorted(modes)]
        size = model.new_int_var_from_domain(Domain.from_values(values), f"l{i}_{r}")
        model.add(size == sum(ln * lit for ln, _, lit in mode_list))
        if single_alt:
            model.add_exactly_one(lits)
        else:
            model.add(sum(lits) == pres)
        return mode_list, size

    # -- constraints -----------------------------------------------------------
    def add_resources(self):
        """Capacity of each resource: no overlap (capacity 1) or cumulative,
        the fixed operations as fixed intervals."""
        prep, model = self.prep, self.model
        for r in range(len(prep.caps)):
            ivs = list(self.intervals.get(r, []))
            demands = [1] * len(ivs)
            for bs, be, dem in _fixed_blocks(prep, r):
                ivs.append(model.new_fixed_size_interval_var(bs, be - bs, f"f{r}_{bs}"))
                demands.append(dem)
            if not self.intervals.get(r):
                continue
            if prep.caps[r] == 1:
                model.add_no_overlap(ivs)
            else:
                model.add_cumulative(ivs, demands, prep.caps[r])

    def add_precedences(self):
        prep = self.prep
        for i in prep.movable:
            for p in prep.preds[i]:
                if prep.fixed[p] is None:
                    self.model.add(self.starts[i] >= self.ends[p])

    def end_expr(self, i):
        fixed = self.prep.fixed[i]
        return self.ends[i] if fixed is None else fixed[2]

    def add_completions(self):
        """Completion, tardiness and earliness of the jobs (with due dates),
        and the makespan."""
        prep, model = self.prep, self.model
        if prep.has_due:
            for j, ops in enumerate(prep.job_ops):
                if ops:
                    self._add_job_completion(j, ops)
        self.mk_lo = max([self.fixed_end] + [prep.head[i] + prep.mind[i] for i in range(prep.n)])
        self.makespan = model.new_int_var(self.mk_lo, max(self.horizon, self.mk_lo), "makespan")
        for i in prep.movable:
            if not any(prep.fixed[k] is None for k in prep.succs[i]):
                model.add(self.makespan >= self.ends[i])

    def _add_job_completion(self, j, ops):
        prep, model, horizon = self.prep, self.model, self.horizon
        sinks = [
            i
            for i in ops
            if prep.fixed[i] is not None
            or not any(prep.op_job[k] == j and prep.fixed[k] is None for k in prep.succs[i])
        ]
        lo = max(prep.head[i] + prep.mind[i] for i in ops)
        c = model.new_int_var(lo, max(horizon, lo), f"c{j}")
        model.add_max_equality(c, [self.end_expr(i) for i in sinks])
        self.comp[j] = c
        due = prep.job_due[j]
        if due is None:
            return
        t = model.new_int_var(0, max(0, horizon - due), f"t{j}")
        model.add(t >= c - due)
        self.tard[j] = t
        if self.backward:
            x = model.new_int_var(0, max(0, due - lo), f"x{j}")
            model.add(x >= due - c)
            self.early[j] = x

    # -- objective ---------------------------------------------------------------
    def phases(self) -> list[_Phase]:
        """The lexicographic objectives: weighted tardiness (with due dates),
        then the makespan (forward) or the weighted earliness and the spread
        (backward)."""
        prep, wint = self.prep, self.wint
        phases = []
        if prep.has_due:
            wt_expr = sum(wint[j] * t for j, t in self.tard.items())
            phases.append(_Phase("weighted_tardiness", wt_expr, self.val_wt, self.scale))
        if not self.backward:
            phases.append(_Phase("makespan", self.makespan, self.val_mk, 1))
            return phases
        e_terms = [wint[j] * x for j, x in self.early.items()]
        e_terms += [
            wint[j] * self.comp[j]
            for j in range(len(prep.job_keys))
            if prep.job_due[j] is None and self.comp[j] is not None
        ]
        phases.append(_Phase("weighted_earliness", sum(e_terms), self.val_early, self.scale))
        spread_terms = []
        for j, ops in enumerate(prep.job_ops):
            if prep.job_due[j] is None:
                continue
            mov = [i for i in ops if prep.fixed[i] is None]
            if mov:
                spread_terms.append(len(mov) * self.comp[j] - sum(self.ends[i] for i in mov))
        if spread_terms:
            phases.append(_Phase("spread", sum(spread_terms), self.val_spread, 1))
        return phases

    # Python evaluation of each phase's objective (scaled integers)
    def finishes(self, sol):
        return [max((sol[i][2] for i in ops), default=0) for ops in self.prep.job_ops]

    def val_wt(self, sol):
        fin = self.finishes(sol)
        return sum(self.wint[j] * max(0, fin[j] - d) for j, d in enumerate(self.prep.job_due) if d is not None)

    def val_mk(self, sol):
        return max((x[2] for x in sol), default=0)

    def val_early(self, sol):
        fin = self.finishes(sol)
        total = 0
        for j, d in enumerate(self.prep.job_due):
            total += self.wint[j] * (fin[j] if d is None else max(0, d - fin[j]))
        return total

    def val_spread(self, sol):
        prep = self.prep
        fin = self.finishes(sol)
        total = 0
        for j, ops in enumerate(prep.job_ops):
            if prep.job_due[j] is None:
                continue
            total += sum(fin[j] - sol[i][2] for i in ops if prep.fixed[i] is None)
        return total

    # -- solve -------------------------------------------------------------------
    def solver_settings(self, workers, log, params):
        self.settings = {"workers": workers, "log": log, "params": params}

    def solve(self, expr, hint, seconds):
        """Minimise ``expr`` from the solution ``hint`` for at most
        ``seconds``: ``(solver, status)``."""
        self.hint_from(hint)
        self.model.minimize(expr)
        solver = self.cp_model.CpSolver()
        parameters = solver.parameters
        parameters.max_time_in_seconds = max(0.01, seconds)
        parameters.num_workers = max(1, int(self.settings["workers"]))
        parameters.log_search_progress = bool(self.settings["log"])
        # measured on job-shop benchmarks with 2 workers: finds ft10's optimum
        # in ~1 s instead of ~5-10 s
        parameters.use_dynamic_precedence_in_disjunctive = True
        parameters.exploit_all_precedences = True
        if self.prep.n <= 400:
            parameters.linearization_level = 2
        else:
            # probing in presolve is very slow on big calendar models
            parameters.cp_model_probing_level = 0
        for pname, pvalue in (self.settings["params"] or {}).items():
            setattr(parameters, pname, pvalue)
        return solver, solver.solve(self.model)

    def hint_from(self, sol):
        """Hint every variable with its value in the solution ``sol``."""
        model, prep = self.model, self.prep
        model.clear_hints()
        for i in prep.movable:
            self._hint_operation(i, sol[i])
        fin = self.finishes(sol)
        for j, c in enumerate(self.comp):
            if c is not None:
                model.add_hint(c, fin[j])
        for j, t in self.tard.items():
            model.add_hint(t, max(0, fin[j] - prep.job_due[j]))
        for j, x in self.early.items():
            model.add_hint(x, max(0, prep.job_due[j] - fin[j]))
        model.add_hint(self.makespan, max(self.mk_lo, self.val_mk(sol)))

    def _hint_operation(self, i, placement):
        model = self.model
        r, s, e = placement
        model.add_hint(self.starts[i], s)
        if self.ends[i] is not self.starts[i]:
            model.add_hint(self.ends[i], e)
        for rr, pres, mode_list in self.choice[i]:
            chosen = rr == r
            if pres is not None:
                model.add_hint(pres, chosen)
            for length, rgs, lit in mode_list:
                if lit is None or lit is pres:
                    continue
                on = chosen and e - s == length and any(a <= s <= b for a, b in rgs)
                model.add_hint(lit, on)
        for rr, size in self.size_vars[i] or ():
            if not isinstance(size, int):
                model.add_hint(size, e - s if rr == r else 0)

    def extract(self, solver):
        """The index-based solution ``[(resource, start, end)]`` found."""
        prep = self.prep
        sol = [None] * prep.n
        for i in range(prep.n):
            if prep.fixed[i] is not None:
                sol[i] = prep.fixed[i]
                continue
            r = self.choice[i][0][0]
            for rr, pres, _ in self.choice[i]:
                if pres is not None and solver.boolean_value(pres):
                    r = rr
            sol[i] = (r, solver.value(self.starts[i]), solver.value(self.ends[i]))
        return sol
