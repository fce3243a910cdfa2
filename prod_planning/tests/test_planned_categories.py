from freezegun import freeze_time

from odoo.tests import tagged

from .common import PlanningRunCase

TODAY = "2030-03-04 09:00:00"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestPlannedCategories(PlanningRunCase):
    """The company's planned categories (Planning settings) limit what is planned."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["product.category"]
        cls.plant = Category.create({"name": "PCAT Plant"})
        cls.plant_raw = Category.create({"name": "PCAT Raw", "parent_id": cls.plant.id})
        cls.other = Category.create({"name": "PCAT Other"})
        cls.chair = cls._create_product(
            "PCAT Chair", route="manufacture", categ_id=cls.plant.id, default_code="PCAT-CHAIR"
        )
        cls.frame = cls._create_product("PCAT Frame", categ_id=cls.plant_raw.id, default_code="PCAT-FRAME")
        cls.fabric = cls._create_product("PCAT Fabric", categ_id=cls.other.id, default_code="PCAT-FABRIC")
        cls.lamp = cls._create_product("PCAT Lamp", categ_id=cls.other.id, default_code="PCAT-LAMP")
        for product in (cls.frame, cls.fabric, cls.lamp):
            cls._add_vendor(product, cls.vendor_a, 3.0, delay=2)
        cls._create_bom(cls.chair, [(cls.frame, 1.0), (cls.fabric, 2.0)])
        cls._deliver(cls.chair, 5.0, "2030-03-20 10:00:00")
        cls._deliver(cls.lamp, 4.0, "2030-03-20 10:00:00")

    def test_empty_setting_plans_every_storable_product(self):
        self.assertFalse(self.company.prod_planning_categ_ids)
        run = self._run()
        self.assertEqual(run.state, "done", run.error_message)
        for product in (self.chair, self.frame, self.fabric, self.lamp):
            self.assertTrue(self._planned(product), product.name)

    def test_only_planned_categories_and_their_components(self):
        self.company.prod_planning_categ_ids = self.plant
        run = self._run()
        self.assertEqual(run.state, "done", run.error_message)
        self.assertTrue(self._planned(self.chair))
        # A subcategory counts; a component is planned whatever its category.
        self.assertEqual(self._planned(self.frame).quantity, 5.0)
        self.assertEqual(self._planned(self.fabric).quantity, 10.0)
        self.assertFalse(self._planned(self.lamp))
        self.assertFalse(self.env["prod.planning.exception"].search([("product_id", "=", self.lamp.id)]))

    def test_grid_shows_planned_categories_and_planned_components(self):
        self.company.prod_planning_categ_ids = self.plant
        self._run()
        grid = self.env["prod.planning.workbench"].get_grid(
            {"warehouse_id": self.warehouse.id, "domain": [("default_code", "like", "PCAT-")]}
        )
        shown = {row["product_id"] for row in grid["rows"]}
        self.assertEqual(shown, {self.chair.id, self.frame.id, self.fabric.id})

    def test_price_history_default_filter(self):
        Observation = self.env["prod.planning.price.observation"]
        lamp, frame = Observation.create(
            [
                {"product_id": self.lamp.id, "price": 3.0, "uom_id": self.uom_unit.id},
                {"product_id": self.frame.id, "price": 3.0, "uom_id": self.uom_unit.id},
            ]
        )
        domain = [("id", "in", (lamp | frame).ids), ("in_planned_categories", "=", True)]
        self.assertEqual(Observation.search(domain), lamp | frame)
        self.company.prod_planning_categ_ids = self.plant
        self.assertEqual(Observation.search(domain), frame)
        self.assertEqual(
            Observation.search([("id", "in", (lamp | frame).ids), ("in_planned_categories", "=", False)]), lamp
        )
        self.assertTrue(frame.in_planned_categories)
        self.assertFalse(lamp.in_planned_categories)
