"""Shared setup of the scheduling tests: calendars, work centers, routings.

A plant of its own (UTC calendars, work centers with setup, cleanup and
efficiency, alternatives), independent of demo data. Dates are those of a
frozen Monday, ``MONDAY`` (06:00 UTC, before the shifts start).
"""

import contextlib
from datetime import datetime, timedelta

# freezegun's own freeze_time: Odoo 19's test framework replaces
# freezegun.freeze_time with a wrapper that has no ``ignore`` argument.
from freezegun.api import freeze_time

from odoo import Command

from .common import ProdPlanningCase
from .factories import calendar_vals

MONDAY = datetime(2027, 3, 1, 6, 0)
# The engine measures its time budget with time.perf_counter(), which freezegun
# would freeze too: its modules keep the real clock.
ENGINE = "odoo.addons.prod_planning.engine"


# OR-Tools imports pandas, whose extension modules crash when first imported
# while freezegun has replaced datetime: import it before any test freezes time.
with contextlib.suppress(ImportError):
    from ortools.sat.python import cp_model  # noqa: F401


def frozen(when=MONDAY):
    """freeze_time at ``when``, leaving the scheduling engine the real clock."""
    return freeze_time(when, ignore=[ENGINE])


def at(day, hour, minute=0):
    """``MONDAY`` + ``day`` days, at ``hour``:``minute`` (UTC)."""
    return MONDAY.replace(hour=0) + timedelta(days=day, hours=hour, minutes=minute)


class SchedulingCase(ProdPlanningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Work orders in the UI, as a plant using routings has them.
        cls.env.ref("base.group_user").write({"implied_ids": [Command.link(cls.env.ref("mrp.group_mrp_routings").id)]})
        # 8 hours Monday to Friday: 08:00-12:00 and 13:00-17:00 UTC.
        cls.calendar = cls._create_calendar("Sched Day Shift")
        cls.workcenter_a = cls._create_workcenter("Sched A", time_start=10, time_stop=5, time_efficiency=80)
        cls.workcenter_b = cls._create_workcenter("Sched B")
        cls.workcenter_a.alternative_workcenter_ids = cls.workcenter_b
        cls.workcenter_c = cls._create_workcenter("Sched C")

    @classmethod
    def _create_calendar(cls, name, days=range(5), shifts=((8, 12), (13, 17))):
        return cls.env["resource.calendar"].create(calendar_vals(name, days, shifts, company_id=cls.company.id))

    @classmethod
    def _create_workcenter(cls, name, calendar=None, **values):
        vals = {
            "name": name,
            "code": name.replace(" ", "")[:8].upper(),
            "resource_calendar_id": (calendar or cls.calendar).id,
            "company_id": cls.company.id,
        }
        vals.update(values)
        return cls.env["mrp.workcenter"].create(vals)

    @classmethod
    def _create_routing_bom(cls, product, operations, components=(), **values):
        """operations: list of (work center, minutes per cycle[, name])."""
        vals = {
            "product_tmpl_id": product.product_tmpl_id.id,
            "product_qty": 1.0,
            "bom_line_ids": [Command.create({"product_id": comp.id, "product_qty": qty}) for comp, qty in components],
            "operation_ids": [
                Command.create(
                    {
                        "name": op[2] if len(op) > 2 else f"Step {k + 1}",
                        "workcenter_id": op[0].id,
                        "time_cycle_manual": op[1],
                        "sequence": k + 1,
                    }
                )
                for k, op in enumerate(operations)
            ],
        }
        vals.update(values)
        return cls.env["mrp.bom"].create(vals)

    @classmethod
    def _create_production(cls, product, qty, date_start=None, deadline=None, priority="0", confirm=True):
        production = cls.env["mrp.production"].create(
            {
                "product_id": product.id,
                "product_qty": qty,
                "product_uom_id": product.uom_id.id,
                "date_start": date_start or MONDAY,
                "date_deadline": deadline,
                "priority": priority,
            }
        )
        if confirm:
            production.action_confirm()
        return production

    def _wizard(self, productions, **values):
        vals = {
            "scope": "selected",
            "production_ids": [Command.set(productions.ids)],
            "date_start": MONDAY,
            "time_limit": 5,
        }
        vals.update(values)
        return self.env["prod.planning.schedule"].create(vals)

    def _build(self, productions, keep_started=True, days=28):
        return self.env["prod.planning.schedule.reader"]._build(
            productions, MONDAY, MONDAY + timedelta(days=days), keep_started
        )
