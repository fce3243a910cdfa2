"""Integrators read and write the master schedule over RPC: get_grid, then
set_cells (a forecast edit, its net-change rows, a refused conflict)."""

import threading
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


def test_two_planners_type_into_the_same_empty_cell(odoo_rpc, odoo_server):
    """Both saw 0 in the planned cell: one edit is saved, the other is refused
    with the value the first one wrote (never two firm orders)."""
    workbench = odoo_rpc.env["prod.planning.workbench"]
    desk = ref_id(odoo_rpc, "product_office_desk_demo")
    warehouse = odoo_rpc.env.ref("stock.warehouse0").id
    options = {"warehouse_id": warehouse, "period": "week", "periods": 12, "domain": [["id", "=", desk]]}
    grid = workbench.get_grid(options)
    planned = grid["rows"][0]["cells"]["planned"]
    index = next(i for i in range(len(planned) - 1, 0, -1) if not planned[i])
    period = grid["periods"][index]
    outcomes = []

    def edit(quantity):
        client = odoo_server.odoorpc()
        cell = {
            "product_id": desk,
            "warehouse_id": warehouse,
            "date": period["date_start"],
            "kind": "planned",
            "quantity": quantity,
            "expected": 0,
        }
        try:
            client.env["prod.planning.workbench"].set_cells([cell], options)
            outcomes.append(("saved", quantity))
        except odoorpc.error.RPCError as error:
            outcomes.append(("refused", str(error)))

    threads = [threading.Thread(target=edit, args=(quantity,)) for quantity in (11, 13)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    saved = [value for outcome, value in outcomes if outcome == "saved"]
    refused = [value for outcome, value in outcomes if outcome == "refused"]
    assert len(saved) == 1 and len(refused) == 1, outcomes
    assert "changed meanwhile" in refused[0]
    orders = odoo_rpc.env["prod.planning.order"].search_read(
        [
            ("product_id", "=", desk),
            ("warehouse_id", "=", warehouse),
            ("state", "=", "firm"),
            ("due_date", ">=", period["date_start"]),
            ("due_date", "<", period["date_end"]),
        ],
        ["quantity"],
    )
    assert [order["quantity"] for order in orders] == saved
