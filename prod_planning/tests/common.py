"""Shared test setup: a small plant built from scratch, independent of demo data,
and the test users."""

import logging
from contextlib import contextmanager

import odoo
from odoo import Command
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools.translate import code_translations

PLANNER_GROUPS = "base.group_user,prod_planning.group_prod_planning_user"
MANAGER_GROUPS = "base.group_user,prod_planning.group_prod_planning_manager"

_logger = logging.getLogger(__name__)


def new_user(env, login, groups=PLANNER_GROUPS, companies=None, **values):
    """A test user, by default a planner (the planning user group).

    ``groups``: comma-separated xml ids; ``companies``: the companies the user
    may work in, the first one their current company; ``values``: other fields.
    """
    if companies:
        values["company_id"] = companies[0].id
        values["company_ids"] = [Command.set(companies.ids)]
    return new_test_user(env, login=login, groups=groups, **values)


def menu_actions(env, modules=("prod_planning",)):
    """``{action: menu path}`` of every menu of the addon (its app and the
    menus it adds to other apps), and of the menus of ``modules``."""
    Menu = env["ir.ui.menu"].with_context(**{"ir.ui.menu.full_list": True})
    menus = Menu.search([("id", "child_of", env.ref("prod_planning.menu_prod_planning_root").id)])
    data = env["ir.model.data"].search([("module", "in", list(modules)), ("model", "=", "ir.ui.menu")])
    menus |= Menu.browse(data.mapped("res_id"))
    actions = {}
    for menu in menus.filtered("action").sorted("id"):
        actions.setdefault(menu.action, menu.complete_name)
    return actions


class ProdPlanningCase(TransactionCase):
    """Base class: a warehouse, two vendors, a planner and a manager.

    Helpers build products, vendor prices and BoMs so that every test states
    the data it relies on.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        # Tests build their own products: they must not depend on the demo's
        # planned categories (demo/res_company_demo.xml). Kept for the demo checks.
        cls.demo_planned_categories = cls.company.prod_planning_categ_ids
        cls.company.prod_planning_categ_ids = False
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.uom_unit = cls.env.ref("uom.product_uom_unit")
        cls.uom_dozen = cls.env.ref("uom.product_uom_dozen")
        cls.uom_kg = cls.env.ref("uom.product_uom_kgm")
        cls.route_buy = cls.env.ref("purchase_stock.route_warehouse0_buy")
        cls.route_manufacture = cls.env.ref("mrp.route_warehouse0_manufacture")
        cls.vendor_a, cls.vendor_b = cls.env["res.partner"].create(
            [{"name": "Test Vendor A", "is_company": True}, {"name": "Test Vendor B", "is_company": True}]
        )
        cls.planner = new_user(cls.env, "test_planner")
        cls.planning_manager = new_user(cls.env, "test_planning_manager", MANAGER_GROUPS)

    @classmethod
    def _create_company(cls, name):
        """Another company, an environment working in it, and its warehouse.

        Odoo gives a new company its warehouse only while its own test runner
        runs (not under pytest once the registry is loaded): made here if missing.
        """
        company = cls.env["res.company"].create({"name": name})
        env = cls.env(context=dict(cls.env.context, allowed_company_ids=company.ids))
        Warehouse = env["stock.warehouse"]
        warehouse = Warehouse.search([("company_id", "=", company.id)], limit=1)
        return company, env, warehouse or Warehouse.create({"company_id": company.id})

    def _run_as_cron(self, model, method, *args):
        """Call a cron method that commits per batch (``_commit_progress``),
        as a cron worker would: on a test cursor whose commits are savepoints."""
        with self.enter_registry_test_mode(), self.registry.cursor() as cr:
            result = getattr(self.env(cr=cr)[model], method)(*args)
        self.env.invalidate_all()
        return result

    def _translate_terms(self, lang, translations):
        """Activate ``lang`` with ``translations`` ({source: translated}) of
        this addon's Python terms, as a ``<lang>.po`` file of the addon would
        give them, for this test only."""
        self.env["res.lang"]._activate_lang(lang)
        key = ("prod_planning", lang)
        shipped = code_translations.get_python_translations(*key)
        code_translations.python_translations[key] = {**shipped, **translations}
        self.addCleanup(code_translations.python_translations.__setitem__, key, shipped)

    @contextmanager
    def assertRaisesRollback(self, exception, pattern):
        """Like assertRaisesRegex, and undoes what the failed call wrote."""
        with self.assertRaisesRegex(exception, pattern), self.env.cr.savepoint():
            yield
        self.env.invalidate_all()

    def assertActionViews(self, action_xmlid, views):
        """The window action offers each mode of ``views`` ({mode: view xmlid})
        and opens it with that view."""
        action = self.env.ref(action_xmlid)
        modes = action.view_mode.split(",")
        loaded = self.env[action.res_model].get_views([(False, m) for m in modes])
        for mode, view_xmlid in views.items():
            self.assertIn(mode, modes, action_xmlid)
            self.assertEqual(loaded["views"][mode]["id"], self.env.ref(view_xmlid).id, view_xmlid)

    @classmethod
    def _create_product(cls, name, route="buy", uom=None, purchase_uom=None, **values):
        routes = {"buy": cls.route_buy, "manufacture": cls.route_manufacture}
        uom = uom or cls.uom_unit
        vals = {
            "name": name,
            "is_storable": True,
            "uom_id": uom.id,
            "route_ids": [Command.set(routes[route].ids)] if route else [],
        }
        vals.update(values)
        product = cls.env["product.product"].create(vals)
        # Odoo 19 has no purchase unit on the product (uom_po_id): the unit a
        # product is bought in is on its vendor prices and purchase lines.
        cls._purchase_uoms = {**getattr(cls, "_purchase_uoms", {}), product.id: (purchase_uom or uom).id}
        return product

    @classmethod
    def _purchase_uom(cls, product):
        """The unit ``product`` is bought in (Odoo 18's product uom_po_id)."""
        uom_id = getattr(cls, "_purchase_uoms", {}).get(product.id)
        return cls.env["uom.uom"].browse(uom_id) or product.uom_id

    @classmethod
    def _add_vendor(cls, product, vendor, price, delay=5, min_qty=0.0):
        return cls.env["product.supplierinfo"].create(
            {
                "partner_id": vendor.id,
                "product_tmpl_id": product.product_tmpl_id.id,
                "product_uom_id": cls._purchase_uom(product).id,
                "price": price,
                "delay": delay,
                "min_qty": min_qty,
            }
        )

    @classmethod
    def _create_bom(cls, product, components, qty=1.0, bom_type="normal"):
        """components: list of (product, qty) or (product, qty, uom)."""
        lines = []
        for component in components:
            comp, comp_qty, *uom = component
            lines.append(
                Command.create(
                    {
                        "product_id": comp.id,
                        "product_qty": comp_qty,
                        "product_uom_id": (uom[0] if uom else comp.uom_id).id,
                    }
                )
            )
        return cls.env["mrp.bom"].create(
            {"product_tmpl_id": product.product_tmpl_id.id, "product_qty": qty, "type": bom_type, "bom_line_ids": lines}
        )

    @classmethod
    def _set_on_hand(cls, product, qty, location=None):
        cls.env["stock.quant"]._update_available_quantity(product, location or cls.stock_location, qty)


class PlanningRunCase(ProdPlanningCase):
    """Helpers to create demand and supply and to run the plan."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Test Customer"})
        # A warehouse of its own: runs scoped to it see only the test's data.
        cls.warehouse = cls.env["stock.warehouse"].create({"name": "Planning Test Warehouse", "code": "PTW"})
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.picking_type_out = cls.warehouse.out_type_id

    @classmethod
    def _deliver(cls, product, qty, date):
        """A confirmed delivery of ``qty`` of ``product`` to a customer on ``date``."""
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": cls.picking_type_out.id,
                "partner_id": cls.customer.id,
                "location_id": cls.stock_location.id,
                "location_dest_id": cls.env.ref("stock.stock_location_customers").id,
                "scheduled_date": date,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "product_uom": product.uom_id.id,
                            "location_id": cls.stock_location.id,
                            "location_dest_id": cls.env.ref("stock.stock_location_customers").id,
                            "date": date,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.move_ids.date = date
        return picking

    @classmethod
    def _purchase(cls, product, vendor, qty, date, confirm=True):
        purchase = cls.env["purchase.order"].create(
            {
                "partner_id": vendor.id,
                "picking_type_id": cls.warehouse.in_type_id.id,
                "order_line": [
                    Command.create(
                        {"product_id": product.id, "product_qty": qty, "price_unit": 1.0, "date_planned": date}
                    )
                ],
            }
        )
        if confirm:
            purchase.button_confirm()
        return purchase

    def _run(self, **values):
        values.setdefault("warehouse_ids", [Command.set(self.warehouse.ids)])
        run = self.env["prod.planning.run"].create(values)
        run.action_run()
        return run

    def _planned(self, product, state=None):
        domain = [("product_id", "=", product.id)]
        if state:
            domain.append(("state", "=", state))
        return self.env["prod.planning.order"].search(domain, order="due_date, id")

    def _exceptions(self, product, kind=None):
        domain = [("product_id", "=", product.id), ("state", "=", "open")]
        if kind:
            domain.append(("kind", "=", kind))
        return self.env["prod.planning.exception"].search(domain)


# CPython 3.11 before 3.11.8 can raise a spurious "SystemError: AST constructor
# recursion depth mismatch" when two server threads parse Python at once
# (python/cpython#106905): a tour that hit it is run once more, for that error only.
CPYTHON_AST_RACE = "AST constructor recursion depth mismatch"


class _ErrorRecorder(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages = []

    def emit(self, record):
        text = record.getMessage()
        if record.exc_info:
            text += " " + str(record.exc_info[1])
        self.messages.append(text)


@tagged("post_install", "-at_install")
class ProdPlanningHttpCase(HttpCase):
    """Tests through Odoo's HTTP server (JSON-RPC routes, the browser)."""

    # A long request (a planning run) holds the test cursor while the browser's
    # other requests wait for it: on a loaded machine, 20 s were not enough.
    test_cursor_lock_timeout = 120

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # As ProdPlanningCase: not the demo's planned categories.
        cls.env.company.prod_planning_categ_ids = False

    def setUp(self):
        super().setUp()
        # The server's test cursor needs the running test: pytest-odoo sets it
        # before Odoo's loader resets it for the first test of a session.
        if odoo.modules.module.current_test is not self:
            self.patch(odoo.modules.module, "current_test", self)

    def json_rpc(self, route, params):
        """POST a JSON-RPC call as the web client does; returns ``(result, error)``
        (``error``: the answer's error data, with the exception's name and message)."""
        response = self.url_open(
            route, json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}, timeout=600
        )
        response.raise_for_status()
        answer = response.json()
        error = answer.get("error")
        return answer.get("result"), error and (error.get("data") or error)


class ProdPlanningTourCase(ProdPlanningHttpCase):
    """Browser tests: tours of ``static/tests/tours/`` run in Chromium."""

    def _start_tour_once(self, url, tour, login, timeout, **kwargs):
        """Run the tour in a savepoint; True when it failed on CPython's AST race."""
        recorder = _ErrorRecorder()
        root = logging.getLogger()
        root.addHandler(recorder)
        try:
            with self.env.cr.savepoint():
                self.start_tour(url, tour, login=login, timeout=timeout, **kwargs)
        except AssertionError:
            if any(CPYTHON_AST_RACE in message for message in recorder.messages):
                _logger.warning("tour %s hit CPython's AST race: run again", tour)
                return True
            raise
        finally:
            root.removeHandler(recorder)
        return False

    def run_tour(self, url, tour, login="admin", timeout=240, **kwargs):
        """Run the web tour ``tour`` from ``url`` as ``login``; it fails on a
        failed step or an error in the browser (an error dialog included).
        ``kwargs`` go to ``start_tour`` (``code``: what starts the tour)."""
        if self._start_tour_once(url, tour, login, timeout, **kwargs):
            self.assertFalse(
                self._start_tour_once(url, tour, login, timeout, **kwargs), "the tour hit the AST race twice"
            )
