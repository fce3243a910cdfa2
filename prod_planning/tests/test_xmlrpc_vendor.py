"""Integrators chase vendors over RPC: contacts in, expediting queue and scorecards out.

Plain pytest tests on the foundation harness (fixtures ``odoo_server`` and
``odoo_rpc``): a real Odoo HTTP server on a copy of the demo test database,
odoorpc (JSON-RPC) and ``xmlrpc.client``.
"""

import datetime
import xmlrpc.client

import odoorpc
import pytest

from .common_rpc import check_expediting_queue, check_scorecards
from .xmlrpc_harness import ref_id


def _lines(client, order_xmlid):
    order_id = ref_id(client, order_xmlid)
    return client.env["purchase.order.line"].search_read(
        [("order_id", "=", order_id)],
        ["product_id", "date_promised", "qty_received", "product_qty", "partner_id"],
        order="id",
    )


def test_log_contacts_in_batch_all_or_nothing(odoo_rpc):
    contacts = odoo_rpc.env["prod.planning.vendor.contact"]
    sheet = _lines(odoo_rpc, "purchase_order_keystone_late_demo")[1]
    keystone = ref_id(odoo_rpc, "res_partner_vendor_keystone_demo")
    fastline_order = odoo_rpc.env["purchase.order"].read([ref_id(odoo_rpc, "purchase_order_fastline_demo")], ["name"])[
        0
    ]["name"]
    promised = datetime.date.today() + datetime.timedelta(days=6)
    before = contacts.search_count([])
    result = contacts.log_contacts(
        [
            {
                "vendor": keystone,
                "purchase_order": ref_id(odoo_rpc, "purchase_order_keystone_late_demo"),
                "lines": [sheet["id"]],
                "channel": "phone",
                "direction": "in",
                "outcome": "new_date",
                "new_promised_date": str(promised),
                "summary": "Sheet rolled next week",
                "next_followup_date": str(promised),
            },
            {
                "vendor": "Fastline Hardware",
                "purchase_order": fastline_order,
                "channel": "email",
                "outcome": "confirmed",
            },
        ]
    )
    assert result["created"] == 2
    assert len(result["ids"]) == 2
    line = odoo_rpc.env["purchase.order.line"].read([sheet["id"]], ["date_promised"])[0]
    assert line["date_promised"] == str(promised)
    revisions = odoo_rpc.env["prod.planning.promised.date.revision"].search_read(
        [("purchase_line_id", "=", sheet["id"])], ["new_date", "source", "contact_id"]
    )
    assert [(r["new_date"], r["source"]) for r in revisions] == [(str(promised), "contact")]
    assert revisions[0]["contact_id"][0] == result["ids"][0]

    # One bad row: every row is checked, the error names the bad ones, and
    # nothing is written (not even the good first row).
    tube = _lines(odoo_rpc, "purchase_order_keystone_late_demo")[0]
    oak = _lines(odoo_rpc, "purchase_order_timberline_partial_demo")[0]
    with pytest.raises(odoorpc.error.RPCError) as error:
        contacts.log_contacts(
            [
                {"vendor": keystone, "lines": [tube["id"]], "outcome": "confirmed"},
                {"vendor": keystone, "lines": [oak["id"]], "outcome": "confirmed"},
                {"outcome": "no_answer"},
            ]
        )
    message = str(error.value)
    assert "Row 2" in message and "Timberline Panels" in message
    assert "Row 3" in message and "has no vendor" in message
    assert "Row 1" not in message
    assert contacts.search_count([]) == before + 2


def test_read_the_expediting_queue(odoo_server):
    rows = odoo_server.xmlrpc_execute("prod.planning.expediting", "get_queue", {"refresh": True})
    oak = check_expediting_queue(rows)
    late_only = odoo_server.xmlrpc_execute("prod.planning.expediting", "get_queue", {"reasons": ["partial"]})
    assert {row["purchase_line_id"] for row in late_only} >= {oak["purchase_line_id"]}
    assert all("partial" in row["reasons"] for row in late_only)
    with pytest.raises(xmlrpc.client.Fault, match="unknown options"):
        odoo_server.xmlrpc_execute("prod.planning.expediting", "get_queue", {"x": 1})


def test_read_scorecards_for_a_period(odoo_server, odoo_rpc):
    today = datetime.date.today()
    start = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    cards = odoo_server.xmlrpc_execute(
        "prod.planning.vendor.scorecard", "get_scorecards", str(start), str(today), [], True
    )
    timberline = ref_id(odoo_rpc, "res_partner_vendor_timberline_demo")
    ergodrive = ref_id(odoo_rpc, "res_partner_vendor_ergodrive_demo")
    check_scorecards(cards, timberline, ergodrive)
    only = odoo_rpc.env["prod.planning.vendor.scorecard"].get_scorecards(str(start), str(today), [timberline])
    assert {c["vendor_id"] for c in only} == {timberline}
    with pytest.raises(xmlrpc.client.Fault, match="YYYY-MM-DD"):
        odoo_server.xmlrpc_execute("prod.planning.vendor.scorecard", "get_scorecards", "soon", str(today))
