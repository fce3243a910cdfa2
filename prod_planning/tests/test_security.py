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
