#!/usr/bin/env python3
"""Benchmark of background planning: one cron worker against two, on a
two-company, four-warehouse factory.

A fresh database ``prod_planning_bench_units`` gets prod_planning without demo
data and a factory of two companies with two warehouses each (products and
BoMs shared: N finished products, N sub-assemblies, 2N raw materials; in every
warehouse 3 to 6 confirmed customer deliveries per finished product over 12
weeks, some stock). The four warehouses do not supply each other: each run
(one per company) is split into two units, four units in all.

Then, in turn, with 1 and with 2 workers: a run of each company is queued
(``prod.planning.run._queue()``), the workers start together, each in its own
process with its own registry (as cron threads of two Odoo servers would), and
call ``prod.planning.run._cron_process_units()`` — the worker crons' code —
until no unit is left. The time printed is from the start signal to the last
worker's end; each setting is measured ``--rounds`` times (alternating).

    python3 benchmarks/bench_cron_units.py              # N = 300
    python3 benchmarks/bench_cron_units.py --n 600 --rounds 3 --keep
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

from bench_planning_run import build_catalog
from benchdb import fresh_database, open_registry, superuser_env

DB = "prod_planning_bench_units"


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_stage(stage, args, *extra, wait=True):
    command = [
        sys.executable,
        os.path.abspath(__file__),
        "--stage",
        stage,
        "--db",
        args.db,
        "--addons-path",
        args.addons_path,
        "--n",
        str(args.n),
        *extra,
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=os.path.dirname(__file__))
    if not wait:
        return process
    out, _err = process.communicate()
    if process.returncode:
        sys.exit(f"stage {stage} failed ({process.returncode})")
    return json.loads(out.strip().splitlines()[-1])


# ----------------------------------------------------------------------- stages


def stage_build(args):
    registry = open_registry(args.db, args.addons_path)
    started = time.perf_counter()
    with superuser_env(registry, tracking_disable=True, mail_notrack=True) as env:
        counts = build_factory(env, args.n, args.seed)
        env.cr.commit()
    counts["seconds"] = time.perf_counter() - started
    return counts


def build_factory(env, n, seed):
    import random  # noqa: PLC0415
    from datetime import date, datetime, timedelta  # noqa: PLC0415
    from datetime import time as dtime  # noqa: PLC0415

    from odoo import Command  # noqa: PLC0415

    rng = random.Random(seed)
    today = date.today()
    company_a = env.company
    company_b = env["res.company"].create({"name": "Bench Company B"})
    env = env(context=dict(env.context, allowed_company_ids=[company_a.id, company_b.id]))
    Warehouse = env["stock.warehouse"]
    warehouses = Warehouse.search([("company_id", "=", company_a.id)], limit=1)
    warehouses |= Warehouse.create({"name": "Bench A2", "code": "BA2", "company_id": company_a.id})
    warehouse_b = Warehouse.search([("company_id", "=", company_b.id)], limit=1)
    warehouses |= warehouse_b or Warehouse.create({"name": "Bench B1", "code": "BB1", "company_id": company_b.id})
    warehouses |= Warehouse.create({"name": "Bench B2", "code": "BB2", "company_id": company_b.id})
    unit = env.ref("uom.product_uom_unit")
    vendors = env["res.partner"].create(
        [{"name": f"Bench Vendor {i:03d}", "is_company": True, "supplier_rank": 1} for i in range(20)]
    )
    customer = env["res.partner"].create({"name": "Bench Customer", "is_company": True})

    finished, _subassemblies, raw, _boms = build_catalog(env, n, rng, vendors, unit, shared=True)

    customers = env.ref("stock.stock_location_customers")
    moves = 0
    for warehouse in warehouses:
        wenv = env(context=dict(env.context, allowed_company_ids=[warehouse.company_id.id]))
        stock = warehouse.lot_stock_id
        picking_list = []
        for product in finished:
            for _ in range(rng.randint(3, 6)):
                when = datetime.combine(today + timedelta(days=rng.randint(1, 83)), dtime(9, 0))
                picking_list.append(
                    {
                        "picking_type_id": warehouse.out_type_id.id,
                        "partner_id": customer.id,
                        "location_id": stock.id,
                        "location_dest_id": customers.id,
                        "scheduled_date": when,
                        "company_id": warehouse.company_id.id,
                        "move_ids": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "product_uom_qty": rng.randint(1, 25),
                                    "product_uom": unit.id,
                                    "location_id": stock.id,
                                    "location_dest_id": customers.id,
                                    "date": when,
                                    "company_id": warehouse.company_id.id,
                                }
                            )
                        ],
                    }
                )
        pickings = wenv["stock.picking"]
        for start in range(0, len(picking_list), 300):
            pickings |= wenv["stock.picking"].create(picking_list[start : start + 300])
        pickings.action_confirm()
        moves += len(pickings)
        quants = (
            wenv["stock.quant"]
            .with_context(inventory_mode=True)
            .create(
                [
                    {"product_id": p.id, "location_id": stock.id, "inventory_quantity": rng.randint(5, 200)}
                    for p in raw
                    if rng.randrange(3) == 0
                ]
            )
        )
        quants._apply_inventory()
        log(f"  {warehouse.name}: {len(pickings)} deliveries, {len(quants)} quants")
    env.flush_all()
    return {"n": n, "products": 4 * n, "warehouses": len(warehouses), "delivery_moves": moves}


def stage_queue(args):
    """Queue one run per company; their ids."""
    registry = open_registry(args.db, args.addons_path)
    with superuser_env(registry, tracking_disable=True) as env:
        runs = env["prod.planning.run"]
        for company in env["res.company"].search([]):
            runs |= runs.with_company(company).create({"company_id": company.id, "trigger": "manual"})
        runs._queue()
        env.cr.commit()
        return {"run_ids": runs.ids, "units": len(runs.unit_ids)}


def stage_worker(args):
    """One cron worker: wait for the start signal, plan units until none is left."""
    registry = open_registry(args.db, args.addons_path)
    print("ready", flush=True)
    while not os.path.exists(args.go):
        time.sleep(0.01)
    started = time.time()
    with superuser_env(registry, tracking_disable=True) as env:
        env["prod.planning.run"]._cron_process_units()
        env.cr.commit()
        ended = time.time()
        env.cr.execute(
            "SELECT count(*), coalesce(sum(duration), 0) FROM prod_planning_run_unit WHERE worker = %s",
            [f"{socket.gethostname()}:{os.getpid()}"],
        )
        units, busy = env.cr.fetchone()
    return {"started": started, "ended": ended, "units": units, "busy": busy}


def stage_report(args):
    registry = open_registry(args.db, args.addons_path)
    with superuser_env(registry) as env:
        runs = env["prod.planning.run"].browse(json.loads(args.runs))
        return {
            "states": runs.mapped("state"),
            "planned_orders": sum(runs.mapped("planned_order_count")),
            "items": sum(runs.mapped("product_count")),
            "unit_seconds": sorted(round(s, 2) for s in runs.unit_ids.mapped("duration")),
            "errors": [e for e in runs.mapped("error_message") if e],
        }


# ------------------------------------------------------------------------- main


def measure(args, workers):
    queued = run_stage("queue", args)
    with tempfile.TemporaryDirectory() as folder:
        go = os.path.join(folder, "go")
        processes = [run_stage("worker", args, "--go", go, wait=False) for _ in range(workers)]
        for process in processes:
            if process.stdout.readline().strip() != "ready":
                sys.exit("a worker did not start")
        t0 = time.time()
        with open(go, "w"):
            pass
        results = []
        for process in processes:
            out, _err = process.communicate()
            if process.returncode:
                sys.exit(f"a worker failed ({process.returncode})")
            results.append(json.loads(out.strip().splitlines()[-1]))
    seconds = max(r["ended"] for r in results) - t0
    report = run_stage("report", args, "--runs", json.dumps(queued["run_ids"]))
    if report["errors"] or set(report["states"]) != {"done"}:
        sys.exit(f"runs not done: {report}")
    return {
        "workers": workers,
        "seconds": seconds,
        "units": queued["units"],
        "units_per_worker": [r["units"] for r in results],
        "load": os.getloadavg()[0],
        **report,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="finished products (default 300)")
    parser.add_argument("--rounds", type=int, default=2, help="measures of each setting (default 2)")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--db", default=DB)
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--addons-path", help=argparse.SUPPRESS)
    parser.add_argument("--go", help=argparse.SUPPRESS)
    parser.add_argument("--runs", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=42, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.stage:
        stage = {"build": stage_build, "queue": stage_queue, "worker": stage_worker, "report": stage_report}
        print(json.dumps(stage[args.stage](args), default=str))
        return

    with fresh_database(args.db, keep=args.keep, log=log) as (addons, _seconds):
        args.addons_path = addons
        log(f"Building the factory, N = {args.n}...")
        built = run_stage("build", args)
        log(f"  built in {built['seconds']:.0f} s: {built}")
        log("Warm-up run (1 worker)...")
        measure(args, 1)
        rows = []
        for _round in range(args.rounds):
            for workers in (1, 2):
                row = measure(args, workers)
                log(
                    f"  {workers} worker(s): {row['seconds']:.2f} s, units per worker {row['units_per_worker']}, "
                    f"unit times {row['unit_seconds']}, load {row['load']:.1f}"
                )
                rows.append(row)
    print()
    print(f"N = {args.n}: {built['products']} products, 2 companies, 4 warehouses, 4 units per plan")
    print("| workers | wall time (s) | units per worker | unit times (s) | planned orders | load |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['workers']} | {row['seconds']:.2f} | {row['units_per_worker']} | "
            f"{row['unit_seconds']} | {row['planned_orders']:,} | {row['load']:.1f} |"
        )
    best = {w: min(r["seconds"] for r in rows if r["workers"] == w) for w in (1, 2)}
    print(f"best: 1 worker {best[1]:.2f} s, 2 workers {best[2]:.2f} s, speed-up {best[1] / best[2]:.2f}x")


if __name__ == "__main__":
    main()
