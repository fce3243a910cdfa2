"""Integrators reach the demo factory over RPC through a real HTTP server."""


def test_login_and_read_demo_records(odoo_server, odoo_rpc):
    assert odoo_rpc.env.user.login == "admin"
    products = odoo_rpc.env["product.product"]
    demo_ids = odoo_rpc.env["ir.model.data"].search_read(
        [("module", "=", "prod_planning"), ("model", "=", "product.product")],
        ["res_id"],
    )
    assert len(demo_ids) >= 40
    rows = products.read([d["res_id"] for d in demo_ids], ["default_code", "name"])
    assert all(row["default_code"] for row in rows)

    # The same read through plain XML-RPC (/xmlrpc/2/object).
    counted = odoo_server.xmlrpc_execute(
        "mrp.bom",
        "search_count",
        [("product_tmpl_id.product_variant_ids", "in", [r["id"] for r in rows])],
    )
    assert counted >= 10


def test_wrong_password_is_refused(odoo_server):
    uid = odoo_server.xmlrpc("common").authenticate(
        odoo_server.db, "admin", "not-the-password", {}
    )
    assert uid is False
