"""Analysis: latest price on the product form and the cost impact roll-up."""

from lxml import etree

from odoo.tests import tagged

from ..engine import prices
from .common_price import PriceCase


@tagged("post_install", "-at_install")
class TestPriceAnalysis(PriceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.engine = prices
        cls.Impact = cls.env["prod.planning.price.cost.impact"]
        cls.frame = cls._create_product("Test Frame", route="manufacture", standard_price=20.0)
        cls.desk = cls._create_product("Test Desk", route="manufacture", standard_price=22.0)
        # A frame BoM makes 2 frames from 9 m of tube and 2 dozen screws.
        cls.frame_bom = cls._create_bom(cls.frame, [(cls.tube, 9), (cls.screw, 2, cls.uom_dozen)], qty=2)
        cls.desk_bom = cls._create_bom(
            cls.desk,
            [
                (cls.frame, 1),
                (cls.screw, 6),
                (cls.steel, 500, cls.uom_gram),
                (cls.paint, 0.2),  # never observed: standard cost
            ],
        )
        cls._observe(cls.tube, 4.0, days_ago=40)
        cls._observe(cls.tube, 5.0, days_ago=3)
        cls._add_vendor(cls.screw, cls.vendor_a, 0.72)  # per dozen: 0.06 a unit
        cls._observe(cls.steel, 1.2, days_ago=1)

    def _impact(self, product):
        return self.Impact.search([("product_id", "=", product.id)])

    def test_cost_impact_rolls_up_multi_level_boms_in_product_units(self):
        self.Impact.action_refresh()
        desk = self._impact(self.desk)
        self.assertEqual(len(desk), 1)
        self.assertEqual(desk.bom_id, self.desk_bom)
        self.assertFalse(desk.is_subassembly)
        # per desk: 4.5 m tube, 6 + 12 screws, 0.5 kg steel, 0.2 kg paint
        latest = 4.5 * 5.0 + 18 * 0.06 + 0.5 * 1.2 + 0.2 * 3.0
        standard = 4.5 * 4.0 + 18 * 0.05 + 0.5 * 1.0 + 0.2 * 3.0
        self.assertAlmostEqual(desk.material_cost_latest, latest)
        self.assertAlmostEqual(desk.material_cost_standard, standard)
        self.assertAlmostEqual(desk.current_cost, 22.0)
        self.assertAlmostEqual(desk.cost_difference, latest - 22.0)
        self.assertAlmostEqual(desk.cost_difference_percent, (latest - 22) * 100 / 22, places=1)
        self.assertAlmostEqual(desk.price_impact, latest - standard)
        self.assertEqual(desk.missing_price_count, 1)
        self.assertFalse(desk.cycle_detected)
        lines = {line.product_id: line for line in desk.line_ids}
        self.assertEqual(set(lines), {self.tube, self.screw, self.steel, self.paint})
        self.assertAlmostEqual(lines[self.screw].quantity, 18)
        self.assertEqual(lines[self.screw].uom_id, self.uom_unit)
        self.assertAlmostEqual(lines[self.steel].quantity, 0.5)
        self.assertAlmostEqual(lines[self.tube].latest_price, 5.0)
        self.assertEqual(lines[self.tube].latest_price_date, self._days_ago(3))
        self.assertFalse(lines[self.paint].price_observed)
        frame = self._impact(self.frame)
        self.assertTrue(frame.is_subassembly)
        self.assertAlmostEqual(frame.material_cost_latest, 4.5 * 5.0 + 12 * 0.06)

    def test_grouped_percentages_are_weighted_by_cost(self):
        self.Impact.action_refresh()
        desk, frame = self._impact(self.desk), self._impact(self.frame)
        self.assertNotAlmostEqual(desk.cost_difference_percent, frame.cost_difference_percent, places=1)
        [group] = self.Impact.read_group(
            [("id", "in", (desk | frame).ids)], ["cost_difference_percent:avg", "price_impact_percent:avg"], []
        )
        self.assertAlmostEqual(
            group["cost_difference_percent"],
            (desk.cost_difference + frame.cost_difference) * 100 / (desk.current_cost + frame.current_cost),
        )
        self.assertAlmostEqual(
            group["price_impact_percent"],
            (desk.price_impact + frame.price_impact)
            * 100
            / (desk.material_cost_standard + frame.material_cost_standard),
        )

    def test_generated_tables_are_read_only_in_the_views(self):
        for model, view_types in (
            ("prod.planning.price.cost.impact", ["list", "form"]),
            ("prod.planning.price.cost.impact.line", ["list"]),
        ):
            views = self.env[model].get_views([(False, vt) for vt in view_types])
            for view_type, view in views["views"].items():
                root = etree.fromstring(view["arch"])
                for flag in ("create", "edit", "delete"):
                    self.assertEqual(root.get(flag), "0", f"{model} {view_type} {flag}")

    def test_sql_roll_up_matches_the_engine(self):
        self.Impact.action_refresh()
        boms = {
            self.desk.id: {
                "qty": 1,
                "lines": [(self.frame.id, 1), (self.screw.id, 6), (self.steel.id, 0.5), (self.paint.id, 0.2)],
            },
            self.frame.id: {"qty": 2, "lines": [(self.tube.id, 9), (self.screw.id, 24)]},
        }
        prices = {self.tube.id: 5.0, self.screw.id: 0.06, self.steel.id: 1.2}
        standard = {self.paint.id: 3.0}
        expected = self.engine.rollup_bom_costs(boms, prices, standard)
        for product in (self.desk, self.frame):
            impact = self._impact(product)
            self.assertAlmostEqual(impact.material_cost_latest, expected[product.id]["cost"])
            self.assertEqual(impact.missing_price_count, len(expected[product.id]["missing"]))

    def test_refresh_replaces_and_follows_new_prices(self):
        self.Impact.action_refresh()
        before = self._impact(self.desk).material_cost_latest
        self._observe(self.tube, 6.0)
        self.Impact._cron_refresh()
        desk = self._impact(self.desk)
        self.assertEqual(len(desk), 1)
        self.assertAlmostEqual(desk.material_cost_latest - before, 4.5)
        more_expensive = self.Impact.search([("cost_difference", ">", 0)])
        self.assertIn(desk, more_expensive)

    def test_other_company_prices_are_ignored(self):
        other = self.env["res.company"].create({"name": "Test Other Company"})
        self._observe(self.tube, 99.0, company_id=other.id)
        self.Impact.action_refresh()
        self.assertAlmostEqual(self._impact(self.frame).material_cost_latest, 4.5 * 5.0 + 12 * 0.06)

    def test_planner_refreshes_and_reads(self):
        impact = self.env(user=self.planner)["prod.planning.price.cost.impact"]
        impact.action_refresh()
        desk = impact.search([("product_id", "=", self.desk.id)])
        self.assertTrue(desk.line_ids)
        action = desk.action_open_components()
        self.assertEqual(action["domain"], [("impact_id", "=", desk.id)])

    def test_product_form_shows_latest_price_and_changes(self):
        template = self.tube.product_tmpl_id
        self._observe(self.tube, 3.5, days_ago=100)
        self._observe(self.tube, 4.4, days_ago=95)
        points = [(o.date, o.normalized_price) for o in self._observations(self.tube).sorted(lambda o: (o.date, o.id))]
        latest, change30 = self.engine.price_change_since(points, self.today, 30)
        _latest, change90 = self.engine.price_change_since(points, self.today, 90)
        template.invalidate_recordset()
        self.assertEqual(template.price_observation_count, 4)
        self.assertAlmostEqual(template.price_latest, latest)
        self.assertEqual(template.price_latest_date, self._days_ago(3))
        self.assertAlmostEqual(template.price_change_30, change30)  # 4.0 -> 5.0
        self.assertAlmostEqual(template.price_change_30, 25.0)
        # 4.4 -> 5.0, shown with one decimal
        self.assertAlmostEqual(template.price_change_90, change90, places=1)
        self.assertAlmostEqual(template.price_change_90, 13.6)
        action = template.action_view_price_observations()
        self.assertEqual(action["domain"], [("product_tmpl_id", "=", template.id)])
        self.assertEqual(action["views"][0][1], "graph")
        self.assertEqual(self.paint.product_tmpl_id.price_observation_count, 0)
        # The variant form shows the same button, on the variant's prices.
        self.assertAlmostEqual(self.tube.price_latest, latest)
        action = self.tube.action_view_price_observations()
        self.assertEqual(action["domain"], [("product_id", "=", self.tube.id)])
