"""Two integrators import at the same time: nothing lost, nothing twice.

Plain pytest tests on the foundation harness: a real Odoo HTTP server (threaded,
one transaction per request) on a copy of the demo test database and two
odoorpc clients in two threads sending overlapping batches of prices,
forecasts and vendor contacts, each batch twice. Afterwards every key is stored
exactly once, the rows created add up to the keys sent, and the replays
created nothing. ``benchmarks/bench_load.py`` does the same with 8 clients
against ``--workers=4`` for minutes.
"""

import datetime
import threading

from .xmlrpc_harness import ref_id

PRODUCT_CODES = ["RAW-STEEL-TUBE", "RAW-STEEL-SHEET", "RAW-ALU-PROFILE", "RAW-OAK-PANEL", "RAW-MDF-BOARD"]
FINISHED_CODES = ["FIN-DESK-01", "FIN-SDESK-01", "SUB-FRAME-01", "SUB-TOP-01"]
ROUNDS = 4


def _price_batch(start, round_no):
    """Price rows of one round: five products on three days, the same keys
    for both clients (they race on every row)."""
    return [
        {
            "product_code": code,
            "price": round(2.0 + i + round_no / 100, 2),
            "date": str(start + datetime.timedelta(days=day)),
            "reference": f"load-{round_no}",
        }
        for i, code in enumerate(PRODUCT_CODES)
        for day in range(3)
    ]


def _forecast_batch(start, round_no):
    return [
        {
            "product": code,
            "date": str(start + datetime.timedelta(days=7 * round_no)),
            "quantity": 10 + i,
            "period": "week",
        }
        for i, code in enumerate(FINISHED_CODES)
    ]


def _contact_batch(vendor_id, round_no):
    return [
        {"vendor": vendor_id, "outcome": "no_answer", "channel": "email", "reference": f"load-{round_no}-{n}"}
        for n in range(3)
    ]


def _client_work(server, results, errors, name, start, vendor_id):
    try:
        client = server.odoorpc()
        env = client.env
        for round_no in range(ROUNDS):
            for _again in range(2):  # every batch is sent twice
                prices = env["prod.planning.price.observation"].import_observations(_price_batch(start, round_no))
                results.append((name, "prices", round_no, [r["status"] for r in prices]))
                forecasts = env["prod.planning.forecast"].import_forecasts(_forecast_batch(start, round_no))
                results.append((name, "forecasts", round_no, forecasts))
                contacts = env["prod.planning.vendor.contact"].log_contacts(_contact_batch(vendor_id, round_no))
                results.append((name, "contacts", round_no, contacts))
        client.logout()
    except Exception as error:  # noqa: BLE001 - reported by the test
        errors.append(f"{name}: {error!r}")


def test_two_clients_import_the_same_keys_once(odoo_server, odoo_rpc):
    start = datetime.date.today() + datetime.timedelta(days=400)
    start -= datetime.timedelta(days=start.weekday())  # a Monday: forecast weeks
    vendor_id = ref_id(odoo_rpc, "res_partner_vendor_fastline_demo")
    results, errors = [], []
    threads = [
        threading.Thread(target=_client_work, args=(odoo_server, results, errors, name, start, vendor_id))
        for name in ("A", "B")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not errors, errors
    assert len(results) == 2 * ROUNDS * 2 * 3

    env = odoo_rpc.env
    # Prices: one observation per product and day; no row refused.
    statuses = [status for _name, kind, _r, batch in results if kind == "prices" for status in batch]
    assert "error" not in statuses
    assert statuses.count("created") == len(PRODUCT_CODES) * 3  # later rounds update the same days
    observations = env["prod.planning.price.observation"].search_read(
        [("date", ">=", str(start)), ("product_id.default_code", "in", PRODUCT_CODES)], ["product_id", "date", "price"]
    )
    keys = {(o["product_id"][0], o["date"]) for o in observations}
    assert len(observations) == len(keys) == len(PRODUCT_CODES) * 3
    last_round = {round(2.0 + i + (ROUNDS - 1) / 100, 2) for i in range(len(PRODUCT_CODES))}
    assert {o["price"] for o in observations} == last_round

    # Forecasts: one per product and week; created once, then updated.
    forecast_results = [batch for _name, kind, _r, batch in results if kind == "forecasts"]
    assert sum(batch["created"] for batch in forecast_results) == len(FINISHED_CODES) * ROUNDS
    forecasts = env["prod.planning.forecast"].search_read(
        [("date_start", ">=", str(start)), ("period", "=", "week")], ["product_id", "date_start"]
    )
    assert len(forecasts) == len({(f["product_id"][0], f["date_start"]) for f in forecasts})
    assert len(forecasts) == len(FINISHED_CODES) * ROUNDS

    # Vendor contacts: one per reference; the replays and the other client's
    # copies are reported as existing.
    contact_results = [batch for _name, kind, _r, batch in results if kind == "contacts"]
    assert sum(batch["created"] for batch in contact_results) == 3 * ROUNDS
    assert sum(batch["existing"] for batch in contact_results) == 3 * ROUNDS * 3
    contacts = env["prod.planning.vendor.contact"].search_read([("reference", "like", "load-")], ["reference"])
    assert sorted(c["reference"] for c in contacts) == sorted(f"load-{r}-{n}" for r in range(ROUNDS) for n in range(3))


def test_log_contacts_reference_sent_twice_in_one_batch_is_refused(odoo_rpc):
    vendor_id = ref_id(odoo_rpc, "res_partner_vendor_fastline_demo")
    contacts = odoo_rpc.env["prod.planning.vendor.contact"]
    before = contacts.search_count([])
    rows = [{"vendor": vendor_id, "outcome": "confirmed", "reference": "twice-1"}] * 2
    try:
        contacts.log_contacts(rows)
    except Exception as error:  # noqa: BLE001 - odoorpc's RPCError
        assert "Row 2: reference twice-1 is also row 1" in str(error)
    else:
        raise AssertionError("a reference given twice in one batch was accepted")
    assert contacts.search_count([]) == before
