"""Checks shared by the XML-RPC and the JSON-2 tests: the same demo records,
the same answers, whichever way the method was called.

Plain functions on plain answers (dicts and lists), no Odoo import.
"""

import datetime

import pytest

PRICE_MODEL = "prod.planning.price.observation"
# The manufacturing orders a schedule may move.
OPEN_ORDERS = [("state", "in", ["confirmed", "progress"]), ("workorder_ids", "!=", False)]
LINE_FIELDS = [
    "production_id",
    "state",
    "old_date_start",
    "new_date_start",
    "new_date_finished",
    "lateness_hours",
    "late",
    "load_hours",
]
STEP_FIELDS = ["workorder_id", "workcenter_id", "new_date_start", "new_date_finished"]


def check_plan(summary, orders, exceptions):
    """A finished run's summary against its planned orders and exceptions
    (search_read); returns two buy orders with a vendor and one make order."""
    assert summary["state"] == "done", summary
    assert summary["planned_orders"] > 0
    assert len(orders) == summary["planned_orders"]
    assert len(exceptions) == summary["exceptions"]
    buy = [o for o in orders if o["supply_type"] == "buy" and o["vendor_id"]][:2]
    make = [o for o in orders if o["supply_type"] == "manufacture"][:1]
    assert buy and make
    return buy, make


def check_schedule_preview(summary, lines, production_ids, start):
    """compute()'s summary and the preview lines of its wizard (search_read);
    returns the scheduled lines."""
    assert summary["state"] == "computed"
    assert summary["scheduled"] + summary["unschedulable"] == len(production_ids)
    assert summary["method"]
    assert summary["solver_status"] in ("optimal", "feasible")
    assert {line["production_id"][0] for line in lines} == set(production_ids)
    scheduled = [line for line in lines if line["state"] == "scheduled"]
    assert scheduled
    for line in scheduled:
        assert line["new_date_start"] >= start.strftime("%Y-%m-%d %H:%M:%S")
        assert line["new_date_finished"] >= line["new_date_start"]
    return scheduled


def check_applied(steps, workorders, scheduled, productions):
    """After apply(): the work orders (read, ``date_start``, ``date_finished``,
    ``workcenter_id``) and the productions (read, their dates) are where the
    preview's ``steps`` and ``scheduled`` lines put them."""
    workorders = {w["id"]: w for w in workorders}
    for step in steps:
        if not step["workorder_id"]:
            continue
        workorder = workorders[step["workorder_id"][0]]
        assert workorder["date_start"] == step["new_date_start"]
        assert workorder["date_finished"] == step["new_date_finished"]
        assert workorder["workcenter_id"][0] == step["workcenter_id"][0]
    by_id = {p["id"]: p for p in productions}
    for line in scheduled:
        production = by_id[line["production_id"][0]]
        assert production["date_start"] == line["new_date_start"]
        assert production["date_finished"] == line["new_date_finished"]


def check_expediting_queue(rows):
    """get_queue() of the demo factory; returns the oak panel's row."""
    assert rows, "the demo factory has late and partial purchase lines"
    urgencies = [row["urgency"] for row in rows]
    assert urgencies == sorted(urgencies, reverse=True)
    by_product = {row["product"]: row for row in rows}
    oak = next(row for name, row in by_product.items() if "RAW-OAK-PANEL" in name)
    assert oak["reasons"] == ["late", "partial"]
    assert oak["qty_received"] == 16 and oak["qty_open"] == 24
    assert oak["days_late"] >= 1 and oak["reasons"][0] == "late"
    assert oak["need_date"] is False or isinstance(oak["need_date"], str)
    assert oak["vendor"] == "Timberline Panels"
    return oak


def check_scorecards(cards, timberline, ergodrive):
    """get_scorecards() from the first day of last month to today: this
    month's cards (last month holds the demo's receipt history)."""
    month = datetime.date.today().strftime("%Y-%m")
    cards = [c for c in cards if c["month"] == month]
    measured = [c for c in cards if c["vendor_id"] == timberline and c["line_count"]]
    assert len(measured) == 1
    card = measured[0]
    # 16 of 40 oak panels and 60 of 60 MDF boards received: (40 % + 100 %) / 2.
    assert card["fill_rate"] == pytest.approx(70.0)
    assert card["on_time_rate"] == 0.0
    assert card["lead_line_count"] == 1
    assert 0 <= card["fill_rate"] <= 100
    # Ergodrive has contacts but no delivery due: no data, not 100 %.
    ergo = [c for c in cards if c["vendor_id"] == ergodrive]
    assert ergo and all(c["on_time_rate"] is False for c in ergo)
    assert all(c["fill_rate"] is False for c in ergo)


def price_rows(date):
    """A batch of five price rows on ``date``: two good product rows, an
    unknown product, a price that is not a number, an index value."""
    return [
        {"product_code": "RAW-STEEL-SHEET", "price": 1.21, "date": date},
        {
            "product_code": "RAW-SCREW-M6",
            "price": 0.84,
            "uom": "Dozens",
            "vendor": "Fastline Hardware",
            "date": date,
            "quantity": 100,
            "reference": "quote Q-1",
        },
        {"product_code": "NO-SUCH-CODE", "price": 1.0, "date": date},
        {"product_code": "RAW-STEEL-SHEET", "price": "cheap", "date": date},
        {"index_code": "STEEL-HRC", "price": 810, "date": date},
    ]


def check_price_import(results):
    """import_observations() of :func:`price_rows` into a fresh date."""
    assert [r["status"] for r in results] == ["created", "created", "error", "error", "created"]
    assert [r["row"] for r in results] == [1, 2, 3, 4, 5]
    assert "Unknown product code NO-SUCH-CODE" in results[2]["message"]
    assert "'cheap' is not a number" in results[3]["message"]
    assert all(r["id"] for r in results if r["status"] != "error")


def rising_prices(code, days):
    """Three observations of ``code`` on ``days``: 4.0, 4.1, then 5.0 (+21.95 %)."""
    return [
        {"product_code": code, "vendor": "Harbor Industrial Supply", "price": price, "date": str(day)}
        for price, day in zip((4.0, 4.1, 5.0), days, strict=True)
    ]


def alert_rule(name, product_id, user_id):
    """An alert rule on ``product_id``: up 15 % against the previous price."""
    return {
        "name": name,
        "scope": "product",
        "product_id": product_id,
        "rule_type": "previous",
        "threshold_percent": 15,
        "direction": "up",
        "lookback_days": 10,
        "user_id": user_id,
    }


def check_history_and_alert(history, alerts, rule, code):
    """get_price_history() and get_alerts() after :func:`rising_prices`."""
    imported = [h for h in history if h["source"] == "import"]
    assert [h["price"] for h in imported] == [5.0, 4.1, 4.0]  # newest first
    assert imported[0]["vendor"] == "Harbor Industrial Supply"
    alerts = [a for a in alerts if a["rule"] == rule]
    assert len(alerts) == 1
    assert alerts[0]["product_code"] == code
    assert alerts[0]["old_price"] == pytest.approx(4.1)
    assert alerts[0]["new_price"] == pytest.approx(5.0)
    assert alerts[0]["change_percent"] == pytest.approx(21.95, abs=0.01)
    return imported
