from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_vendor import VendorCase

TODAY = "2024-05-10 09:00:00"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestVendorScorecard(VendorCase):
    """Scorecard figures on data computed by hand.

    Scorecard Vendor sells Scorecard Part at 10 per unit, delay 5 days. Orders
    confirmed on 2024-02-28; today is 2024-05-10.

    March 2024 (6 lines due):
      L1 10 u promised 03-05, 10 received 03-04           on time, lead 5
      L2 10 u promised 03-10 at 11, 4 on 03-09, 6 on 03-12
                                                          late, 40% on time, lead 13
      L3 10 u requested 03-12, promised 03-15 on 03-08, 10 on 03-14
                                                          on time, late vs original,
                                                          lead 15
      L4 10 u promised 03-20, nothing received            late, 0%
      L5 10 u promised 03-25, 12 received 03-24           on time (capped), lead 25
      L6 1 dozen promised 03-28 at 120, 1 dozen on 03-28  on time, lead 29
    April 2024: L8 10 u promised 04-05, 15 received 04-04 (over-delivery), lead 36
    May 2024: L7 promised 05-20 (not due yet) and an unanswered call: no data.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vendor = cls.env["res.partner"].create({"name": "Scorecard Vendor", "is_company": True, "supplier_rank": 1})
        cls.product = cls._create_product("Scorecard Part", default_code="SC-PART")
        cls._add_vendor(cls.product, cls.vendor, 10.0, delay=5)
        with freeze_time("2024-02-28 10:00:00"):
            cls.order = cls._order(
                cls.vendor,
                [
                    (cls.product, 10, "2024-03-05", 10.0),
                    (cls.product, 10, "2024-03-10", 11.0),
                    (cls.product, 10, "2024-03-12", 10.0),
                    (cls.product, 10, "2024-03-20", 10.0),
                    (cls.product, 10, "2024-03-25", 10.0),
                    (cls.product, 1, "2024-03-28", 120.0, cls.uom_dozen),
                    (cls.product, 5, "2024-05-20", 10.0),
                    (cls.product, 10, "2024-04-05", 10.0),
                ],
            )
        lines = cls.order.order_line
        cls.l1, cls.l2, cls.l3, cls.l4, cls.l5, cls.l6, cls.l7, cls.l8 = lines
        for values in (
            {"date": "2024-03-01 10:00:00", "outcome": "no_answer"},
            {"date": "2024-03-02 16:00:00", "outcome": "confirmed", "direction": "in"},
            {"date": "2024-03-05 10:00:00", "outcome": "partial"},
        ):
            cls._contact(vendor=cls.vendor, purchase_order_id=cls.order.id, **values)
        with freeze_time("2024-03-08 11:00:00"):
            cls._slip(
                cls.l3, "2024-03-15", vendor=cls.vendor, direction="in", channel="email", date="2024-03-08 11:00:00"
            )
        cls._receive(cls.l1, 10, "2024-03-04")
        cls._receive(cls.l2, 4, "2024-03-09")
        cls._receive(cls.l2, 6, "2024-03-12")
        cls._receive(cls.l3, 10, "2024-03-14")
        cls._receive(cls.l5, 12, "2024-03-24")
        cls._receive(cls.l6, 1, "2024-03-28")
        cls._receive(cls.l8, 15, "2024-04-04")
        cls._contact(vendor=cls.vendor, purchase_order_id=cls.order.id, date="2024-05-02 10:00:00", outcome="no_answer")
        cls.cards = cls.env["prod.planning.vendor.scorecard"]

    def _api(self, **kwargs):
        rows = self.cards.get_scorecards("2024-01-01", "2024-12-31", vendor_ids=[self.vendor.id], **kwargs)
        return {row["month"]: row for row in rows}

    def test_hand_computed_month(self):
        self.cards._refresh()
        march = self._api()["2024-03"]
        expected_counts = {
            "line_count": 6,
            "on_time_line_count": 4,
            "on_time_original_line_count": 3,
            "received_line_count": 5,
            "lead_line_count": 5,
            "price_line_count": 5,
            "revision_count": 1,
            "slip_count": 1,
            "contact_count": 4,
            "outgoing_contact_count": 2,
            "answered_count": 2,
            "unanswered_count": 0,
            "suggested_delay": 25,
        }
        self.assertEqual({k: march[k] for k in expected_counts}, expected_counts)
        expected_rates = {
            "on_time_rate": 4 / 6 * 100,
            "on_time_qty_rate": (1 + 0.4 + 1 + 0 + 1 + 1) / 6 * 100,
            "on_time_original_rate": 3 / 6 * 100,
            "on_time_original_qty_rate": (1 + 0.4 + 0 + 0 + 1 + 1) / 6 * 100,
            "fill_rate": 5 / 6 * 100,
            "lead_time_avg": (5 + 13 + 15 + 25 + 29) / 5,
            "pricelist_delay_avg": 5.0,
            "lead_time_gap": (5 + 13 + 15 + 25 + 29) / 5 - 5,
            "price_variance": (550 - 540) / 540 * 100,
            "response_time_avg": (30 + 0) / 2,
        }
        for key, value in expected_rates.items():
            self.assertAlmostEqual(march[key], value, places=6, msg=key)
        self.assertEqual(march["vendor"], "Scorecard Vendor")

    def test_over_delivery_never_exceeds_100(self):
        self.cards._refresh()
        april = self._api()["2024-04"]
        self.assertEqual(april["line_count"], 1)
        for key in (
            "on_time_rate",
            "on_time_qty_rate",
            "on_time_original_rate",
            "on_time_original_qty_rate",
            "fill_rate",
        ):
            self.assertEqual(april[key], 100.0, key)
        self.assertEqual(april["lead_time_avg"], 36.0)
        self.assertEqual(april["suggested_delay"], 36)
        self.assertEqual(april["price_variance"], 0.0)
        # Odoo's own on-time rate compares move quantities in the purchase unit
        # with ordered quantities in the product unit: not ours (dozen line).
        self.assertEqual(self.l6.product_uom_qty, 12)

    def test_no_data_is_null_not_100(self):
        self.cards._refresh()
        may = self._api()["2024-05"]
        self.assertEqual(may["line_count"], 0)
        self.assertEqual(may["unanswered_count"], 1)
        for key in (
            "on_time_rate",
            "on_time_qty_rate",
            "on_time_original_rate",
            "fill_rate",
            "lead_time_avg",
            "suggested_delay",
            "price_variance",
            "response_time_avg",
        ):
            self.assertIs(may[key], False, key)
        card = self.cards.search([("partner_id", "=", self.vendor.id), ("date_month", "=", "2024-05-01")])
        self.assertEqual(card.data_status, "no_data")
        self.env.cr.execute(
            "SELECT on_time_rate IS NULL, fill_rate IS NULL FROM prod_planning_vendor_scorecard WHERE id = %s",
            [card.id],
        )
        self.assertEqual(self.env.cr.fetchone(), (True, True))
        # Months without any activity have no scorecard at all.
        self.assertNotIn("2024-02", self._api())
        # Grouped views (pivot, graph) count no line for the months without data.
        [group] = self.cards.read_group([("partner_id", "=", self.vendor.id)], ["on_time_rate:avg"], [])
        self.assertAlmostEqual(group["on_time_rate"], (4 + 1) / (6 + 1) * 100)

    def test_grouped_rates_are_computed_over_all_lines(self):
        """A vendor's rates over March (6 lines) and April (1 line) are those of
        its 7 lines, not the mean of the two months' rates."""
        self.cards._refresh()
        measures = {
            "on_time_rate": (4 + 1) / 7 * 100,
            "on_time_qty_rate": (4.4 + 1) / 7 * 100,
            "on_time_original_rate": (3 + 1) / 7 * 100,
            "on_time_original_qty_rate": (3.4 + 1) / 7 * 100,
            "fill_rate": (5 + 1) / 7 * 100,
            "lead_time_avg": (5 + 13 + 15 + 25 + 29 + 36) / 6,
            "pricelist_delay_avg": 5.0,
            "lead_time_gap": (5 + 13 + 15 + 25 + 29 + 36) / 6 - 5,
            "price_variance": (550 + 150 - 540 - 150) / (540 + 150) * 100,
            "response_time_avg": (30 + 0) / 2,
        }
        [group] = self.cards.read_group(
            [("partner_id", "=", self.vendor.id)],
            [f"{name}:avg" for name in measures] + ["suggested_delay:max"],
            ["partner_id"],
        )
        self.assertEqual(group["partner_id_count"], 3)
        for name, value in measures.items():
            self.assertAlmostEqual(group[name], value, places=6, msg=name)
        self.assertEqual(group["suggested_delay"], 36)
        # Grouped by quarter, April-June holds April's figures alone.
        groups = self.cards.read_group(
            [("partner_id", "=", self.vendor.id)], ["on_time_rate:avg", "response_time_avg:avg"], ["date_month:quarter"]
        )
        by_quarter = {group["date_month:quarter"]: group for group in groups}
        self.assertEqual(len(by_quarter), 2)
        q2 = next(g for key, g in by_quarter.items() if key.startswith("Q2"))
        self.assertEqual(q2["on_time_rate"], 100.0)
        self.assertIsNone(q2["response_time_avg"])

    def test_refresh_is_idempotent_and_scoped_to_its_period(self):
        self.cards._refresh()
        domain = [("partner_id", "=", self.vendor.id)]
        first = self.cards.search(domain)
        self.assertEqual(len(first), 3)
        self.cards._refresh()
        self.assertEqual(self.cards.search_count(domain), 3)
        # Rebuilding April only leaves March and May as they are.
        march = self.cards.search(domain + [("date_month", "=", "2024-03-01")])
        self.cards._refresh(date_from="2024-04-01", date_to="2024-04-30")
        self.assertTrue(march.exists())
        self.assertEqual(self.cards.search_count(domain), 3)
        # New facts show after the next refresh only (stored, not computed on read).
        self._receive(self.l4, 10, "2024-05-10")
        self.assertAlmostEqual(self._api()["2024-03"]["fill_rate"], 5 / 6 * 100)
        self.assertAlmostEqual(self._api(refresh=True)["2024-03"]["fill_rate"], 100.0)

    def test_scheduled_action_and_button(self):
        cron = self.env.ref("prod_planning.ir_cron_prod_planning_vendor_scorecard")
        self.assertEqual(cron.code, "model._cron_refresh(months=24)")
        result = self.cards._cron_refresh(months=24)
        self.assertGreaterEqual(result["rows"], 3)
        self.cards.search([], limit=1).action_refresh()
        self.assertEqual(self.cards.search_count([("partner_id", "=", self.vendor.id)]), 3)
        self.assertEqual(
            self.vendor.prod_planning_scorecard_ids.mapped("date_month"),
            [date(2024, 5, 1), date(2024, 4, 1), date(2024, 3, 1)],
        )

    def test_bad_period(self):
        with self.assertRaisesRegex(UserError, "is after"):
            self.cards.get_scorecards("2024-05-01", "2024-01-01")
        with self.assertRaisesRegex(UserError, "YYYY-MM-DD"):
            self.cards.get_scorecards("May 2024", "2024-06-01")
