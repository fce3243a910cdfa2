"""Concurrent integrators over RPC, for the load benchmark and its small test.

Each client is an odoorpc session in a thread with a role (by its number):
price imports, forecast imports, vendor-contact logs, planned-order reads.
Every call's latency and outcome is recorded; the rows each client sent are
kept so that :func:`check_no_loss` can count them in the database, and the
importers replay their first batch (an idempotent replay creates nothing).
No Odoo import: it runs in the benchmark's and the test's processes alike.
"""

import datetime
import statistics
import threading
import time

ROLES = ("prices", "forecasts", "contacts", "reads")
PRODUCT_CODES = (
    "RAW-STEEL-TUBE",
    "RAW-STEEL-SHEET",
    "RAW-ALU-PROFILE",
    "RAW-OAK-PANEL",
    "RAW-MDF-BOARD",
    "RAW-SCREW-M6",
    "RAW-BOLT-M8",
    "RAW-CASTER",
    "RAW-FOAM",
    "RAW-FABRIC",
)
FINISHED_CODES = ("FIN-DESK-01", "FIN-SDESK-01", "FIN-CHAIR-01", "FIN-BOOKSHELF-01", "FIN-CABINET-01")
VENDOR = "Fastline Hardware"
# The demo factory's codes; the benchmark's factory gives its own.
DEMO_CATALOG = {"raw": PRODUCT_CODES, "finished": FINISHED_CODES, "vendor": VENDOR}
PRICE_EPOCH = datetime.date(1990, 1, 1)  # far from any other price of the factory
# Daily forecasts from two months ahead, apart from the factory's monthly ones.
FORECAST_START = datetime.date.today() + datetime.timedelta(days=60)
FORECAST_DAYS = 1_500


class Client(threading.Thread):
    def __init__(self, number, connect, tag, deadline=None, batches=None, batch_size=1000, catalog=None, **options):
        super().__init__(daemon=True)
        self.catalog = catalog or DEMO_CATALOG
        self.number = number
        self.role = options.get("role") or ROLES[number % len(ROLES)]
        # Keys offset per client, unless clients race on the same keys.
        self.key_offset = 0 if options.get("same_keys") else number
        self.connect = connect
        self.tag = tag
        self.deadline = deadline
        self.batches = batches
        self.batch_size = batch_size
        self.calls = []  # (method, seconds, error message or None)
        self.sent = 0  # rows of successful calls
        self.replay_created = None
        self.keys = set()

    def _call(self, method, function, *args):
        started = time.perf_counter()
        try:
            result = function(*args)
        except Exception as error:  # noqa: BLE001 - recorded, the client goes on
            self.calls.append((method, time.perf_counter() - started, f"{type(error).__name__}: {error}"[:300]))
            return None
        self.calls.append((method, time.perf_counter() - started, None))
        return result

    def _more(self, done):
        if self.batches is not None:
            return done < self.batches
        return time.monotonic() < self.deadline

    def run(self):
        client = self.connect()
        env = client.env
        done = 0
        first = None
        while self._more(done):
            rows = getattr(self, f"_{self.role}_rows")(done)
            if self.role == "prices":
                result = self._call(
                    "import_observations", env["prod.planning.price.observation"].import_observations, rows
                )
                ok = result is not None and all(r["status"] != "error" for r in result)
            elif self.role == "forecasts":
                result = self._call("import_forecasts", env["prod.planning.forecast"].import_forecasts, rows)
                ok = result is not None
            elif self.role == "contacts":
                result = self._call("log_contacts", env["prod.planning.vendor.contact"].log_contacts, rows)
                ok = result is not None
            else:
                result = self._call(
                    "search_read planned orders",
                    env["prod.planning.order"].search_read,
                    [("state", "in", ("draft", "firm"))],
                    ["product_id", "quantity", "due_date", "state"],
                    0,
                    500,
                )
                ok, rows = result is not None, []
            if ok and self.role != "reads":
                self.sent += len(rows)
                first = first or rows
            done += 1
        if first and self.role in ("prices", "forecasts"):
            model, method = (
                ("prod.planning.price.observation", "import_observations")
                if self.role == "prices"
                else ("prod.planning.forecast", "import_forecasts")
            )
            result = self._call(f"{method} (replay)", getattr(env[model], method), first)
            if result is not None:
                created = (
                    result["created"] if isinstance(result, dict) else sum(r["status"] == "created" for r in result)
                )
                self.replay_created = created

    # Rows with keys of their own: client number and batch number in the date.
    def _prices_rows(self, batch):
        rows = []
        start = PRICE_EPOCH + datetime.timedelta(days=(self.key_offset * 10_000 + batch * 100) % 60_000)
        codes = self.catalog["raw"]
        for i in range(self.batch_size):
            day = start + datetime.timedelta(days=i // len(codes))
            code = codes[i % len(codes)]
            self.keys.add((code, day))
            rows.append({"product_code": code, "price": 1.0 + i % 7, "date": str(day), "reference": self.tag})
        return rows

    def _forecasts_rows(self, batch):
        # Daily forecasts (refused beyond five years): keys wrap after 1,500 days.
        rows = []
        finished = self.catalog["finished"]
        days = max(self.batch_size // len(finished), 1)
        for i in range(days):
            index = (self.key_offset * 700 + batch * days + i) % FORECAST_DAYS
            day = FORECAST_START + datetime.timedelta(days=index)
            for code in finished:
                self.keys.add((code, day))
                rows.append({"product": code, "date": str(day), "quantity": 1 + i % 9, "period": "day"})
        return rows

    def _contacts_rows(self, batch):
        size = max(self.batch_size // 20, 1)
        row = {"vendor": self.catalog["vendor"], "outcome": "no_answer", "summary": f"{self.tag} {batch}"}
        return [dict(row) for _ in range(size)]

    def _reads_rows(self, batch):
        return []


def drive(
    connect,
    clients,
    tag,
    duration=None,
    batches=None,
    batch_size=1000,
    extra_threads=(),
    catalog=None,
    roles=None,
    same_keys=False,
):
    """Run ``clients`` clients (for ``duration`` seconds or ``batches`` calls
    each) with ``extra_threads`` (started at the same time); the clients.
    ``roles`` (one per client) replaces the roles by number; ``same_keys``
    makes the clients send the same rows (a race on the same records)."""
    deadline = time.monotonic() + duration if duration else None
    workers = [
        Client(i, connect, tag, deadline, batches, batch_size, catalog, role=roles and roles[i], same_keys=same_keys)
        for i in range(clients)
    ]
    for thread in (*workers, *extra_threads):
        thread.start()
    for thread in (*workers, *extra_threads):
        thread.join()
    return workers


def summary(workers, seconds):
    """{method: {calls, errors, per_second, p50, p95, error_samples}}."""
    by_method = {}
    for worker in workers:
        for method, latency, error in worker.calls:
            by_method.setdefault(method, []).append((latency, error))
    result = {}
    for method, calls in sorted(by_method.items()):
        latencies = sorted(latency for latency, _error in calls)
        errors = [error for _latency, error in calls if error]
        result[method] = {
            "calls": len(calls),
            "errors": len(errors),
            "per_second": len(calls) / seconds if seconds else 0.0,
            "p50": statistics.median(latencies),
            "p95": latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))],
            "error_samples": sorted(set(errors))[:3],
        }
    return result


def check_no_loss(env_client, workers, tag, catalog=None):
    """Rows sent against rows in the database, per kind; replays that created rows.

    ``env_client`` is an odoorpc client. Returns ``{kind: (sent, found)}`` and
    ``{"replay_created": n}``.
    """
    env = env_client.env
    price_keys = set().union(*(w.keys for w in workers if w.role == "prices"))
    forecast_keys = set().union(*(w.keys for w in workers if w.role == "forecasts"))
    prices_found = env["prod.planning.price.observation"].search_count(
        [("reference", "=", tag), ("source", "=", "import")]
    )
    forecasts_found = env["prod.planning.forecast"].search_count(
        [
            ("date_start", ">=", str(FORECAST_START)),
            ("period", "=", "day"),
            ("product_id.default_code", "in", list((catalog or DEMO_CATALOG)["finished"])),
        ]
    )
    contacts_found = env["prod.planning.vendor.contact"].search_count([("summary", "=like", f"{tag} %")])
    return {
        "prices": (len(price_keys), prices_found),
        "forecasts": (len(forecast_keys), forecasts_found),
        "contacts": (sum(w.sent for w in workers if w.role == "contacts"), contacts_found),
        "replay_created": sum(w.replay_created or 0 for w in workers),
    }
