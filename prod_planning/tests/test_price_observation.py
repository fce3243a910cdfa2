"""Price history: capture from purchases and pricelists, imports, normalisation."""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from ..engine import prices as price_engine
from .common_price import PriceCase


@tagged("post_install", "-at_install")
class TestPriceObservation(PriceCase):
    def test_purchase_confirmation_captures_normalised_prices(self):
        order = self._create_purchase(
            self.vendor_a, [(self.screw, 10, 0.9, self.uom_dozen), (self.steel, 200, 1.5)], currency=self.other_currency
        )
        order.order_line[1].discount = 10
        self.assertFalse(self._observations(self.screw, source="purchase"))
        order.button_confirm()
        screw = self._observations(self.screw, source="purchase")
        self.assertEqual(len(screw), 1)
        self.assertEqual(screw.partner_id, self.vendor_a)
        self.assertEqual(screw.purchase_order_id, order)
        self.assertEqual(screw.reference, order.name)
        # The original is kept: 0.90 in the other currency per dozen...
        self.assertAlmostEqual(screw.price, 0.9)
        self.assertEqual(screw.currency_id, self.other_currency)
        self.assertEqual(screw.uom_id, self.uom_dozen)
        self.assertEqual(screw.quantity, 10)
        # ...and normalised: 0.90 x 2 / 12 = 0.15 company currency per unit.
        self.assertAlmostEqual(screw.normalized_price, 0.15)
        self.assertEqual(screw.normalized_uom_id, self.uom_unit)
        steel = self._observations(self.steel, source="purchase")
        self.assertAlmostEqual(steel.price, 1.35)  # 10 % discount
        self.assertAlmostEqual(steel.normalized_price, 2.7)

    def test_confirming_again_updates_instead_of_duplicating(self):
        order = self._create_purchase(self.vendor_a, [(self.steel, 100, 1.2)])
        order.button_confirm()
        order.button_cancel()
        order.button_draft()
        order.order_line.price_unit = 1.3
        order.button_confirm()
        observation = self._observations(self.steel, source="purchase")
        self.assertEqual(len(observation), 1)
        self.assertAlmostEqual(observation.price, 1.3)

    def test_rfq_is_not_a_price(self):
        self._create_purchase(self.vendor_a, [(self.steel, 100, 1.2)])
        self.assertFalse(self._observations(self.steel, source="purchase"))

    def test_vendor_pricelist_creation_and_price_change(self):
        with freeze_time(self.today):
            info = self._add_vendor(self.tube, self.vendor_b, 4.5)
            first = self._observations(self.tube, source="pricelist")
            self.assertEqual(len(first), 1)
            self.assertEqual(first.supplierinfo_id, info)
            self.assertEqual(first.partner_id, self.vendor_b)
            self.assertAlmostEqual(first.normalized_price, 4.5)
            # A change the same day updates that day's observation.
            info.price = 4.6
            self.assertEqual(self._observations(self.tube, source="pricelist"), first)
            self.assertAlmostEqual(first.price, 4.6)
            # A change of something else is not a price.
            info.delay = 12
            self.assertEqual(len(self._observations(self.tube, source="pricelist")), 1)
        with freeze_time(self._days_ago(-3)):
            info.price = 4.9
        history = self._observations(self.tube, source="pricelist")
        self.assertEqual(len(history), 2)
        self.assertEqual(history.mapped("price"), [4.9, 4.6])

    def test_pricelist_in_purchase_unit(self):
        info = self._add_vendor(self.screw, self.vendor_a, 0.6)  # per dozen
        observation = self._observations(self.screw, supplierinfo_id=info.id)
        self.assertEqual(observation.uom_id, self.uom_dozen)
        self.assertAlmostEqual(observation.normalized_price, 0.05)

    def test_import_is_idempotent(self):
        row = {"product_code": "T-STEEL", "vendor": "Test Vendor A", "price": 1.1, "date": "2025-03-01"}
        first = self.Observation.import_observations([row])
        self.assertEqual(first[0]["status"], "created", first)
        again = self.Observation.import_observations([dict(row, price=1.2)])
        self.assertEqual(again[0]["status"], "updated")
        self.assertEqual(again[0]["id"], first[0]["id"])
        observation = self.Observation.browse(first[0]["id"])
        self.assertAlmostEqual(observation.price, 1.2)
        self.assertEqual(observation.source, "import")
        # Another vendor or another day is another observation.
        other = self.Observation.import_observations([dict(row, vendor="Test Vendor B"), dict(row, date="2025-03-02")])
        self.assertEqual([r["status"] for r in other], ["created", "created"])
        self.assertEqual(len(self._observations(self.steel)), 3)

    def test_import_keeps_valid_rows_and_explains_bad_ones(self):
        rows = [
            {"product_code": "T-STEEL", "price": 1.0, "date": "2025-01-02"},
            {"product_code": "NOPE", "price": 1.0, "date": "2025-01-02"},
            {"product_code": "T-STEEL", "price": -1, "date": "2025-01-03"},
            {"product_code": "T-STEEL", "price": "abc", "date": "2025-01-04"},
            {"product_code": "T-STEEL", "price": 1.0, "date": "02/01/2025"},
            {"product_code": "T-STEEL", "price": 1.0},
            {"product_code": "T-STEEL", "price": 1.0, "date": "2025-01-05", "uom": "m"},
            {"product_code": "T-STEEL", "price": 1, "date": "2025-01-06", "currency": "XXX"},
            {"product_code": "T-STEEL", "price": 1.0, "date": "2025-01-07", "colour": 1},
            {"product_code": "T-STEEL", "price": 1.0, "date": "2025-01-08", "vendor": "?"},
            {"price": 1.0, "date": "2025-01-09"},
            "not a dict",
            {
                "product_code": "T-SCREW",
                "price": 0.72,
                "date": "2025-01-02",
                "uom": "Dozens",
                "currency": self.other_currency.name,
                "quantity": 50,
                "reference": "quote 77",
            },
        ]
        results = self.Observation.import_observations(rows)
        self.assertEqual(len(results), len(rows))
        self.assertEqual([r["row"] for r in results], list(range(1, 14)))
        statuses = [r["status"] for r in results]
        self.assertEqual(statuses[0], "created")
        self.assertEqual(statuses[-1], "created")
        self.assertEqual(set(statuses[1:-1]), {"error"})
        messages = [r["message"] for r in results]
        self.assertIn("Unknown product code NOPE", messages[1])
        self.assertIn("negative", messages[2])
        self.assertIn("'abc' is not a number", messages[3])
        self.assertIn("YYYY-MM-DD", messages[4])
        self.assertIn("date is missing", messages[5])
        self.assertIn("cannot express a price per kg", messages[6])
        self.assertIn("Unknown currency XXX", messages[7])
        self.assertIn("Unknown field(s) colour", messages[8])
        self.assertIn("Unknown vendor ?", messages[9])
        self.assertIn("names no product", messages[10])
        self.assertIn("not a dict", messages[11])
        screw = self.Observation.browse(results[-1]["id"])
        self.assertAlmostEqual(screw.normalized_price, 0.12)  # 0.72 x 2 / 12
        self.assertEqual(screw.quantity, 50)
        self.assertEqual(screw.reference, "quote 77")

    def test_import_errors_in_the_user_language(self):
        self._translate_terms(
            "fr_FR",
            {
                "%(value)s is not a number": "%(value)s n'est pas un nombre",
                "%(error)s: correct the value.": "%(error)s : corrigez la valeur.",
            },
        )
        (result,) = self.Observation.with_context(lang="fr_FR").import_observations(
            [{"product_code": "T-STEEL", "price": "abc", "date": "2025-01-02"}]
        )
        self.assertEqual(result["status"], "error")
        self.assertEqual(result["message"], "'abc' n'est pas un nombre : corrigez la valeur.")

    def test_price_data_errors_are_worded_as_the_engine_says_them(self):
        # Every code of the price engine gets a message of its own, the same
        # in English as the engine's text (which tests and logs use).
        mapping = {"code": "sku", "price": "value"}
        today = date(2025, 1, 5)
        calls = [
            (price_engine.parse_number, "four"),
            (price_engine.parse_number, "inf"),
            (price_engine.parse_date, ""),
            (price_engine.parse_date, "3/2"),
            (price_engine.parse_json_rows, "["),
            (price_engine.parse_json_rows, '{"a": 1}', "b"),
            (price_engine.parse_json_rows, '{"a": 1}', "a"),
            (price_engine.parse_json_rows, '{"a": 1}'),
            (price_engine.parse_json_rows, "[{}, 3]"),
            (price_engine.parse_csv_rows, "sku\nA\n", ",", ("code", "price")),
            (price_engine.parse_csv_rows, "code\nA,1\n"),
            (price_engine.parse_csv_rows, 'code,price\n"A,1\n'),
            (price_engine.map_feed_rows, [{"value": 1}], mapping, today),
            (price_engine.map_feed_rows, [{"sku": "A", "value": -2}], mapping, today),
            (price_engine.map_feed_rows, [{"sku": "A", "value": "x"}], mapping, today),
        ]
        codes = set()
        for function, *args in calls:
            with self.assertRaises(price_engine.PriceDataError) as caught:
                function(*args)
            error = caught.exception
            codes.add(error.code)
            self.assertEqual(self.Observation._price_data_error_message(error), str(error))
        self.assertEqual(len(codes), 13)

    def test_same_key_twice_in_one_batch(self):
        row = {"product_code": "T-STEEL", "price": 1.0, "date": "2025-02-01"}
        results = self.Observation.import_observations([row, dict(row, price=1.4)])
        self.assertEqual([r["status"] for r in results], ["created", "updated"])
        self.assertEqual(results[0]["id"], results[1]["id"])
        self.assertAlmostEqual(self.Observation.browse(results[0]["id"]).price, 1.4)

    def test_index_values_give_linked_products_a_price(self):
        self._link_index(self.steel_index, self.steel, 1.5)  # kg, same category
        self._link_index(self.steel_index, self.tube, 0.004)  # m: t of steel per m
        results = self.Observation.import_observations(
            [{"index_code": "T-IDX-STEEL", "price": 800, "date": "2025-04-01"}]
        )
        self.assertEqual(results[0]["status"], "created", results)
        value = self.Observation.browse(results[0]["id"])
        self.assertFalse(value.product_id)
        self.assertEqual(value.uom_id, self.uom_ton)
        steel = self._observations(self.steel, source="index")
        self.assertAlmostEqual(steel.normalized_price, 1.2)  # 800 / 1000 x 1.5
        self.assertEqual(steel.index_id, self.steel_index)
        tube = self._observations(self.tube, source="index")
        self.assertAlmostEqual(tube.normalized_price, 3.2)  # 800 x 0.004
        # Re-importing the value updates the derived prices.
        self.Observation.import_observations([{"index_code": "T-IDX-STEEL", "price": 900, "date": "2025-04-01"}])
        self.assertAlmostEqual(steel.normalized_price, 1.35)
        self.assertEqual(len(self._observations(self.steel, source="index")), 1)
        # A product linked later gets the history of the index.
        self._link_index(self.steel_index, self.screw, 0.0001)
        self.assertAlmostEqual(self._observations(self.screw, source="index").normalized_price, 0.09)
        self.assertAlmostEqual(self.steel_index.latest_value, 900)

    def test_manual_index_value_and_expected_price(self):
        link = self._link_index(self.steel_index, self.steel, 2)
        self.Observation.create({"index_id": self.steel_index.id, "price": 1000, "date": self.today})
        self.assertAlmostEqual(link.expected_price, 2.0)
        self.assertAlmostEqual(self._observations(self.steel, source="index").normalized_price, 2.0)

    def test_planner_logs_manual_prices_only(self):
        env = self.env(user=self.planner)
        with Form(env["prod.planning.price.observation"]) as form:
            form.product_id = env["product.product"].browse(self.screw.id)
            self.assertEqual(form.uom_id.id, self.uom_unit.id)
            form.price = 0.07
        manual = form.save()
        self.assertEqual(manual.source, "manual")
        self.assertAlmostEqual(manual.normalized_price, 0.07)
        manual.price = 0.08
        captured = self._add_vendor(self.screw, self.vendor_a, 0.6)
        pricelist = self._observations(self.screw, supplierinfo_id=captured.id)
        with self.assertRaises(AccessError):
            pricelist.with_user(self.planner).write({"price": 0.01})
        with self.assertRaises(AccessError):
            env["prod.planning.price.observation"].create(
                {"product_id": self.screw.id, "price": 1, "source": "purchase"}
            )
        with self.assertRaises(AccessError):
            env["prod.planning.price.feed"].create({"name": "Planner feed", "url": "http://127.0.0.1/x"})
        # Managers may correct any observation.
        pricelist.with_user(self.planning_manager).write({"price": 0.61})

    def test_bad_manual_input_names_the_record_and_the_fix(self):
        with self.assertRaisesRollback(ValidationError, "names no product"):
            self.Observation.create({"price": 3, "date": "2025-01-01"})
        with self.assertRaisesRollback(
            ValidationError, "Test Steel Sheet.*per m, which cannot be converted to kg.*choose a unit"
        ):
            self._observe(self.steel, 3, uom_id=self.uom_meter.id)
        with self.assertRaisesRollback(ValidationError, "negative.*0 or more"):
            self._observe(self.steel, -3)

    def test_price_history_for_integrators(self):
        self._observe(self.steel, 1.1, days_ago=10, partner=self.vendor_a)
        self._observe(self.steel, 1.2, days_ago=1, partner=self.vendor_a)
        self._observe(self.screw, 0.06, days_ago=1)
        history = self.Observation.get_price_history(["T-STEEL"], date_from=str(self._days_ago(5)))
        self.assertEqual(len(history), 1)
        self.assertEqual(history[0]["product_code"], "T-STEEL")
        self.assertEqual(history[0]["vendor"], "Test Vendor A")
        self.assertEqual(history[0]["normalized_price"], 1.2)
        self.assertEqual(history[0]["normalized_uom"], "kg")
