"""Web shops and EDI ask for delivery promises over RPC: prod.planning.promise.promise.

Plain pytest tests on the harness (fixtures ``odoo_server`` and ``odoo_rpc``):
a real Odoo HTTP server on a copy of the demo test database, odoorpc (JSON-RPC)
and ``xmlrpc.client``.
"""

import datetime
import xmlrpc.client

import odoorpc
import pytest

from .xmlrpc_harness import Json2Error

KEYS = {"date", "available_now", "split", "constrained_by", "explanation"}


def test_promise_demo_products_by_reference_and_id(odoo_rpc, odoo_server):
    desk_id = odoo_rpc.env["product.product"].search([("default_code", "=", "FIN-DESK-01")])[0]
    orders_before = odoo_rpc.env["prod.planning.order"].search_count([])
    answers = odoo_server.xmlrpc_execute(
        "prod.planning.promise",
        "promise",
        [
            {"product": "FIN-DESK-01", "quantity": 2},
            {"product": desk_id, "quantity": 5000, "requested_date": str(datetime.date.today())},
            {"product": "RAW-SCREW-M6", "quantity": 10},
        ],
    )
    assert len(answers) == 3
    for answer in answers:
        assert set(answer) == KEYS
        assert answer["constrained_by"] and answer["explanation"]
        assert answer["available_now"] >= 0
        assert sum(step["quantity"] for step in answer["split"]) <= 5000 + 1e-6
    small, large = answers[0], answers[1]
    assert small["date"] >= str(datetime.date.today())
    # 5000 desks: more than the plant has, later than 2 (or never).
    assert large["date"] is False or large["date"] >= small["date"]
    # Read-only: nothing was planned or written.
    assert odoo_rpc.env["prod.planning.order"].search_count([]) == orders_before


def test_bad_line_is_named(odoo_rpc, odoo_server):
    with pytest.raises(odoorpc.error.RPCError, match=r"lines\[1\]: the quantity is 0"):
        odoo_rpc.env["prod.planning.promise"].promise(
            [{"product": "FIN-DESK-01", "quantity": 1}, {"product": "FIN-DESK-01", "quantity": 0}]
        )
    with pytest.raises(xmlrpc.client.Fault, match=r"lines\[0\]\.requested_date"):
        odoo_server.xmlrpc_execute(
            "prod.planning.promise",
            "promise",
            [{"product": "FIN-DESK-01", "quantity": 1, "requested_date": "31.12.2026"}],
        )
    with pytest.raises(xmlrpc.client.Fault, match=r"lines\[0\]: the product 'NO-SUCH-CODE' is unknown"):
        odoo_server.xmlrpc_execute("prod.planning.promise", "promise", [{"product": "NO-SUCH-CODE", "quantity": 1}])


def test_promise_over_json2(odoo_json2):
    (answer,) = odoo_json2("prod.planning.promise", "promise", lines=[{"product": "FIN-CHAIR-01", "quantity": 3}])
    assert set(answer) == KEYS
    with pytest.raises(Json2Error) as refused:
        odoo_json2("prod.planning.promise", "promise", lines=[{"product": "FIN-CHAIR-01", "quantity": -1}])
    assert refused.value.status == 422
    assert "lines[0]: the quantity is -1" in refused.value.body["message"]
