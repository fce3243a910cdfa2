from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ProdPlanningCase


@tagged("post_install", "-at_install")
class TestSecurity(ProdPlanningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.component = cls._create_product("Security Component")
        cls.finished = cls._create_product("Security Finished", route="manufacture")
        cls.bom = cls._create_bom(cls.finished, [(cls.component, 2)])
        cls._add_vendor(cls.component, cls.vendor_a, 3.0)

    def test_planner_reads_what_a_plan_is_made_of(self):
        env = self.env(user=self.planner)
        self.assertEqual(env["mrp.bom"].browse(self.bom.id).bom_line_ids.product_qty, 2)
        self.assertTrue(
            env["product.supplierinfo"].search_count(
                [("product_tmpl_id", "=", self.component.product_tmpl_id.id)]
            )
        )
        env["purchase.order"].search([], limit=5).mapped("name")
        env["mrp.production"].search([], limit=5).mapped("name")
        env["stock.quant"].search([], limit=5).mapped("quantity")

    def test_planner_cannot_administer(self):
        env = self.env(user=self.planner)
        with self.assertRaises(AccessError):
            env["res.groups"].browse(
                self.env.ref("prod_planning.group_prod_planning_manager").id
            ).write({"users": [(4, self.planner.id)]})
        with self.assertRaises(AccessError):
            env["ir.cron"].search([], limit=1).write({"active": False})
        with self.assertRaises(AccessError):
            env["mrp.bom"].browse(self.bom.id).write({"product_qty": 3})

    def test_planner_plans_but_manager_configures(self):
        planner_env = self.env(user=self.planner)
        manager_env = self.env(user=self.planning_manager)
        values = {"product_id": self.component.id, "safety_stock": 5}
        with self.assertRaises(AccessError):
            planner_env["prod.planning.parameter"].create(values)
        parameter = manager_env["prod.planning.parameter"].create(values)
        self.assertEqual(
            planner_env["prod.planning.parameter"].browse(parameter.id).safety_stock, 5
        )
        with self.assertRaises(AccessError):
            planner_env["prod.planning.parameter"].browse(parameter.id).write(
                {"safety_stock": 1}
            )
        forecast = planner_env["prod.planning.forecast"].create(
            {"product_id": self.component.id, "quantity": 3}
        )
        self.assertEqual(forecast.quantity, 3)
        run = planner_env["prod.planning.run"].create({})
        with self.assertRaises(AccessError):
            run.unlink()
        with self.assertRaises(AccessError):
            planner_env["prod.planning.order"].create(
                {
                    "product_id": self.component.id,
                    "warehouse_id": forecast.warehouse_id.id,
                    "company_id": self.env.company.id,
                    "quantity": 1,
                    "supply_type": "buy",
                    "release_date": "2026-01-01",
                    "due_date": "2026-01-02",
                }
            )
