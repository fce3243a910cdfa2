"""Integrators start long work over RPC and poll it: a planning run and a
schedule computation queued for the cron workers (run here by the cron's
"Run Manually", as the test server has no cron thread)."""

import datetime
import xmlrpc.client

import odoorpc
import pytest

from .xmlrpc_harness import ref_id


def _run_cron(odoo_rpc, odoo_server, xmlid):
    odoo_server.xmlrpc_execute("ir.cron", "method_direct_trigger", [ref_id(odoo_rpc, xmlid)])


def test_run_async_poll_and_cancel(odoo_rpc, odoo_server):
    runs = odoo_rpc.env["prod.planning.run"]
    run_id = runs.run_planning_async({"horizon_days": 90})
    assert isinstance(run_id, int)
    status = runs.get_run_status(run_id)
    assert status["state"] == "queued"
    assert status["progress"] == 0
    assert status["units_total"] >= 1
    assert {unit["state"] for unit in status["units"]} == {"queued"}

    _run_cron(odoo_rpc, odoo_server, "ir_cron_prod_planning_run_worker_1")
    status = odoo_server.xmlrpc_execute("prod.planning.run", "get_run_status", run_id)
    assert status["state"] == "done", status
    assert status["progress"] == 100
    assert status["units_done"] == status["units_total"]
    assert status["summary"]["planned_orders"] > 0
    orders = odoo_rpc.env["prod.planning.order"].search_count([("run_id", "=", run_id)])
    assert orders == status["summary"]["planned_orders"]

    # A cancelled run plans nothing: the plan of the first run stays.
    second = runs.run_planning_async({"horizon_days": 90})
    odoo_server.xmlrpc_execute("prod.planning.run", "action_cancel", [second])
    _run_cron(odoo_rpc, odoo_server, "ir_cron_prod_planning_run_worker_2")
    assert runs.get_run_status(second)["state"] == "cancelled"
    assert odoo_rpc.env["prod.planning.order"].search_count([("run_id", "=", run_id)]) == orders
    assert odoo_rpc.env["prod.planning.order"].search_count([("run_id", "=", second)]) == 0

    with pytest.raises(odoorpc.error.RPCError, match="unknown options"):
        runs.run_planning_async({"horizon": 3})
    with pytest.raises(xmlrpc.client.Fault, match="does not exist"):
        odoo_server.xmlrpc_execute("prod.planning.run", "get_run_status", 999999)


def test_schedule_compute_async(odoo_rpc, odoo_server):
    start = (datetime.datetime.utcnow() + datetime.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    wizard_id = odoo_server.xmlrpc_execute(
        "prod.planning.schedule",
        "create",
        {"scope": "window", "time_limit": 5, "date_start": start.strftime("%Y-%m-%d %H:%M:%S")},
    )
    job_id = odoo_server.xmlrpc_execute("prod.planning.schedule", "compute_async", [wizard_id])
    jobs = odoo_rpc.env["prod.planning.job"]
    status = jobs.get_job_status(job_id)
    assert (status["kind"], status["state"]) == ("schedule_compute", "queued")
    assert (status["res_model"], status["res_id"]) == ("prod.planning.schedule", wizard_id)
    _run_cron(odoo_rpc, odoo_server, "ir_cron_prod_planning_job")
    status = jobs.get_job_status(job_id)
    assert status["state"] == "done", status
    assert status["result"]["state"] == "computed"
    assert odoo_rpc.env["prod.planning.schedule"].read([wizard_id], ["state"])[0]["state"] == "computed"
    with pytest.raises(odoorpc.error.RPCError, match="job_id"):
        jobs.get_job_status("x")
