"""Two schedules applied at once never double-book a work center.

Real concurrency needs real transactions: the data is committed in the test
database through cursors of their own (as Odoo's test_ir_sequence does), two
threads apply two previews at the same time, and everything is removed again.
"""

import threading
from contextlib import contextmanager
from datetime import datetime

from odoo import Command, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, tagged
from odoo.tests.common import ADMIN_USER_ID, get_db_name

from .factories import calendar_vals

MONDAY = datetime(2027, 3, 1, 6, 0)

OVERLAPS = """
    SELECT a.id, b.id
      FROM mrp_workorder a
      JOIN mrp_workorder b ON b.workcenter_id = a.workcenter_id AND b.id > a.id
     WHERE a.workcenter_id = %s
       AND a.state NOT IN ('done', 'cancel') AND b.state NOT IN ('done', 'cancel')
       AND a.date_start < b.date_finished AND b.date_start < a.date_finished
"""


@tagged("post_install", "-at_install")
class TestScheduleConcurrency(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())

    @contextmanager
    def _env(self):
        """An environment on a cursor of its own, committed at the end."""
        with self.registry.cursor() as cr:
            yield api.Environment(cr, ADMIN_USER_ID, {"tracking_disable": True})

    def setUp(self):
        super().setUp()
        self.ids = {}
        self.addCleanup(self._cleanup)
        with self._env() as env:
            company = env.user.company_id
            calendar = env["resource.calendar"].create(
                calendar_vals("Conc Shift", range(5), ((8, 12), (13, 17)), company_id=company.id)
            )
            workcenter = env["mrp.workcenter"].create(
                {"name": "Conc WC", "code": "CONCWC", "resource_calendar_id": calendar.id, "company_id": company.id}
            )
            product = env["product.product"].create(
                {
                    "name": "Conc Widget",
                    "is_storable": True,
                    "route_ids": [Command.set(env.ref("mrp.route_warehouse0_manufacture").ids)],
                }
            )
            bom = env["mrp.bom"].create(
                {
                    "product_tmpl_id": product.product_tmpl_id.id,
                    "product_qty": 1.0,
                    "operation_ids": [
                        Command.create({"name": "Conc Step", "workcenter_id": workcenter.id, "time_cycle_manual": 60})
                    ],
                }
            )
            productions = env["mrp.production"].create(
                [
                    {"product_id": product.id, "product_qty": 2, "bom_id": bom.id, "date_start": MONDAY}
                    for _k in range(2)
                ]
            )
            productions.action_confirm()
            self.ids = {
                "calendar": calendar.id,
                "workcenter": workcenter.id,
                "product": product.id,
                "bom": bom.id,
                "productions": productions.ids,
            }
        # Both previews computed before either is applied: each puts its
        # order on the work center at the same time.
        with self._env() as env:
            wizards = env["prod.planning.schedule"].create(
                [
                    {
                        "scope": "selected",
                        "production_ids": [Command.set([production_id])],
                        "date_start": MONDAY,
                        "time_limit": 5,
                    }
                    for production_id in self.ids["productions"]
                ]
            )
            for wizard in wizards:
                wizard.compute()
            self.assertEqual(len(set(wizards.workorder_line_ids.mapped("new_date_start"))), 1)
            self.ids["wizards"] = wizards.ids

    def _cleanup(self):
        with self._env() as env:
            env = env(su=True)
            ids = self.ids
            if ids.get("wizards"):
                env["prod.planning.schedule"].browse(ids["wizards"]).unlink()
            productions = env["mrp.production"].browse(ids.get("productions", []))
            if productions:
                productions.action_cancel()
                productions.workorder_ids.leave_id.unlink()
                productions.unlink()
            if ids.get("workcenter"):
                env["prod.planning.capacity.load"].search([("workcenter_id", "=", ids["workcenter"])]).unlink()
            for model, key in (
                ("mrp.bom", "bom"),
                ("mrp.workcenter", "workcenter"),
                ("product.product", "product"),
                ("resource.calendar", "calendar"),
            ):
                if not ids.get(key):
                    continue
                record = env[model].browse(ids[key])
                try:
                    with env.cr.savepoint():
                        record.unlink()
                except Exception:  # noqa: BLE001 - still referenced: archived instead
                    record.active = False

    def _apply_in_thread(self, wizard_id, barrier, results):
        try:
            with self._env() as env:
                wizard = env["prod.planning.schedule"].browse(wizard_id)
                # The transaction's snapshot is taken before the other applies.
                self.assertEqual(wizard.state, "computed")
                barrier.wait()
                wizard.apply()
            results[wizard_id] = "applied"
        except Exception as exc:  # noqa: BLE001 - reported by the test
            results[wizard_id] = exc

    def test_two_applies_at_once_never_double_book(self):
        barrier = threading.Barrier(2)
        results = {}
        threads = [
            threading.Thread(target=self._apply_in_thread, args=(wizard_id, barrier, results))
            for wizard_id in self.ids["wizards"]
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        outcomes = list(results.values())
        self.assertEqual(outcomes.count("applied"), 1, outcomes)
        refused = next(outcome for outcome in outcomes if outcome != "applied")
        self.assertIsInstance(refused, UserError)
        self.assertRegex(str(refused), "right now|changed since")
        with self._env() as env:
            env.cr.execute(OVERLAPS, [self.ids["workcenter"]])
            self.assertEqual(env.cr.fetchall(), [])
            workorders = env["mrp.production"].browse(self.ids["productions"]).workorder_ids
            self.assertEqual(len(workorders.filtered("date_start")), 1)
            self.assertTrue(env["mrp.workcenter"].browse(self.ids["workcenter"]).prod_planning_schedule_date)
