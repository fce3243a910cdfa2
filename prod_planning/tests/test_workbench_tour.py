from odoo.tests import tagged

from .common import ProdPlanningTourCase


@tagged("post_install", "-at_install")
class TestWorkbenchTour(ProdPlanningTourCase):
    def test_workbench_edit_and_replenish(self):
        """In the browser: a forecast typed in the workbench is saved and
        replanned (planned supply, projected on hand), Replenish releases the
        block into an RFQ, which the notification opens."""
        env = self.env
        vendor = env["res.partner"].create({"name": "Tour Workbench Vendor"})
        product = env["product.product"].create(
            {
                "name": "Tour Workbench Board",
                "is_storable": True,
                "route_ids": [(6, 0, env.ref("purchase_stock.route_warehouse0_buy").ids)],
            }
        )
        env["product.supplierinfo"].create(
            {"partner_id": vendor.id, "product_tmpl_id": product.product_tmpl_id.id, "price": 4.0, "delay": 3}
        )
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 10)
        self.run_tour("/odoo/planning-workbench", "prod_planning_workbench_tour")
        forecast = env["prod.planning.forecast"].search([("product_id", "=", product.id)])
        self.assertEqual(sum(forecast.mapped("quantity")), 25)
        line = env["purchase.order.line"].search([("product_id", "=", product.id)])
        self.assertEqual(line.order_id.partner_id, vendor)
        self.assertEqual(line.order_id.state, "draft")
