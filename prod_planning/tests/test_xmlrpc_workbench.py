"""Integrators read and write the master schedule over RPC: get_grid, then
set_cells (a forecast edit, its net-change rows, a refused conflict)."""

import xmlrpc.client

import odoorpc
import pytest

from .xmlrpc_harness import ref_id


def test_get_grid_and_set_cells(odoo_rpc, odoo_server):
    workbench = odoo_rpc.env["prod.planning.workbench"]
    desk = ref_id(odoo_rpc, "product_office_desk_demo")
    warehouse = odoo_rpc.env.ref("stock.warehouse0").id
    options = {"warehouse_id": warehouse, "period": "week", "periods": 8, "domain": [["id", "=", desk]]}
    grid = workbench.get_grid(options)
    assert grid["total"] == 1
    [row] = grid["rows"]
    assert row["product_id"] == desk
    assert all(len(line) == 8 for line in row["cells"].values())
    period = grid["periods"][3]
    current = row["cells"]["forecast"][3]
    cell = {
        "product_id": desk,
        "warehouse_id": warehouse,
        "date": period["date_start"],
        "kind": "forecast",
        "quantity": current + 7,
        "expected": current,
    }
    result = workbench.set_cells([cell], options)
    assert result["rows"][0]["product_id"] == desk
    assert result["rows"][0]["cells"]["forecast"][3] == current + 7
    # Committed: a new read sees it, and so do the forecasts.
    assert workbench.get_grid(options)["rows"][0]["cells"] == result["rows"][0]["cells"]
    forecasts = odoo_rpc.env["prod.planning.forecast"].search_read(
        [("product_id", "=", desk), ("warehouse_id", "=", warehouse), ("date_start", "<", period["date_end"])],
        ["quantity", "date_start", "date_end"],
    )
    assert current + 7 in [f["quantity"] for f in forecasts]
    # The same edit again, from a client that still saw the old value: refused.
    with pytest.raises(xmlrpc.client.Fault, match="changed meanwhile"):
        odoo_server.xmlrpc_execute("prod.planning.workbench", "set_cells", [cell], options)
    with pytest.raises(odoorpc.error.RPCError, match="unknown kind"):
        workbench.set_cells([{**cell, "kind": "demand"}], options)
    assert workbench.get_grid(options)["rows"][0]["cells"]["forecast"][3] == current + 7
