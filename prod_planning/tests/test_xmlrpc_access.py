"""A portal user calling the documented RPC methods gets an access fault.

Plain pytest on the harness (fixture ``odoo_server``): a real Odoo HTTP
server on a copy of the demo test database, plain ``xmlrpc.client``.
"""

import datetime
import xmlrpc.client

import pytest

PORTAL_LOGIN = "rpc_access_portal"
PORTAL_PASSWORD = "rpc-access-portal-1"
# /xmlrpc/2 answers an AccessError with this fault code (Odoo's rpc module).
ACCESS_ERROR_FAULT = 4


@pytest.fixture(scope="module")
def portal(odoo_server):
    """``call(model, method, *args)`` over XML-RPC as a new portal user."""
    group = odoo_server.xmlrpc_execute(
        "ir.model.data", "search_read", [("module", "=", "base"), ("name", "=", "group_portal")], ["res_id"]
    )[0]["res_id"]
    users = odoo_server.xmlrpc_execute("res.users", "search", [("login", "=", PORTAL_LOGIN)])
    if not users:
        odoo_server.xmlrpc_execute(
            "res.users",
            "create",
            {"name": "RPC Portal", "login": PORTAL_LOGIN, "password": PORTAL_PASSWORD, "group_ids": [(6, 0, [group])]},
        )
    uid = odoo_server.xmlrpc("common").authenticate(odoo_server.db, PORTAL_LOGIN, PORTAL_PASSWORD, {})
    assert uid

    def call(model, method, *args):
        return odoo_server.xmlrpc("object").execute_kw(
            odoo_server.db, uid, PORTAL_PASSWORD, model, method, list(args), {}
        )

    return call


def _count(odoo_server, model):
    return odoo_server.xmlrpc_execute(model, "search_count", [])


def test_portal_user_gets_access_faults(odoo_server, portal):
    today = datetime.date.today()
    rule_id = odoo_server.xmlrpc_execute("prod.planning.price.alert.rule", "search", [], 0, 1)[0]
    order_id = odoo_server.xmlrpc_execute("prod.planning.order", "search", [("state", "!=", "released")], 0, 1)[0]
    watched = [
        "prod.planning.run",
        "prod.planning.forecast",
        "prod.planning.vendor.contact",
        "prod.planning.price.observation",
        "prod.planning.price.alert",
        "prod.planning.vendor.scorecard",
    ]
    before = {model: _count(odoo_server, model) for model in watched}
    calls = [
        ("prod.planning.run", "run_planning", {"horizon_days": 30}),
        (
            "prod.planning.forecast",
            "import_forecasts",
            [{"product": "RAW-STEEL-SHEET", "date": str(today), "quantity": 5}],
        ),
        ("prod.planning.vendor.contact", "log_contacts", [{"vendor": "Fastline Hardware", "outcome": "confirmed"}]),
        (
            "prod.planning.price.observation",
            "import_observations",
            [{"product_code": "RAW-STEEL-SHEET", "price": 9.0, "date": str(today)}],
        ),
        ("prod.planning.vendor.scorecard", "get_scorecards", str(today.replace(day=1)), str(today), [], True),
        ("prod.planning.expediting", "get_queue", {"refresh": True}),
        ("prod.planning.price.alert", "get_alerts"),
        ("prod.planning.price.alert.rule", "action_evaluate", [rule_id]),
        ("prod.planning.order", "release_orders", [order_id]),
        ("prod.planning.workbench", "get_grid", {}),
        ("prod.planning.workbench", "set_cells", []),
        ("prod.planning.workbench", "run_plan", {}),
        # Record methods (buttons): called with a list of ids, here none.
        ("prod.planning.vendor.scorecard", "action_refresh", []),
        ("prod.planning.production.rate", "action_refresh", []),
    ]
    for model, method, *args in calls:
        with pytest.raises(xmlrpc.client.Fault) as fault:
            portal(model, method, *args)
        assert fault.value.faultCode == ACCESS_ERROR_FAULT, (model, method, fault.value.faultString[-500:])
    assert {model: _count(odoo_server, model) for model in watched} == before
