"""Dispatching heuristic: serial schedule generation with priority rules.

A solution is a list indexed like :attr:`Prepared.op_keys` of
``(resource index, start, end)``.

* :func:`sgs_forward` places the operations one at a time, in precedence order,
  highest priority first, each at its earliest feasible position (calendars,
  capacities, releases, fixed operations) on the alternative that finishes
  first; earlier gaps are back-filled.
* :func:`sgs_backward` is its mirror image: each operation as late as possible
  before its successors / the job's due date; it gives the just-in-time target
  starts that a forward pass then repairs into a feasible schedule.
* :func:`left_shift` / :func:`right_shift` compact a feasible schedule keeping
  each resource choice; no operation ends later (left) / earlier (right).
* :func:`heuristic` runs several rules, keeps the best, then perturbs the best
  priorities at random while its time budget lasts.
"""

from __future__ import annotations

import heapq
import math
import random
import time

from .scheduling_calendar import INF, Timeline
from .scheduling_model import BACKWARD, Prepared, job_finishes, objective_key

BIG = 1e15


def _timelines(prep: Prepared) -> list[Timeline]:
    tls = [Timeline(cap) for cap in prep.caps]
    for f in prep.fixed:
        if f is not None:
            tls[f[0]].add(f[1], f[2])
    return tls


def sgs_forward(prep: Prepared, keys, forced=None, not_before=None):
    """Serial forward schedule generation.

    ``keys[i]``: priority of operation i (smaller first among the eligible).
    ``forced[i]``: resource index to use (else the earliest-finishing one).
    ``not_before[i]``: extra earliest start.
    """
    n = prep.n
    tls = _timelines(prep)
    cals = prep.cals
    sol = [None] * n
    ready = list(prep.base_ready)
    if not_before is not None:
        for i in range(n):
            if not_before[i] > ready[i]:
                ready[i] = not_before[i]
    waiting = [0] * n
    heap = []
    for i in range(n):
        f = prep.fixed[i]
        if f is not None:
            sol[i] = f
            continue
        waiting[i] = sum(1 for p in prep.preds[i] if prep.fixed[p] is None)
        if waiting[i] == 0:
            heap.append((keys[i], i))
    heapq.heapify(heap)
    alts_all = prep.alts
    while heap:
        _, i = heapq.heappop(heap)
        t0 = ready[i]
        if forced is not None:
            r = forced[i]
            d = dict(alts_all[i])[r]
            s, e = tls[r].earliest(cals[r], t0, d)
            best = (e, s, r)
        else:
            best = None
            for r, d in alts_all[i]:
                s, e = tls[r].earliest(cals[r], t0, d)
                if best is None or e < best[0] or (e == best[0] and s < best[1]):
                    best = (e, s, r)
                if d == 0:
                    break
        e, s, r = best
        tls[r].add(s, e)
        sol[i] = (r, s, e)
        for k in prep.succs[i]:
            if prep.fixed[k] is not None:
                continue
            if e > ready[k]:
                ready[k] = e
            waiting[k] -= 1
            if waiting[k] == 0:
                heapq.heappush(heap, (keys[k], k))
    return sol


def _sink_limit(prep: Prepared, i: int, current_end: int | None):
    """Latest end allowed by the job's due date for an operation without a
    successor in its job (``None``: no limit from the job)."""
    j = prep.op_job[i]
    if any(prep.op_job[k] == j and prep.fixed[k] is None for k in prep.succs[i]):
        return None
    due = prep.job_due[j]
    if due is None:
        return current_end
    if current_end is None:
        return due
    return max(current_end, due)


def sgs_backward(prep: Prepared, keys):
    """Mirror pass: latest start of each operation of a job with a due date.

    Returns the target start of every operation (``est`` when it cannot be
    placed before its due date / successors, or its job has no due date).
    ``keys[i]``: priority, smaller placed first among operations whose
    successors are all placed.
    """
    n = prep.n
    tls = _timelines(prep)
    cals = prep.cals
    target = list(prep.est)
    limit = [INF] * n
    placed = [False] * n
    waiting = [0] * n
    heap = []
    for i in range(n):
        if prep.fixed[i] is not None:
            continue
        waiting[i] = sum(1 for k in prep.succs[i] if prep.fixed[k] is None)
        for k in prep.succs[i]:
            f = prep.fixed[k]
            if f is not None:
                limit[i] = min(limit[i], f[1])
        if waiting[i] == 0:
            heap.append((keys[i], i))
    heapq.heapify(heap)
    while heap:
        _, i = heapq.heappop(heap)
        lim = limit[i]
        sink = _sink_limit(prep, i, None)
        if sink is not None:
            lim = min(lim, sink)
        best = None
        if lim < INF and prep.job_due[prep.op_job[i]] is not None:
            lower = prep.head[i]
            for r, d in prep.alts[i]:
                got = tls[r].latest(cals[r], lim, d, lower)
                if got is not None and (best is None or got[0] > best[0]):
                    best = (got[0], got[1], r)
        if best is not None:
            s, e, r = best
            tls[r].add(s, e)
            target[i] = s
            placed[i] = True
        for p in prep.preds[i]:
            if prep.fixed[p] is not None:
                continue
            if placed[i]:
                limit[p] = min(limit[p], target[i])
            elif prep.job_due[prep.op_job[i]] is not None:
                limit[p] = -1  # could not be placed: predecessors as early
            waiting[p] -= 1
            if waiting[p] == 0:
                heapq.heappush(heap, (keys[p], p))
    return target, placed


def left_shift(prep: Prepared, sol):
    """Serial forward pass in the order of the current starts, same resources."""
    keys = [(sol[i][1], prep.topo_pos[i]) for i in range(prep.n)]
    forced = [sol[i][0] for i in range(prep.n)]
    return sgs_forward(prep, keys, forced=forced)


def right_shift(prep: Prepared, sol):
    """Move every operation as late as possible without delaying any job past
    max(its current finish, its due date) nor any successor: ends only grow,
    jobs without a due date keep their finish."""
    tls = _timelines(prep)
    new = list(sol)
    order = sorted(prep.movable, key=lambda i: (-sol[i][2], -prep.topo_pos[i]))
    for i in order:
        r, s, e = sol[i]
        lim = INF
        for k in prep.succs[i]:
            if prep.fixed[k] is not None:
                if prep.fixed[k][1] >= e:
                    lim = min(lim, prep.fixed[k][1])
                continue
            lim = min(lim, new[k][1])
        sink = _sink_limit(prep, i, e)
        if sink is not None:
            lim = min(lim, sink)
        if lim >= INF:
            lim = e
        d = dict(prep.alts[i])[r]
        got = tls[r].latest(prep.cals[r], lim, d, s)
        if got is not None and got[1] >= e:
            s, e = got
        tls[r].add(s, e)
        new[i] = (r, s, e)
    return new


# -- priority rules ---------------------------------------------------------------


def _rules(prep: Prepared):
    """Static priority keys ``(primary, secondary, topo position)``."""
    n = prep.n
    pos = prep.topo_pos
    rules = []
    due = [BIG if prep.job_due[prep.op_job[i]] is None else prep.job_due[prep.op_job[i]] for i in range(n)]
    w = [max(prep.job_w[prep.op_job[i]], 1e-6) for i in range(n)]
    rem, head = prep.rem, prep.head
    if prep.has_due:
        rules.append(("edd", [(due[i], head[i], pos[i]) for i in range(n)]))
        rules.append(("slack", [(due[i] - rem[i] - head[i], -w[i], pos[i]) for i in range(n)]))
        rules.append(("wslack", [((due[i] - rem[i] - head[i]) / w[i], head[i], pos[i]) for i in range(n)]))
        pbar = max(1.0, sum(prep.mind) / max(1, n))
        atc = []
        for i in range(n):
            p = max(1.0, prep.mind[i])
            slack = max(0.0, due[i] - rem[i] - head[i]) if due[i] < BIG else 1e9
            atc.append((-(w[i] / p) * math.exp(-slack / (2.0 * pbar)), head[i], pos[i]))
        rules.append(("atc", atc))
        rules.append(("release", [(head[i], due[i], pos[i]) for i in range(n)]))
    rules.append(("mwkr", [(-rem[i], head[i], pos[i]) for i in range(n)]))
    rules.append(("head", [(head[i], -rem[i], pos[i]) for i in range(n)]))
    rules.append(("spt", [(prep.mind[i], -rem[i], pos[i]) for i in range(n)]))
    rules.append(("lwkr", [(rem[i], head[i], pos[i]) for i in range(n)]))
    return rules


def makespan_lower_bound(prep: Prepared) -> int:
    lb = max((prep.head[i] + prep.mind[i] for i in range(prep.n)), default=0)
    load = {}
    start = {}
    for i in prep.movable:
        if len(prep.alts[i]) == 1:
            r = prep.alts[i][0][0]
            if prep.cals[r].always:
                load[r] = load.get(r, 0) + prep.alts[i][0][1]
                start[r] = min(start.get(r, INF), prep.head[i])
    for r, total in load.items():
        lb = max(lb, start[r] + -(-total // prep.caps[r]))
    return lb


class HeuristicResult:
    def __init__(self, sol, key, rule, runs):
        self.sol = sol
        self.key = key
        self.rule = rule
        self.runs = runs


def heuristic(prep: Prepared, strategy: str, budget: float, seed: int = 0) -> HeuristicResult:
    """Best schedule found by the priority rules plus a random-key search.

    ``budget``: seconds allowed for the improvement loop (the rules always run).
    """
    t_end = time.perf_counter() + max(0.0, budget)
    rng = random.Random(seed)
    backward = strategy == BACKWARD and prep.has_due

    def fwd_key(sol):
        return objective_key(prep, sol, "forward")

    best = None
    runs = 0
    for name, keys in _rules(prep):
        sol = sgs_forward(prep, keys)
        runs += 1
        k = fwd_key(sol)
        if best is None or k < best[0]:
            best = (k, sol, keys, name)
    lb = (0.0, makespan_lower_bound(prep))
    # random-key improvement of the forward objective
    # (the backward strategy improves the forward tardiness, then right-shifts)
    loop_end = t_end if not backward else t_end - 0.1 * max(0.0, budget)
    if prep.movable:
        scale = _key_scale(best[2], prep)
        while time.perf_counter() < loop_end and best[0][:2] > lb:
            if best[0][0] > 0 and rng.random() < 0.5:
                keys = _boost_late(best[2], best[1], prep, rng)
            else:
                keys = _perturb(best[2], prep, rng, scale)
            sol = sgs_forward(prep, keys)
            runs += 1
            k = fwd_key(sol)
            if k <= best[0]:
                name = best[3] if best[3].endswith("+ls") or k == best[0] else None
                best = (k, sol, keys, name or best[3] + "+ls")
    if not backward:
        return HeuristicResult(best[1], best[0], best[3], runs)

    # backward strategy: just-in-time candidates, compared on the backward key
    cands = [(right_shift(prep, best[1]), best[3] + "/rs")]
    due = [prep.job_due[prep.op_job[i]] for i in range(prep.n)]
    bkeys = [
        ([(-(due[i] if due[i] is not None else -BIG), -prep.topo_pos[i]) for i in range(prep.n)], "bwd-due"),
        ([(-prep.head[i] - prep.rem[i], -prep.topo_pos[i]) for i in range(prep.n)], "bwd-head"),
    ]
    for bk, name in bkeys:
        target, placed = sgs_backward(prep, bk)
        runs += 1
        for variant in (0, 1):
            keys = [
                (2 if due[i] is None else (0 if variant and not placed[i] else 1), target[i], prep.topo_pos[i])
                for i in range(prep.n)
            ]
            sol = sgs_forward(prep, keys, not_before=target)
            cands.append((right_shift(prep, sol), f"{name}{variant}"))
    bbest = None
    for sol, name in cands:
        k = objective_key(prep, sol, BACKWARD)
        if bbest is None or k < bbest[0]:
            bbest = (k, sol, name)
    return HeuristicResult(bbest[1], bbest[0], bbest[2], runs)


def _key_scale(keys, prep) -> float:
    vals = [keys[i][0] for i in prep.movable if abs(keys[i][0]) < BIG / 2]
    if len(vals) < 2:
        return 1.0
    return max(1.0, (max(vals) - min(vals)) / 10.0)


def _perturb(keys, prep, rng, scale):
    new = list(keys)
    movable = prep.movable
    count = max(1, len(movable) // 10)
    amp = scale * rng.choice((0.2, 0.5, 1.0, 2.0))
    for i in rng.sample(movable, min(count, len(movable))):
        k = new[i]
        new[i] = (k[0] + rng.uniform(-amp, amp),) + tuple(k[1:])
    return new


def _boost_late(keys, sol, prep, rng):
    """Raise the priority of a random part of the late jobs by a random share
    of their weighted lateness."""
    fin = job_finishes(prep, sol)
    late = [j for j, c in enumerate(fin) if prep.job_due[j] is not None and c > prep.job_due[j]]
    new = list(keys)
    if not late:
        return new
    wmax = max(prep.job_w) or 1.0
    for j in rng.sample(late, max(1, len(late) // rng.choice((1, 2, 4, 8)))):
        delta = rng.uniform(0, fin[j] - prep.job_due[j]) * (prep.job_w[j] / wmax)
        for i in prep.job_ops[j]:
            k = new[i]
            new[i] = (k[0] - delta,) + tuple(k[1:])
    return new
