from odoo.tests import tagged

from .common import ProdPlanningCase


@tagged("at_install")
class TestInstall(ProdPlanningCase):
    """Runs while the module installs (Odoo's loader) and again under pytest."""

    def test_module_and_dependencies_installed(self):
        states = dict(
            self.env["ir.module.module"]
            .search([("name", "in", ["prod_planning", "mrp", "purchase_stock"])])
            .mapped(lambda module: (module.name, module.state))
        )
        self.assertEqual(states["mrp"], "installed")
        self.assertEqual(states["purchase_stock"], "installed")
        # "to install" while Odoo's loader runs the at-install tests.
        self.assertIn(states["prod_planning"], ("installed", "to install"))

    def test_groups(self):
        user_group = self.env.ref("prod_planning.group_prod_planning_user")
        manager_group = self.env.ref("prod_planning.group_prod_planning_manager")
        self.assertIn(user_group, manager_group.implied_ids)
        self.assertEqual(user_group.privilege_id.name, "Production Planning")
        self.assertTrue(self.env.ref("base.user_admin").has_group("prod_planning.group_prod_planning_manager"))
        # A planner works in manufacturing, purchase and inventory.
        for xmlid in ("mrp.group_mrp_user", "purchase.group_purchase_user", "stock.group_stock_user"):
            self.assertTrue(self.planner.has_group(xmlid), xmlid)
        self.assertFalse(self.planner.has_group("prod_planning.group_prod_planning_manager"))

    def test_demo_factory(self):
        module = self.env["ir.module.module"].search([("name", "=", "prod_planning")])
        if not module.demo:
            self.skipTest("database installed without demo data")
        demo = self.env["ir.model.data"].search([("module", "=", "prod_planning"), ("name", "=like", "%_demo")])
        by_model = {}
        for data in demo:
            by_model.setdefault(data.model, 0)
            by_model[data.model] += 1
        self.assertGreaterEqual(by_model.get("mrp.bom", 0), 10)
        self.assertGreaterEqual(by_model.get("mrp.workcenter", 0), 4)
        self.assertGreaterEqual(by_model.get("product.supplierinfo", 0), 20)
        products = self.env["product.product"].browse(
            demo.filtered(lambda d: d.model == "product.product").mapped("res_id")
        )
        self.assertGreaterEqual(len(products), 40)
        self.assertTrue(all(products.mapped("is_storable")))


@tagged("at_install")
class TestDemoShowsEveryFeature(ProdPlanningCase):
    """The demo factory plans the plant alone and fills every report at install."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        module = cls.env["ir.module.module"].search([("name", "=", "prod_planning")])
        cls.has_demo = bool(module.demo)

    def setUp(self):
        super().setUp()
        if not self.has_demo:
            self.skipTest("database installed without demo data")

    def test_plan_has_only_plant_products(self):
        plant = (
            self.env.ref("prod_planning.product_category_finished_demo")
            | self.env.ref("prod_planning.product_category_subassembly_demo")
            | self.env.ref("prod_planning.product_category_raw_demo")
        )
        # common.py empties the setting for the other tests: the demo's value.
        self.assertEqual(self.demo_planned_categories, plant)
        self.company.prod_planning_categ_ids = self.demo_planned_categories
        self.env["prod.planning.run"].run_planning({})
        orders = self.env["prod.planning.order"].search([("company_id", "=", self.company.id)])
        exceptions = self.env["prod.planning.exception"].search([("company_id", "=", self.company.id)])
        self.assertTrue(orders)
        outside = (orders.product_id | exceptions.product_id).filtered(lambda p: p.categ_id not in plant)
        self.assertFalse(outside, f"planned outside the plant: {outside.mapped('display_name')}")

    def test_reports_filled_at_install(self):
        self.assertTrue(self.env["prod.planning.capacity.load"].search_count([("load_hours", ">", 0)]))
        rates = self.env["prod.planning.production.rate"].search([("qty_produced", ">", 0)])
        self.assertTrue(rates)
        self.assertTrue(any(rate.expected_hours > 0 and rate.real_hours > 0 for rate in rates))
        self.assertTrue(self.env["prod.planning.vendor.scorecard"].search_count([("on_time_rate", ">", 0)]))

    def test_revisions_and_price_alerts(self):
        revisions = self.env["prod.planning.promised.date.revision"].search([])
        self.assertGreaterEqual(len(revisions), 3)
        self.assertGreaterEqual(len(revisions.filtered("is_slip")), 2)
        self.assertTrue(self.env["prod.planning.price.alert"].search_count([]))
