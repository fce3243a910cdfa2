"""End-to-end benchmark of the scheduling wizard on a synthetic plant (Odoo).

Creates a fresh database with prod_planning installed without demo data, builds
a plant in it: 12 work centers on three working calendars (one shift Monday to
Friday, two shifts Monday to Friday, one shift Monday to Saturday; a public
holiday and a maintenance day), six of them alternatives of one another, with
setup and cleanup times and time efficiencies; 25 finished products whose BoMs
have 4 operations (spread evenly over the work centers) and 2 components (some
on hand, some on open purchase orders); 500 confirmed manufacturing orders
starting over 4 weeks, created in batches, with deadlines and some urgent. Then
times the wizard
(``prod.planning.schedule``) end to end, compute then apply, with CP-SAT at
its time limit and with the heuristic alone (the database is rolled back
between the two), prints the figures and drops the database.

    python3 benchmarks/bench_schedule_plant.py [--orders 500] [--time-limit 30]
        [--keep] [--db NAME]

Needs PostgreSQL and Odoo 19.0 importable by ``python3`` (see README).
"""

from __future__ import annotations

import logging
import os
import random
import sys
import time
from datetime import datetime, timedelta

from benchdb import argument_parser, fresh_database, open_registry, superuser_env, tests_module  # noqa: E402 (benchmarks/ is on sys.path)

BATCH = 100


def build_plant(env, n_orders, seed, monday):
    from odoo import Command

    calendar_vals = tests_module("factories").calendar_vals
    rng = random.Random(seed)
    calendars = env["resource.calendar"].create(
        [
            calendar_vals("Bench 1 shift", range(5), [(8, 12), (12.5, 16.5)]),
            calendar_vals("Bench 2 shifts", range(5), [(6, 14), (14, 22)]),
            calendar_vals("Bench Mon-Sat", range(6), [(7, 11), (11.5, 15.5)]),
        ]
    )
    holiday = monday + timedelta(days=10)  # Thursday of week 2
    env["resource.calendar.leaves"].create(
        {
            "name": "Bench public holiday",
            "date_from": holiday,
            "date_to": holiday + timedelta(hours=23, minutes=59),
            "time_type": "leave",
        }
    )
    workcenters = env["mrp.workcenter"].create(
        [
            {
                "name": f"WC{i + 1:02d}",
                "code": f"WC{i + 1:02d}",
                "resource_calendar_id": calendars[i % 3].id,
                "time_start": rng.choice([5, 10, 15]),
                "time_stop": rng.choice([0, 5, 10]),
                "time_efficiency": rng.choice([80, 90, 100, 110]),
            }
            for i in range(12)
        ]
    )
    for i in range(0, 6, 2):
        workcenters[i].alternative_workcenter_ids = workcenters[i + 1]
    maintenance = monday + timedelta(days=8, hours=6)
    env["resource.calendar.leaves"].create(
        {
            "name": "Bench maintenance",
            "calendar_id": workcenters[3].resource_calendar_id.id,
            "resource_id": workcenters[3].resource_id.id,
            "date_from": maintenance,
            "date_to": maintenance + timedelta(hours=16),
            "time_type": "leave",
        }
    )
    uom = env.ref("uom.product_uom_unit")
    manufacture = env.ref("mrp.route_warehouse0_manufacture")
    raws = env["product.product"].create(
        [{"name": f"Bench raw {i:02d}", "is_storable": True, "uom_id": uom.id} for i in range(20)]
    )
    finished = env["product.product"].create(
        [
            {
                "name": f"Bench product {i:02d}",
                "is_storable": True,
                "uom_id": uom.id,
                "route_ids": [Command.set(manufacture.ids)],
            }
            for i in range(25)
        ]
    )
    env["mrp.bom"].create(
        [
            {
                "product_tmpl_id": product.product_tmpl_id.id,
                "product_qty": 1,
                "bom_line_ids": [
                    Command.create({"product_id": raw.id, "product_qty": 1}) for raw in rng.sample(list(raws), 2)
                ],
                "operation_ids": [
                    Command.create(
                        {
                            "name": f"Op {k + 1}",
                            # spread evenly: each work center gets 1/12 of
                            # the operations (the 2-shift ones are less loaded)
                            "workcenter_id": workcenters[(4 * i + k) % 12].id,
                            "time_cycle_manual": rng.randint(5, 20),
                            "sequence": k,
                        }
                    )
                    for k in range(4)
                ],
            }
            for i, product in enumerate(finished)
        ]
    )
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    # Most raw materials on hand; the last five only on purchase orders.
    for raw in raws[:15]:
        env["stock.quant"]._update_available_quantity(raw, warehouse.lot_stock_id, 2000)
    vendor = env["res.partner"].create({"name": "Bench vendor"})
    purchases = env["purchase.order"].create(
        [
            {
                "partner_id": vendor.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": raw.id,
                            "product_qty": 2000,
                            "price_unit": 1.0,
                            "date_planned": monday + timedelta(days=2 + 3 * k),
                        }
                    )
                ],
            }
            for k, raw in enumerate(raws[15:])
        ]
    )
    purchases.button_confirm()

    productions = env["mrp.production"]
    for first in range(0, n_orders, BATCH):
        vals = []
        for _i in range(first, min(first + BATCH, n_orders)):
            product = rng.choice(finished)
            start = monday + timedelta(days=rng.randrange(0, 26), hours=rng.choice([6, 8, 10, 12]))
            vals.append(
                {
                    "product_id": product.id,
                    "product_qty": rng.randint(1, 3),
                    "product_uom_id": uom.id,
                    "date_start": start,
                    "date_deadline": start + timedelta(days=rng.randint(3, 7)),
                    "priority": "1" if rng.random() < 0.1 else "0",
                }
            )
        batch = env["mrp.production"].create(vals)
        batch.action_confirm()
        productions |= batch
        env.cr.commit()  # a benchmark script: keep each batch
    return workcenters, productions


def run_wizard(env, monday, use_cp_sat, time_limit):
    wizard = env["prod.planning.schedule"].create(
        {
            "scope": "window",
            "date_from": monday.date(),
            "date_to": (monday + timedelta(days=27)).date(),
            "date_start": monday,
            "use_cp_sat": use_cp_sat,
            "time_limit": time_limit,
            "horizon_days": 90,
        }
    )
    t0 = time.perf_counter()
    summary = wizard.compute()
    t1 = time.perf_counter()
    applied = wizard.apply()
    env.flush_all()
    t2 = time.perf_counter()
    return wizard, summary, applied, t1 - t0, t2 - t1


def main(argv=None):
    parser = argument_parser(__doc__, f"prod_planning_bench_schedule_{os.getpid()}")
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--time-limit", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    today = datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
    monday = today + timedelta(days=7 - today.weekday())
    with fresh_database(args.db, keep=args.keep) as (addons, _seconds):
        registry = open_registry(args.db, addons)
        # The wizard logs the time of each phase of compute, its writer of apply.
        for logger in ("wizards", "services"):
            logging.getLogger(f"odoo.addons.prod_planning.{logger}").setLevel(logging.INFO)
        with superuser_env(registry, tracking_disable=True) as env:
            t0 = time.perf_counter()
            workcenters, productions = build_plant(env, args.orders, args.seed, monday)
            env.cr.commit()
            n_wo = len(productions.workorder_ids)
            print(
                f"plant: {len(workcenters)} work centers, {len(productions)} "
                f"confirmed manufacturing orders, {n_wo} work orders "
                f"(built in {time.perf_counter() - t0:.1f} s)"
            )
            for label, use_cp_sat in ((f"cp-sat {args.time_limit} s", True), ("heuristic alone", False)):
                wizard, summary, applied, t_compute, t_apply = run_wizard(env, monday, use_cp_sat, args.time_limit)
                print(
                    f"{label:<16} compute {t_compute:6.2f} s (solver "
                    f"{wizard.solve_time:5.2f} s)  apply {t_apply:5.2f} s  "
                    f"total {t_compute + t_apply:6.2f} s | method "
                    f"{summary['method']!r}, "
                    + (f"gap {wizard.gap:.1f} %" if wizard.has_bound else "no bound")
                    + f", {summary['scheduled']} orders "
                    f"({applied['workorders']} work orders written), "
                    f"{summary['late']} late, weighted lateness "
                    f"{wizard.objective_value:.1f} h, last finish "
                    f"{wizard.date_last_finish}"
                )
                env.cr.rollback()
    return 0


if __name__ == "__main__":
    sys.exit(main())
