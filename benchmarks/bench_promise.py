#!/usr/bin/env python3
"""Benchmark of delivery promises: 100 order lines on the N = 500 factory (Odoo).

Creates a fresh database with prod_planning installed without demo data, builds
the factory of ``bench_planning_run.py`` (N finished products, N sub-assemblies,
2N raw materials over 3 BoM levels, confirmed customer deliveries, vendors with
lead times, stock, open purchase orders and RFQs), gives the finished products'
BoMs an operation on one of four work centers and refreshes the capacity load,
then times ``prod.planning.promise.promise(lines)`` for 100 lines (random
finished products, sub-assemblies and raw materials, random quantities, some
with a requested date) as the administrator: server time only (no RPC), the
first call on empty caches, then the median of the next ones (caches cleared
before each call). No planning run is needed; ``--with-run`` runs one first so
that the plan's planned orders count as supply.

    python3 benchmarks/bench_promise.py [--n 500] [--lines 100] [--repeat 5]
        [--with-run] [--keep] [--db NAME]

Goal: under 200 ms for 100 lines at N = 500.
"""

import os
import random
import statistics
import sys
import time
from datetime import date, timedelta

from bench_planning_run import build_factory  # noqa: E402 (benchmarks/ is on sys.path)
from benchdb import argument_parser, fresh_database, open_registry, say, superuser_env  # noqa: E402

GOAL_SECONDS = 0.2


def add_operations(env, n, seed):
    """Four work centers; each finished product's BoM gets one operation."""
    from odoo import Command  # noqa: PLC0415

    rng = random.Random(seed)
    workcenters = env["mrp.workcenter"].create(
        [{"name": f"Bench Work Center {i}", "time_start": 10, "time_stop": 5} for i in range(4)]
    )
    boms = env["mrp.bom"].search([("product_tmpl_id.default_code", "=like", "FG%")])
    for bom in boms:
        bom.write(
            {
                "operation_ids": [
                    Command.create(
                        {
                            "name": "Assemble",
                            "workcenter_id": rng.choice(workcenters).id,
                            "time_mode": "manual",
                            "time_cycle_manual": rng.choice((6, 12, 30)),
                        }
                    )
                ]
            }
        )
    env["prod.planning.capacity.load"]._refresh()
    return workcenters, boms


def order_lines(env, count, seed):
    rng = random.Random(seed)
    products = env["product.product"].search_read([("default_code", "=like", "FG%")], ["default_code"])
    subs = env["product.product"].search_read([("default_code", "=like", "SA%")], ["id"])
    raws = env["product.product"].search_read([("default_code", "=like", "RM%")], ["id"])
    lines = []
    for i in range(count):
        kind = rng.random()
        if kind < 0.7:
            line = {"product": rng.choice(products)["default_code"], "quantity": rng.randint(1, 60)}
        elif kind < 0.85:
            line = {"product": rng.choice(subs)["id"], "quantity": rng.randint(1, 40)}
        else:
            line = {"product": rng.choice(raws)["id"], "quantity": rng.randint(1, 200)}
        if i % 4 == 0:
            line["requested_date"] = str(date.today() + timedelta(days=rng.randint(0, 40)))
        lines.append(line)
    return lines


def main(argv=None):
    parser = argument_parser(__doc__, f"prod_planning_bench_promise_{os.getpid()}")
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--lines", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--with-run", action="store_true", help="run the plan first")
    args = parser.parse_args(argv)

    with fresh_database(args.db, keep=args.keep) as (addons, _seconds):
        registry = open_registry(args.db, addons)
        with superuser_env(registry, tracking_disable=True, mail_notrack=True) as env:
            started = time.perf_counter()
            counts = build_factory(env, args.n, args.seed)
            workcenters, boms = add_operations(env, args.n, args.seed)
            if args.with_run:
                env["prod.planning.run"].create({}).action_run()
            env.cr.commit()
            say(
                f"factory N={args.n}: {counts['products']} products, {counts['boms']} BoMs "
                f"({len(boms)} with an operation on {len(workcenters)} work centers), "
                f"{counts['delivery_moves']} delivery moves, {counts['purchase_lines']} purchase lines, "
                f"built in {time.perf_counter() - started:.0f} s"
            )
        with superuser_env(registry) as env:
            admin = env.ref("base.user_admin")
            promise = env["prod.planning.promise"].with_user(admin)
            lines = order_lines(env, args.lines, args.seed)
            timings = []
            for _ in range(1 + args.repeat):
                env.invalidate_all()
                t0 = time.perf_counter()
                answers = promise.promise(lines)
                timings.append(time.perf_counter() - t0)
            kinds = {}
            for answer in answers:
                kinds[answer["constrained_by"].split(" ")[0]] = kinds.get(answer["constrained_by"].split(" ")[0], 0) + 1
            undated = sum(1 for answer in answers if not answer["date"])
            warm = statistics.median(timings[1:]) if len(timings) > 1 else timings[0]
            say(
                f"promise of {len(lines)} lines: first {timings[0] * 1000:.0f} ms, then median "
                f"{warm * 1000:.0f} ms (min {min(timings[1:] or timings) * 1000:.0f} ms) — goal "
                f"{GOAL_SECONDS * 1000:.0f} ms: {'met' if warm < GOAL_SECONDS else 'NOT met'}"
            )
            say(f"answers: {undated} without a date; constrained by (first word): {dict(sorted(kinds.items()))}")
            load = os.getloadavg()[0]
            say(f"load average {load:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
