"""Every public method of the addon checks access before it does anything.

The methods are enumerated at run time from the registry: each attribute that
a class of this addon defines on a model (its own models and the core models
it extends) and that is a public function, except the framework's hooks (a
rule, not a list):

* names the ORM defines on every model (attributes of the ``base`` model:
  ``create``, ``write``, ``default_get``, ``read_group``, ``init``, ...), whose
  access the ORM checks itself;
* methods decorated as computes, constraints, onchanges, ondelete or
  autovacuum hooks.

Each is called as a portal user and as an internal user without any planning,
manufacturing, purchase or inventory group, on an existing record for a record
method, and each record method as a planning manager of another company; each
must raise an AccessError and change no row.
"""

import datetime
import inspect

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import MANAGER_GROUPS, PLANNER_GROUPS, ProdPlanningCase, new_user

ADDON_MODULE = "odoo.addons.prod_planning."
HOOK_MARKS = ("_depends", "_constrains", "_onchange", "_ondelete", "_autovacuum")
# Arguments of the methods that take some, by parameter name: well-formed
# values, so that only access can refuse the call.
ARGUMENTS = {"rows": [], "options": {}, "date_from": "2026-01-01", "date_to": "2026-01-31"}
# Tables whose rows must not change when a method is refused, beside the
# addon's own models (those of every model it defines or extends).
WATCHED_TABLES = ("mail_message", "mail_activity", "mail_mail", "resource_calendar_leaves", "stock_move")


def addon_public_methods(env):
    """``[(model, method name, function)]`` of every public method this addon
    defines, framework hooks excepted (see the module's docstring)."""
    framework = set(dir(type(env["base"])))
    methods = []
    for model_name in sorted(env.registry):
        seen = set()
        for klass in type(env[model_name]).__mro__:
            if not klass.__module__.startswith(ADDON_MODULE):
                continue
            for name, function in vars(klass).items():
                if name.startswith("_") or name in seen or not inspect.isfunction(function):
                    continue
                seen.add(name)
                if name in framework or any(getattr(function, mark, None) for mark in HOOK_MARKS):
                    continue
                methods.append((model_name, name, function))
    return methods


def call_arguments(function):
    """Positional arguments for the required parameters of ``function``."""
    parameters = list(inspect.signature(function).parameters.values())[1:]
    return [
        ARGUMENTS.get(parameter.name)
        for parameter in parameters
        if parameter.default is inspect.Parameter.empty
        and parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD)
    ]


@tagged("post_install", "-at_install")
class TestPublicMethodAccess(ProdPlanningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_user(cls.env, "access_portal", groups="base.group_portal")
        # base.group_user only: no Manufacturing, Purchase or Inventory group,
        # so the core models' own access rules refuse them too.
        cls.internal_user = new_user(cls.env, "access_internal", groups="base.group_user")
        cls.methods = addon_public_methods(cls.env)
        cls.records = cls._records()

    @classmethod
    def _records(cls):
        """One existing record per model with record methods: the demo
        factory's, else one made here."""
        records = {}
        for model_name in {model for model, _name, _function in cls.methods}:
            Model = cls.env[model_name]
            if Model._abstract:
                continue
            records[model_name] = Model.search([], limit=1, order="id")
            if not records[model_name] and hasattr(Model, "_refresh") and hasattr(Model, "action_refresh"):
                # A report with no rows yet: refreshed as administrator.
                Model.browse().action_refresh()
                records[model_name] = Model.search([], limit=1, order="id")
        if not records.get("prod.planning.price.feed"):
            records["prod.planning.price.feed"] = cls.env["prod.planning.price.feed"].create(
                {"name": "Access feed", "url": "https://prices.example.com/feed.json", "active": False}
            )
        if not records.get("prod.planning.schedule"):
            records["prod.planning.schedule"] = cls.env["prod.planning.schedule"].create({"scope": "window"})
        if not records.get("prod.planning.job"):
            records["prod.planning.job"] = cls.env["prod.planning.job"]._enqueue(
                "price_fetch", records["prod.planning.price.feed"]
            )
        if not records.get("prod.planning.release.wizard"):
            orders = cls.env["prod.planning.order"].search([("state", "!=", "released")], limit=1)
            records["prod.planning.release.wizard"] = cls.env["prod.planning.release.wizard"].create(
                {"order_ids": [Command.set(orders.ids)]}
            )
        if not records.get("prod.planning.promise.wizard"):
            records["prod.planning.promise.wizard"] = cls.env["prod.planning.promise.wizard"].create({})
        return records

    def _tables(self):
        tables = {self.env[model]._table for model, _name, _function in self.methods if not self.env[model]._abstract}
        tables.update(
            self.env[model]._table
            for model in self.env.registry
            if self.env[model]._original_module == "prod_planning" and not self.env[model]._abstract
        )
        return sorted(tables | set(WATCHED_TABLES))

    def _snapshot(self, tables):
        """Row count and last write of each table."""
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT table_name FROM information_schema.columns "
            "WHERE column_name = 'write_date' AND table_name = ANY(%s)",
            [tables],
        )
        dated = {row[0] for row in self.env.cr.fetchall()}
        snapshot = {}
        for table in tables:
            last = SQL("max(write_date)") if table in dated else SQL("NULL")
            self.env.cr.execute(SQL("SELECT count(*), %s FROM %s", last, SQL.identifier(table)))
            snapshot[table] = self.env.cr.fetchone()
        return snapshot

    def _call(self, user, model_name, name, function):
        Model = self.env[model_name].with_user(user)
        if getattr(function, "_api_model", False) or self.env[model_name]._abstract:
            target = Model
        else:
            record = self.records.get(model_name)
            self.assertTrue(record, f"{model_name}.{name}: no record to call it on; add one to _records()")
            target = Model.browse(record.ids)
        return getattr(target, name)(*call_arguments(function))

    def assertRefused(self, user, model_name, name, function, tables):
        """Calling the method as ``user`` raises an AccessError and changes no
        row (compared inside a savepoint, then rolled back)."""
        before = self._snapshot(tables)
        error = None
        with self.env.cr.savepoint() as savepoint:
            try:
                self._call(user, model_name, name, function)
            except AccessError as exc:
                error = exc
            finally:
                after = self._snapshot(tables)
                savepoint.rollback()
                self.env.invalidate_all()
        self.assertIsInstance(error, AccessError, f"{model_name}.{name} ran for {user.login}")
        changed = {t: (before[t], after[t]) for t in tables if before[t] != after[t]}
        self.assertFalse(changed, f"{model_name}.{name} changed rows for {user.login}")

    def test_enumeration_finds_the_documented_methods(self):
        """The enumeration sees methods of the addon's models, of the core
        models it extends and of its report mixin; hooks are left out."""
        found = {(model, name) for model, name, _function in self.methods}
        for expected in [
            ("prod.planning.price.alert.rule", "action_evaluate"),
            ("prod.planning.vendor.scorecard", "action_refresh"),
            ("prod.planning.production.rate", "action_refresh"),
            ("prod.planning.run", "run_planning"),
            ("prod.planning.forecast", "import_forecasts"),
            ("prod.planning.vendor.contact", "log_contacts"),
            ("prod.planning.price.observation", "import_observations"),
            ("prod.planning.schedule", "apply"),
            ("purchase.order", "button_approve"),
            ("res.partner", "action_prod_planning_log_contact"),
        ]:
            self.assertIn(expected, found)
        for hook in [("prod.planning.run", "create"), ("prod.planning.schedule", "default_get")]:
            self.assertNotIn(hook, found)
        self.assertFalse([(m, n) for m, n in found if n.startswith("_compute")])

    def test_public_methods_refuse_users_without_access(self):
        tables = self._tables()
        for user in (self.portal_user, self.internal_user):
            for model_name, name, function in self.methods:
                with self.subTest(user=user.login, method=f"{model_name}.{name}"):
                    self.assertRefused(user, model_name, name, function, tables)

    def test_record_methods_refuse_managers_of_another_company(self):
        """A planning manager of another company calling a record method on a
        record of this company (one with a company) is refused by the rules."""
        other, _env, _warehouse = self._create_company("Access Other Company")
        manager = new_user(self.env, "access_other_manager", MANAGER_GROUPS, companies=other)
        tables = self._tables()
        checked = 0
        for model_name, name, function in self.methods:
            record = self.records.get(model_name)
            if getattr(function, "_api_model", False) or not record or "company_id" not in record._fields:
                continue
            if not record.company_id or record.company_id == other:
                continue
            checked += 1
            with self.subTest(method=f"{model_name}.{name}"):
                self.assertRefused(manager, model_name, name, function, tables)
        self.assertGreater(checked, 20)


@tagged("post_install", "-at_install")
class TestAlertRuleCompanies(ProdPlanningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b, cls.env_b, _warehouse = cls._create_company("Access Company B")
        cls.product_b = cls.env_b["product.product"].create(
            {"name": "Access Steel B", "is_storable": True, "company_id": cls.company_b.id}
        )
        cls.rule_b = cls.env_b["prod.planning.price.alert.rule"].create(
            {
                "name": "B: steel up",
                "company_id": cls.company_b.id,
                "scope": "product",
                "product_id": cls.product_b.id,
                "rule_type": "previous",
                "threshold_percent": 5,
                "lookback_days": 0,
            }
        )
        today = fields.Date.today()
        cls.env_b["prod.planning.price.observation"].create(
            [
                {
                    "product_id": cls.product_b.id,
                    "company_id": cls.company_b.id,
                    "date": today - datetime.timedelta(days=days_ago),
                    "price": price,
                    "source": "manual",
                }
                for price, days_ago in ((1.0, 1), (2.0, 0))
            ]
        )
        # Planning users and managers of company A only.
        cls.planner_a = new_user(cls.env, "access_planner_a", PLANNER_GROUPS, companies=cls.company)
        cls.manager_a = new_user(cls.env, "access_manager_a", MANAGER_GROUPS, companies=cls.company)

    def _alerts_b(self):
        return self.env["prod.planning.price.alert"].search_count([("company_id", "=", self.company_b.id)])

    def test_company_a_cannot_evaluate_company_b_rule(self):
        self.assertEqual(self._alerts_b(), 0)
        for user in (self.planner_a, self.manager_a):
            with self.subTest(user=user.login), self.assertRaises(AccessError), self.env.cr.savepoint():
                self.env["prod.planning.price.alert.rule"].with_user(user).browse(self.rule_b.id).action_evaluate()
        self.assertEqual(self._alerts_b(), 0)
        self.assertFalse(self.rule_b.last_evaluation)

    def test_company_b_manager_evaluates_its_rule(self):
        manager_b = new_user(self.env, "access_manager_b", MANAGER_GROUPS, companies=self.company_b)
        self.env["prod.planning.price.alert.rule"].with_user(manager_b).browse(self.rule_b.id).action_evaluate()
        self.assertEqual(self._alerts_b(), 1)
        self.assertTrue(self.rule_b.last_evaluation)
