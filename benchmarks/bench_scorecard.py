"""Benchmark of the vendor scorecard refresh on a fresh database.

    python3 benchmarks/bench_scorecard.py [--db NAME] [--keep] [--lines N]

1. Creates the database: prod_planning installed without demo data.
2. Through the ORM: 200 vendors, 1,000 purchased products, a pricelist entry
   (price, delay) for each of the 5 products every vendor sells.
3. With INSERT ... SELECT generate_series (seeded random): over the last 24
   months, 20,000 confirmed purchase orders (100 per vendor) of 5 lines each,
   100,000 lines, all received: one done receipt (picking and move, supplier
   -> stock) per line, a second one for the 10 % received in two parts, with
   receipt dates around the promised date, quantities and prices around the
   ordered ones; 15,000 promised-date revisions and 10,000 vendor contacts.
4. Times the refresh of the scorecards of the 24 months (goal: under 20 s),
   twice, and prints the figures.
5. Drops the database (unless --keep).

Connection parameters come from the usual PG* variables.
"""

import sys
import time
from datetime import date, timedelta

from benchdb import argument_parser, fresh_database, open_registry, say, superuser_env  # noqa: E402 (benchmarks/ is on sys.path)
from dateutil.relativedelta import relativedelta

VENDORS = 200
PRODUCTS_PER_VENDOR = 5
MONTHS = 24
LINES_PER_ORDER = 5
GOAL_SECONDS = 20.0


def create_master_data(env):
    """Vendors, products and vendor pricelists, through the ORM in batches."""
    from odoo import Command

    vendors = env["res.partner"].create(
        [{"name": f"Bench Vendor {index:03d}", "is_company": True, "supplier_rank": 1} for index in range(VENDORS)]
    )
    route_buy = env.ref("purchase_stock.route_warehouse0_buy")
    products = env["product.product"].create(
        [
            {
                "name": f"Bench Material {index:04d}",
                "default_code": f"BENCH-{index:04d}",
                "is_storable": True,
                "purchase_ok": True,
                "route_ids": [Command.set(route_buy.ids)],
            }
            for index in range(VENDORS * PRODUCTS_PER_VENDOR)
        ]
    )
    env["product.supplierinfo"].create(
        [
            {
                "partner_id": vendor.id,
                "product_tmpl_id": products[v_index * PRODUCTS_PER_VENDOR + p_index].product_tmpl_id.id,
                "price": 5.0 + (v_index * 7 + p_index * 3) % 50,
                "delay": 3 + (v_index + p_index) % 20,
                "min_qty": 0,
            }
            for v_index, vendor in enumerate(vendors)
            for p_index in range(PRODUCTS_PER_VENDOR)
        ]
    )
    env.flush_all()
    return vendors, products


def generate_transactions(env, orders_per_vendor):
    """Orders, lines, receipts, revisions and contacts with set-based SQL."""
    cr = env.cr
    company = env.company
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)])[:1]
    picking_type = warehouse.in_type_id
    supplier = env.ref("stock.stock_location_suppliers")
    stock = warehouse.lot_stock_id
    unit = env.ref("uom.product_uom_unit")
    today = date.today()
    start = (today.replace(day=1) - relativedelta(months=MONTHS - 1)) - timedelta(days=3)
    params = {
        "start": start,
        "span": (today - timedelta(days=10) - start).days,
        "company": company.id,
        "currency": company.currency_id.id,
        "picking_type": picking_type.id,
        "supplier": supplier.id,
        "stock": stock.id,
        "uom": unit.id,
        "orders_per_vendor": orders_per_vendor,
        "per_vendor": PRODUCTS_PER_VENDOR,
        "lines_per_order": LINES_PER_ORDER,
        "uid": env.uid,
    }
    cr.execute("SELECT setseed(0.42)")
    # Orders confirmed from a few days before the first of the 24 months to
    # 10 days ago, promised their pricelist delay (3 to 22 days) later.
    cr.execute(
        """
        CREATE TEMP TABLE bench_vendor AS
        SELECT row_number() OVER (ORDER BY id) - 1 AS v_index, id AS partner_id
          FROM res_partner WHERE name LIKE 'Bench Vendor %%';
        CREATE TEMP TABLE bench_product AS
        SELECT row_number() OVER (ORDER BY pp.id) - 1 AS p_index,
               pp.id AS product_id, pt.name->>'en_US' AS name
          FROM product_product pp
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
         WHERE pt.default_code LIKE 'BENCH-%%';
        CREATE TEMP TABLE bench_order AS
        SELECT v.v_index, v.partner_id, n AS o_index,
               %(start)s::timestamp
                 + make_interval(days => floor(random() * %(span)s)::int)
                 + interval '9 hours' AS date_approve
          FROM bench_vendor v, generate_series(1, %(orders_per_vendor)s) n;
        """,
        params,
    )
    cr.execute(
        """
        INSERT INTO purchase_order (name, partner_id, currency_id, company_id,
               date_order, date_approve, date_planned, picking_type_id, state,
               invoice_status, receipt_status, create_uid, write_uid,
               create_date, write_date)
        SELECT 'BENCH/' || lpad(v_index::text, 3, '0')
                   || '/' || lpad(o_index::text, 4, '0'),
               partner_id, %(currency)s, %(company)s,
               date_approve - interval '1 hour', date_approve,
               date_approve + interval '10 days', %(picking_type)s, 'purchase',
               'no', 'full', %(uid)s, %(uid)s, now(), now()
          FROM bench_order
        RETURNING id
        """,
        params,
    )
    order_count = cr.rowcount
    cr.execute(
        """
        CREATE TEMP TABLE bench_line AS
        SELECT po.id AS order_id, po.partner_id, po.date_approve,
               v.v_index, l AS l_index,
               p.product_id, p.name AS product_name,
               si.price AS list_price, si.delay,
               (5 + floor(random() * 95))::numeric AS qty,
               si.price * (0.95 + random() * 0.1) AS price_unit,
               (po.date_approve::date + si.delay + floor(random() * 4)::int)
                   AS requested,
               random() AS r_slip, random() AS r_late, random() AS r_qty,
               random() AS r_split
          FROM purchase_order po
          JOIN bench_vendor v ON v.partner_id = po.partner_id
          CROSS JOIN generate_series(0, %(lines_per_order)s - 1) l
          JOIN bench_product p
            ON p.p_index = v.v_index * %(per_vendor)s + (l %% %(per_vendor)s)
          JOIN product_supplierinfo si
            ON si.partner_id = po.partner_id
           AND si.product_tmpl_id = (SELECT product_tmpl_id FROM product_product
                                      WHERE id = p.product_id)
         WHERE po.name LIKE 'BENCH/%%';
        ALTER TABLE bench_line ADD COLUMN promised date;
        ALTER TABLE bench_line ADD COLUMN received numeric;
        ALTER TABLE bench_line ADD COLUMN receipt_day date;
        -- 15 %% of the lines slipped (1 to 10 days); 70 %% of the receipts on
        -- or up to 2 days before the promised date, the others 1 to 9 days
        -- late; 92 %% receive the ordered quantity, 3 %% more, 5 %% less.
        UPDATE bench_line SET
            promised = requested
                + CASE WHEN r_slip < 0.15 THEN 1 + floor(r_slip * 60)::int ELSE 0 END,
            received = CASE
                WHEN r_qty < 0.05 THEN round(qty * 0.8)
                WHEN r_qty > 0.97 THEN qty + 2
                ELSE qty END;
        UPDATE bench_line SET
            receipt_day = promised + CASE
                WHEN r_late < 0.7 THEN -floor(r_late * 4)::int
                ELSE 1 + floor((r_late - 0.7) * 30)::int END;
        """,
        params,
    )
    cr.execute(
        """
        CREATE TEMP TABLE bench_line_ids AS
        WITH inserted AS (
            INSERT INTO purchase_order_line (order_id, name, sequence, product_id,
                   product_qty, product_uom_qty, product_uom_id, price_unit,
                   price_subtotal, price_total, price_tax, discount, date_planned,
                   date_promised, date_requested_original, qty_received,
                   qty_received_method, qty_invoiced, qty_to_invoice, company_id,
                   partner_id, create_uid, write_uid, create_date, write_date)
            SELECT order_id, product_name, 10 + l_index, product_id, qty, qty,
                   %(uom)s, round(price_unit::numeric, 2),
                   round((price_unit * qty)::numeric, 2),
                   round((price_unit * qty)::numeric, 2), 0, 0,
                   promised + interval '12 hours', promised, requested, received,
                   'stock_moves', 0, received, %(company)s, partner_id,
                   %(uid)s, %(uid)s, now(), now()
              FROM bench_line
             ORDER BY order_id, l_index
            RETURNING id, order_id, sequence
        )
        SELECT * FROM inserted;
        ALTER TABLE bench_line ADD COLUMN line_id int;
        UPDATE bench_line b SET line_id = i.id
          FROM bench_line_ids i
         WHERE i.order_id = b.order_id AND i.sequence = 10 + b.l_index;
        """,
        params,
    )
    cr.execute("SELECT count(*) FROM bench_line WHERE line_id IS NOT NULL")
    line_count = cr.fetchone()[0]
    # One done receipt per order (picking), one move per line, and a second,
    # earlier move for the 10 %% of the lines received in two parts.
    cr.execute(
        """
        CREATE TEMP TABLE bench_picking AS
        WITH inserted AS (
            INSERT INTO stock_picking (name, origin, partner_id, company_id,
                   picking_type_id, location_id, location_dest_id, move_type,
                   state, scheduled_date, date_done, create_uid, write_uid,
                   create_date, write_date)
            SELECT 'BENCH/IN/' || po.id, po.name, po.partner_id, %(company)s,
                   %(picking_type)s, %(supplier)s, %(stock)s, 'direct', 'done',
                   po.date_planned, po.date_planned, %(uid)s, %(uid)s, now(), now()
              FROM purchase_order po WHERE po.name LIKE 'BENCH/%%'
            RETURNING id, origin
        )
        SELECT inserted.id AS picking_id, po.id AS order_id
          FROM inserted JOIN purchase_order po ON po.name = inserted.origin;

        INSERT INTO stock_move (company_id, product_id, product_uom,
               product_uom_qty, product_qty, quantity, location_id,
               location_dest_id, location_final_id, picking_id, picking_type_id,
               purchase_line_id, partner_id, state, procure_method, date,
               date_deadline, picked, price_unit, create_uid, write_uid,
               create_date, write_date)
        SELECT %(company)s, b.product_id, %(uom)s,
               CASE WHEN b.r_split >= 0.1 THEN b.received
                    WHEN s.part = 1 THEN b.received - floor(b.received / 2)
                    ELSE floor(b.received / 2) END,
               CASE WHEN b.r_split >= 0.1 THEN b.received
                    WHEN s.part = 1 THEN b.received - floor(b.received / 2)
                    ELSE floor(b.received / 2) END,
               CASE WHEN b.r_split >= 0.1 THEN b.received
                    WHEN s.part = 1 THEN b.received - floor(b.received / 2)
                    ELSE floor(b.received / 2) END,
               %(supplier)s, %(stock)s, %(stock)s, p.picking_id, %(picking_type)s,
               b.line_id, b.partner_id, 'done', 'make_to_stock',
               (b.receipt_day - CASE WHEN s.part = 2 THEN 4 ELSE 0 END)
                   + interval '10 hours',
               b.promised + interval '12 hours', TRUE, b.price_unit,
               %(uid)s, %(uid)s, now(), now()
          FROM bench_line b
          JOIN bench_picking p ON p.order_id = b.order_id
          JOIN LATERAL (
                SELECT 1 AS part
                UNION ALL
                SELECT 2 WHERE b.r_split < 0.1
          ) s ON TRUE
        """,
        params,
    )
    cr.execute("SELECT count(*) FROM stock_move WHERE picking_id IN (SELECT picking_id FROM bench_picking)")
    move_count = cr.fetchone()[0]
    # Promised-date revisions of the slipped lines (up to 3 each), and contacts.
    cr.execute(
        """
        INSERT INTO prod_planning_promised_date_revision (purchase_line_id,
               order_id, partner_id, product_id, company_id, date, old_date,
               new_date, delta_days, is_slip, source, create_uid, write_uid,
               create_date, write_date)
        SELECT b.line_id, b.order_id, b.partner_id, b.product_id, %(company)s,
               b.date_approve + make_interval(days => n + 1),
               b.requested + (n - 1), b.requested + n, 1, TRUE, 'contact',
               %(uid)s, %(uid)s, now(), now()
          FROM bench_line b
          CROSS JOIN generate_series(1, 3) n
         WHERE b.r_slip < 0.15 AND n <= 1 + floor(b.r_slip * 20)::int
         LIMIT 15000;

        INSERT INTO prod_planning_vendor_contact (company_id, partner_id,
               purchase_order_id, channel, direction, outcome, date,
               response_date, response_hours, summary, user_id, create_uid,
               write_uid, create_date, write_date)
        SELECT %(company)s, o.partner_id, o.order_id, 'phone',
               CASE WHEN random() < 0.7 THEN 'out' ELSE 'in' END,
               (ARRAY['confirmed', 'new_date', 'no_answer', 'partial', 'issue'])
                   [1 + floor(random() * 5)::int],
               o.date_approve + interval '2 days', NULL, 0,
               'Benchmark contact', %(uid)s, %(uid)s, %(uid)s, now(), now()
          FROM (SELECT DISTINCT order_id, partner_id, date_approve
                  FROM bench_line) o
         ORDER BY random()
         LIMIT 10000;
        UPDATE prod_planning_vendor_contact
           SET response_date = date
                   + make_interval(hours => 1 + floor(random() * 72)::int)
         WHERE direction = 'out' AND outcome != 'no_answer';
        UPDATE prod_planning_vendor_contact
           SET response_hours = EXTRACT(EPOCH FROM response_date - date) / 3600.0
         WHERE response_date IS NOT NULL;
        """,
        params,
    )
    cr.execute("SELECT count(*) FROM prod_planning_promised_date_revision")
    revision_count = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM prod_planning_vendor_contact")
    contact_count = cr.fetchone()[0]
    cr.execute(
        "ANALYZE purchase_order; ANALYZE purchase_order_line; ANALYZE stock_move;"
        "ANALYZE stock_picking; ANALYZE product_supplierinfo;"
        "ANALYZE prod_planning_promised_date_revision;"
        "ANALYZE prod_planning_vendor_contact; ANALYZE product_product;"
        "ANALYZE product_template; ANALYZE res_partner;"
    )
    env.invalidate_all()
    return {
        "orders": order_count,
        "lines": line_count,
        "moves": move_count,
        "revisions": revision_count,
        "contacts": contact_count,
    }


def main():
    parser = argument_parser(__doc__, "prod_planning_bench_vendors")
    parser.add_argument(
        "--lines", type=int, default=100_000, help="received purchase lines to generate (default 100,000)"
    )
    args = parser.parse_args()
    orders_per_vendor = max(1, args.lines // (VENDORS * LINES_PER_ORDER))

    with fresh_database(args.db, keep=args.keep) as (addons, _seconds):
        registry = open_registry(args.db, addons)
        with superuser_env(registry) as env:
            started = time.perf_counter()
            create_master_data(env)
            say(
                f"Master data (ORM): {VENDORS} vendors, "
                f"{VENDORS * PRODUCTS_PER_VENDOR} products and pricelist entries "
                f"in {time.perf_counter() - started:.1f} s"
            )
            started = time.perf_counter()
            counts = generate_transactions(env, orders_per_vendor)
            say(
                "Transactions (SQL): {orders:,} orders, {lines:,} received lines, "
                "{moves:,} done receipt moves, {revisions:,} revisions, "
                "{contacts:,} contacts".format(**counts)
                + f" in {time.perf_counter() - started:.1f} s"
            )
            env.cr.commit()  # the data is the benchmark's input: keep it
        timings = []
        for attempt in (1, 2):
            with superuser_env(registry) as env:
                cr = env.cr
                cards = env["prod.planning.vendor.scorecard"]
                started = time.perf_counter()
                result = cards._refresh(companies=env.company, months=MONTHS)
                elapsed = time.perf_counter() - started
                timings.append(elapsed)
                cr.execute(
                    "SELECT count(*), count(DISTINCT partner_id), "
                    "count(DISTINCT date_month), count(*) FILTER "
                    "(WHERE data_status = 'no_data'), max(on_time_rate), "
                    "avg(on_time_rate), avg(fill_rate), avg(lead_time_avg), "
                    "avg(price_variance), sum(slip_count), avg(response_time_avg) "
                    "FROM prod_planning_vendor_scorecard"
                )
                (rows, vendors, months, no_data, best, on_time, fill, lead, variance, slips, response) = cr.fetchone()
                cr.commit()
                say(
                    f"Scorecard refresh #{attempt}: {result['rows']:,} scorecards "
                    f"({vendors} vendors x {months} months, {no_data} without "
                    f"deliveries) in {elapsed:.2f} s"
                )
        say(
            f"  averages: on time {on_time:.1f} % (max {best:.1f} %), fill rate "
            f"{fill:.1f} %, lead time {lead:.1f} days, price variance "
            f"{variance:+.2f} %, {slips:,} slips, response {response:.1f} h"
        )
        worst = max(timings)
        verdict = "OK" if worst < GOAL_SECONDS else "TOO SLOW"
        say(
            f"Result: refresh of {counts['lines']:,} received lines over {MONTHS} "
            f"months in {min(timings):.2f}-{worst:.2f} s (goal < {GOAL_SECONDS:.0f} "
            f"s): {verdict}"
        )
        if rows != result["rows"]:
            raise SystemExit(f"expected {result['rows']} scorecards, found {rows}")
        return 0 if worst < GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
