#!/usr/bin/env python3
"""Benchmark of the planner's workbench API on the N = 500 factory.

Builds the factory of ``bench_planning_run.py`` (N finished products, N
sub-assemblies, 2N raw materials, 3 BoM levels, deliveries, stock, purchases)
in a fresh database without demo data, runs the full plan once, then times as
the server spends them (in-process, without the RPC transport):

- ``prod.planning.workbench.get_grid``: one page of 50 products x 13 weeks;
- ``prod.planning.workbench.set_cells``: one forecast edit of a finished
  product, its net-change replan included (the product, its sub-assemblies
  and raw materials), and the rows it returns; split into validation and
  writing, the replan (read, engine, write) and the rows.

Each is measured ``--repeat`` times; the table shows the median and the best.

    python3 benchmarks/bench_workbench.py
    python3 benchmarks/bench_workbench.py --n 500 --repeat 9 --keep
"""

import os
import statistics
import sys
import time

from bench_planning_run import build_factory
from benchdb import addons_path, argument_parser, fresh_database, open_registry, say, superuser_env

GOALS = {"get_grid": 0.300, "set_cells": 0.500}  # seconds


def timed_methods(env, phases, names):
    """Wrap ``names`` ((model, method, phase)) to add their time to ``phases``."""
    for model, method, phase in names:
        cls = type(env[model])
        original = getattr(cls, method)

        def wrapper(self, *args, _original=original, _phase=phase, **kwargs):
            started = time.perf_counter()
            try:
                return _original(self, *args, **kwargs)
            finally:
                phases[_phase] = phases.get(_phase, 0.0) + time.perf_counter() - started

        setattr(cls, method, wrapper)


def measure(env, repeat):
    from odoo import fields  # noqa: PLC0415

    admin = env.ref("base.user_admin")
    env = env(user=admin)
    workbench = env["prod.planning.workbench"]
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    options = {"warehouse_id": warehouse.id, "period": "week", "periods": 13, "limit": 50}
    phases = {}
    timed_methods(
        env,
        phases,
        [
            ("prod.planning.workbench.writer", "_replan", "replan"),
            ("prod.planning.workbench.reader", "_collect", "collect"),
            ("prod.planning.workbench.writer", "_write_plan", "write"),
        ],
    )
    grid_times = []
    for _ in range(repeat):
        env.invalidate_all()
        started = time.perf_counter()
        grid = workbench.get_grid(options)
        grid_times.append(time.perf_counter() - started)
    rows = grid["rows"]
    say(f"get_grid: {len(rows)} rows x {len(grid['periods'])} periods of {grid['total']} products")
    product_id = rows[0]["product_id"]
    period = grid["periods"][3]
    current = rows[0]["cells"]["forecast"][3]
    edit_times, breakdown, replanned = [], [], 0
    for i in range(repeat):
        env.invalidate_all()
        phases.clear()
        quantity = current + 10 + i
        cell = {
            "product_id": product_id,
            "warehouse_id": warehouse.id,
            "date": period["date_start"],
            "kind": "forecast",
            "quantity": quantity,
            "expected": current,
        }
        started = time.perf_counter()
        result = workbench.set_cells([cell], options)
        edit_times.append(time.perf_counter() - started)
        breakdown.append(dict(phases))
        replanned = len(result["rows"])
        current = quantity
        env.cr.commit()
    orders = env["prod.planning.order"].search_count([("state", "=", "draft")])
    say(
        f"set_cells: one forecast edit of {env['product.product'].browse(product_id).default_code}, "
        f"{replanned} rows replanned and returned; {orders} planned orders in the plan "
        f"({fields.Date.today()})"
    )
    return grid_times, edit_times, breakdown


def main():
    parser = argument_parser(__doc__, "prod_planning_bench_workbench")
    parser.add_argument("--n", type=int, default=500, help="finished products (default 500)")
    parser.add_argument("--repeat", type=int, default=7, help="measures of each call (default 7)")
    parser.add_argument("--reuse", action="store_true", help="measure on the database kept by a former --keep")
    args = parser.parse_args()
    if args.reuse:
        registry = open_registry(args.db, addons_path())
        with superuser_env(registry, tracking_disable=True) as env:
            grid_times, edit_times, breakdown = measure(env, args.repeat)
    else:
        with fresh_database(args.db, keep=args.keep) as (addons, _seconds):
            registry = open_registry(args.db, addons)
            with superuser_env(registry, tracking_disable=True, mail_notrack=True) as env:
                started = time.perf_counter()
                build_factory(env, args.n, 42)
                env.cr.commit()
                say(f"factory N={args.n} built in {time.perf_counter() - started:.0f} s")
                started = time.perf_counter()
                run = env["prod.planning.run"].create({})
                run.action_run()
                env.cr.commit()
                say(f"full run: {run.planned_order_count} planned orders in {time.perf_counter() - started:.1f} s")
            with superuser_env(registry, tracking_disable=True) as env:
                grid_times, edit_times, breakdown = measure(env, args.repeat)
    median = statistics.median

    def phase(name):
        return median(b.get(name, 0.0) for b in breakdown) * 1000

    say("")
    say("| call | median | best | goal |")
    say("|---|---|---|---|")
    for name, times in (("get_grid (50 products x 13 weeks)", grid_times), ("set_cells (1 edit + replan)", edit_times)):
        goal = GOALS[name.split()[0]]
        say(f"| {name} | {median(times) * 1000:.0f} ms | {min(times) * 1000:.0f} ms | {goal * 1000:.0f} ms |")
    say(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    say(
        f"set_cells median phases: replan {phase('replan'):.0f} ms (write {phase('write'):.0f} ms), "
        f"reads of plan data (replan and rows) {phase('collect'):.0f} ms; validation, cell writes and rows the rest"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
