"""Integrators reach the demo factory over RPC through a real HTTP server."""

import pytest

from .xmlrpc_harness import Json2Error


def test_login_and_read_demo_records(odoo_server, odoo_rpc):
    assert odoo_rpc.env.user.login == "admin"
    products = odoo_rpc.env["product.product"]
    demo_ids = odoo_rpc.env["ir.model.data"].search_read(
        [("module", "=", "prod_planning"), ("model", "=", "product.product")], ["res_id"]
    )
    assert len(demo_ids) >= 40
    rows = products.read([d["res_id"] for d in demo_ids], ["default_code", "name"])
    assert all(row["default_code"] for row in rows)

    # The same read through plain XML-RPC (/xmlrpc/2/object).
    counted = odoo_server.xmlrpc_execute(
        "mrp.bom", "search_count", [("product_tmpl_id.product_variant_ids", "in", [r["id"] for r in rows])]
    )
    assert counted >= 10


def test_wrong_password_is_refused(odoo_server):
    uid = odoo_server.xmlrpc("common").authenticate(odoo_server.db, "admin", "not-the-password", {})
    assert uid is False


def test_json2_with_an_api_key(odoo_server):
    """Odoo 19's JSON-2 API: keyword arguments in a JSON body, an API key."""
    key = odoo_server.api_key()
    desk = odoo_server.json2(
        "ir.model.data",
        "search_read",
        key,
        domain=[("module", "=", "prod_planning"), ("name", "=", "product_office_desk_demo")],
        fields=["res_id"],
    )[0]["res_id"]
    # A record method gets its records as "ids".
    [row] = odoo_server.json2("product.product", "read", key, ids=[desk], fields=["default_code"])
    assert row["default_code"]
    with pytest.raises(Json2Error) as refused:
        odoo_server.json2("product.product", "search_count", "not-a-key", domain=[])
    assert refused.value.status == 401
    with pytest.raises(Json2Error) as unknown:
        odoo_server.json2("product.product", "search_count", key, filter=[])
    assert unknown.value.status == 422
