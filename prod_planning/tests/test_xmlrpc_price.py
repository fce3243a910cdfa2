"""Integrators import and read raw-material prices over XML-RPC and odoorpc.

Plain pytest functions on the foundation's harness: a real Odoo HTTP server
on a copy of the test database (fixtures odoo_server and odoo_rpc).
"""

import datetime
import xmlrpc.client

import pytest

from .common_rpc import PRICE_MODEL as MODEL
from .common_rpc import alert_rule, check_history_and_alert, check_price_import, price_rows, rising_prices


def _product(odoo_server, code):
    found = odoo_server.xmlrpc_execute("product.product", "search_read", [("default_code", "=", code)], ["id"])
    return found[0]["id"]


def test_batch_import_over_xmlrpc(odoo_server):
    rows = price_rows("2024-02-01")
    results = odoo_server.xmlrpc_execute(MODEL, "import_observations", rows)
    check_price_import(results)

    # The valid rows were committed: another connection reads them.
    stored = odoo_server.xmlrpc_execute(
        MODEL, "read", [results[1]["id"]], ["price", "normalized_price", "uom_id", "partner_id", "source"]
    )[0]
    assert stored["source"] == "import"
    assert stored["uom_id"][1] == "Dozens"
    assert stored["partner_id"][1] == "Fastline Hardware"
    assert stored["normalized_price"] == pytest.approx(0.07)

    # The same rows again update, never duplicate.
    again = odoo_server.xmlrpc_execute(MODEL, "import_observations", rows[:2])
    assert [r["status"] for r in again] == ["updated", "updated"]
    assert [r["id"] for r in again] == [r["id"] for r in results[:2]]

    # The steel sheet follows the steel index: the value gave it a price.
    steel = _product(odoo_server, "RAW-STEEL-SHEET")
    derived = odoo_server.xmlrpc_execute(
        MODEL,
        "search_read",
        [("product_id", "=", steel), ("source", "=", "index"), ("date", "=", "2024-02-01")],
        ["normalized_price"],
    )
    assert len(derived) == 1
    assert derived[0]["normalized_price"] == pytest.approx(810 / 1000 * 1.44, abs=1e-4)


def test_bad_call_is_a_clear_fault(odoo_server):
    with pytest.raises(xmlrpc.client.Fault) as fault:
        odoo_server.xmlrpc_execute(MODEL, "import_observations", "not a list")
    assert "the argument rows is" in fault.value.faultString


def test_odoorpc_reads_history_and_alerts(odoo_rpc):
    env = odoo_rpc.env
    today = datetime.date.today()
    days = [today - datetime.timedelta(days=n) for n in (6, 4, 2)]
    rows = rising_prices("RAW-LEATHER", days)
    leather = env["product.product"].search([("default_code", "=", "RAW-LEATHER")])[0]
    env["prod.planning.price.alert.rule"].create(alert_rule("RPC leather watch", leather, env.uid))
    results = env[MODEL].import_observations(rows, True)
    assert [r["status"] for r in results] == ["created"] * 3

    history = env[MODEL].get_price_history(["RAW-LEATHER"], str(days[0]))
    alerts = env["prod.planning.price.alert"].get_alerts(str(days[0]))
    imported = check_history_and_alert(history, alerts, "RPC leather watch", "RAW-LEATHER")
    assert imported[0]["normalized_uom"] == "m"

    # Evaluating again raises nothing new; the alert can be read like any record.
    env[MODEL].import_observations(rows, True)
    ids = env["prod.planning.price.alert"].search([("rule_id.name", "=", "RPC leather watch")])
    assert len(ids) == 1
    alert = env["prod.planning.price.alert"].browse(ids[0])
    assert alert.state == "new"
    assert alert.activity_ids
