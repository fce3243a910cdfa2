"""Wrong types over real XML-RPC: the fault is a UserError (fault code 2, not
an application error with a traceback) that names the argument; nothing is
written. Plain pytest on the harness's ``odoo_server`` fixture."""

import xmlrpc.client

import pytest

# /xmlrpc/2 answers a UserError (and a ValidationError) with this code; any
# other exception comes back as code 1 with the server's traceback.
USER_ERROR = 2


def _fault(odoo_server, model, method, *args, **kwargs):
    with pytest.raises(xmlrpc.client.Fault) as caught:
        odoo_server.xmlrpc_execute(model, method, *args, **kwargs)
    return caught.value


@pytest.mark.parametrize(
    ("model", "method", "args", "kwargs", "argument"),
    [
        (
            "prod.planning.forecast",
            "import_forecasts",
            [{"product": [1], "date": "2030-01-01", "quantity": 1}],
            {},
            "product",
        ),
        ("prod.planning.forecast", "import_forecasts", "rows", {}, "rows"),
        ("prod.planning.run", "run_planning", {"horizon_days": "90"}, {}, "horizon_days"),
        ("prod.planning.run", "run_planning", {"warehouse_ids": 1}, {}, "warehouse_ids"),
        ("prod.planning.order", "action_firm", ["abc"], {}, "ids"),
        ("prod.planning.order", "release_orders", [2**31 - 1], {}, "ids"),
        ("prod.planning.expediting", "get_queue", {"limit": -1}, {}, "limit"),
        ("prod.planning.vendor.scorecard", "get_scorecards", 20240101, {"date_to": "2024-12-31"}, "date_from"),
        ("prod.planning.price.observation", "get_price_history", None, {"date_from": "yesterday"}, "date_from"),
        ("prod.planning.price.observation", "import_observations", [], {"evaluate_alerts": "yes"}, "evaluate_alerts"),
        ("prod.planning.price.alert", "get_alerts", None, {"limit": "ten"}, "limit"),
        ("prod.planning.price.alert", "get_alerts", None, {"state": "open"}, "state"),
        ("prod.planning.schedule", "create", {"time_limit": "abc"}, {}, "time_limit"),
        ("prod.planning.schedule", "compute", ["abc"], {}, "ids"),
    ],
)
def test_bad_argument_is_a_user_error_naming_it(odoo_server, model, method, args, kwargs, argument):
    positional = [] if args is None else [args]
    fault = _fault(odoo_server, model, method, *positional, **kwargs)
    assert fault.faultCode == USER_ERROR, fault.faultString
    assert argument in fault.faultString
    assert "Traceback" not in fault.faultString


def test_log_contacts_refuses_portal_buyer_and_writes_nothing(odoo_server):
    portal = odoo_server.xmlrpc_execute("res.users", "search", [("share", "=", True)], limit=1)
    vendor = odoo_server.xmlrpc_execute("res.partner", "search", [("supplier_rank", ">", 0)], limit=1)
    assert portal and vendor
    before = odoo_server.xmlrpc_execute("prod.planning.vendor.contact", "search_count", [])
    fault = _fault(
        odoo_server,
        "prod.planning.vendor.contact",
        "log_contacts",
        [{"vendor": vendor[0], "outcome": "confirmed", "user": portal[0]}],
    )
    assert fault.faultCode == USER_ERROR
    assert "Row 1" in fault.faultString and "internal user" in fault.faultString
    assert odoo_server.xmlrpc_execute("prod.planning.vendor.contact", "search_count", []) == before


def test_import_forecasts_duplicate_key_writes_nothing(odoo_server):
    product = odoo_server.xmlrpc_execute("product.product", "search", [("is_storable", "=", True)], limit=1)
    row = {"product": product[0], "date": "2027-03-01", "quantity": 4}
    domain = [("product_id", "=", product[0]), ("date_start", "=", "2027-03-01")]
    before = odoo_server.xmlrpc_execute("prod.planning.forecast", "search_count", domain)
    fault = _fault(odoo_server, "prod.planning.forecast", "import_forecasts", [row, {**row, "quantity": 6}])
    assert fault.faultCode == USER_ERROR
    assert "rows 1 and 2" in fault.faultString
    assert odoo_server.xmlrpc_execute("prod.planning.forecast", "search_count", domain) == before
