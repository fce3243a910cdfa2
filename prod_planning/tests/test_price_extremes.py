"""Extreme values: prices and quantities are finite and bounded; one extreme
price or one broken rule never stops the other alert rules."""

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common_price import PriceCase


@tagged("post_install", "-at_install")
class TestPriceExtremes(PriceCase):
    def _set_price_by_sql(self, observation, price):
        """What a bad feed, an old import or a hand-made UPDATE leaves behind."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE prod_planning_price_observation SET price = %s, normalized_price = %s WHERE id = %s",
            [price, price, observation.id],
        )
        observation.invalidate_recordset()

    def test_extreme_observation_does_not_stop_other_rules(self):
        # Before: (1e306 - 0.01) * 100 / 0.01 overflowed float8 in PostgreSQL, and
        # all rules ran in one transaction: no rule raised any alert.
        self._observe(self.steel, 0.01, days_ago=20)
        extreme = self._observe(self.steel, 1.0, days_ago=2)
        self._set_price_by_sql(extreme, 1e306)
        self._observe(self.paint, 1.0, days_ago=20)
        jump = self._observe(self.paint, 2.0, days_ago=2)
        for rule_type in ("previous", "moving_average", "threshold"):
            with self.subTest(rule_type=rule_type):
                metals = self._create_rule(
                    name=f"Metals {rule_type}",
                    categ_id=self.categ_metal.id,
                    rule_type=rule_type,
                    max_price=5.0 if rule_type == "threshold" else 0.0,
                    sequence=1,
                )
                paint = self._create_rule(name=f"Paint {rule_type}", categ_id=self.categ_other.id, sequence=2)
                alerts = (metals | paint)._evaluate()
                self.assertEqual(alerts.filtered(lambda a, rule=paint: a.rule_id == rule).observation_id, jump)
                self.assertNotIn(extreme, alerts.observation_id)
                self.assertTrue(metals.last_evaluation)
                (metals | paint).active = False

    def test_failing_rule_is_skipped_in_its_savepoint(self):
        self._observe(self.paint, 1.0, days_ago=20)
        jump = self._observe(self.paint, 2.0, days_ago=2)
        broken = self._create_rule(
            name="Broken", categ_id=self.categ_metal.id, rule_type="moving_average", lookback_days=7, sequence=1
        )
        # A window no date arithmetic can hold, written past the constraint.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE prod_planning_price_alert_rule SET window_days = 999999999 WHERE id = %s", [broken.id]
        )
        broken.invalidate_recordset()
        paint = self._create_rule(name="Paint", categ_id=self.categ_other.id, sequence=2)
        failed = []
        with self.assertLogs("odoo.addons.prod_planning.models.prod_planning_price_alert_rule", "WARNING"):
            alerts = (broken | paint)._evaluate(failed=failed)
        self.assertEqual(alerts.observation_id, jump)
        self.assertEqual(failed, ["Broken"])
        self.assertFalse(broken.last_evaluation)
        self.assertTrue(paint.last_evaluation)

    def test_window_days_bounded(self):
        with self.assertRaisesRegex(ValidationError, "out of range"):
            self._create_rule(rule_type="moving_average", window_days=100000)

    def test_observation_price_and_quantity_finite_and_bounded(self):
        for field in ("price", "quantity"):
            for value in (float("inf"), float("-inf"), float("nan"), 1e300, 1.5e12):
                values = {"price": 1.0, "quantity": 1.0, field: value}
                with self.subTest(field=field, value=value), self.assertRaises(ValidationError):
                    self._observe(self.steel, values.pop("price"), **values)
        observation = self._observe(self.steel, 1.0)
        with self.assertRaises(ValidationError):
            observation.write({"price": float("nan")})
        self.assertAlmostEqual(self._observe(self.steel, 1e12, days_ago=1).price, 1e12, places=2)

    def test_import_refuses_extreme_rows_and_keeps_the_others(self):
        results = self.Observation.import_observations(
            [
                {"product_code": "T-STEEL", "price": 1e304, "date": str(self.today)},
                {"product_code": "T-STEEL", "price": "inf", "date": str(self.today)},
                {"product_code": "T-STEEL", "price": 2.0, "quantity": float("nan"), "date": str(self.today)},
                {"product_code": "T-STEEL", "price": 2.0, "date": "0001-01-01"},
                {"product_code": "T-STEEL", "price": 2.0, "date": 20240101},
                {"product_code": "T-PAINT", "price": 2.0, "date": str(self.today)},
            ]
        )
        self.assertEqual([r["status"] for r in results], ["error"] * 5 + ["created"])
        self.assertIn("beyond 1e+12", results[0]["message"])
        self.assertIn("not a finite number", results[1]["message"])
        self.assertIn("not a finite number", results[2]["message"])
        self.assertIn("out of range", results[3]["message"])
        self.assertIn("not a date", results[4]["message"])

    def test_records_refuse_infinite_and_huge_amounts(self):
        # Before: infinity and NaN failed in Odoo's rounding (OverflowError,
        # ValueError) and 1e300 was stored.
        cases = [
            ("prod.planning.forecast", "quantity"),
            ("prod.planning.order", "quantity"),
            ("prod.planning.parameter", "safety_stock"),
            ("prod.planning.price.alert.rule", "max_price"),
            ("prod.planning.price.index.product", "factor"),
            ("prod.planning.vendor.contact", "new_price"),
        ]
        for model, field in cases:
            for value in (float("inf"), float("nan"), 1e300):
                with self.subTest(model=model, value=value), self.assertRaisesRegex(ValidationError, "finite number"):
                    self.env[model].create({field: value})
