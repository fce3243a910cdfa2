#!/usr/bin/env python3
"""Benchmark of the planning run against OCA's mrp_multi_level, on a synthetic plant.

For each size N it creates a fresh database ``prod_planning_bench_N`` with
prod_planning (and OCA's mrp_multi_level 19.0, unless ``--skip-oca``) installed
without demo data, builds a factory of N finished products, N sub-assemblies and
2N raw materials (3 BoM levels, 4-8 confirmed customer deliveries per finished
product over 12 weeks, vendors with lead times, some stock, some open purchase
orders and RFQs), then times:

- a full planning run, ``env["prod.planning.run"].create({}).action_run()``,
  end to end (read + compute + write, commit included), per phase, twice (the
  second run replaces the first one's plan, as the nightly run does);
- the pure engine, ``engine.mrp.plan()``, alone on the collected data (and the
  weekly projection the writer stores);
- OCA's ``mrp.multi.level`` run on the same data (one MRP area for the
  warehouse, one ``product.mrp.area`` per product),

and prints a summary table with the ratio OCA / ours.

    python3 benchmarks/bench_planning_run.py                 # N=500 then N=2500
    python3 benchmarks/bench_planning_run.py --n 500 --skip-oca --keep-db
    python3 benchmarks/bench_planning_run.py --n 25000 --skip-oca --factory-db prod_planning_bench_25000

OCA's addons are installed from their PyPI wheels with
``pip install --no-deps --target`` into a cache folder (``--oca-dir``), never
into site-packages: the wheels ship an ``odoo/addons/`` folder without
``odoo/__init__.py`` that would shadow an editable Odoo install as an empty
namespace package. They are benchmark tooling, not requirements of the addon.

Each stage (build, our run, OCA's run) runs in its own Python process, so the
peak memory printed is the stage's own (``ru_maxrss``, registry included).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

from benchdb import addons_path as benchdb_addons_path  # noqa: E402
from benchdb import fresh_database, open_registry, superuser_env  # noqa: E402

OCA_REQUIREMENTS = (
    "odoo-addon-mrp-multi-level>=19.0,<19.1",
    "odoo-addon-mrp-warehouse-calendar>=19.0,<19.1",
    "odoo-addon-stock-warehouse-calendar>=19.0,<19.1",
)
OCA_MODULE = "mrp_multi_level"
GOALS = {500: 10.0, 2500: 6.0, 25000: 90.0}  # seconds end to end
COPY_RATIO_GOAL = 10.0  # run / COPY of the rows it stores
MEMORY_GOAL_MB = 4096
ROW_CHECKS_ROLE = "prod_planning_bench_rows"
ENGINE_GOAL = (2500, 2.0)  # pure engine under 2 s for N=2500
RATIO_GOAL = 20.0


# --------------------------------------------------------------------- helpers


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def rss_mb():
    """Peak resident memory of this process, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb():
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def load_average():
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def oca_addons_dir(oca_dir):
    return os.path.join(oca_dir, "odoo", "addons")


def ensure_oca(oca_dir):
    """Install the OCA wheels (no deps) into ``oca_dir`` once; return its addons."""
    addons = oca_addons_dir(oca_dir)
    if os.path.isfile(os.path.join(addons, OCA_MODULE, "__manifest__.py")):
        return addons
    log(f"installing OCA's {OCA_MODULE} 19.0 wheels into {oca_dir}")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--upgrade",
            "--target",
            oca_dir,
            *OCA_REQUIREMENTS,
        ],
        check=True,
    )
    return addons


def run_stage(stage, db, addons_path, *args, timeout=None):
    """Run one stage in a child process; return its JSON result (or None)."""
    command = [
        sys.executable,
        os.path.abspath(__file__),
        "--stage",
        stage,
        "--db",
        db,
        "--addons-path",
        addons_path,
        *args,
    ]
    try:
        result = subprocess.run(
            command, stdout=subprocess.PIPE, text=True, cwd=tempfile.gettempdir(), timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return None
    if result.returncode != 0:
        sys.exit(f"stage {stage} on {db} failed (exit {result.returncode})")
    return json.loads(result.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------ stages (children)


def stage_build(db, addons_path, n, seed):
    registry = open_registry(db, addons_path)
    started = time.perf_counter()
    with superuser_env(registry, tracking_disable=True, mail_notrack=True) as env:
        counts = build_factory(env, n, seed)
        env.cr.commit()
    counts["seconds"] = time.perf_counter() - started
    counts["peak_rss_mb"] = rss_mb()
    return counts


def build_catalog(env, n, rng, vendors, unit, routes=None, shared=False, step=log):
    """N finished products, N sub-assemblies and 2N raw materials (one or two
    vendors each) and their BoMs: a finished product takes its sub-assembly,
    another one and two raw materials, a sub-assembly three raw materials.
    ``routes``: (manufacture, buy) routes set on the products; ``shared``:
    products, vendor prices and BoMs of no company (for several companies).
    Return (finished, sub-assemblies, raw materials, number of BoMs)."""
    from odoo import Command  # noqa: PLC0415

    company = {"company_id": False} if shared else {}

    def templates(prefix, label, count, route, extra=None):
        vals_list = []
        for i in range(count):
            vals = {
                "name": f"Bench {label} {i:05d}",
                "default_code": f"{prefix}{i:05d}",
                "type": "consu",
                "is_storable": True,
                "uom_id": unit.id,
                "list_price": rng.randint(20, 500),
                **company,
            }
            if route:
                vals["route_ids"] = [Command.set(route.ids)]
            if extra:
                vals.update(extra(i))
            vals_list.append(vals)
        records = env["product.template"]
        for start in range(0, count, 500):
            records |= env["product.template"].create(vals_list[start : start + 500])
        return records.product_variant_id

    def sellers(_i):
        chosen = rng.sample(vendors.ids, rng.choice((1, 1, 1, 2)))
        return {
            "purchase_ok": True,
            "seller_ids": [
                Command.create(
                    {
                        "partner_id": vendor_id,
                        "delay": rng.randint(2, 20),
                        "price": rng.randint(1, 50),
                        "min_qty": 0.0,
                        "sequence": rank,
                        **company,
                    }
                )
                for rank, vendor_id in enumerate(chosen)
            ],
        }

    route_manufacture, route_buy = routes or (None, None)
    finished = templates("FG", "Finished", n, route_manufacture)
    subassemblies = templates("SA", "Sub-assembly", n, route_manufacture)
    raw = templates("RM", "Raw", 2 * n, route_buy, sellers)
    step(f"{4 * n} products")

    def bom_vals(product, lead, components):
        return {
            "product_tmpl_id": product.product_tmpl_id.id,
            "product_qty": 1.0,
            "type": "normal",
            "produce_delay": lead,
            "bom_line_ids": [
                Command.create(
                    {"product_id": component.id, "product_qty": rng.randint(1, 3), "product_uom_id": unit.id}
                )
                for component in components
            ],
            **company,
        }

    bom_list = []
    for i, product in enumerate(finished):
        components = {subassemblies[i], subassemblies[rng.randrange(n)]}
        components |= {raw[rng.randrange(2 * n)] for _ in range(2)}
        bom_list.append(bom_vals(product, rng.randint(1, 3), components))
    for j, product in enumerate(subassemblies):
        components = {raw[2 * j], raw[2 * j + 1], raw[rng.randrange(2 * n)]}
        bom_list.append(bom_vals(product, rng.randint(2, 5), components))
    for start in range(0, len(bom_list), 500):
        env["mrp.bom"].create(bom_list[start : start + 500])
    step(f"{len(bom_list)} BoMs")
    return finished, subassemblies, raw, len(bom_list)


def build_factory(env, n, seed):
    """N finished, N sub-assemblies, 2N raw materials; see the module doc."""
    import random
    from datetime import date, datetime, timedelta
    from datetime import time as dtime

    from odoo import Command

    rng = random.Random(seed)
    today = date.today()
    company = env.company
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    stock = warehouse.lot_stock_id
    customer_location = env.ref("stock.stock_location_customers")
    route_buy = env.ref("purchase_stock.route_warehouse0_buy")
    route_manufacture = env.ref("mrp.route_warehouse0_manufacture")
    unit = env.ref("uom.product_uom_unit")
    # Both planners plan on the company's working days (the warehouse calendar
    # comes with OCA's stock_warehouse_calendar).
    if "calendar_id" in warehouse._fields:
        warehouse.calendar_id = company.resource_calendar_id

    clock = {"last": time.perf_counter()}

    def step(message):
        now = time.perf_counter()
        log(f"  build N={n}: {message} ({now - clock['last']:.1f} s)")
        clock["last"] = now

    vendors = env["res.partner"].create(
        [{"name": f"Bench Vendor {i:03d}", "is_company": True, "supplier_rank": 1} for i in range(max(10, n // 25))]
    )
    customers = env["res.partner"].create(
        [{"name": f"Bench Customer {i:03d}", "is_company": True} for i in range(max(10, n // 50))]
    )
    step(f"{len(vendors)} vendors, {len(customers)} customers")

    finished, subassemblies, raw, bom_count = build_catalog(
        env, n, rng, vendors, unit, routes=(route_manufacture, route_buy), step=step
    )

    # Customer deliveries: 4-8 per finished product over the next 12 weeks,
    # grouped by day into pickings of up to 6 lines (one product once each).
    lines_by_day = {}
    for product in finished:
        for _ in range(rng.randint(4, 8)):
            day = today + timedelta(days=rng.randint(1, 83))
            lines_by_day.setdefault(day, []).append((product, rng.randint(1, 25)))
    picking_list = []
    out_type = warehouse.out_type_id
    for day in sorted(lines_by_day):
        when = datetime.combine(day, dtime(9, 0))
        lines = lines_by_day[day]
        rng.shuffle(lines)
        chunks, chunk = [], []
        for product, qty in lines:
            if len(chunk) == 6 or any(p == product for p, _q in chunk):
                chunks.append(chunk)
                chunk = []
            chunk.append((product, qty))
        chunks.append(chunk)
        for chunk in chunks:
            picking_list.append(
                {
                    "picking_type_id": out_type.id,
                    "partner_id": rng.choice(customers.ids),
                    "location_id": stock.id,
                    "location_dest_id": customer_location.id,
                    "scheduled_date": when,
                    "move_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": qty,
                                "product_uom": unit.id,
                                "location_id": stock.id,
                                "location_dest_id": customer_location.id,
                                "date": when,
                            }
                        )
                        for product, qty in chunk
                    ],
                }
            )
    pickings = env["stock.picking"]
    for start in range(0, len(picking_list), 300):
        pickings |= env["stock.picking"].create(picking_list[start : start + 300])
    step(f"{len(pickings)} delivery pickings")
    pickings.action_confirm()
    step(f"{len(pickings.move_ids)} delivery moves confirmed")

    # On hand: a third of the raw materials, a fifth of the sub-assemblies and
    # a tenth of the finished products, through inventory adjustments.
    quant_vals = []
    for products, share, high in ((raw, 3, 400), (subassemblies, 5, 60), (finished, 10, 30)):
        for product in products:
            if rng.randrange(share) == 0:
                quant_vals.append(
                    {"product_id": product.id, "location_id": stock.id, "inventory_quantity": rng.randint(5, high)}
                )
    quants = env["stock.quant"].with_context(inventory_mode=True).create(quant_vals)
    quants._apply_inventory()
    step(f"{len(quants)} quants")

    # Open purchases of one raw material in eight: grouped by vendor, ten lines
    # per order; every other order confirmed (receipts), the rest left as RFQs.
    lines_by_vendor = {}
    for product in raw:
        if rng.randrange(8) == 0:
            vendor = product.seller_ids[:1].partner_id
            lines_by_vendor.setdefault(vendor.id, []).append(product)
    order_list = []
    for vendor_id, products in sorted(lines_by_vendor.items()):
        for start in range(0, len(products), 10):
            order_list.append(
                {
                    "partner_id": vendor_id,
                    "picking_type_id": warehouse.in_type_id.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_qty": rng.randint(20, 300),
                                "price_unit": 10.0,
                                "date_planned": datetime.combine(
                                    today + timedelta(days=rng.randint(2, 45)), dtime(9, 0)
                                ),
                            }
                        )
                        for product in products[start : start + 10]
                    ],
                }
            )
    orders = env["purchase.order"].create(order_list)
    confirmed = orders[::2]
    confirmed.button_confirm()
    step(f"{len(orders)} purchase orders ({len(confirmed)} confirmed)")
    env.flush_all()

    cr = env.cr
    cr.execute(
        "SELECT state, count(*) FROM stock_move m "
        "JOIN stock_location l ON l.id = m.location_dest_id "
        "WHERE l.usage = 'customer' GROUP BY state"
    )
    delivery_states = dict(cr.fetchall())
    cr.execute("SELECT count(*) FROM purchase_order_line")
    po_lines = cr.fetchone()[0]
    return {
        "n": n,
        "products": 4 * n,
        "boms": bom_count,
        "delivery_moves": sum(delivery_states.values()),
        "delivery_states": delivery_states,
        "pickings": len(pickings),
        "quants": len(quants),
        "purchase_orders": len(orders),
        "purchase_lines": po_lines,
    }


# What a run stores (the tables it writes) and the same plan in one row per
# peg and per week, as the pegging and projection reports read it.
STORED_ROWS = {
    "prod_planning_order": "SELECT * FROM prod_planning_order WHERE run_id = %(run)s",
    "prod_planning_exception": "SELECT * FROM prod_planning_exception WHERE run_id = %(run)s",
    "prod_planning_projection_series": "SELECT * FROM prod_planning_projection_series WHERE run_id = %(run)s",
}
EXPANDED_ROWS = {
    "prod_planning_order": STORED_ROWS["prod_planning_order"],
    "prod_planning_peg": "SELECT peg.* FROM prod_planning_peg peg "
    "JOIN prod_planning_order planned ON planned.id = peg.order_id WHERE planned.run_id = %(run)s",
    "prod_planning_exception": STORED_ROWS["prod_planning_exception"],
    "prod_planning_projection": "SELECT * FROM prod_planning_projection WHERE run_id = %(run)s",
}


def copy_baseline(cr, run_id, queries, repeat=3):
    """(rows, seconds): the rows of ``queries`` for ``run_id``, and the best
    time of ``repeat`` plain COPYs of them into new tables without index nor
    constraint (the physical limit of writing them on this machine)."""
    import io  # noqa: PLC0415

    rows, best = 0, 0.0
    for table, query in queries.items():
        cr.execute(f"SELECT count(*) FROM ({query}) q", {"run": run_id})  # noqa: S608
        rows += cr.fetchone()[0]
        data = io.StringIO()
        cr.copy_expert(cr.mogrify(f"COPY ({query}) TO STDOUT", {"run": run_id}).decode(), data)  # noqa: S608
        times = []
        for _ in range(repeat):
            cr.execute(f"CREATE TABLE bench_copy_{table} AS ({query}) WITH NO DATA", {"run": run_id})  # noqa: S608
            data.seek(0)
            started = time.perf_counter()
            cr.copy_expert(f"COPY bench_copy_{table} FROM STDIN", data)
            times.append(time.perf_counter() - started)
            cr.execute(f"DROP TABLE bench_copy_{table}")
        best += min(times)
    cr.rollback()
    return rows, best


def stage_ours(db, addons_path, runs, row_checks=False):
    registry = open_registry(db, addons_path)
    from datetime import timedelta

    from odoo import fields

    from odoo.addons.prod_planning.engine import mrp
    from odoo.addons.prod_planning.services.pg_copy import can_check_once

    with superuser_env(registry) as env:
        cr = env.cr
        if row_checks:
            # A role that is no superuser and may not turn the per-row
            # foreign-key checks off, as many Odoo deployments run.
            cr.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [ROW_CHECKS_ROLE])
            if not cr.fetchone():
                cr.execute(f"CREATE ROLE {ROW_CHECKS_ROLE}")
            cr.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {ROW_CHECKS_ROLE}")
            cr.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {ROW_CHECKS_ROLE}")
            cr.commit()
            cr.execute(f"SET ROLE {ROW_CHECKS_ROLE}")
        checked_once = can_check_once(cr)
        # Time the three phases by wrapping them (the run itself is untouched).
        phases = {}

        def timed(model, method, phase):
            cls = type(env[model])
            original = getattr(cls, method)

            def wrapper(self, *args, **kwargs):
                started = time.perf_counter()
                try:
                    return original(self, *args, **kwargs)
                finally:
                    phases[phase] = time.perf_counter() - started

            setattr(cls, method, wrapper)

        timed("prod.planning.run.reader", "_collect", "collect")
        timed("prod.planning.run.writer", "_write", "write")
        base_rss = current_rss_mb()
        results = []
        for _ in range(runs):
            phases.clear()
            started = time.perf_counter()
            run = env["prod.planning.run"].create({})
            run.action_run()
            env.flush_all()
            cr.commit()
            total = time.perf_counter() - started
            if run.state != "done":
                sys.exit(f"the planning run failed: {run.error_message}")
            cr.execute(
                "SELECT supply_type, sum(quantity) FROM prod_planning_order WHERE run_id = %s GROUP BY supply_type",
                [run.id],
            )
            planned_qty = dict(cr.fetchall())
            cr.execute(
                "SELECT count(*) FILTER (WHERE create_date < %s) FROM prod_planning_order WHERE run_id = %s",
                [run.date_start, run.id],
            )
            kept_orders = cr.fetchone()[0]
            stored_rows, stored_copy = copy_baseline(cr, run.id, STORED_ROWS)
            expanded_rows, expanded_copy = copy_baseline(cr, run.id, EXPANDED_ROWS)
            cr.execute("SELECT count(*) FROM prod_planning_projection WHERE run_id = %s", [run.id])
            projection_rows = cr.fetchone()[0]
            results.append(
                {
                    "kept_orders": kept_orders,
                    "stored_rows": stored_rows,
                    "stored_copy": stored_copy,
                    "expanded_rows": expanded_rows,
                    "expanded_copy": expanded_copy,
                    "total": total,
                    "collect": phases["collect"],
                    "engine": run.engine_duration,
                    "write": phases["write"],
                    "other": total - phases["collect"] - run.engine_duration - phases["write"],
                    "items": run.product_count,
                    "demands": run.demand_count,
                    "supplies": run.supply_count,
                    "planned_orders": run.planned_order_count,
                    "exceptions": run.exception_count,
                    "planned_qty": planned_qty,
                    "projection_rows": projection_rows,
                    "peak_rss_mb": rss_mb(),
                    "checked_once": checked_once,
                }
            )
            env.invalidate_all()

        # The pure engine alone, on the data the run reads.
        company = env.company
        warehouses = env["stock.warehouse"].search([("company_id", "=", company.id)])
        today = fields.Date.context_today(run)
        horizon_end = today + timedelta(days=run.horizon_days)
        data = env["prod.planning.run.reader"]._collect(company, warehouses, today, horizon_end)
        engine = []
        for _ in range(3):
            started = time.perf_counter()
            keys = ("items", "bom_lines", "demands", "forecasts", "supplies")
            result = mrp.plan(*(data[k] for k in keys), today, horizon_end=horizon_end)
            planned = time.perf_counter()
            projection = result.projection
            engine.append(
                {
                    "plan": planned - started,
                    "projection": time.perf_counter() - planned,
                    "levels": result.counters["levels"],
                    "buckets": sum(len(b) for b in projection.values()),
                }
            )
        cr.rollback()
    return {
        "runs": results,
        "engine": min(engine, key=lambda e: e["plan"]),
        "engine_first": engine[0],
        "base_rss_mb": base_rss,
    }


def stage_oca(db, addons_path):
    registry = open_registry(db, addons_path)
    with superuser_env(registry) as env:
        cr = env.cr
        # Configured as its docs and tests do: an MRP area on the warehouse's
        # stock (created by the module for the main warehouse), with the
        # warehouse's working hours, and parameters for every product.
        area = env.ref("mrp_multi_level.mrp_area_stock_wh0")
        started = time.perf_counter()
        products = env["product.product"].search([("is_storable", "=", True)])
        existing = set(env["product.mrp.area"].search([("mrp_area_id", "=", area.id)]).mapped("product_id").ids)
        vals_list = [
            {"product_id": product_id, "mrp_area_id": area.id}
            for product_id in products.ids
            if product_id not in existing
        ]
        for start in range(0, len(vals_list), 1000):
            env["product.mrp.area"].create(vals_list[start : start + 1000])
        env.flush_all()
        cr.commit()
        setup = time.perf_counter() - started

        wizard_cls = type(env["mrp.multi.level"])
        phases = {}
        for method in (
            "_mrp_cleanup",
            "_low_level_code_calculation",
            "_calculate_mrp_applicable",
            "_mrp_initialisation",
            "_mrp_calculation",
            "_mrp_final_process",
        ):
            original = getattr(wizard_cls, method)

            def wrapper(self, *args, _original=original, _name=method, **kwargs):
                step_started = time.perf_counter()
                try:
                    return _original(self, *args, **kwargs)
                finally:
                    phases[_name.lstrip("_")] = time.perf_counter() - step_started
                    log(f"  OCA {_name}: {phases[_name.lstrip('_')]:.1f} s")

            setattr(wizard_cls, method, wrapper)

        base_rss = current_rss_mb()
        started = time.perf_counter()
        env["mrp.multi.level"].create({}).run_mrp_multi_level()
        env.flush_all()
        cr.commit()
        total = time.perf_counter() - started
        cr.execute("SELECT mrp_action, sum(mrp_qty) FROM mrp_planned_order GROUP BY mrp_action")
        planned_qty = dict(cr.fetchall())
        counts = {}
        for table in ("mrp_planned_order", "mrp_move", "mrp_inventory"):
            cr.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            counts[table] = cr.fetchone()[0]
    return {
        "setup": setup,
        "product_mrp_areas": len(products),
        "total": total,
        "phases": phases,
        "planned_orders": counts["mrp_planned_order"],
        "planned_qty": planned_qty,
        "mrp_moves": counts["mrp_move"],
        "inventory_rows": counts["mrp_inventory"],
        "peak_rss_mb": rss_mb(),
        "base_rss_mb": base_rss,
    }


# ------------------------------------------------------------------ the driver


def bench(n, args, addons_path, with_oca):
    if args.factory_db:
        # A database kept by an earlier --keep-db run (its factory built): runs only.
        row = {"n": n, "db": args.factory_db, "load_before": load_average(), "install": 0.0}
        log(f"N={n}: the factory of {args.factory_db} (load {row['load_before']})")
        run_stages(row, args, addons_path, with_oca, build=False)
        row["load_after"] = load_average()
        return row
    db = f"prod_planning_bench_{n}"
    row = {"n": n, "db": db, "load_before": load_average()}
    log(f"N={n}: a fresh {db} (load {row['load_before']})")
    modules = ["prod_planning"] + ([OCA_MODULE] if with_oca else [])
    with fresh_database(db, args.keep_db, modules, addons_path, log) as (_, seconds):
        row["install"] = seconds
        run_stages(row, args, addons_path, with_oca)
        row["load_after"] = load_average()
    return row


def run_stages(row, args, addons_path, with_oca, build=True):
    """The factory (unless not ``build``), our runs and OCA's on ``row["db"]``,
    logged and in ``row``."""
    db = row["db"]
    if build:
        build_stage(row, addons_path)
    row["load_ours"] = load_average()
    extra = ["--row-checks"] if args.row_checks else []
    row["ours"] = run_stage("ours", db, addons_path, "--runs", str(args.runs), *extra)
    log_runs(row)
    if with_oca:
        oca_stage(row, args, addons_path)


def build_stage(row, addons_path):
    n, db = row["n"], row["db"]
    row["build"] = run_stage("build", db, addons_path, "--n", str(n), "--seed", "42")
    log(
        f"N={n}: factory built in {row['build']['seconds']:.0f} s: "
        f"{row['build']['products']} products, {row['build']['boms']} BoMs, "
        f"{row['build']['delivery_moves']} delivery moves "
        f"{row['build']['delivery_states']}, {row['build']['quants']} quants, "
        f"{row['build']['purchase_lines']} purchase lines"
    )


def log_runs(row):
    n = row["n"]
    for i, run in enumerate(row["ours"]["runs"], 1):
        log(
            f"N={n}: our run {i}: {run['total']:.2f} s (collect {run['collect']:.2f}, "
            f"engine {run['engine']:.2f}, write {run['write']:.2f}, other "
            f"{run['other']:.2f}), {run['items']} items, {run['demands']} demands, "
            f"{run['planned_orders']} planned orders ({run['kept_orders']} kept from the "
            f"previous run), {run['exceptions']} exceptions, peak RSS {run['peak_rss_mb']:.0f} MB, "
            f"foreign keys checked {'once per COPY' if run['checked_once'] else 'row by row'}"
        )
        log(
            f"N={n}: run {i} stores {run['stored_rows']} rows, {run['stored_rows'] / run['total']:,.0f} rows/s; "
            f"COPY of them into unindexed tables {run['stored_copy']:.3f} s, run / COPY "
            f"{run['total'] / run['stored_copy']:.1f}x; the same plan as one row per peg and week: "
            f"{run['expanded_rows']} rows, COPY {run['expanded_copy']:.3f} s, run / COPY "
            f"{run['total'] / run['expanded_copy']:.1f}x"
        )
    engine = row["ours"]["engine"]
    log(
        f"N={n}: engine alone {engine['plan']:.2f} s + projection "
        f"{engine['projection']:.2f} s ({engine['levels']} levels)"
    )


def oca_stage(row, args, addons_path):
    n, db = row["n"], row["db"]
    row["load_oca"] = load_average()
    log(f"N={n}: running OCA's {OCA_MODULE} (timeout {args.oca_timeout:.0f} s)")
    row["oca"] = run_stage("oca", db, addons_path, timeout=args.oca_timeout)
    if row["oca"] is None:
        log(f"N={n}: OCA's run did not finish within {args.oca_timeout:.0f} s")
    else:
        log(
            f"N={n}: OCA's run {row['oca']['total']:.1f} s, "
            f"{row['oca']['planned_orders']} planned orders, peak RSS "
            f"{row['oca']['peak_rss_mb']:.0f} MB"
        )


def summary(rows, timeout):
    def fmt(value, digits=2):
        return "-" if value is None else f"{value:.{digits}f}"

    lines = [
        "",
        "Planning run benchmark (seconds; ours = first run, second run in brackets)",
        "",
        "| N | products | demands | planned orders | exceptions | collect | engine "
        "| write | ours total | rows stored, rows/s | COPY alone | run / COPY | engine alone "
        "| peak RSS MB | OCA mrp_multi_level | OCA / ours | goal |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        first = row["ours"]["runs"][0]
        last = row["ours"]["runs"][-1]
        engine = row["ours"]["engine"]
        goal = GOALS.get(row["n"])
        oca = row.get("oca")
        if "oca" not in row:
            oca_text, ratio = "skipped", None
        elif oca is None:
            oca_text, ratio = f"> {timeout:.0f}", timeout / first["total"]
        else:
            oca_text = f"{oca['total']:.1f} ({oca['planned_orders']} orders)"
            ratio = oca["total"] / first["total"]
        checks = []
        if goal:
            checks.append(f"{'ok' if max(first['total'], last['total']) < goal else 'MISSED'} < {goal:.0f} s")
        copy_ratio = max(run["total"] / run["stored_copy"] for run in row["ours"]["runs"])
        checks.append(f"{'ok' if copy_ratio <= COPY_RATIO_GOAL else 'MISSED'} run / COPY <= {COPY_RATIO_GOAL:.0f}x")
        if row["n"] >= 25000:
            ok = first["peak_rss_mb"] < MEMORY_GOAL_MB
            checks.append(f"{'ok' if ok else 'MISSED'} < {MEMORY_GOAL_MB / 1024:.0f} GB")
        if row["n"] == ENGINE_GOAL[0]:
            ok = engine["plan"] + engine["projection"] < ENGINE_GOAL[1]
            checks.append(f"engine {'ok' if ok else 'MISSED'} < {ENGINE_GOAL[1]:.0f} s")
        if ratio is not None:
            checks.append(f"{'ok' if ratio >= RATIO_GOAL else 'MISSED'} >= 20x")
        lines.append(
            f"| {row['n']} | {first['items']} | {first['demands']} "
            f"| {first['planned_orders']} | {first['exceptions']} "
            f"| {fmt(first['collect'])} | {fmt(first['engine'])} "
            f"| {fmt(first['write'])} | {fmt(first['total'])} ({fmt(last['total'])}) "
            f"| {first['stored_rows']:,}, {first['stored_rows'] / first['total']:,.0f} "
            f"({last['stored_rows'] / last['total']:,.0f}) "
            f"| {fmt(first['stored_copy'], 3)} ({fmt(last['stored_copy'], 3)}) "
            f"| {first['total'] / first['stored_copy']:.1f}x ({last['total'] / last['stored_copy']:.1f}x) "
            f"| {fmt(engine['plan'])} + {fmt(engine['projection'])} "
            f"| {first['peak_rss_mb']:.0f} | {oca_text} "
            f"| {'-' if ratio is None else f'{ratio:.0f}x'} | {', '.join(checks)} |"
        )
    lines.append("")
    for row in rows:
        lines.append(
            f"N={row['n']}: load average before {row['load_before']}, at our run "
            f"{row['load_ours']}, at OCA's run {row.get('load_oca', '-')}, after "
            f"{row['load_after']} ({os.cpu_count()} cores); install "
            f"{row['install']:.0f} s, factory "
            + (f"{row['build']['seconds']:.0f} s" if "build" in row else f"of {row['db']}")
        )
        ours_qty = row["ours"]["runs"][0]["planned_qty"]
        lines.append(
            "  planned quantity by type, ours: " + ", ".join(f"{k} {v:g}" for k, v in sorted(ours_qty.items()))
        )
        if row.get("oca"):
            lines.append(
                "  planned quantity by type, OCA: "
                + ", ".join(f"{k} {v:g}" for k, v in sorted(row["oca"]["planned_qty"].items()))
            )
            phases = ", ".join(f"{k} {v:.1f}" for k, v in row["oca"]["phases"].items())
            lines.append(f"  OCA phases (s): {phases}; product.mrp.area setup {row['oca']['setup']:.1f} s")
    print("\n".join(lines), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--n", type=int, action="append", help="finished products (repeatable; default: 500, then 2500)"
    )
    parser.add_argument("--keep-db", action="store_true", help="keep the databases")
    parser.add_argument("--skip-oca", action="store_true", help="do not install nor run OCA's module")
    parser.add_argument("--runs", type=int, default=2, help="planning runs in a row (default 2)")
    parser.add_argument(
        "--oca-timeout", type=float, default=3600, help="seconds after which OCA's run is stopped (default 3600)"
    )
    parser.add_argument(
        "--oca-dir",
        default=os.path.join(
            os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "prod_planning_bench", "oca-19.0"
        ),
        help="where the OCA wheels are installed (pip --target)",
    )
    parser.add_argument(
        "--factory-db",
        help="run on this database, kept by an earlier --keep-db run of the same --n (no install, no build)",
    )
    parser.add_argument(
        "--row-checks",
        action="store_true",
        help=f"run as the role {ROW_CHECKS_ROLE} (no superuser, no SET on session_replication_role): "
        "PostgreSQL checks the foreign keys of each row written",
    )
    parser.add_argument("--json", help="also write the figures to this JSON file")
    # Internal: one stage in a child process.
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--addons-path", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=42, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.stage:
        if args.stage == "build":
            result = stage_build(args.db, args.addons_path, args.n[0], args.seed)
        elif args.stage == "ours":
            result = stage_ours(args.db, args.addons_path, args.runs, args.row_checks)
        else:
            result = stage_oca(args.db, args.addons_path)
        print(json.dumps(result, default=str))
        return

    extra = [] if args.skip_oca else [ensure_oca(args.oca_dir)]
    addons_path = benchdb_addons_path(*extra)
    rows = []
    for n in args.n or [500, 2500]:
        rows.append(bench(n, args, addons_path, not args.skip_oca))
        summary(rows, args.oca_timeout)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(rows, out, indent=2, default=str)


if __name__ == "__main__":
    main()
