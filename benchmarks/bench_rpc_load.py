#!/usr/bin/env python3
"""Load benchmark: 8 concurrent odoorpc integrators against Odoo with 4 workers
on the N = 500 factory, while a planning run and an automated release happen.

A fresh database ``prod_planning_bench_load`` gets prod_planning without demo
data and the factory of ``bench_planning_run.py`` (N = 500: 2,000 products);
20 raw materials get automatic release. Odoo is started with ``--workers=4``
(and one cron thread, which plans the queued units). Then for ``--duration``
seconds 8 odoorpc clients (``prod_planning/tests/rpc_load.py``) call, two of
each: price imports (batches of 1,000 rows), forecast imports (1,000 daily
forecasts), vendor-contact logs (50 rows), planned-order reads (500 rows); one
more thread runs ``run_planning_async`` and waits for it, then the nightly
action (plan and release, "Run Manually"). Printed: calls, throughput, p50/p95
latency and errors per method, and the no-loss check (rows found = rows sent,
replays create nothing).

    python3 benchmarks/bench_rpc_load.py [--duration 180] [--clients 8] [--keep]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

from benchdb import fresh_database, tests_module

DB = "prod_planning_bench_load"


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def build(db, addons, n):
    command = [
        sys.executable,
        os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench_planning_run.py"),
        "--stage",
        "build",
        "--db",
        db,
        "--addons-path",
        addons,
        "--n",
        str(n),
    ]
    out = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True, cwd=tempfile.gettempdir()).stdout
    return json.loads(out.strip().splitlines()[-1])


class Server:
    """Odoo with HTTP workers on ``db`` (the harness's helpers, another command line)."""

    def __init__(self, db, addons, workers):
        self.harness = tests_module("xmlrpc_harness")
        self.helper = self.harness.OdooServer(db, copy=False, addons_path=addons)
        self.workers = workers

    def start(self):
        helper = self.helper
        helper.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "odoo",
                f"--addons-path={helper.addons_path}",
                f"--database={helper.db}",
                f"--db-filter=^{helper.db}$",
                "--http-interface=127.0.0.1",
                f"--http-port={helper.port}",
                f"--gevent-port={self.harness.free_port()}",
                f"--workers={self.workers}",
                "--max-cron-threads=1",
                "--limit-time-real=600",
                "--limit-time-cpu=600",
                "--log-level=warn",
                "--no-database-list",
            ],
            stdout=helper.log,
            stderr=subprocess.STDOUT,
            cwd=tempfile.gettempdir(),
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if helper.xmlrpc("common").version():
                    return helper
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("Odoo did not start:\n" + helper.log_tail())

    def stop(self):
        self.helper.process.terminate()
        self.helper.process.wait(60)


class Planner(threading.Thread):
    """A planning run queued and awaited, then the nightly action (plan and release)."""

    def __init__(self, helper):
        super().__init__(daemon=True)
        self.helper = helper
        self.result = {}

    def run(self):
        client = self.helper.odoorpc()
        runs = client.env["prod.planning.run"]
        started = time.perf_counter()
        run_id = runs.run_planning_async({})
        status = runs.get_run_status(run_id)
        while status["state"] in ("queued", "running"):
            time.sleep(2)
            status = runs.get_run_status(run_id)
        self.result["run"] = {"state": status["state"], "seconds": time.perf_counter() - started}
        started = time.perf_counter()
        cron = client.env.ref("prod_planning.ir_cron_prod_planning_run")
        try:
            self.helper.xmlrpc_execute("ir.cron", "method_direct_trigger", [cron.id])
            error = None
        except Exception as exc:  # noqa: BLE001 - reported
            error = str(exc)[:300]
        last = runs.search_read([("trigger", "=", "cron")], ["state", "released_count"], limit=1)
        self.result["nightly"] = {"seconds": time.perf_counter() - started, "error": error, "run": last}


def prepare(helper, catalog):
    """Automatic release for the first 20 raw materials in the warehouse."""
    client = helper.odoorpc()
    products = client.env["product.product"].search([("default_code", "in", list(catalog["raw"]))])
    warehouse = client.env["stock.warehouse"].search([], limit=1)[0]
    client.env["prod.planning.parameter"].create(
        [{"product_id": p, "warehouse_id": warehouse, "auto_release": True} for p in products]
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=180)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--db", default=DB)
    args = parser.parse_args()
    rpc_load = tests_module("rpc_load")
    catalog = {
        "raw": tuple(f"RM{i:05d}" for i in range(20)),
        "finished": tuple(f"FG{i:05d}" for i in range(5)),
        "vendor": "Bench Vendor 000",
    }
    tag = f"bench-load-{int(time.time())}"
    with fresh_database(args.db, keep=args.keep, log=log) as (addons, _seconds):
        log(f"Building the N = {args.n} factory...")
        built = build(args.db, addons, args.n)
        log(f"  built: {built.get('products')} products in {built.get('seconds', 0):.0f} s")
        server = Server(args.db, addons, args.workers)
        helper = server.start()
        try:
            prepare(helper, catalog)
            planner = Planner(helper)
            log(f"{args.clients} clients for {args.duration:.0f} s, Odoo --workers={args.workers}...")
            started = time.perf_counter()
            workers = rpc_load.drive(
                helper.odoorpc, args.clients, tag, duration=args.duration, extra_threads=(planner,), catalog=catalog
            )
            seconds = time.perf_counter() - started
            stats = rpc_load.summary(workers, seconds)
            check = rpc_load.check_no_loss(helper.odoorpc(), workers, tag, catalog)
            server_log = helper.log_tail(100_000)
        finally:
            server.stop()
    print()
    load = "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    print(f"N = {args.n}, {args.clients} clients, {seconds:.0f} s, Odoo --workers={args.workers}, load {load}")
    print("| method | calls | calls/s | p50 (s) | p95 (s) | errors |")
    print("|---|---|---|---|---|---|")
    for method, row in stats.items():
        print(
            f"| {method} | {row['calls']} | {row['per_second']:.2f} | {row['p50']:.2f} | {row['p95']:.2f} | "
            f"{row['errors']} {row['error_samples']} |"
        )
    print(f"planning: {planner.result}")
    for kind in ("prices", "forecasts", "contacts"):
        sent, found = check[kind]
        print(f"{kind}: sent {sent}, found {found}: {'OK' if sent == found else 'MISMATCH'}")
    print(f"replays created {check['replay_created']} rows (expected 0)")
    counts = {word: server_log.count(word) for word in ("Traceback", "could not serialize", "deadlock", "try again")}
    print(f"server log ({server.helper.log.name}): {counts}")


if __name__ == "__main__":
    main()
