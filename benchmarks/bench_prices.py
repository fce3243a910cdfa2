"""Benchmark of raw-material price monitoring on a fresh database.

    python3 benchmarks/bench_prices.py [--db NAME] [--keep] [--scale 0.01]

1. Creates the database (prod_planning without demo data) and, through the
   ORM, 5,000 raw materials, 100 sub-assemblies and 500 finished products
   with two-level bills of materials.
2. (a) Starts an Odoo HTTP server on a free port and imports 100,000 price
   observations over XML-RPC (import_observations) in batches of 5,000, then
   imports the last batch again (updates): rows per second (goal >= 2,000).
3. (b) Adds observations with one INSERT ... SELECT generate_series up to
   1,000,000 stored observations for the 5,000 raw materials (200 days each),
   then times the evaluation of four alert rules over them (whole history
   for the previous-price rule) and the cost roll-up of every BoM (goal:
   under 10 s together).
4. Prints the figures and drops the database (unless --keep).

``--scale`` multiplies every count (not the days) for a quick trial run.

Connection parameters come from the usual PG* variables.
"""

import os
import time

from benchdb import argument_parser, fresh_database, load_engine, open_registry, say, superuser_env, tests_module  # noqa: E402 (benchmarks/ is on sys.path)

RAW_COUNT = 5000
SUB_COUNT = 100
FINISHED_COUNT = 500
IMPORT_ROWS = 100_000
BATCH = 5000
IMPORT_DAYS = IMPORT_ROWS // RAW_COUNT  # the last 20 days, through XML-RPC
TOTAL_DAYS = 200  # 5,000 products x 200 days = 1,000,000 observations
MODEL = "prod.planning.price.observation"


def scale(factor):
    """Multiply the counts by ``factor``: as many days, fewer products."""
    global RAW_COUNT, SUB_COUNT, FINISHED_COUNT, IMPORT_ROWS, BATCH
    RAW_COUNT, SUB_COUNT, FINISHED_COUNT, BATCH = (
        max(1, round(count * factor)) for count in (RAW_COUNT, SUB_COUNT, FINISHED_COUNT, BATCH)
    )
    IMPORT_ROWS = IMPORT_DAYS * RAW_COUNT


def create_products(reg):
    """5,000 raw materials, 100 sub-assemblies, 500 finished products, BoMs."""
    from odoo import Command

    start = time.perf_counter()
    with superuser_env(reg, tracking_disable=True) as env:
        category = env["product.category"].create({"name": "Bench Raw Materials"})
        unit = env.ref("uom.product_uom_unit")
        kg = env.ref("uom.product_uom_kgm")
        raw = env["product.product"].create(
            [
                {
                    "name": f"Bench raw material {n:05d}",
                    "default_code": f"BR{n:05d}",
                    "is_storable": True,
                    "categ_id": category.id,
                    "uom_id": (kg if n % 4 == 0 else unit).id,
                    "standard_price": 1 + n % 100,
                }
                for n in range(RAW_COUNT)
            ]
        )
        subs = env["product.product"].create(
            [{"name": f"Bench sub-assembly {n:03d}", "is_storable": True} for n in range(SUB_COUNT)]
        )
        finished = env["product.product"].create(
            [
                {"name": f"Bench finished product {n:03d}", "is_storable": True, "standard_price": 500}
                for n in range(FINISHED_COUNT)
            ]
        )
        boms = []
        for n, sub in enumerate(subs):
            boms.append(
                {
                    "product_tmpl_id": sub.product_tmpl_id.id,
                    "product_qty": 2,
                    "bom_line_ids": [
                        Command.create({"product_id": raw[(n * 37 + k * 101) % RAW_COUNT].id, "product_qty": 1 + k})
                        for k in range(8)
                    ],
                }
            )
        for n, product in enumerate(finished):
            lines = [
                Command.create({"product_id": subs[(n + k) % SUB_COUNT].id, "product_qty": 1}) for k in range(2)
            ] + [
                Command.create({"product_id": raw[(n * 53 + k * 211) % RAW_COUNT].id, "product_qty": 0.5 + k})
                for k in range(6)
            ]
            boms.append({"product_tmpl_id": product.product_tmpl_id.id, "bom_line_ids": lines})
        env["mrp.bom"].create(boms)
        # Current costs = material cost at the raw materials' current costs
        # (rolled up by the engine on plain data): the cost impact then shows
        # what the observed prices alone change.
        made = subs | finished
        costs = load_engine("prices").rollup_bom_costs(
            {
                product.id: {
                    "qty": bom.get("product_qty", 1),
                    "lines": [(line[2]["product_id"], line[2]["product_qty"]) for line in bom["bom_line_ids"]],
                }
                for product, bom in zip(made, boms, strict=True)
            },
            {},
            {product.id: 1 + n % 100 for n, product in enumerate(raw)},
        )
        for product in made:
            product.standard_price = round(costs[product.id]["cost"], 2)
    elapsed = time.perf_counter() - start
    say(
        f"  {RAW_COUNT} raw materials, {SUB_COUNT} sub-assemblies, {FINISHED_COUNT} "
        f"finished products and their BoMs created in {elapsed:.0f} s"
    )


def bench_import(server):
    """Import the last IMPORT_DAYS of prices over XML-RPC, then a batch again."""
    import datetime

    today = datetime.date.today()
    rows = []
    for day in range(IMPORT_DAYS):
        date = str(today - datetime.timedelta(days=IMPORT_DAYS - 1 - day))
        for n in range(RAW_COUNT):
            base = 1 + n % 100
            rows.append(
                {
                    "product_code": f"BR{n:05d}",
                    "price": round(base * (1 + 0.01 * ((n + day) % 5)), 4),
                    "date": date,
                    "reference": "bench",
                }
            )
    batches = [rows[i : i + BATCH] for i in range(0, len(rows), BATCH)]
    server.login()
    created = 0
    start = time.perf_counter()
    for batch in batches:
        results = server.xmlrpc_execute(MODEL, "import_observations", batch)
        errors = [r for r in results if r["status"] == "error"]
        if errors:
            raise RuntimeError(f"import errors: {errors[:3]}")
        created += sum(r["status"] == "created" for r in results)
    elapsed = time.perf_counter() - start
    start = time.perf_counter()
    again = server.xmlrpc_execute(MODEL, "import_observations", batches[-1])
    update_elapsed = time.perf_counter() - start
    assert all(r["status"] == "updated" for r in again)
    return created, elapsed, len(batches[-1]) / update_elapsed


def generate_history(reg):
    """Older observations by SQL, up to 1,000,000 in total."""
    from odoo.tools import SQL

    start = time.perf_counter()
    with reg.cursor() as cr:
        cr.execute(
            SQL(
                """
            INSERT INTO prod_planning_price_observation
                (product_id, product_tmpl_id, categ_id, company_id, date, source,
                 reference, price, currency_id, uom_id, normalized_uom_id,
                 normalized_price, create_uid, create_date, write_uid, write_date)
            SELECT pp.id, pt.id, pt.categ_id, c.id, CURRENT_DATE - d, 'import',
                   'bench history', p.price, c.currency_id, pt.uom_id, pt.uom_id,
                   p.price, 1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
              FROM product_product pp
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN res_company c ON c.id = 1
             CROSS JOIN LATERAL (
                 SELECT substring(pt.default_code FROM 3)::int AS n) code
             CROSS JOIN generate_series(%(first)s, %(last)s) AS d
             CROSS JOIN LATERAL (
                 SELECT round(((1 + mod(code.n, 100))
                        * (1 + 0.02 * sin(code.n * 0.7 + d * 0.3))
                        * (1 - 0.0002 * d)
                        -- a spike of +15 percent, one day, for 1 product in 50
                        * (CASE WHEN mod(code.n, 50) = 0 AND d = 40 + mod(code.n, 100)
                                THEN 1.15 ELSE 1 END))::numeric, 4) AS price
             ) p
             WHERE pt.default_code LIKE %(pattern)s
            """,
                first=IMPORT_DAYS,
                last=TOTAL_DAYS - 1,
                pattern="BR%",
            )
        )
        inserted = cr.rowcount
        cr.execute(SQL("ANALYZE prod_planning_price_observation"))
        cr.execute(SQL("SELECT count(*) FROM prod_planning_price_observation"))
        total = cr.fetchone()[0]
    say(f"  {inserted:,} older observations generated by SQL in {time.perf_counter() - start:.1f} s: {total:,} stored")
    return total


def bench_evaluation(reg):
    with superuser_env(reg) as env:
        cr = env.cr
        category = env["product.category"].search([("name", "=", "Bench Raw Materials")])
        rules = env["prod.planning.price.alert.rule"].create(
            [
                {
                    "name": "Bench: +10 % vs previous price, whole history",
                    "categ_id": category.id,
                    "rule_type": "previous",
                    "threshold_percent": 10,
                    "direction": "up",
                    "lookback_days": 0,
                    "user_id": env.ref("base.user_admin").id,
                },
                {
                    "name": "Bench: +8 % vs 30-day average, last 60 days",
                    "categ_id": category.id,
                    "rule_type": "moving_average",
                    "window_days": 30,
                    "threshold_percent": 8,
                    "direction": "up",
                    "lookback_days": 60,
                    "user_id": env.ref("base.user_admin").id,
                },
                {
                    "name": "Bench: above 110, last 30 days",
                    "categ_id": category.id,
                    "rule_type": "threshold",
                    "max_price": 110,
                    "lookback_days": 30,
                    "user_id": env.ref("base.user_admin").id,
                },
                {
                    "name": "Bench: 5 % over the pricelist, last 7 days",
                    "categ_id": category.id,
                    "rule_type": "pricelist",
                    "threshold_percent": 5,
                    "lookback_days": 7,
                    "user_id": env.ref("base.user_admin").id,
                },
            ]
        )
        cr.commit()
        start = time.perf_counter()
        alerts = rules._evaluate()
        cr.commit()
        evaluation = time.perf_counter() - start
        start = time.perf_counter()
        again = rules._evaluate()
        cr.commit()
        reevaluation = time.perf_counter() - start
        start = time.perf_counter()
        env["prod.planning.price.cost.impact"]._refresh(env.company)
        cr.commit()
        rollup = time.perf_counter() - start
        impacts = env["prod.planning.price.cost.impact"].search_count([])
        lines = env["prod.planning.price.cost.impact.line"].search_count([])
        more_expensive = env["prod.planning.price.cost.impact"].search_count([("cost_difference", ">", 0)])
    return {
        "alerts": len(alerts),
        "again": len(again),
        "evaluation": evaluation,
        "reevaluation": reevaluation,
        "rollup": rollup,
        "impacts": impacts,
        "lines": lines,
        "more_expensive": more_expensive,
    }


def main():
    parser = argument_parser(__doc__, "prod_planning_bench_prices")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the counts (default 1)")
    args = parser.parse_args()
    scale(args.scale)
    with fresh_database(args.db, keep=args.keep) as (paths, _seconds):
        run(args.db, paths)


def run(db, paths):
    reg = open_registry(db, paths)
    create_products(reg)

    say("(a) XML-RPC import...")
    # The harness of the RPC tests, on this database itself (no copy).
    harness = tests_module("xmlrpc_harness")
    server = harness.OdooServer(db, copy=False, addons_path=paths).start()
    try:
        created, elapsed, update_rate = bench_import(server)
    finally:
        server.stop()
    import_rate = created / elapsed
    say(f"  {created:,} rows in {elapsed:.1f} s")

    say("(b) Alert evaluation and cost roll-up...")
    total = generate_history(reg)
    figures = bench_evaluation(reg)
    combined = figures["evaluation"] + figures["rollup"]

    print()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"Raw-material prices benchmark ({os.cpu_count()} CPUs, load average {load})")
    print(
        f"(a) XML-RPC import: {created:,} observations in {IMPORT_ROWS // BATCH} "
        f"batches of {BATCH:,}: {elapsed:.1f} s = {import_rate:,.0f} rows/s "
        f"(goal >= 2,000: {'OK' if import_rate >= 2000 else 'MISSED'}); "
        f"re-import of a batch (updates): {update_rate:,.0f} rows/s"
    )
    print(
        f"(b) over {total:,} observations of {RAW_COUNT:,} products: alert "
        f"evaluation (4 rules) {figures['evaluation']:.2f} s, {figures['alerts']} "
        f"alerts; re-evaluation {figures['reevaluation']:.2f} s, "
        f"{figures['again']} new alerts"
    )
    print(
        f"    cost roll-up of {figures['impacts']} BoMs ({figures['lines']:,} "
        f"component lines, {figures['more_expensive']} products more expensive): "
        f"{figures['rollup']:.2f} s"
    )
    print(f"    evaluation + roll-up: {combined:.2f} s (goal < 10 s: {'OK' if combined < 10 else 'MISSED'})")


if __name__ == "__main__":
    main()
