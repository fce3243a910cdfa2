"""Benchmark of the pure-Python MRP engine (prod_planning/engine/mrp*.py).

A synthetic factory of N finished products (manufactured), N sub-assemblies
(manufactured) and 2N raw materials (bought): 3 BoM levels with shared
components, 4-8 customer demands per finished product over 12 weeks, forecasts,
open purchase orders, on hand, safety stocks and every lot policy, random lead
times. Prints items, demands, planned orders, exceptions, the seconds of
``plan()`` alone and of the weekly projection, and the process's peak RSS.

    python3 benchmarks/bench_engine_mrp.py            # N = 500 and N = 2500
    python3 benchmarks/bench_engine_mrp.py 1000 --seed 7

Runs without Odoo: the engine package is loaded from its files.
"""

import argparse
import gc
import random
import resource
import time
from datetime import date, timedelta

from benchdb import load_engine  # noqa: E402 (benchmarks/ is on sys.path)


def factory(mrp, n, seed, today):
    """(items, bom_lines, demands, forecasts, supplies) of a synthetic plant."""
    rng = random.Random(seed)
    finished = [("FG", i) for i in range(n)]
    subs = [("SA", i) for i in range(n)]
    raws = [("RM", i) for i in range(2 * n)]
    policies = ["lfl", "lfl", "fixed", "min_max_multiple", "poq"]
    items, bom_lines = [], []

    def item(key, supply_type, lead_time):
        policy = rng.choice(policies)
        return mrp.Item(
            key=key,
            supply_type=supply_type,
            lead_time=lead_time,
            lot_policy=policy,
            fixed_qty=rng.choice([10.0, 25.0, 50.0]),
            min_qty=rng.choice([0.0, 5.0, 20.0]),
            max_qty=rng.choice([0.0, 0.0, 200.0]),
            multiple=rng.choice([0.0, 1.0, 5.0]),
            poq_days=rng.choice([7, 14]),
            safety_stock=rng.choice([0.0, 0.0, 0.0, 10.0]),
            on_hand=float(rng.randrange(0, 60)),
            time_fence_days=rng.choice([0, 0, 0, 2]),
            source_ref=("source", key),
        )

    for key in finished:
        items.append(item(key, "manufacture", rng.randint(1, 5)))
        for sub in rng.sample(subs, rng.randint(1, 2)):
            bom_lines.append(mrp.BomLine(key, sub, float(rng.randint(1, 3))))
        for raw in rng.sample(raws, rng.randint(1, 3)):
            bom_lines.append(mrp.BomLine(key, raw, float(rng.randint(1, 4))))
    for key in subs:
        items.append(item(key, "manufacture", rng.randint(1, 5)))
        for raw in rng.sample(raws, rng.randint(2, 3)):
            bom_lines.append(mrp.BomLine(key, raw, float(rng.randint(1, 5))))
    for key in raws:
        items.append(item(key, "buy", rng.randint(2, 15)))

    demands, forecasts, supplies = [], [], []
    ref = 0
    for key in finished:
        for _ in range(rng.randint(4, 8)):
            ref += 1
            day = today + timedelta(days=rng.randint(-5, 84))
            qty = float(rng.randint(1, 40))
            demands.append(mrp.Demand(key, day, qty, ("sale", ref), "actual"))
        if rng.random() < 0.3:
            for week in range(12):
                start = today + timedelta(days=7 * week)
                forecasts.append(mrp.Forecast(key, start, start + timedelta(days=7), 20.0, key))
    for key in raws:
        for _ in range(rng.randint(0, 2)):
            ref += 1
            day = today + timedelta(days=rng.randint(-3, 90))
            qty = float(rng.randint(10, 300))
            firm = rng.random() < 0.2
            supplies.append(mrp.Supply(key, day, qty, ("po", ref), "receipt", firm))
    return items, bom_lines, demands, forecasts, supplies


def run(mrp, n, seed):
    today = date(2025, 3, 3)
    data = factory(mrp, n, seed, today)
    gc.collect()
    started = time.perf_counter()
    result = mrp.plan(*data, today, horizon_end=today + timedelta(days=91))
    planned = time.perf_counter() - started
    started = time.perf_counter()
    buckets = sum(len(b) for b in result.projection.values())
    projected = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"N={n:5d}  items={len(data[0]):6d}  demands={len(data[2]):6d}  "
        f"forecasts={len(data[3]):5d}  supplies={len(data[4]):5d}  "
        f"planned_orders={len(result.planned_orders):6d}  "
        f"exceptions={len(result.exceptions):5d}  plan()={planned:6.3f} s  "
        f"projection={projected:6.3f} s ({buckets} buckets)  "
        f"peak RSS={peak_mb:6.1f} MB"
    )
    return planned


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[500, 2500])
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    mrp = load_engine("mrp")
    for n in args.sizes:
        run(mrp, n, args.seed)


if __name__ == "__main__":
    main()
