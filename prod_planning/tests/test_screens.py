"""Screens that read right: row colours, the price history of an alert,
rounded quantities and dates in the user's format (issue #13, item 5)."""

from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import PlanningRunCase
from .common_price import PriceCase


def _row_decorations(model, record):
    """The decorations (danger, success...) the list view of ``model`` gives ``record``."""
    arch = etree.fromstring(model.get_views([(False, "list")])["views"]["list"]["arch"])
    values = {name: record[name] for name in model._fields if name in record._fields}
    return {
        name.removeprefix("decoration-")
        for name, expression in arch.attrib.items()
        if name.startswith("decoration-") and safe_eval(expression, values)
    }


@tagged("post_install", "-at_install")
class TestPriceScreens(PriceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Costed at 100 while its material costs 4 today: the cost falls, but
        # the price of its tube rose from 4 to 5.
        cls.chair = cls._create_product("Test Chair", route="manufacture", standard_price=100.0)
        cls._create_bom(cls.chair, [(cls.tube, 1)])
        cls._observe(cls.tube, 5.0, days_ago=3)

    def test_cost_impact_rows_are_coloured_by_the_price_effect(self):
        Impact = self.env["prod.planning.price.cost.impact"]
        Impact.action_refresh()
        chair = Impact.search([("product_id", "=", self.chair.id)])
        self.assertAlmostEqual(chair.price_impact, 1.0)
        self.assertLess(chair.cost_difference, 0)
        self.assertEqual(_row_decorations(Impact, chair), {"danger"})
        # Cheaper tube: the price effect lowers the cost.
        self._observe(self.tube, 3.0, days_ago=0)
        Impact.action_refresh()
        chair = Impact.search([("product_id", "=", self.chair.id)])
        self.assertAlmostEqual(chair.price_impact, -1.0)
        self.assertEqual(_row_decorations(Impact, chair), {"success"})

    def test_alert_history_is_the_product_price_over_time(self):
        observation = self._observe(self.tube, 6.0, days_ago=0)
        alert = self.env["prod.planning.price.alert"].create(
            {
                "rule_id": self._create_rule().id,
                "observation_id": observation.id,
                "product_id": self.tube.id,
                "company_id": self.company.id,
                "date": observation.date,
            }
        )
        action = alert.with_user(self.planner).action_view_history()
        self.assertEqual(action["views"][0][1], "graph")
        self.assertEqual(action["domain"], [("product_id", "=", self.tube.id)])
        context = action["context"]
        # The graph's first group-by is its x axis: the date, not the vendor.
        self.assertFalse([key for key in context if key.startswith("search_default_groupby")])
        self.assertTrue(context["graph_groupbys"][0].startswith("date:"), context)
        self.assertEqual(context["graph_mode"], "line")
        self.assertEqual(context["graph_measure"], "normalized_price")
        Observation = self.env["prod.planning.price.observation"].with_context(**context)
        groups = Observation.formatted_read_group(
            action["domain"], context["graph_groupbys"][:1], [f"{context['graph_measure']}:avg"]
        )
        self.assertTrue(groups)
        self.assertTrue(all(group[context["graph_groupbys"][0]] for group in groups))

    def test_price_history_defaults_to_raw_materials(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("prod_planning.prod_planning_price_observation_action")
        context = safe_eval(action["context"])
        self.assertTrue(context.get("search_default_filter_raw_materials"))
        search = etree.fromstring(self.Observation.get_views([(False, "search")])["views"]["search"]["arch"]).xpath(
            "//filter[@name='filter_raw_materials']"
        )[0]
        self._observe(self.chair, 90.0)
        found = self.Observation.search(safe_eval(search.get("domain")))
        self.assertIn(self.tube, found.product_id)
        self.assertNotIn(self.chair, found.product_id)


@tagged("post_install", "-at_install")
@freeze_time("2026-03-04 09:00:00")
class TestRoundedQuantities(PlanningRunCase):
    def test_run_stores_quantities_rounded_to_the_unit_precision(self):
        digits = self.env["decimal.precision"].precision_get("Product Unit")
        table = self._create_product("Test Screens Table", route="manufacture")
        wood = self._create_product("Test Screens Wood", uom=self.uom_unit)
        self._add_vendor(wood, self.vendor_a, 1.0, delay=1)
        # 0.1 + 0.2 per table: the engine's sums give 0.30000000000000004 a table.
        self._create_bom(table, [(wood, 0.1), (wood, 0.2)])
        self._deliver(table, 113, "2026-03-30 10:00:00")
        run = self._run()
        self.assertEqual(run.state, "done", run.error_message)
        self.env.flush_all()
        checks = [
            ("prod_planning_order", ["quantity"]),
            ("prod_planning_peg", ["quantity"]),  # product: its order's
            ("prod_planning_exception", ["quantity"]),
            (
                "prod_planning_projection",
                ["forecast_qty", "actual_qty", "dependent_qty", "receipt_qty", "planned_qty", "on_hand_qty"],
            ),
        ]
        seen = []
        for table_name, columns in checks:
            where = "product_id IN %s"
            if table_name == "prod_planning_peg":
                where = "order_id IN (SELECT id FROM prod_planning_order WHERE product_id IN %s)"
            self.env.cr.execute(
                f"SELECT {', '.join(columns)} FROM {table_name} WHERE {where}",  # noqa: S608
                [(table.id, wood.id)],
            )
            for row in self.env.cr.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value is not None:
                        seen.append(value)
                        self.assertEqual(value, round(value, digits), f"{table_name}.{column}")
        self.assertIn(33.9, seen)  # 113 x 0.3 of wood
        order = self._planned(wood)
        self.assertEqual(order.quantity, 33.9)


@tagged("post_install", "-at_install")
class TestDatesInUserFormat(PriceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.planner.lang = "fr_FR"
        # The user's environment, as the web client makes it (context lang).
        cls.french_env = cls.env(user=cls.planner, context=dict(cls.env.context, lang=cls.planner.lang))
        cls.day = date(2026, 3, 15)

    def assertFrenchDate(self, text):
        self.assertIn("15/03/2026", text)
        self.assertNotIn("2026-03-15", text)

    def test_display_names(self):
        order = self.env["prod.planning.order"].create(
            {
                "product_id": self.tube.id,
                "warehouse_id": self.warehouse.id,
                "company_id": self.company.id,
                "quantity": 2,
                "supply_type": "buy",
                "release_date": self.day,
                "due_date": self.day,
            }
        )
        self.assertFrenchDate(order.with_env(self.french_env).display_name)
        observation = self._observe(self.tube, 4.5, date=self.day)
        self.assertFrenchDate(observation.with_env(self.french_env).display_name)

    def test_error_messages(self):
        with self.assertRaises(ValidationError) as caught:
            raise self.Observation.with_env(self.french_env)._error_no_target(3.0, self.day)
        self.assertFrenchDate(str(caught.exception))
        scorecard = self.french_env["prod.planning.vendor.scorecard"]
        with self.assertRaises(UserError) as caught:
            scorecard._period(self.day, date(2026, 1, 1))
        self.assertFrenchDate(str(caught.exception))

    def test_capacity_overload_message(self):
        load = self.french_env["prod.planning.capacity.load"]
        workcenter = self.env["mrp.workcenter"].create({"name": "Test Screens WC"})
        self.assertFrenchDate(load._overload_message(workcenter, self.day, 30, 28))
