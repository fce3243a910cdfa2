"""Synthetic plant benchmark of the scheduling engine (pure engine, no Odoo).

500 jobs x 4 operations on 12 resources working 8 h a day (08:00-16:00),
Monday to Friday, over 4 weeks; about a third of the operations have an
alternative resource, a few last longer than a shift, two resources have two
parallel units and some operations are fixed (started work orders).

    python3 benchmarks/bench_schedule_synthetic.py [--jobs 500] [--time-limit 30]

Prints the heuristic alone and CP-SAT (forward strategy), then the heuristic
for the backward strategy.
"""

from __future__ import annotations

import argparse
import random
import sys
import time

from benchdb import load_engine  # noqa: E402 (benchmarks/ is on sys.path)

DAY = 24 * 60


def week_calendar(weeks: int = 4, start: int = 8 * 60, end: int = 16 * 60):
    """Mon-Fri working intervals from a Monday 00:00 origin."""
    return [(day * DAY + start, day * DAY + end) for day in range(7 * weeks) if day % 7 < 5]


def make_synthetic_problem(n_jobs: int = 500, n_ops: int = 4, n_resources: int = 12, weeks: int = 4, seed: int = 0):
    sched = load_engine("scheduling")
    rng = random.Random(seed)
    calendar = week_calendar(weeks)
    resources = [
        sched.Resource(f"R{r:02d}", capacity=2 if r < 2 else 1, available=calendar) for r in range(n_resources)
    ]
    release_span = (7 * weeks - 10) * DAY  # releases over the first weeks
    jobs = []
    for j in range(n_jobs):
        release = rng.randrange(0, release_span // 60) * 60
        ops = []
        work = 0
        for k in range(n_ops):
            primary = rng.randrange(n_resources)
            duration = rng.randint(10, 45)
            if rng.random() < 0.01:
                duration = rng.randint(500, 700)  # longer than a shift
            alternatives = {f"R{primary:02d}": duration}
            if rng.random() < 0.3:
                other = (primary + rng.randrange(1, n_resources)) % n_resources
                alternatives[f"R{other:02d}"] = int(duration * 1.2)
            work += duration
            ops.append(
                sched.Operation(
                    key=f"J{j:03d}-{k}",
                    job=f"J{j:03d}",
                    alternatives=alternatives,
                    predecessors=[f"J{j:03d}-{k - 1}"] if k else [],
                )
            )
        due = release + rng.randint(2, 6) * DAY + 3 * work
        if j < 6:  # started work orders: first operation fixed on day 0
            first = ops[0]
            rkey, duration = next(iter(first.alternatives.items()))
            start = 8 * 60 + 60 * j
            end = sched.Calendar(calendar).add(start, duration)
            first.fixed = (rkey, start, end)
            release = 0
        jobs.append(
            sched.Job(key=f"J{j:03d}", weight=rng.choice((1, 1, 2, 3)), release=release, due=due, operations=ops)
        )
    return sched.Problem(resources=resources, jobs=jobs, name="synthetic")


def report(label, schedule, problem, sched, seconds):
    problems = sched.validate(problem, schedule)
    late = len(schedule.late_jobs)
    bound = "-" if schedule.lower_bound is None else f"{schedule.lower_bound:.0f}"
    print(
        f"{label:<24} {seconds:7.2f} s  weighted tardiness "
        f"{schedule.total_weighted_tardiness:10.0f} (bound {bound})  "
        f"late jobs {late:3d}  makespan {schedule.makespan:6d}  "
        f"earliness {schedule.total_weighted_earliness:9.0f}  "
        f"{schedule.method}  {'valid' if not problems else problems[:2]}"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    sched = load_engine("scheduling")
    problem = make_synthetic_problem(n_jobs=args.jobs, seed=args.seed)
    n_ops = sum(len(j.operations) for j in problem.jobs)
    print(f"synthetic: {len(problem.jobs)} jobs, {n_ops} operations, 12 resources")

    t = time.perf_counter()
    heur = sched.solve(problem, time_limit=args.time_limit, use_cp_sat=False)
    report("heuristic (forward)", heur, problem, sched, time.perf_counter() - t)

    t = time.perf_counter()
    cp = sched.solve(problem, time_limit=args.time_limit, workers=args.workers)
    report("cp-sat (forward)", cp, problem, sched, time.perf_counter() - t)
    for phase in cp.phases:
        print(f"    phase {phase}")

    t = time.perf_counter()
    back = sched.solve(problem, strategy="backward", time_limit=args.time_limit, use_cp_sat=False)
    report("heuristic (backward)", back, problem, sched, time.perf_counter() - t)
    return 0


if __name__ == "__main__":
    sys.exit(main())
