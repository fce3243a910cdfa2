"""Every documented RPC method over Odoo 19's JSON-2 API with an API key.

The same methods, demo records and checks as the XML-RPC tests
(tests/test_xmlrpc_*.py, checks in tests/common_rpc.py), called with the
keyword arguments the README documents, through a real Odoo HTTP server
(fixture ``odoo_json2``). Records the XML-RPC tests count or date are left
alone: other dates, other products, other lines.
"""

import datetime

import pytest

from .common_rpc import (
    LINE_FIELDS,
    OPEN_ORDERS,
    PRICE_MODEL,
    STEP_FIELDS,
    alert_rule,
    check_applied,
    check_expediting_queue,
    check_history_and_alert,
    check_plan,
    check_price_import,
    check_schedule_preview,
    check_scorecards,
    price_rows,
    rising_prices,
)
from .xmlrpc_harness import Json2Error, ref_id

ORDER = "prod.planning.order"
SCHEDULE = "prod.planning.schedule"
CONTACT = "prod.planning.vendor.contact"


def _refused(call, match, model, method, **kwargs):
    """The call answers 422 (a UserError / ValidationError) naming ``match``."""
    with pytest.raises(Json2Error) as refused:
        call(model, method, **kwargs)
    assert refused.value.status == 422, refused.value
    assert match in refused.value.body["message"]


def test_planning(odoo_json2):
    forecasts = "prod.planning.forecast"
    today = datetime.date.today()
    month = str((today.replace(day=1) + datetime.timedelta(days=63)).replace(day=1))
    row = {"product": "FIN-CHAIR-01", "date": month, "quantity": 12}
    first = odoo_json2(forecasts, "import_forecasts", rows=[row])
    assert first["created"] == 1 and first["updated"] == 0
    again = odoo_json2(forecasts, "import_forecasts", rows=[{**row, "quantity": 14}])
    assert again == {"created": 0, "updated": 1, "ids": first["ids"]}
    bad = {"product": "NO-SUCH", "date": month, "quantity": 1}
    _refused(odoo_json2, "unknown product", forecasts, "import_forecasts", rows=[bad])

    summary = odoo_json2("prod.planning.run", "run_planning", options={"horizon_days": 90})
    in_run = [("run_id", "=", summary["id"])]
    orders = odoo_json2(
        ORDER, "search_read", domain=in_run, fields=["product_id", "quantity", "supply_type", "vendor_id", "state"]
    )
    exceptions = odoo_json2("prod.planning.exception", "search_read", domain=in_run, fields=["message"])
    buy, make = check_plan(summary, orders, exceptions)
    assert odoo_json2(ORDER, "action_firm", ids=[buy[0]["id"]]) is True
    ids = [o["id"] for o in buy + make]
    released = odoo_json2(ORDER, "release_orders", ids=ids)
    assert released["released"] == len(ids)
    assert len(released["production_ids"]) == 1
    states = odoo_json2(ORDER, "read", ids=ids, fields=["state"])
    assert {s["state"] for s in states} == {"released"}
    _refused(odoo_json2, "already released", ORDER, "release_orders", ids=ids[:1])
    _refused(odoo_json2, "unknown options", "prod.planning.run", "run_planning", options={"horizon": 3})


def test_scheduling(odoo_json2):
    production_ids = odoo_json2("mrp.production", "search", domain=OPEN_ORDERS)
    assert production_ids
    start = (datetime.datetime.utcnow() + datetime.timedelta(days=2)).replace(hour=0, minute=0, second=0, microsecond=0)
    [wizard_id] = odoo_json2(
        SCHEDULE,
        "create",
        vals_list=[
            {
                "scope": "selected",
                "production_ids": [[6, 0, production_ids]],
                "strategy": "forward",
                "time_limit": 5,
                "date_start": start.strftime("%Y-%m-%d %H:%M:%S"),
            }
        ],
    )
    summary = odoo_json2(SCHEDULE, "compute", ids=[wizard_id])
    of_wizard = [("wizard_id", "=", wizard_id)]
    lines = odoo_json2("prod.planning.schedule.line", "search_read", domain=of_wizard, fields=LINE_FIELDS)
    scheduled = check_schedule_preview(summary, lines, production_ids, start)
    steps = odoo_json2(
        "prod.planning.schedule.workorder",
        "search_read",
        domain=[*of_wizard, ("fixed", "=", False)],
        fields=STEP_FIELDS,
    )
    result = odoo_json2(SCHEDULE, "apply", ids=[wizard_id])
    assert result["productions"] == len(scheduled)
    workorders = odoo_json2(
        "mrp.workorder",
        "read",
        ids=[s["workorder_id"][0] for s in steps if s["workorder_id"]],
        fields=["date_start", "date_finished", "workcenter_id"],
    )
    productions = odoo_json2(
        "mrp.production",
        "read",
        ids=[line["production_id"][0] for line in scheduled],
        fields=["date_start", "date_finished"],
    )
    check_applied(steps, workorders, scheduled, productions)
    _refused(odoo_json2, "compute it first", SCHEDULE, "apply", ids=[wizard_id])

    [other] = odoo_json2(
        SCHEDULE, "create", vals_list=[{"scope": "selected", "production_ids": [[6, 0, production_ids]]}]
    )
    odoo_json2(SCHEDULE, "compute", ids=[other])
    assert odoo_json2(SCHEDULE, "discard", ids=[other]) is True
    assert not odoo_json2("prod.planning.schedule.line", "search", domain=[("wizard_id", "=", other)])


def test_vendors(odoo_json2, odoo_rpc):
    queue = "prod.planning.expediting"
    oak = check_expediting_queue(odoo_json2(queue, "get_queue", options={"refresh": True}))
    partial = odoo_json2(queue, "get_queue", options={"reasons": ["partial"]})
    assert {row["purchase_line_id"] for row in partial} >= {oak["purchase_line_id"]}
    assert all("partial" in row["reasons"] for row in partial)
    _refused(odoo_json2, "unknown options", queue, "get_queue", options={"x": 1})

    scorecards = "prod.planning.vendor.scorecard"
    today = datetime.date.today()
    start = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    period = {"date_from": str(start), "date_to": str(today)}
    cards = odoo_json2(scorecards, "get_scorecards", **period, vendor_ids=[], refresh=True)
    timberline = ref_id(odoo_rpc, "res_partner_vendor_timberline_demo")
    ergodrive = ref_id(odoo_rpc, "res_partner_vendor_ergodrive_demo")
    check_scorecards(cards, timberline, ergodrive)
    only = odoo_json2(scorecards, "get_scorecards", **period, vendor_ids=[timberline])
    assert {c["vendor_id"] for c in only} == {timberline}
    _refused(odoo_json2, "YYYY-MM-DD", scorecards, "get_scorecards", date_from="soon", date_to=str(today))

    # The steel tube line of the late Keystone order gets a new promised date
    # (the XML-RPC test moves the sheet line).
    order = ref_id(odoo_rpc, "purchase_order_keystone_late_demo")
    [tube] = odoo_json2(
        "purchase.order.line",
        "search",
        domain=[("order_id", "=", order), ("product_id.default_code", "=", "RAW-STEEL-TUBE")],
    )
    promised = str(today + datetime.timedelta(days=8))
    row = {
        "vendor": ref_id(odoo_rpc, "res_partner_vendor_keystone_demo"),
        "purchase_order": order,
        "lines": [tube],
        "outcome": "new_date",
        "new_promised_date": promised,
    }
    result = odoo_json2(CONTACT, "log_contacts", rows=[row])
    assert result["created"] == 1 and len(result["ids"]) == 1
    [line] = odoo_json2("purchase.order.line", "read", ids=[tube], fields=["date_promised"])
    assert line["date_promised"].startswith(promised)
    revisions = odoo_json2(
        "prod.planning.promised.date.revision",
        "search_read",
        domain=[("contact_id", "=", result["ids"][0])],
        fields=["new_date", "source"],
    )
    assert [(r["new_date"], r["source"]) for r in revisions] == [(promised, "contact")]
    before = odoo_json2(CONTACT, "search_count", domain=[])
    _refused(
        odoo_json2, "Row 2", CONTACT, "log_contacts", rows=[{**row, "outcome": "confirmed"}, {"outcome": "no_answer"}]
    )
    assert odoo_json2(CONTACT, "search_count", domain=[]) == before


def test_prices(odoo_json2, odoo_rpc):
    rows = price_rows("2024-03-01")
    results = odoo_json2(PRICE_MODEL, "import_observations", rows=rows)
    check_price_import(results)
    again = odoo_json2(PRICE_MODEL, "import_observations", rows=rows[:2])
    assert [r["status"] for r in again] == ["updated", "updated"]
    assert [r["id"] for r in again] == [r["id"] for r in results[:2]]
    _refused(odoo_json2, "the argument rows is", PRICE_MODEL, "import_observations", rows="not a list")

    # RAW-LOCK: no demo prices, no other test's alert rule.
    today = datetime.date.today()
    days = [today - datetime.timedelta(days=n) for n in (6, 4, 2)]
    lock = ref_id(odoo_rpc, "product_lock_demo")
    rule = "JSON-2 lock watch"
    odoo_json2("prod.planning.price.alert.rule", "create", vals_list=[alert_rule(rule, lock, odoo_rpc.env.uid)])
    results = odoo_json2(PRICE_MODEL, "import_observations", rows=rising_prices("RAW-LOCK", days), evaluate_alerts=True)
    assert [r["status"] for r in results] == ["created"] * 3
    history = odoo_json2(
        PRICE_MODEL,
        "get_price_history",
        product_codes=["RAW-LOCK"],
        date_from=str(days[0]),
        date_to=str(today),
        limit=10,
    )
    alerts = odoo_json2("prod.planning.price.alert", "get_alerts", date_from=str(days[0]), state="new", limit=500)
    check_history_and_alert(history, alerts, rule, "RAW-LOCK")
