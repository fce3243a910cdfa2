"""Wrong types and values on every documented RPC method: a UserError (or
ValidationError) naming the argument and the fix, and nothing written.

One test per method, a subTest per bad value. Before the argument checks
these came back as TypeError, AttributeError, psycopg2 errors or misleading
messages (or were accepted: infinity, NaN, 1e300, 'yesterday', year 0001).
"""

import datetime

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..tools import rpc_arguments
from .common import new_user
from .common_price import PriceCase

INF = float("inf")
NAN = float("nan")
# Tables that must not change when a call is refused.
TABLES = (
    "prod_planning_forecast",
    "prod_planning_run",
    "prod_planning_order",
    "prod_planning_vendor_contact",
    "prod_planning_price_observation",
    "prod_planning_price_alert",
    "prod_planning_schedule",
)
TOO_MANY = [{}] * (rpc_arguments.MAX_BATCH_ROWS + 1)


@tagged("post_install", "-at_install")
class TestRpcArguments(PriceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls._create_product("Test RPC Widget", default_code="T-RPC")
        cls.portal = new_user(cls.env, "test_rpc_portal", groups="base.group_portal")
        cls.order = cls.env["prod.planning.order"].create(
            {
                "product_id": cls.product.id,
                "warehouse_id": cls.warehouse.id,
                "company_id": cls.company.id,
                "quantity": 5,
                "supply_type": "buy",
                "release_date": "2030-01-01",
                "due_date": "2030-01-08",
            }
        )
        # Made by hand it is firm; the run's draft state is what action_firm changes.
        cls.order.state = "draft"
        cls.missing_id = 2**31 - 1

    def _state(self):
        self.env.flush_all()
        counts = []
        for table in TABLES:
            self.env.cr.execute(f"SELECT count(*), max(write_date) FROM {table}")  # noqa: S608 - constant names
            counts.append(self.env.cr.fetchone())
        return counts

    def _check_refused(self, call, cases):
        """``cases``: (label, args, kwargs, fragments the message names)."""
        for label, args, kwargs, fragments in cases:
            with self.subTest(case=label):
                before = self._state()
                with self.assertRaises(UserError) as caught:
                    call(*args, **kwargs)
                message = str(caught.exception)
                for fragment in fragments:
                    self.assertIn(fragment, message)
                self.assertEqual(self._state(), before, "nothing is written")

    def test_import_forecasts(self):
        good = {"product": "T-RPC", "date": "2027-01-01", "quantity": 5}
        Forecast = self.env["prod.planning.forecast"]
        self._check_refused(
            Forecast.import_forecasts,
            [
                ("not a list", ("rows",), {}, ["rows"]),
                ("dict", ({"product": 1},), {}, ["rows"]),
                ("list of ints", ([1, 2],), {}, ["rows"]),
                ("too many rows", (TOO_MANY,), {}, ["rows", "10000"]),
                ("product list", ([{**good, "product": [self.product.id]}],), {}, ["row 1", "product"]),
                ("product bool", ([{**good, "product": True}],), {}, ["row 1", "product"]),
                ("unknown product id", ([{**good, "product": self.missing_id}],), {}, ["row 1", "product_id"]),
                ("warehouse list", ([{**good, "warehouse": [1]}],), {}, ["row 1", "warehouse"]),
                ("quantity string", ([{**good, "quantity": "5"}],), {}, ["row 1", "quantity"]),
                ("quantity inf", ([{**good, "quantity": INF}],), {}, ["row 1", "quantity"]),
                ("quantity nan", ([{**good, "quantity": NAN}],), {}, ["row 1", "quantity"]),
                ("quantity 1e300", ([{**good, "quantity": 1e300}],), {}, ["row 1", "quantity"]),
                ("date int", ([{**good, "date": 20270101}],), {}, ["row 1", "date"]),
                ("date yesterday", ([{**good, "date": "yesterday"}],), {}, ["row 1", "date"]),
                ("date year 1", ([{**good, "date": "0001-01-01"}],), {}, ["row 1", "date"]),
                ("date 2300", ([{**good, "date": "2300-01-01"}],), {}, ["row 1", "date"]),
                ("period unknown", ([{**good, "period": "year"}],), {}, ["row 1", "period"]),
                ("period list", ([{**good, "period": ["day"]}],), {}, ["row 1", "period"]),
                ("unknown key", ([{**good, "qty": 5}],), {}, ["row 1", "qty"]),
                ("second row bad", ([good, {**good, "quantity": None}],), {}, ["row 2", "quantity"]),
            ],
        )

    def test_import_forecasts_duplicate_keys(self):
        # Before: two forecasts were created for one key (demand doubled).
        Forecast = self.env["prod.planning.forecast"]
        row = {"product": "T-RPC", "date": "2027-01-01", "quantity": 5}
        self._check_refused(
            Forecast.import_forecasts,
            [
                ("same row twice", ([row, {**row, "quantity": 7}],), {}, ["rows 1 and 2"]),
                (
                    "same key by id and code",
                    (
                        [
                            row,
                            {"product": "T-RPC", "date": "2027-02-01", "quantity": 1},
                            {**row, "product": self.product.id},
                        ],
                    ),
                    {},
                    ["rows 1 and 3"],
                ),
            ],
        )
        self.assertFalse(Forecast.search([("product_id", "=", self.product.id)]))
        result = Forecast.import_forecasts([row, {**row, "period": "week"}])
        self.assertEqual(result["created"], 2)

    def test_run_planning(self):
        Run = self.env["prod.planning.run"]
        self._check_refused(
            Run.run_planning,
            [
                ("options string", ("x",), {}, ["options"]),
                ("options list", ([1],), {}, ["options"]),
                ("unknown option", ({"horizon": 3},), {}, ["unknown options", "horizon"]),
                ("warehouse_ids int", ({"warehouse_ids": self.warehouse.id},), {}, ["warehouse_ids"]),
                ("warehouse_ids strings", ({"warehouse_ids": ["WH"]},), {}, ["warehouse_ids"]),
                ("warehouse_ids unknown", ({"warehouse_ids": [self.missing_id]},), {}, ["warehouse_ids"]),
                ("horizon string", ({"horizon_days": "90"},), {}, ["horizon_days"]),
                ("horizon float", ({"horizon_days": 1.5},), {}, ["horizon_days"]),
                ("horizon zero", ({"horizon_days": 0},), {}, ["horizon_days"]),
                ("horizon inf", ({"horizon_days": INF},), {}, ["horizon_days"]),
                ("horizon nan", ({"horizon_days": NAN},), {}, ["horizon_days"]),
            ],
        )

    def test_workbench(self):
        Workbench = self.env["prod.planning.workbench"]
        cell = {"product_id": self.product.id, "warehouse_id": self.warehouse.id, "kind": "forecast", "quantity": 1}
        day = str(datetime.date.today())
        self._check_refused(
            Workbench.set_cells,
            [
                ("cells string", ("x",), {}, ["cells"]),
                ("cells of ints", ([1],), {}, ["cells"]),
                ("too many", (TOO_MANY,), {}, ["cells", "at most"]),
                ("no date", ([cell],), {}, ["YYYY-MM-DD"]),
                ("quantity inf", ([{**cell, "date": day, "quantity": INF}],), {}, ["not a finite number"]),
                ("quantity nan", ([{**cell, "date": day, "quantity": NAN}],), {}, ["not a finite number"]),
                ("quantity bool", ([{**cell, "date": day, "quantity": True}],), {}, ["not a number"]),
                ("bad options", ([{**cell, "date": day}], {"period": "year"}), {}, ["options.period"]),
            ],
        )
        self._check_refused(
            Workbench.replenish,
            [
                ("keys string", ("x",), {}, ["keys"]),
                ("unknown key", ([{"product_id": self.product.id, "colour": 1}],), {}, ["unknown options", "colour"]),
                ("missing product", ([{"product_id": self.missing_id, "warehouse_id": 1}],), {}, ["product_id"]),
            ],
        )
        self._check_refused(
            Workbench.cell_details,
            [
                ("kind", (self.product.id, self.warehouse.id, "projected", day), {}, ["kind"]),
                ("date", (self.product.id, self.warehouse.id, "planned", "today"), {}, ["date"]),
                ("product", ("x", self.warehouse.id, "planned", day), {}, ["product_id"]),
            ],
        )

    def _record_cases(self, model):
        return [
            ("string id", (model.browse(["abc"]),), {}, ["ids"]),
            ("list id", (model.browse([(1,)]),), {}, ["ids"]),
            ("unknown id", (model.browse([self.missing_id]),), {}, ["ids", str(self.missing_id)]),
            ("no id", (model.browse(),), {}, ["ids"]),
        ]

    def test_action_firm(self):
        Order = self.env["prod.planning.order"]
        self._check_refused(lambda records: records.action_firm(), self._record_cases(Order))
        self.assertEqual(self.order.state, "draft")

    def test_release_orders(self):
        Order = self.env["prod.planning.order"]
        self._check_refused(lambda records: records.release_orders(), self._record_cases(Order))

    def test_log_contacts(self):
        Contact = self.env["prod.planning.vendor.contact"]
        good = {"vendor": self.vendor_a.id, "outcome": "confirmed"}
        self._check_refused(
            Contact.log_contacts,
            [
                ("not a list", ("rows",), {}, ["rows"]),
                ("list of ints", ([1],), {}, ["rows"]),
                ("too many rows", (TOO_MANY,), {}, ["rows", "10000"]),
                ("vendor list", ([{**good, "vendor": [self.vendor_a.id]}],), {}, ["Row 1", "vendor"]),
                ("vendor unknown", ([{**good, "vendor": self.missing_id}],), {}, ["Row 1", "vendor"]),
                ("order list", ([{**good, "purchase_order": [1]}],), {}, ["Row 1", "purchase_order"]),
                ("contact string id", ([{**good, "contact": 1.5}],), {}, ["Row 1", "contact"]),
                ("portal buyer", ([{**good, "user": self.portal.id}],), {}, ["Row 1", "internal user"]),
                ("user string", ([{**good, "user": "admin"}],), {}, ["Row 1", "user"]),
                ("user unknown", ([{**good, "user": self.missing_id}],), {}, ["Row 1", "user"]),
                ("date int", ([{**good, "date": 20240101}],), {}, ["Row 1", "date"]),
                ("date yesterday", ([{**good, "date": "yesterday"}],), {}, ["Row 1", "date"]),
                ("date year 1", ([{**good, "date": "0001-01-01 00:00:00"}],), {}, ["Row 1", "date"]),
                (
                    "promised date int",
                    ([{**good, "outcome": "new_date", "new_promised_date": 20300101}],),
                    {},
                    ["Row 1", "new_promised_date"],
                ),
                (
                    "new price inf",
                    ([{**good, "outcome": "price_change", "new_price": INF}],),
                    {},
                    ["Row 1", "new_price"],
                ),
                (
                    "new price string",
                    ([{**good, "outcome": "price_change", "new_price": "5"}],),
                    {},
                    ["Row 1", "new_price"],
                ),
                ("channel unknown", ([{**good, "channel": "fax"}],), {}, ["Row 1", "channel"]),
                ("unknown key", ([{**good, "buyer": 1}],), {}, ["Row 1", "buyer"]),
            ],
        )

    def test_log_contacts_caps_errors(self):
        rows = [{"vendor": self.missing_id, "outcome": "confirmed"}] * (rpc_arguments.MAX_ERRORS + 20)
        with self.assertRaises(UserError) as caught:
            self.env["prod.planning.vendor.contact"].log_contacts(rows)
        message = str(caught.exception)
        self.assertIn(f"Row {rpc_arguments.MAX_ERRORS}:", message)
        self.assertNotIn(f"Row {rpc_arguments.MAX_ERRORS + 1}:", message)
        self.assertIn("and 20 more errors", message)
        # Each row's error is cut short, whatever the row quotes.
        rows = [{"vendor": "x" * 5000, "outcome": "confirmed"}] * 3
        with self.assertRaises(UserError) as caught:
            self.env["prod.planning.vendor.contact"].log_contacts(rows)
        self.assertLess(len(str(caught.exception)), 3 * (rpc_arguments.MAX_ERROR_LENGTH + 20) + 200)

    def test_get_queue(self):
        Queue = self.env["prod.planning.expediting"]
        self._check_refused(
            Queue.get_queue,
            [
                ("options string", ("x",), {}, ["options"]),
                ("unknown option", ({"vendor": 1},), {}, ["unknown options", "vendor"]),
                ("limit negative", ({"limit": -1},), {}, ["options.limit"]),
                ("limit string", ({"limit": "5"},), {}, ["options.limit"]),
                ("limit float", ({"limit": 2.5},), {}, ["options.limit"]),
                ("limit inf", ({"limit": INF},), {}, ["options.limit"]),
                ("vendor_ids int", ({"vendor_ids": self.vendor_a.id},), {}, ["options.vendor_ids"]),
                ("vendor_ids unknown", ({"vendor_ids": [self.missing_id]},), {}, ["options.vendor_ids"]),
                ("reasons string", ({"reasons": "late"},), {}, ["options.reasons"]),
                ("reasons unknown", ({"reasons": ["slow"]},), {}, ["options.reasons"]),
                ("refresh string", ({"refresh": "yes"},), {}, ["options.refresh"]),
            ],
        )

    def test_get_scorecards(self):
        Cards = self.env["prod.planning.vendor.scorecard"]
        self._check_refused(
            Cards.get_scorecards,
            [
                ("date int", (20240101, "2024-12-31"), {}, ["date_from"]),
                ("date words", ("yesterday", "2024-12-31"), {}, ["date_from"]),
                ("date 1800", ("1800-01-01", "2024-12-31"), {}, ["date_from"]),
                ("date 2300", ("2024-01-01", "2300-12-31"), {}, ["date_to"]),
                ("date invalid", ("2024-02-30", "2024-12-31"), {}, ["date_from"]),
                ("date missing", (False, "2024-12-31"), {}, ["date_from"]),
                ("vendor_ids string", ("2024-01-01", "2024-12-31"), {"vendor_ids": "1"}, ["vendor_ids"]),
                ("vendor_ids bool", ("2024-01-01", "2024-12-31"), {"vendor_ids": [True]}, ["vendor_ids"]),
                ("refresh string", ("2024-01-01", "2024-12-31"), {"refresh": "yes"}, ["refresh"]),
            ],
        )

    def test_import_observations(self):
        Observation = self.env["prod.planning.price.observation"]
        self._check_refused(
            Observation.import_observations,
            [
                ("not a list", ("rows",), {}, ["rows"]),
                ("too many rows", (TOO_MANY,), {}, ["rows", "10000"]),
                ("evaluate string", ([],), {"evaluate_alerts": "yes"}, ["evaluate_alerts"]),
            ],
        )

    def test_import_observations_caps_errors(self):
        rows = [{"product_code": "NOPE", "price": 1.0, "date": "2024-01-01"}] * (rpc_arguments.MAX_ERRORS + 5)
        results = self.env["prod.planning.price.observation"].import_observations(rows)
        self.assertEqual(len(results), len(rows))
        self.assertIn("NOPE", results[0]["message"])
        self.assertIn("not detailed", results[-1]["message"])

    def test_get_price_history(self):
        Observation = self.env["prod.planning.price.observation"]
        self._check_refused(
            Observation.get_price_history,
            [
                ("codes string", ("T-STEEL",), {}, ["product_codes"]),
                ("codes ints", ([1],), {}, ["product_codes"]),
                ("date int", (), {"date_from": 20240101}, ["date_from"]),
                ("date words", (), {"date_to": "yesterday"}, ["date_to"]),
                ("date year 1", (), {"date_from": "0001-01-01"}, ["date_from"]),
                ("limit negative", (), {"limit": -1}, ["limit"]),
                ("limit string", (), {"limit": "5"}, ["limit"]),
                ("limit nan", (), {"limit": NAN}, ["limit"]),
            ],
        )

    def test_get_alerts(self):
        Alert = self.env["prod.planning.price.alert"]
        self._check_refused(
            Alert.get_alerts,
            [
                ("date int", (2024,), {}, ["date_from"]),
                ("date words", ("today",), {}, ["date_from"]),
                ("date 2300", ("2300-01-01",), {}, ["date_from"]),
                ("state unknown", (), {"state": "open"}, ["state", "new"]),
                ("state int", (), {"state": 1}, ["state"]),
                ("limit negative", (), {"limit": -5}, ["limit"]),
                ("limit string", (), {"limit": "x"}, ["limit"]),
                ("limit inf", (), {"limit": INF}, ["limit"]),
            ],
        )

    def test_schedule_create(self):
        Schedule = self.env["prod.planning.schedule"]
        self._check_refused(
            Schedule.create,
            [
                ("values string", ("x",), {}, ["dict"]),
                ("scope unknown", ({"scope": "all"},), {}, ["scope", "window"]),
                ("strategy int", ({"strategy": 1},), {}, ["strategy"]),
                ("time limit string", ({"time_limit": "abc"},), {}, ["time_limit"]),
                ("time limit nan", ({"time_limit": NAN},), {}, ["time_limit"]),
                ("time limit inf", ({"time_limit": INF},), {}, ["time_limit"]),
                ("horizon float", ({"horizon_days": 1.5},), {}, ["horizon_days"]),
                ("keep started string", ({"keep_started": "yes"},), {}, ["keep_started"]),
                ("production_ids int", ({"production_ids": 5},), {}, ["production_ids"]),
                ("production_ids unknown", ({"production_ids": [self.missing_id]},), {}, ["production_ids"]),
                ("workcenter_ids strings", ({"workcenter_ids": ["A"]},), {}, ["workcenter_ids"]),
                ("date int", ({"date_start": 20240101},), {}, ["Start"]),
                ("date 1800", ({"date_from": "1800-01-01"},), {}, ["From"]),
                ("date words", ({"date_to": "tomorrow"},), {}, ["To"]),
                ("company unknown", ({"company_id": self.missing_id},), {}, ["company_id"]),
                ("unknown field", ({"horizon": 3},), {}, ["horizon"]),
            ],
        )
        # The documented plain list of ids and the web client's commands both work.
        wizard = Schedule.create({"scope": "selected", "production_ids": [], "date_start": "2030-01-07 08:00:00"})
        self.assertEqual(wizard.date_start, datetime.datetime(2030, 1, 7, 8, 0))
        Schedule.create({"workcenter_ids": [Command.set([])]})

    def test_schedule_record_methods(self):
        Schedule = self.env["prod.planning.schedule"]
        two = Schedule.create([{}, {}])
        for method in ("compute", "apply", "discard"):
            with self.subTest(method=method):
                cases = [*self._record_cases(Schedule), ("two ids", (two,), {}, ["ids", "one"])]
                self._check_refused(lambda records, name=method: getattr(records, name)(), cases)
