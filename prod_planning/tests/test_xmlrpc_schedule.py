"""Integrators schedule over RPC: create the wizard, compute, read, apply."""

import datetime
import xmlrpc.client

import odoorpc
import pytest

from .common_rpc import LINE_FIELDS, OPEN_ORDERS, STEP_FIELDS, check_applied, check_schedule_preview


def _open_orders(client):
    return client.env["mrp.production"].search(OPEN_ORDERS)


def test_compute_preview_and_apply(odoo_rpc, odoo_server):
    production_ids = _open_orders(odoo_rpc)
    assert production_ids
    workorder_ids = odoo_rpc.env["mrp.workorder"].search([("production_id", "in", production_ids)])
    before = odoo_rpc.env["mrp.workorder"].read(workorder_ids, ["date_start", "date_finished"])
    start = (datetime.datetime.utcnow() + datetime.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    # create() with plain XML-RPC, as integrators' scripts do.
    wizard_id = odoo_server.xmlrpc_execute(
        "prod.planning.schedule",
        "create",
        {
            "scope": "selected",
            "production_ids": [[6, 0, production_ids]],
            "strategy": "forward",
            "time_limit": 5,
            "date_start": start.strftime("%Y-%m-%d %H:%M:%S"),
        },
    )
    summary = odoo_server.xmlrpc_execute("prod.planning.schedule", "compute", [wizard_id])
    schedule = odoo_rpc.env["prod.planning.schedule"]
    wizard = schedule.read([wizard_id], ["method", "gap", "late_count", "notes"])[0]
    assert wizard["method"] == summary["method"]
    lines = odoo_rpc.env["prod.planning.schedule.line"].search_read([("wizard_id", "=", wizard_id)], LINE_FIELDS)
    scheduled = check_schedule_preview(summary, lines, production_ids, start)
    steps = odoo_rpc.env["prod.planning.schedule.workorder"].search_read(
        [("wizard_id", "=", wizard_id), ("fixed", "=", False)], STEP_FIELDS
    )
    # Nothing written before apply.
    assert odoo_rpc.env["mrp.workorder"].read(workorder_ids, ["date_start", "date_finished"]) == before
    result = schedule.browse(wizard_id).apply()
    assert result["productions"] == len(scheduled)
    workorders = odoo_rpc.env["mrp.workorder"].read(
        [s["workorder_id"][0] for s in steps if s["workorder_id"]], ["date_start", "date_finished", "workcenter_id"]
    )
    productions = odoo_rpc.env["mrp.production"].read(
        [line["production_id"][0] for line in scheduled], ["date_start", "date_finished"]
    )
    check_applied(steps, workorders, scheduled, productions)
    with pytest.raises(odoorpc.error.RPCError, match="compute it first"):
        schedule.browse(wizard_id).apply()


def test_discard_and_bad_input(odoo_rpc, odoo_server):
    production_ids = _open_orders(odoo_rpc)
    before = odoo_rpc.env["mrp.production"].read(production_ids, ["date_start", "date_finished"])
    schedule = odoo_rpc.env["prod.planning.schedule"]
    wizard_id = schedule.create({"scope": "selected", "production_ids": [[6, 0, production_ids]], "use_cp_sat": False})
    summary = schedule.browse(wizard_id).compute()
    assert summary["solver_status"] == "heuristic"
    assert schedule.browse(wizard_id).discard() is True
    assert odoo_rpc.env["mrp.production"].read(production_ids, ["date_start", "date_finished"]) == before
    assert not odoo_rpc.env["prod.planning.schedule.line"].search([("wizard_id", "=", wizard_id)])
    with pytest.raises(xmlrpc.client.Fault, match="is not a date"):
        odoo_server.xmlrpc_execute("prod.planning.schedule", "create", {"date_start": "tomorrow"})
    empty = schedule.create({"scope": "selected"})
    with pytest.raises(odoorpc.error.RPCError, match="No manufacturing order"):
        schedule.browse(empty).compute()
    with pytest.raises(odoorpc.error.RPCError, match="out of range"):
        schedule.create({"time_limit": -1})
