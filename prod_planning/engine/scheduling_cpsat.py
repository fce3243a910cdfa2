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

import math
import time

from .scheduling_model import BACKWARD, Prepared

_SKIP_BELOW = 0.05  # seconds: not worth starting a phase


class CpResult:
    def __init__(self):
        self.sol = None
        self.improved = False
        self.status = "unknown"  # optimal | feasible | timeout | failed:<status>
        self.phases = []
        self.bound = None  # bound of the primary objective (unscaled)
        self.scale = 1


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
    n = prep.n
    ws = weight_scale(prep.job_w)
    res.scale = ws
    wint = [round(w * ws) for w in prep.job_w]
    backward = strategy == BACKWARD and prep.has_due

    hint_end = max((s[2] for s in hint), default=0)
    fixed_end = max((f[2] for f in prep.fixed if f is not None), default=0)
    horizon = hint_end
    if prep.has_due:
        max_due = max(d for d in prep.job_due if d is not None)
        min_est = min((prep.est[i] for i in prep.movable), default=0)
        horizon = max(hint_end, max_due) + max(0, hint_end - min_est) // 4
        horizon += max(prep.mind, default=0)
    horizon = max(horizon, fixed_end)

    model = cp_model.CpModel()
    Domain = cp_model.Domain
    starts = [None] * n
    ends = [None] * n
    choice = [None] * n  # [(r, presence literal or None, [(L, ranges, literal)])]
    size_vars = [None] * n  # [(r, size var or None)]
    intervals = {}
    for i in prep.movable:
        lo = prep.head[i]
        alts = prep.alts[i]
        if alts[0][1] == 0:  # zero duration: no resource time
            s = model.new_int_var(lo, horizon, f"s{i}")
            starts[i] = ends[i] = s
            choice[i] = [(alts[0][0], None, [])]
            continue
        alt_modes = []
        for r, d in alts:
            modes = prep.cals[r].modes(d, lo, horizon)
            if modes:
                alt_modes.append((r, modes))
        if not alt_modes:
            res.status = "failed:horizon"
            return res
        ranges = [list(rg) for _, m in alt_modes for rgs in m.values() for rg in rgs]
        s = model.new_int_var_from_domain(Domain.from_intervals(ranges), f"s{i}")
        e = model.new_int_var(lo, horizon, f"e{i}")
        starts[i] = s
        ends[i] = e
        single_alt = len(alt_modes) == 1
        presences = []
        entries = []
        sizes = []
        for r, modes in alt_modes:
            pres = None if single_alt else model.new_bool_var(f"p{i}_{r}")
            mode_list = []
            if len(modes) == 1:
                length, rgs = next(iter(modes.items()))
                if not single_alt:
                    model.add_linear_expression_in_domain(
                        s, Domain.from_intervals([list(x) for x in rgs])
                    ).only_enforce_if(pres)
                mode_list.append((length, rgs, pres))
                size = length
            else:
                lits = []
                for length, rgs in sorted(modes.items()):
                    lit = model.new_bool_var(f"m{i}_{r}_{length}")
                    model.add_linear_expression_in_domain(
                        s, Domain.from_intervals([list(x) for x in rgs])
                    ).only_enforce_if(lit)
                    lits.append(lit)
                    mode_list.append((length, rgs, lit))
                values = sorted(modes) if single_alt else [0, *sorted(modes)]
                size = model.new_int_var_from_domain(
                    Domain.from_values(values), f"l{i}_{r}"
                )
                model.add(size == sum(ln * lit for ln, _, lit in mode_list))
                if single_alt:
                    model.add_exactly_one(lits)
                else:
                    model.add(sum(lits) == pres)
            if single_alt:
                iv = model.new_interval_var(s, size, e, f"i{i}_{r}")
            else:
                iv = model.new_optional_interval_var(s, size, e, pres, f"i{i}_{r}")
                presences.append(pres)
            intervals.setdefault(r, []).append(iv)
            entries.append((r, pres, mode_list))
            sizes.append((r, size))
        if not single_alt:
            model.add_exactly_one(presences)
        choice[i] = entries
        size_vars[i] = sizes

    for r in range(len(prep.caps)):
        ivs = list(intervals.get(r, []))
        demands = [1] * len(ivs)
        for bs, be, dem in _fixed_blocks(prep, r):
            ivs.append(model.new_fixed_size_interval_var(bs, be - bs, f"f{r}_{bs}"))
            demands.append(dem)
        if not intervals.get(r):
            continue
        if prep.caps[r] == 1:
            model.add_no_overlap(ivs)
        else:
            model.add_cumulative(ivs, demands, prep.caps[r])

    for i in prep.movable:
        for p in prep.preds[i]:
            if prep.fixed[p] is None:
                model.add(starts[i] >= ends[p])

    # completion, tardiness, earliness, makespan
    def end_expr(i):
        return ends[i] if prep.fixed[i] is None else prep.fixed[i][2]

    comp = [None] * len(prep.job_keys)
    tard = {}
    early = {}
    need_comp = prep.has_due
    for j, ops in enumerate(prep.job_ops):
        if not ops or not need_comp:
            continue
        sinks = [
            i
            for i in ops
            if prep.fixed[i] is not None
            or not any(
                prep.op_job[k] == j and prep.fixed[k] is None for k in prep.succs[i]
            )
        ]
        lo = max(prep.head[i] + prep.mind[i] for i in ops)
        c = model.new_int_var(lo, max(horizon, lo), f"c{j}")
        model.add_max_equality(c, [end_expr(i) for i in sinks])
        comp[j] = c
        due = prep.job_due[j]
        if due is not None:
            t = model.new_int_var(0, max(0, horizon - due), f"t{j}")
            model.add(t >= c - due)
            tard[j] = t
            if backward:
                x = model.new_int_var(0, max(0, due - lo), f"x{j}")
                model.add(x >= due - c)
                early[j] = x
    mk_lo = max([fixed_end] + [prep.head[i] + prep.mind[i] for i in range(n)])
    makespan = model.new_int_var(mk_lo, max(horizon, mk_lo), "makespan")
    for i in prep.movable:
        if not any(prep.fixed[k] is None for k in prep.succs[i]):
            model.add(makespan >= ends[i])

    # python evaluation of each phase objective (scaled integers)
    def finishes(sol):
        return [max((sol[i][2] for i in ops), default=0) for ops in prep.job_ops]

    def val_wt(sol):
        fin = finishes(sol)
        return sum(
            wint[j] * max(0, fin[j] - d)
            for j, d in enumerate(prep.job_due)
            if d is not None
        )

    def val_mk(sol):
        return max((x[2] for x in sol), default=0)

    def val_early(sol):
        fin = finishes(sol)
        total = 0
        for j, d in enumerate(prep.job_due):
            total += wint[j] * (fin[j] if d is None else max(0, d - fin[j]))
        return total

    def val_spread(sol):
        fin = finishes(sol)
        total = 0
        for j, ops in enumerate(prep.job_ops):
            if prep.job_due[j] is None:
                continue
            total += sum(fin[j] - sol[i][2] for i in ops if prep.fixed[i] is None)
        return total

    phases = []
    if prep.has_due:
        wt_expr = sum(wint[j] * t for j, t in tard.items())
        phases.append(("weighted_tardiness", wt_expr, val_wt, ws))
    if backward:
        e_terms = [wint[j] * x for j, x in early.items()]
        e_terms += [
            wint[j] * comp[j]
            for j in range(len(prep.job_keys))
            if prep.job_due[j] is None and comp[j] is not None
        ]
        phases.append(("weighted_earliness", sum(e_terms), val_early, ws))
        spread_terms = []
        for j, ops in enumerate(prep.job_ops):
            if prep.job_due[j] is None:
                continue
            mov = [i for i in ops if prep.fixed[i] is None]
            if mov:
                spread_terms.append(len(mov) * comp[j] - sum(ends[i] for i in mov))
        if spread_terms:
            phases.append(("spread", sum(spread_terms), val_spread, 1))
    else:
        phases.append(("makespan", makespan, val_mk, 1))

    def hint_from(sol):
        model.clear_hints()
        for i in prep.movable:
            r, s, e = sol[i]
            model.add_hint(starts[i], s)
            if ends[i] is not starts[i]:
                model.add_hint(ends[i], e)
            for rr, pres, mode_list in choice[i]:
                chosen = rr == r
                if pres is not None:
                    model.add_hint(pres, chosen)
                for length, rgs, lit in mode_list:
                    if lit is None or lit is pres:
                        continue
                    on = chosen and e - s == length and any(a <= s <= b for a, b in rgs)
                    model.add_hint(lit, on)
            for rr, size in size_vars[i] or ():
                if not isinstance(size, int):
                    model.add_hint(size, e - s if rr == r else 0)
        fin = finishes(sol)
        for j, c in enumerate(comp):
            if c is not None:
                model.add_hint(c, fin[j])
        for j, t in tard.items():
            model.add_hint(t, max(0, fin[j] - prep.job_due[j]))
        for j, x in early.items():
            model.add_hint(x, max(0, prep.job_due[j] - fin[j]))
        model.add_hint(makespan, max(mk_lo, val_mk(sol)))

    def extract(solver):
        sol = [None] * n
        for i in range(n):
            if prep.fixed[i] is not None:
                sol[i] = prep.fixed[i]
                continue
            s = solver.value(starts[i])
            e = solver.value(ends[i])
            r = choice[i][0][0]
            for rr, pres, _ in choice[i]:
                if pres is not None and solver.boolean_value(pres):
                    r = rr
            sol[i] = (r, s, e)
        return sol

    best = hint
    statuses = []
    for idx, (name, expr, pyval, scale) in enumerate(phases):
        current = pyval(best)
        remaining = deadline - time.perf_counter()
        entry = {"name": name, "value": current / scale, "bound": None}
        res.phases.append(entry)
        if current == 0:
            entry.update(bound=0.0, status="optimal")
            statuses.append("optimal")
            model.add(expr <= 0)
            continue
        if remaining < _SKIP_BELOW:
            entry["status"] = "skipped"
            statuses.append("timeout")
            continue
        share = 1.0 if idx == len(phases) - 1 else 0.7
        hint_from(best)
        model.minimize(expr)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.01, remaining * share)
        solver.parameters.num_workers = max(1, int(workers))
        solver.parameters.log_search_progress = bool(log)
        # measured on job-shop benchmarks with 2 workers: finds ft10's optimum
        # in ~1 s instead of ~5-10 s
        solver.parameters.use_dynamic_precedence_in_disjunctive = True
        solver.parameters.exploit_all_precedences = True
        if n <= 400:
            solver.parameters.linearization_level = 2
        else:
            # probing in presolve is very slow on big calendar models
            solver.parameters.cp_model_probing_level = 0
        for pname, pvalue in (params or {}).items():
            setattr(solver.parameters, pname, pvalue)
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            name = solver.status_name(status)
            entry["status"] = name.lower()
            statuses.append("timeout" if status == cp_model.UNKNOWN else "failed")
            if status != cp_model.UNKNOWN:
                res.status = "failed:" + name
            break
        sol = extract(solver)
        value = pyval(sol)
        if value <= current and (check is None or check(sol)):
            res.improved = res.improved or value < current
            best = sol
            current = value
        elif value <= current:
            entry["invalid"] = True
        bound = math.ceil(solver.best_objective_bound - 1e-6)
        bound = min(float(current), max(0.0, bound))  # every objective is >= 0
        optimal = status == cp_model.OPTIMAL and not entry.get("invalid")
        entry.update(
            value=current / scale,
            bound=bound / scale,
            status="optimal" if optimal else "feasible",
        )
        statuses.append(entry["status"])
        model.add(expr <= current)
    res.sol = best
    if res.phases and res.phases[0]["bound"] is not None:
        res.bound = res.phases[0]["bound"]
    if not res.status.startswith("failed"):
        if not statuses or statuses[0] == "timeout":
            res.status = "timeout"
        elif all(st == "optimal" for st in statuses) and len(statuses) == len(phases):
            res.status = "optimal"
        else:
            res.status = "feasible"
    return res
