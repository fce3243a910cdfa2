from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import ProdPlanningCase, new_user


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
            env["product.supplierinfo"].search_count([("product_tmpl_id", "=", self.component.product_tmpl_id.id)])
        )
        env["purchase.order"].search([], limit=5).mapped("name")
        env["mrp.production"].search([], limit=5).mapped("name")
        env["stock.quant"].search([], limit=5).mapped("quantity")

    def test_planner_cannot_administer(self):
        env = self.env(user=self.planner)
        with self.assertRaises(AccessError):
            env["res.groups"].browse(self.env.ref("prod_planning.group_prod_planning_manager").id).write(
                {"user_ids": [(4, self.planner.id)]}
            )
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
        self.assertEqual(planner_env["prod.planning.parameter"].browse(parameter.id).safety_stock, 5)
        with self.assertRaises(AccessError):
            planner_env["prod.planning.parameter"].browse(parameter.id).write({"safety_stock": 1})
        forecast = planner_env["prod.planning.forecast"].create({"product_id": self.component.id, "quantity": 3})
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


@tagged("post_install", "-at_install")
class TestCompanyScope(ProdPlanningCase):
    """Planning and price records never point to another company's records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b, cls.env_b, cls.warehouse_b = cls._create_company("Scope Test Co B")
        cls.product_a = cls._create_product("Scope Product A", company_id=cls.company.id)
        cls.product_b = cls._create_product("Scope Product B", company_id=cls.company_b.id)
        cls.vendor_of_b = cls.env["res.partner"].create(
            {"name": "Scope Vendor B", "is_company": True, "company_id": cls.company_b.id}
        )
        cls.workcenter_b = cls.env_b["mrp.workcenter"].create(
            {"name": "Scope Work Center B", "company_id": cls.company_b.id}
        )
        cls.run_b = cls.env_b["prod.planning.run"].create({"company_id": cls.company_b.id})
        Index = cls.env["prod.planning.price.index"]
        values = {"uom_id": cls.uom_kg.id, "currency_id": cls.company.currency_id.id}
        cls.index_a = Index.create(dict(values, name="Index A", code="SCOPE-A", company_id=cls.company.id))
        cls.index_b = Index.create(dict(values, name="Index B", code="SCOPE-B", company_id=cls.company_b.id))
        cls.index_shared = Index.create(dict(values, name="Shared Index", code="SCOPE-ALL"))
        cls.feed_b = cls.env_b["prod.planning.price.feed"].create(
            {"name": "Scope Feed B", "url": "http://127.0.0.1/scope", "company_id": cls.company_b.id}
        )
        cls.planner_b = new_user(cls.env, "scope_planner_b", companies=cls.company_b)

    def _planned_order_vals(self, **values):
        vals = {
            "product_id": self.product_a.id,
            "warehouse_id": self.warehouse.id,
            "company_id": self.company.id,
            "quantity": 1,
            "supply_type": "manufacture",
            "release_date": "2026-01-01",
            "due_date": "2026-01-02",
        }
        vals.update(values)
        return vals

    def test_index_products_follow_the_company_of_their_index(self):
        Link = self.env["prod.planning.price.index.product"]
        link_a = Link.create({"index_id": self.index_a.id, "product_id": self.product_a.id})
        shared_product = self._create_product("Scope Shared Product")
        link_shared = Link.create({"index_id": self.index_shared.id, "product_id": shared_product.id})
        self.assertEqual(link_a.company_id, self.company)
        self.assertFalse(link_shared.company_id)
        links_b = Link.with_user(self.planner_b)
        self.assertEqual(links_b.search([("id", "in", (link_a | link_shared).ids)]), link_shared)
        with self.assertRaises(AccessError):
            links_b.browse(link_a.id).read(["factor"])
        other_a = self._create_product("Scope Product A2", company_id=self.company.id)
        with self.assertRaisesRollback(UserError, "no company crossover"):
            Link.create({"index_id": self.index_b.id, "product_id": other_a.id})
        with self.assertRaisesRollback(UserError, "no company crossover"):
            link_a.write({"index_id": self.index_b.id})

    def test_planned_orders_point_to_records_of_their_company(self):
        Order = self.env["prod.planning.order"]
        for field, record in [
            ("workcenter_id", self.workcenter_b),
            ("vendor_id", self.vendor_of_b),
            ("run_id", self.run_b),
        ]:
            with self.subTest(field=field), self.assertRaisesRollback(UserError, "no company crossover"):
                Order.create(self._planned_order_vals(**{field: record.id}))
        order = Order.create(self._planned_order_vals())
        with self.assertRaisesRollback(UserError, "no company crossover"):
            order.workcenter_id = self.workcenter_b

    def test_projection_and_exceptions_point_to_records_of_their_company(self):
        base = {"product_id": self.product_a.id, "warehouse_id": self.warehouse.id, "company_id": self.company.id}
        specs = [
            ("prod.planning.projection.series", {"first_week": "2026-01-05", "weeks": [[0, 0, 0, 0, 0, 0, 0, 0]]}),
            ("prod.planning.exception", {"kind": "late", "message": "Scope"}),
        ]
        for model, extra in specs:
            self.env[model].create(dict(base, **extra))
            for field, record in [
                ("product_id", self.product_b),
                ("warehouse_id", self.warehouse_b),
                ("run_id", self.run_b),
            ]:
                with (
                    self.subTest(model=model, field=field),
                    self.assertRaisesRollback(UserError, "no company crossover"),
                ):
                    self.env[model].create(dict(base, **extra, **{field: record.id}))

    def test_price_observations_point_to_records_of_their_company(self):
        Observation = self.env["prod.planning.price.observation"]
        base = {"price": 2.0, "company_id": self.company.id, "uom_id": self.uom_kg.id}
        base = dict(base, index_id=self.index_a.id)
        Observation.create(base)
        for field, record in [("index_id", self.index_b), ("feed_id", self.feed_b)]:
            with self.subTest(field=field), self.assertRaisesRollback(UserError, "no company crossover"):
                Observation.create(dict(base, **{field: record.id}))


@tagged("post_install", "-at_install")
class TestCoreRecordsWithoutPlanningRights(ProdPlanningCase):
    """A purchase or stock user without the planning group works as before:
    the planning fields added to core models are the planners' only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Records made in the buyer's company only, as its users make them
        # (Odoo 19's demo gives another company taxes a product would get).
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.company.ids))
        cls.buyer = new_user(
            cls.env, "scope_plain_buyer", "base.group_user,purchase.group_purchase_user,stock.group_stock_user"
        )
        cls.product = cls._create_product("Plain Buyer Part")
        cls._add_vendor(cls.product, cls.vendor_a, 4.0)
        cls.order = cls.env["purchase.order"].create(
            {
                "partner_id": cls.vendor_a.id,
                "order_line": [Command.create({"product_id": cls.product.id, "product_qty": 3})],
            }
        )
        cls.order.button_confirm()

    def test_plain_buyer_reads_every_field(self):
        self.assertFalse(self.buyer.has_group("prod_planning.group_prod_planning_user"))
        env = self.env(user=self.buyer)
        for record in [self.order, self.order.order_line]:
            with self.subTest(model=record._name):
                values = env[record._name].browse(record.ids).read()
                self.assertEqual(values[0]["id"], record.id)
        # Odoo's own stock_account and mrp fields keep a stock user from
        # reading a product whole (and Odoo 19's mail field rtc_session_ids a
        # partner): read every field the addon adds to them.
        for record in [self.product, self.product.product_tmpl_id, self.vendor_a]:
            products = env[record._name]
            names = ["display_name"] + [
                name
                for name in products.fields_get(attributes=["type"])
                if products._fields[name]._module == "prod_planning"
            ]
            with self.subTest(model=record._name):
                values = products.browse(record.ids).read(names)
                self.assertEqual(values[0]["id"], record.id)

    def test_plain_buyer_opens_the_forms(self):
        env = self.env(user=self.buyer)
        for record in [self.product, self.product.product_tmpl_id, self.order, self.vendor_a]:
            with self.subTest(model=record._name):
                form = Form(env[record._name].browse(record.id))
                self.assertEqual(form.id, record.id)
