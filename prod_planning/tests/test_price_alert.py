"""Alert rules: SQL evaluation, activities for buyers, no duplicates, digest."""

import random
from contextlib import closing

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..engine import prices
from .common_price import PriceCase

# Random price series: (days ago, price in cents, vendor). Prices in cents
# around 1.00 and round thresholds make exact-threshold changes (1.00 ->
# 1.10 against 10 %) and equal prices frequent.
OBSERVATIONS = st.lists(
    st.tuples(st.integers(0, 45), st.integers(80, 130), st.sampled_from(("market", "vendor_a", "vendor_b"))),
    min_size=1,
    max_size=14,
)
# The vendor pricelist of vendor A: its price today, then prices on past days.
PRICELIST = st.tuples(st.integers(80, 130), st.dictionaries(st.integers(1, 45), st.integers(80, 130), max_size=4))
PERCENT_RULES = st.fixed_dictionaries(
    {
        "type": st.sampled_from(("previous", "moving_average", "pricelist")),
        "threshold": st.sampled_from((0, 2.5, 5, 10, 20)),
        "direction": st.sampled_from(("up", "down", "both")),
        "window_days": st.integers(1, 20),
    }
)
BOUND_RULES = st.fixed_dictionaries(
    {
        "type": st.just("threshold"),
        "min_price": st.sampled_from((0, 0.9, 1.0)),
        "max_price": st.sampled_from((0, 1.1, 1.2)),
    }
).filter(lambda rule: rule["min_price"] or rule["max_price"])


def rule_values(spec):
    """The values of an alert rule defined like the engine's rule ``spec``."""
    return {
        "rule_type": spec["type"],
        "threshold_percent": spec.get("threshold", 0),
        "direction": spec.get("direction", "up"),
        "window_days": spec.get("window_days", 30),
        "min_price": spec.get("min_price", 0),
        "max_price": spec.get("max_price", 0),
    }


@tagged("post_install", "-at_install")
class TestPriceAlert(PriceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Alert = cls.env["prod.planning.price.alert"]
        cls.engine = prices
        cls.activity_type = cls.env.ref("prod_planning.mail_activity_type_price_alert")

    def test_previous_price_rule_raises_each_alert_once(self):
        self._observe(self.steel, 1.00, days_ago=20)
        self._observe(self.steel, 1.05, days_ago=10)
        jump = self._observe(self.steel, 1.20, days_ago=2)
        self._observe(self.paint, 1.0, days_ago=20)  # another category
        self._observe(self.paint, 2.0, days_ago=2)
        rule = self._create_rule(threshold_percent=10)
        alerts = rule._evaluate()
        self.assertEqual(alerts.observation_id, jump)
        self.assertEqual(alerts.product_id, self.steel)
        self.assertEqual(alerts.rule_type, "previous")
        self.assertAlmostEqual(alerts.old_price, 1.05)
        self.assertAlmostEqual(alerts.new_price, 1.2)
        self.assertAlmostEqual(alerts.change_percent, 14.29, places=2)
        self.assertEqual(alerts.user_id, self.planner)
        self.assertEqual(alerts.state, "new")
        self.assertIn("+14.3%", alerts.display_name)
        self.assertEqual(alerts.activity_ids.user_id, self.planner)
        self.assertEqual(alerts.activity_ids.activity_type_id, self.activity_type)
        # Re-evaluating the same data raises nothing new.
        self.assertFalse(rule._evaluate())
        self.assertFalse(self.env["prod.planning.price.alert.rule"]._cron_evaluate_rules())
        self.assertEqual(self.Alert.search_count([("rule_id", "=", rule.id)]), 1)
        self.assertEqual(len(alerts.activity_ids), 1)
        self.assertEqual(rule.alert_count, 1)
        self.assertTrue(rule.last_evaluation)

    def test_alerts_and_their_activities_in_the_activity_view(self):
        self.assertActionViews(
            "prod_planning.prod_planning_price_alert_action",
            {"activity": "prod_planning.prod_planning_price_alert_view_activity"},
        )

    def test_direction_and_lookback(self):
        self._observe(self.screw, 0.10, days_ago=12)
        drop = self._observe(self.screw, 0.08, days_ago=10)
        self.assertFalse(self._create_rule(direction="up")._evaluate())
        self.assertEqual(self._create_rule(direction="down")._evaluate().observation_id, drop)
        self.assertFalse(self._create_rule(direction="both", lookback_days=7)._evaluate())
        self.assertTrue(self._create_rule(direction="both", lookback_days=11)._evaluate())
        # Exactly 20 % is not "more than 20 %".
        self.assertFalse(self._create_rule(direction="down", threshold_percent=20)._evaluate())

    def test_moving_average_rule(self):
        for days_ago, price in ((30, 1.0), (20, 1.1), (10, 1.2)):
            self._observe(self.tube, price, days_ago=days_ago)
        last = self._observe(self.tube, 1.3, days_ago=1)
        rule = self._create_rule(rule_type="moving_average", window_days=25, threshold_percent=10)
        alerts = rule._evaluate()
        self.assertEqual(len(alerts), 2)
        alert = alerts.filtered(lambda a: a.observation_id == last)
        # Average of the 25 days before: (1.1 + 1.2) / 2 = 1.15 -> +13.04 %
        self.assertAlmostEqual(alert.old_price, 1.15)
        self.assertAlmostEqual(alert.change_percent, 13.04, places=2)
        # 10 days ago: (1.0 + 1.1) / 2 = 1.05 -> +14.3 %; 20 days ago: 1.0 ->
        # exactly +10 %, which is not more than 10 %.
        self.assertAlmostEqual((alerts - alert).old_price, 1.05)
        # Against the previous price the move is only +8.3 %.
        self.assertFalse(self._create_rule(threshold_percent=10)._evaluate())

    def test_pricelist_rule(self):
        self._add_vendor(self.steel, self.vendor_a, 1.0)
        self._add_vendor(self.steel, self.vendor_a, 0.9, min_qty=500)  # a break
        above = self._create_purchase(self.vendor_a, [(self.steel, 10, 1.08)])
        above.button_confirm()
        # vendor B becomes a seller at its PO price: no difference
        self._create_purchase(self.vendor_b, [(self.steel, 10, 5.0)]).button_confirm()
        market = self._observe(self.steel, 1.2)
        rule = self._create_rule(rule_type="pricelist", threshold_percent=5)
        alerts = rule._evaluate()
        by_source = {alert.source: alert for alert in alerts}
        self.assertEqual(set(by_source), {"purchase", "manual"})
        self.assertEqual(by_source["purchase"].partner_id, self.vendor_a)
        self.assertAlmostEqual(by_source["purchase"].old_price, 1.0)
        self.assertAlmostEqual(by_source["purchase"].change_percent, 8.0)
        self.assertEqual(by_source["manual"].observation_id, market)
        self.assertAlmostEqual(by_source["manual"].old_price, 1.0)

    def test_threshold_rule(self):
        low = self._observe(self.steel, 0.8, days_ago=3)
        self._observe(self.steel, 1.0, days_ago=2)
        high = self._observe(self.steel, 1.6, days_ago=1)
        rule = self._create_rule(rule_type="threshold", min_price=0.9, max_price=1.5)
        alerts = rule._evaluate()
        self.assertEqual(alerts.observation_id, low | high)
        self.assertAlmostEqual(alerts.filtered(lambda a: a.observation_id == high).old_price, 1.0)
        only_max = self._create_rule(rule_type="threshold", max_price=1.5)
        self.assertEqual(only_max._evaluate().observation_id, high)

    def test_product_and_index_rules(self):
        self._observe(self.tube, 4.0, days_ago=5)
        self._observe(self.tube, 5.0, days_ago=1)
        self._observe(self.steel, 1.0, days_ago=5)
        self._observe(self.steel, 2.0, days_ago=1)
        rule = self._create_rule(scope="product", product_id=self.tube.id)
        self.assertEqual(rule._evaluate().product_id, self.tube)
        observations = self.Observation.create(
            [
                {"index_id": self.steel_index.id, "price": 800, "date": self._days_ago(9)},
                {"index_id": self.steel_index.id, "price": 900, "date": self._days_ago(2)},
            ]
        )
        index_rule = self._create_rule(scope="index", index_id=self.steel_index.id)
        alert = index_rule._evaluate()
        self.assertEqual(alert.observation_id, observations[1])
        self.assertEqual(alert.index_id, self.steel_index)
        self.assertFalse(alert.product_id)
        self.assertIn("Test Steel Index", alert.display_name)
        self.assertAlmostEqual(alert.change_percent, 12.5)

    def test_sql_evaluation_matches_the_engine(self):
        generator = random.Random(4)
        series = {}
        for product in (self.steel, self.tube, self.screw):
            days = sorted(generator.sample(range(1, 150), 40), reverse=True)
            price = 10.0
            vals = []
            for days_ago in days:
                price = max(0.5, price * (1 + generator.uniform(-0.08, 0.09)))
                vals.append(
                    {
                        "product_id": product.id,
                        "price": round(price, 4),
                        "date": self._days_ago(days_ago),
                        "source": "import",
                    }
                )
            observations = self.Observation.create(vals)
            series[product] = [
                {"id": o.id, "date": o.date, "price": o.normalized_price}
                for o in observations.sorted(lambda o: (o.date, o.id))
            ]
        rules = [
            {"type": "previous", "threshold": 5, "direction": "both"},
            {"type": "previous", "threshold": 6, "direction": "down"},
            {"type": "moving_average", "threshold": 4, "direction": "up", "window_days": 14},
            {"type": "threshold", "min_price": 8.0, "max_price": 12.0},
        ]
        # The whole history, then the last 60 days (history before serves as
        # reference only: the previous price is looked up per series).
        for lookback in (0, 60):
            date_from = self._days_ago(lookback - 1) if lookback else None
            for spec in rules:
                rule = self._create_rule(**rule_values(spec), lookback_days=lookback)
                alerts = rule._evaluate()
                expected = {}
                for points in series.values():
                    for alert in self.engine.evaluate_series(points, spec, date_from):
                        expected[alert["id"]] = alert
                self.assertTrue(expected, spec)
                self.assertEqual(set(alerts.observation_id.ids), set(expected), (lookback, spec))
                for alert in alerts:
                    reference = expected[alert.observation_id.id]["old"]
                    if reference is None:
                        self.assertFalse(alert.old_price)
                    else:
                        self.assertAlmostEqual(alert.old_price, reference, places=4)

    def test_buyer_falls_back_to_vendor_buyer_then_product_responsible(self):
        buyer = self.planning_manager
        self.vendor_a.buyer_id = buyer
        self.steel.product_tmpl_id.with_company(self.company).responsible_id = self.planner
        self._observe(self.steel, 1.0, days_ago=3, partner=self.vendor_a)
        from_vendor = self._observe(self.steel, 2.0, days_ago=2, partner=self.vendor_a)
        self._observe(self.steel, 1.0, days_ago=3)
        market = self._observe(self.steel, 2.0, days_ago=2)
        alerts = self._create_rule(user_id=False)._evaluate()
        buyers = {alert.observation_id: alert.user_id for alert in alerts}
        self.assertEqual(buyers, {from_vendor: buyer, market: self.planner})

    def test_daily_digest(self):
        self._observe(self.steel, 1.0, days_ago=3)
        self._observe(self.steel, 1.3, days_ago=2)
        self._observe(self.paint, 2.0, days_ago=3)
        self._observe(self.paint, 3.0, days_ago=2)
        self._create_rule()._evaluate()
        self._create_rule(categ_id=self.categ_other.id, user_id=self.planning_manager.id)._evaluate()
        mails_before = self.env["mail.mail"].search([])
        self.Alert._cron_send_digest()
        buyers = self.planner.partner_id | self.planning_manager.partner_id
        mails = (self.env["mail.mail"].search([]) - mails_before).filtered(lambda m: m.recipient_ids & buyers)
        self.assertEqual(len(mails), 2)
        self.assertEqual(len(mails.recipient_ids), 2)
        to_planner = mails.filtered(lambda m: self.planner.partner_id in m.recipient_ids)
        self.assertIn("Test Steel Sheet", to_planner.body_html)
        self.assertIn("+30.0 %", to_planner.body_html)
        self.assertNotIn("Test Paint", to_planner.body_html)
        self.assertIn("Raw-material price alerts", to_planner.subject)
        self.assertTrue(all(self.Alert.search([]).mapped("digest_sent")))
        mails_after = self.env["mail.mail"].search([])
        self.Alert._cron_send_digest()
        self.assertEqual(self.env["mail.mail"].search([]), mails_after)

    def test_buyer_acknowledges(self):
        self._observe(self.steel, 1.0, days_ago=3)
        self._observe(self.steel, 1.3, days_ago=2)
        alert = self._create_rule()._evaluate().with_user(self.planner)
        alert.action_acknowledge()
        self.assertEqual(alert.state, "acknowledged")
        self.assertFalse(alert.activity_ids)
        alert.action_reopen()
        self.assertEqual(alert.state, "new")

    def test_alerts_for_integrators(self):
        self._observe(self.steel, 1.0, days_ago=3)
        self._observe(self.steel, 1.3, days_ago=2)
        rule = self._create_rule(name="Steel watch")
        rule._evaluate()
        rows = self.Alert.get_alerts(date_from=str(self._days_ago(5)), state="new")
        row = next(r for r in rows if r["rule"] == "Steel watch")
        self.assertEqual(row["product_code"], "T-STEEL")
        self.assertAlmostEqual(row["change_percent"], 30.0)
        self.assertEqual(row["buyer"], "test_planner")

    def test_invalid_rules_name_the_rule_and_the_fix(self):
        with self.assertRaisesRollback(ValidationError, "Rule P applies to a product"):
            self._create_rule(name="Rule P", scope="product")
        with self.assertRaisesRollback(ValidationError, "Rule T: give a minimum price"):
            self._create_rule(name="Rule T", rule_type="threshold")
        with self.assertRaisesRollback(ValidationError, "must be above the minimum"):
            self._create_rule(name="Rule M", rule_type="threshold", min_price=5, max_price=2)
        with self.assertRaisesRollback(ValidationError, "apply it to products"):
            self._create_rule(name="Rule I", scope="index", index_id=self.steel_index.id, rule_type="pricelist")


@tagged("post_install", "-at_install")
class TestPriceAlertSqlAgainstEngine(PriceCase):
    """The rules are defined twice: in SQL (prod.planning.price.alert.rule,
    for speed over millions of observations) and in the engine
    (evaluate_series, the reference). On random series and rule parameters,
    both raise the same alerts with the same reference prices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.engine = prices

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        observations=OBSERVATIONS,
        pricelist=PRICELIST,
        spec=st.one_of(PERCENT_RULES, BOUND_RULES),
        lookback=st.sampled_from((0, 1, 10, 30)),
    )
    def test_sql_and_engine_raise_the_same_alerts(self, observations, pricelist, spec, lookback):
        # Each example in a savepoint rolled back at its end.
        with closing(self.env.cr.savepoint()):
            self._store_series(observations, pricelist)
            rule = self._create_rule(
                **rule_values(spec), scope="product", product_id=self.steel.id, lookback_days=lookback
            )
            expected = self._engine_alerts(spec, rule._evaluate_date_from(None))
            alerts = rule._evaluate()
            self.assertEqual(set(alerts.observation_id.ids), set(expected), spec)
            for alert in alerts:
                reference = expected[alert.observation_id.id]
                self.assertAlmostEqual(alert.new_price, reference["new"], places=6)
                if reference["old"] is None:
                    self.assertFalse(alert.old_price)
                else:
                    self.assertAlmostEqual(alert.old_price, reference["old"], places=4)

    def _store_series(self, observations, pricelist):
        vendors = {"market": False, "vendor_a": self.vendor_a.id}
        vendors["vendor_b"] = self.vendor_b.id
        today_price, past_prices = pricelist
        # Creating the pricelist line observes its price today.
        info = self._add_vendor(self.steel, self.vendor_a, today_price / 100)
        vals_list = [
            {
                "product_id": self.steel.id,
                "price": price / 100,
                "date": self._days_ago(days_ago),
                "source": "pricelist",
                "partner_id": self.vendor_a.id,
                "supplierinfo_id": info.id,
            }
            for days_ago, price in past_prices.items()
        ]
        vals_list += [
            {
                "product_id": self.steel.id,
                "price": price / 100,
                "date": self._days_ago(days_ago),
                "source": "manual",
                "partner_id": vendors[vendor],
            }
            for days_ago, price, vendor in observations
        ]
        self.Observation.create(vals_list)

    def _engine_alerts(self, spec, date_from):
        """The engine's alerts on every series of the product, by id."""
        stored = self._observations(self.steel).sorted(lambda o: (o.date, o.id))
        pricelist = [(o.date, o.normalized_price) for o in stored if o.source == "pricelist"]
        series = {}
        for observation in stored:
            reference = None
            if observation.partner_id in (self.vendor_a, self.env["res.partner"]):
                # The only pricelist line is vendor A's: its latest price.
                latest = self.engine.latest_on_or_before(pricelist, observation.date)
                reference = latest[1] if latest else None
            key = (observation.partner_id, observation.supplierinfo_id)
            series.setdefault(key, []).append(
                {
                    "id": observation.id,
                    "date": observation.date,
                    "price": observation.normalized_price,
                    "source": observation.source,
                    "pricelist": reference,
                }
            )
        return {
            alert["id"]: alert
            for points in series.values()
            for alert in self.engine.evaluate_series(points, spec, date_from)
        }
