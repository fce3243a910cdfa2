#!/usr/bin/env python3
"""Integrators under load: 8 odoorpc clients against Odoo --workers=4 on the N = 500 factory.

    python3 benchmarks/bench_load.py [--db NAME] [--keep] [--n 500] [--duration 180]

1. Creates the database (prod_planning without demo data), builds the factory
   of ``bench_planning_run.py`` (N finished products, N sub-assemblies, 2N raw
   materials) and plans it once.
2. Starts Odoo with ``--workers=4`` and, for ``--duration`` seconds, 8 client
   processes (odoorpc, JSON-RPC) at once:
   two import raw-material prices in batches of 1,000 rows, one imports
   forecasts (batches of 100), one logs vendor contacts (batches of 20, with
   references), two read pages of planned orders, one runs the planning run
   over and over, one releases purchase planned orders (the automated release).
   Every fourth import batch is sent a second time (a replay).
3. Prints per method the calls, rows, throughput, p50 / p95 latency and errors
   (clear refusals apart from tracebacks), then checks that nothing was lost or
   stored twice: observations, forecasts and contacts in the database equal the
   distinct keys sent, and the replays created nothing.

Connection parameters come from the usual PG* variables.
"""

import datetime
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time

from benchdb import argument_parser, fresh_database, open_registry, say, superuser_env, tests_module  # noqa: E402

ROLES = ("prices", "prices", "forecasts", "contacts", "reader", "reader", "planner", "releaser")
PRICE_BATCH = 1000
FORECAST_BATCH = 100
CONTACT_BATCH = 20
REPLAY_EVERY = 4


def _connect(port, db):
    import odoorpc  # noqa: PLC0415 - only in the client processes

    client = odoorpc.ODOO("127.0.0.1", port=port, timeout=600)
    client.login(db, "admin", "admin")
    return client


def _error_kind(error):
    """'refused' for a UserError / ValidationError, else 'traceback'."""
    info = getattr(error, "info", None) or {}
    name = (info.get("data") or {}).get("name", "") if isinstance(info, dict) else ""
    if name.endswith(("UserError", "ValidationError", "AccessError")):
        return "refused"
    return "traceback"


def _batches(role, index, n):
    """The import batches of one client, endless: (method, rows, keys, replay)."""
    start = datetime.date.today() - datetime.timedelta(days=4000)
    sent = []
    number = 0
    while True:
        number += 1
        if number % REPLAY_EVERY == 0 and sent:
            yield (*sent[-1], True)
            continue
        if role == "prices":
            # Each price client has its own days: 2N raw materials per day.
            day = start + datetime.timedelta(days=index * 2000 + number)
            rows = [
                {"product_code": f"RM{i:05d}", "price": 1 + (i + number) % 50 / 10, "date": str(day)}
                for i in range(min(PRICE_BATCH, 2 * n))
            ]
            keys = [(r["product_code"], r["date"]) for r in rows]
            batch = ("prod.planning.price.observation", "import_observations", rows)
        elif role == "forecasts":
            # Daily forecasts past the planning horizon and inside the five
            # years the import accepts: 400 days for each group of products.
            group, slot = divmod(number, 400)
            day = datetime.date.today() + datetime.timedelta(weeks=200, days=slot)
            first = group * FORECAST_BATCH % n
            rows = [
                {"product": f"FG{(first + i) % n:05d}", "date": str(day), "quantity": 5 + i % 7, "period": "day"}
                for i in range(min(FORECAST_BATCH, n))
            ]
            keys = [(r["product"], r["date"]) for r in rows]
            batch = ("prod.planning.forecast", "import_forecasts", rows)
        else:  # contacts
            rows = [
                {"vendor": "Bench Vendor 000", "outcome": "no_answer", "reference": f"load-{number}-{i}"}
                for i in range(CONTACT_BATCH)
            ]
            keys = [r["reference"] for r in rows]
            batch = ("prod.planning.vendor.contact", "log_contacts", rows)
        sent.append((*batch, keys))
        yield (*batch, keys, False)


def _client(role, index, port, db, n, duration, out_path):
    """One client process: call its method until the time is up; write its
    calls (method, seconds, rows, outcome, created) and keys sent as JSON."""
    client = _connect(port, db)
    env = client.env
    calls, keys_sent, replays_created = [], set(), 0
    deadline = time.monotonic() + duration
    batches = _batches(role, index, n) if role in ("prices", "forecasts", "contacts") else None
    while time.monotonic() < deadline:
        started = time.perf_counter()
        rows, outcome, created = 0, "ok", 0
        try:
            if batches:
                model, method, rows_sent, keys, replay = next(batches)
                result = getattr(env[model], method)(rows_sent)
                rows = len(rows_sent)
                if method == "import_observations":
                    created = sum(r["status"] == "created" for r in result)
                    if any(r["status"] == "error" for r in result):
                        outcome = "refused"
                else:
                    created = result["created"]
                if replay:
                    replays_created += created
                else:
                    keys_sent.update(map(json.dumps, keys))
                label = method
            elif role == "reader":
                offset = (len(calls) * 200) % 5000
                rows = len(
                    env["prod.planning.order"].search_read(
                        [], ["product_id", "quantity", "due_date", "state"], offset=offset, limit=200
                    )
                )
                label = "prod.planning.order search_read"
            elif role == "planner":
                result = env["prod.planning.run"].run_planning({})
                rows = result.get("planned_orders", 0)
                label = "run_planning"
            else:  # releaser
                ids = env["prod.planning.order"].search(
                    [("state", "=", "draft"), ("supply_type", "=", "buy")], limit=5, order="release_date, id"
                )
                label = "release_orders"
                if not ids:
                    time.sleep(1)
                    continue
                result = env["prod.planning.order"].browse(ids).release_orders()
                rows = result.get("released", 0)
        except Exception as error:  # noqa: BLE001 - every error is counted and classified
            outcome = _error_kind(error)
            label = locals().get("label") or role
            if outcome == "traceback" or not any(call[3] == "refused" for call in calls):
                print(f"[{role} {index}] {outcome}: {str(error)[:300]}", file=sys.stderr, flush=True)
        calls.append((label, time.perf_counter() - started, rows, outcome, created))
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump({"role": role, "calls": calls, "keys": sorted(keys_sent), "replays_created": replays_created}, out)


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def _stored_counts(registry, reports):
    """(sent, stored) distinct keys per import method, from the database."""
    with superuser_env(registry) as env:
        cr = env.cr
        cr.execute(
            "SELECT count(*) FROM prod_planning_price_observation WHERE source = 'import' AND date < %s",
            [datetime.date.today() - datetime.timedelta(days=30)],
        )
        observations = cr.fetchone()[0]
        cr.execute(
            "SELECT count(*), count(DISTINCT (product_id, warehouse_id, period, date_start)) "
            "FROM prod_planning_forecast WHERE date_start > %s",
            [datetime.date.today() + datetime.timedelta(weeks=150)],
        )
        forecasts, distinct_forecasts = cr.fetchone()
        cr.execute(
            "SELECT count(*), count(DISTINCT reference) "
            "FROM prod_planning_vendor_contact WHERE reference LIKE 'load-%%'"
        )
        contacts, distinct_contacts = cr.fetchone()
    sent = {"prices": set(), "forecasts": set(), "contacts": set()}
    for report in reports:
        if report["role"] in sent:
            sent[report["role"]].update(report["keys"])
    return {
        "import_observations": (len(sent["prices"]), observations, observations),
        "import_forecasts": (len(sent["forecasts"]), forecasts, distinct_forecasts),
        "log_contacts": (len(sent["contacts"]), contacts, distinct_contacts),
    }


def main():
    parser = argument_parser(__doc__, "prod_planning_bench_load")
    parser.add_argument("--n", type=int, default=500, help="finished products of the factory (default 500)")
    parser.add_argument("--duration", type=int, default=180, help="seconds of load (default 180)")
    parser.add_argument("--workers", type=int, default=4, help="Odoo HTTP workers (default 4)")
    args = parser.parse_args()
    planning_bench = __import__("bench_planning_run")
    with fresh_database(args.db, keep=args.keep) as (paths, _seconds):
        say(f"Building the N = {args.n} factory...")
        planning_bench.run_stage("build", args.db, paths, "--n", str(args.n))
        registry = open_registry(args.db, paths)
        with superuser_env(registry) as env:
            env["prod.planning.run"].create({}).action_run()
            env.cr.commit()
        harness = tests_module("xmlrpc_harness")
        server = harness.OdooServer(args.db, copy=False, addons_path=paths, workers=args.workers).start()
        say(f"Odoo --workers={args.workers} on port {server.port}; {len(ROLES)} clients for {args.duration} s...")
        folder = tempfile.mkdtemp(prefix="prod_planning_load_")
        processes = []
        try:
            for index, role in enumerate(ROLES):
                out_path = os.path.join(folder, f"{index}.json")
                process = multiprocessing.Process(
                    target=_client, args=(role, index, server.port, args.db, args.n, args.duration, out_path)
                )
                process.start()
                processes.append((process, out_path))
            for process, _path in processes:
                process.join(args.duration + 900)
        finally:
            server.stop()
        reports = []
        for process, path in processes:
            if process.exitcode != 0 or not os.path.exists(path):
                sys.exit(f"a client process failed (exit {process.exitcode})")
            with open(path, encoding="utf-8") as report:
                reports.append(json.load(report))
        report_figures(args, reports, _stored_counts(registry, reports))


def report_figures(args, reports, stored):
    by_method = {}
    for report in reports:
        for label, seconds, rows, outcome, _created in report["calls"]:
            by_method.setdefault(label, []).append((seconds, rows, outcome))
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print()
    print(
        f"Load benchmark: N = {args.n}, Odoo --workers={args.workers}, {len(ROLES)} clients, "
        f"{args.duration} s ({os.cpu_count()} CPUs, load average {load})"
    )
    print("| method | calls | rows | rows/s | p50 | p95 | refused | tracebacks |")
    print("|---|---|---|---|---|---|---|---|")
    for label, calls in sorted(by_method.items()):
        seconds = [c[0] for c in calls]
        rows = sum(c[1] for c in calls)
        print(
            f"| {label} | {len(calls)} | {rows:,} | {rows / args.duration:,.0f} | "
            f"{statistics.median(seconds) * 1000:,.0f} ms | {_percentile(seconds, 0.95) * 1000:,.0f} ms | "
            f"{sum(c[2] == 'refused' for c in calls)} | {sum(c[2] == 'traceback' for c in calls)} |"
        )
    replays = sum(r["replays_created"] for r in reports)
    print()
    lost = False
    for method, (sent, stored_rows, distinct) in stored.items():
        ok = sent == stored_rows == distinct
        lost = lost or not ok
        verdict = "OK" if ok else "MISMATCH"
        print(f"{method}: distinct keys sent {sent:,}, rows stored {stored_rows:,} ({distinct:,} distinct): {verdict}")
    print(f"replayed batches created {replays} rows: {'OK' if replays == 0 else 'MISMATCH'}")
    if lost or replays:
        sys.exit(1)


if __name__ == "__main__":
    main()
