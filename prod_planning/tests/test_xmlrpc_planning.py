"""Integrators plan over RPC: forecasts in, plan run, planned orders out."""

import datetime
import xmlrpc.client

import odoorpc
import pytest

from .common_rpc import check_plan
from .xmlrpc_harness import ref_id


def test_import_forecasts_and_refuse_bad_rows(odoo_rpc, odoo_server):
    forecasts = odoo_rpc.env["prod.planning.forecast"]
    month = (datetime.date.today().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    desk = ref_id(odoo_rpc, "product_office_desk_demo")
    chair = ref_id(odoo_rpc, "product_office_chair_demo")
    # create() with a list of dicts, through plain XML-RPC.
    ids = odoo_server.xmlrpc_execute(
        "prod.planning.forecast",
        "create",
        [
            {"product_id": desk, "date_start": str(month), "quantity": 30},
            {"product_id": chair, "date_start": str(month), "quantity": 40},
        ],
    )
    assert len(ids) == 2
    result = forecasts.import_forecasts([{"product": "FIN-DESK-01", "date": str(month), "quantity": 35}])
    assert result == {"created": 0, "updated": 1, "ids": [ids[0]]}
    bad_rows = [
        ([{"product": "NO-SUCH", "date": str(month), "quantity": 1}], "unknown product"),
        ([{"product": desk, "date": str(month), "quantity": -5}], "negative"),
        ([{"product": desk, "date": "2199-01-01", "quantity": 5}], "out of range"),
    ]
    for rows, message in bad_rows:
        with pytest.raises(odoorpc.error.RPCError, match=message):
            forecasts.import_forecasts(rows)
    with pytest.raises(xmlrpc.client.Fault, match="does not exist"):
        odoo_server.xmlrpc_execute(
            "prod.planning.forecast", "create", [{"product_id": 999999, "date_start": str(month), "quantity": 1}]
        )
    assert forecasts.search_count([("product_id", "=", desk), ("date_start", "=", str(month))]) == 1


def test_run_read_firm_and_release(odoo_rpc, odoo_server):
    summary = odoo_rpc.env["prod.planning.run"].run_planning({"horizon_days": 90})
    orders = odoo_rpc.env["prod.planning.order"].search_read(
        [("run_id", "=", summary["id"])],
        ["product_id", "quantity", "supply_type", "vendor_id", "state", "release_date", "due_date"],
    )
    exceptions = odoo_rpc.env["prod.planning.exception"].search_read(
        [("run_id", "=", summary["id"])], ["kind", "message", "origin_ref"]
    )
    buy, make = check_plan(summary, orders, exceptions)
    order_model = odoo_rpc.env["prod.planning.order"]
    assert order_model.browse([buy[0]["id"]]).action_firm() is True
    # Release over plain XML-RPC as integrators' scripts do.
    with pytest.raises(xmlrpc.client.Fault, match="Unknown release grouping 'day'"):
        odoo_server.xmlrpc_execute("prod.planning.order", "release_orders", [buy[0]["id"]], grouping="day")
    # The optional keyword: one RFQ per vendor and month.
    by_month = odoo_server.xmlrpc_execute(
        "prod.planning.order", "release_orders", [o["id"] for o in buy], grouping="month"
    )
    months = {(o["vendor_id"][0], o["due_date"][:7]) for o in buy}
    assert by_month["released"] == len(buy)
    assert len(by_month["purchase_order_ids"]) <= len(months)
    released = odoo_server.xmlrpc_execute("prod.planning.order", "release_orders", [o["id"] for o in make])
    assert released["released"] == len(make)
    assert len(released["production_ids"]) == 1
    states = order_model.read([o["id"] for o in buy + make], ["state"])
    assert {s["state"] for s in states} == {"released"}
    with pytest.raises(xmlrpc.client.Fault, match="already released"):
        odoo_server.xmlrpc_execute("prod.planning.order", "release_orders", [buy[0]["id"]])
    with pytest.raises(odoorpc.error.RPCError, match="unknown options"):
        odoo_rpc.env["prod.planning.run"].run_planning({"horizon": 3})
    with pytest.raises(odoorpc.error.RPCError, match="out of range"):
        odoo_rpc.env["prod.planning.run"].run_planning({"horizon_days": 0})
