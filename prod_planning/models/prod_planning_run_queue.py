"""Planning runs in the background: a run split into units of warehouses
that do not supply each other, queued and planned by the cron workers (of
one or several Odoo servers), each unit committed on its own."""

import logging
import os
import socket
import time
from datetime import timedelta

import psycopg2.errors

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..engine import units
from ..tools.background_work import ACTIVE_STATES
from .prod_planning_run import (
    RUN_LOCK_KEY,
    UNIT_LOCK_CLASS,
    UNIT_TIMEOUT_DEFAULT,
    UNIT_TIMEOUT_PARAM,
    WORKER_CODE,
    _UnitCancelled,
)

_logger = logging.getLogger(__name__)


class ProdPlanningRun(models.Model):
    _inherit = "prod.planning.run"

    def _queue(self):
        """Split each run into units of warehouses that do not supply each
        other, queue them and wake the cron workers."""
        reader = self.env["prod.planning.run.reader"]
        now = fields.Datetime.now()
        for run in self:
            if run.state in ACTIVE_STATES:
                raise UserError(
                    _(
                        "Planning run %(name)s is already %(state)s: wait for it or cancel it.",
                        name=run.name,
                        state=run.state,
                    )
                )
            warehouses = run._planned_warehouses()
            groups = units.split_units(warehouses.ids, reader._warehouse_links(warehouses))
            run.write(
                {
                    "state": "queued",
                    "date_queued": now,
                    "date_start": False,
                    "date_end": False,
                    "duration": 0.0,
                    "error_message": False,
                }
            )
            # Units are the workers' records: written in sudo after the
            # caller's access to the run was checked.
            run.sudo().unit_ids.unlink()
            self.env["prod.planning.run.unit"].sudo().create(
                [run._prepare_unit_vals(sequence, group) for sequence, group in enumerate(groups, start=1)]
            )
        self._trigger_workers()

    def _prepare_unit_vals(self, sequence, warehouse_ids):
        return {
            "run_id": self.id,
            "sequence": sequence,
            "warehouse_ids": [fields.Command.set(warehouse_ids)],
            "state": "queued",
        }

    @api.model
    def _worker_crons(self):
        """The cron jobs that plan queued units (two by default; duplicate
        one for more workers)."""
        return (
            self.env["ir.cron"]
            .sudo()
            .with_context(active_test=True)
            .search([("model_id.model", "=", self._name), ("code", "=", WORKER_CODE)])
        )

    @api.model
    def _trigger_workers(self):
        for cron in self._worker_crons():
            cron._trigger()

    @api.model
    def _cron_process_units(self):
        """Cron worker: plan queued units one at a time until none is left.

        Several workers (cron threads of one server, or several servers on
        the same database) run this at the same time: each claims a unit with
        ``FOR UPDATE SKIP LOCKED`` and commits after each unit, so a worker
        killed mid-way loses only its unit, which another worker takes again
        after the timeout.
        """
        ir_cron = self.env["ir.cron"]
        skipped = set()
        ir_cron._commit_progress(remaining=self._claimable_count(skipped))
        while True:
            unit = self._claim_unit(skipped)
            if not unit:
                break
            if not self._process_unit(unit):
                skipped.add(unit.id)
                continue
            # Commit the unit (allowed for crons): its plan is kept whatever
            # happens to the next units or to this worker.
            ir_cron._commit_progress(1, remaining=self._claimable_count(skipped))
            unit.run_id._finish()
            if not ir_cron._commit_progress(0):
                break  # the cron's time is up: the next call takes the rest

    @api.model
    def _unit_timeout(self):
        value = self.env["ir.config_parameter"].sudo().get_param(UNIT_TIMEOUT_PARAM)
        try:
            return max(int(value), 1) if value else UNIT_TIMEOUT_DEFAULT
        except ValueError:
            return UNIT_TIMEOUT_DEFAULT

    def _claimable_sql(self, skipped):
        """FROM and WHERE of the units a worker may take: queued, or running
        for longer than the timeout (their worker died), of an active run."""
        stale = fields.Datetime.now() - timedelta(minutes=self._unit_timeout())
        return SQL(
            """
              FROM prod_planning_run_unit u
              JOIN prod_planning_run r ON r.id = u.run_id
             WHERE r.state IN ('queued', 'running')
               AND (u.state = 'queued' OR (u.state = 'running' AND u.date_start < %s))
               AND NOT u.id = ANY(%s)
            """,
            stale,
            list(skipped),
        )

    @api.model
    def _claimable_count(self, skipped):
        self.env["prod.planning.run.unit"].flush_model()
        self.env["prod.planning.run"].flush_model()
        self.env.cr.execute(SQL("SELECT COUNT(*) %s", self._claimable_sql(skipped)))
        return self.env.cr.fetchone()[0]

    @api.model
    def _claim_unit(self, skipped):
        """Take the next unit no other worker holds and mark it running
        (committed, so that the form shows it); None when none is left."""
        Unit = self.env["prod.planning.run.unit"]
        self.env["prod.planning.run.unit"].flush_model()
        self.env["prod.planning.run"].flush_model()
        query = SQL(
            "SELECT u.id %s ORDER BY u.run_id, u.sequence, u.id LIMIT 1 FOR UPDATE OF u SKIP LOCKED",
            self._claimable_sql(skipped),
        )
        for _attempt in range(3):
            try:
                with self.env.cr.savepoint():
                    self.env.cr.execute(query, log_exceptions=False)
                    row = self.env.cr.fetchone()
                    if not row:
                        return None
                    unit = Unit.browse(row[0])
                    unit.write(
                        {
                            "state": "running",
                            "date_start": fields.Datetime.now(),
                            "date_end": False,
                            "error_message": False,
                            "worker": f"{socket.gethostname()}:{os.getpid()}",
                            "attempt_count": unit.attempt_count + 1,
                        }
                    )
            except psycopg2.errors.SerializationFailure:
                # Another worker changed the row since this transaction
                # began: look again in a new transaction.
                self.env.cr.rollback()
                continue
            run = unit.run_id
            if run.state == "queued" and self._try_lock(run):
                run.write({"state": "running", "date_start": fields.Datetime.now()})
            # Commit the claim (allowed for crons): the unit shows running.
            self.env["ir.cron"]._commit_progress(0)
            return unit
        return None

    def _lock_unit(self, unit):
        """The shared run lock and the unit's warehouse locks, for this
        transaction; False when a whole run or another unit holds them."""
        cr = self.env.cr
        cr.execute("SELECT pg_try_advisory_xact_lock_shared(%s)", [RUN_LOCK_KEY])
        if not cr.fetchone()[0]:
            return False
        for warehouse_id in unit.warehouse_ids.ids:
            cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [UNIT_LOCK_CLASS, warehouse_id])
            if not cr.fetchone()[0]:
                return False
        return True

    @api.model
    def _process_unit(self, unit):
        """Plan one unit as a batch; False when it must wait (locked)."""
        run = unit.run_id
        if not self._lock_unit(unit):
            unit.write({"state": "queued", "date_start": False})
            self.env["ir.cron"]._commit_progress(0)
            return False
        started = time.perf_counter()
        try:
            with self.env.cr.savepoint():
                stats = run._plan_unit(unit)
                # Locked only now, so that Cancel never waits for a unit: when
                # the unit was cancelled meanwhile, its plan is rolled back.
                if not self._try_lock(unit) or unit.state != "running":
                    raise _UnitCancelled
                stats.update(state="done", date_end=fields.Datetime.now(), duration=time.perf_counter() - started)
                unit.write(stats)
        except _UnitCancelled:
            _logger.info("Planning run %s: unit %s cancelled while planned", run.name, unit.id)
            self.env.invalidate_all()
        except psycopg2.errors.SerializationFailure:
            # Its planned orders or messages changed since this transaction
            # began (a release, say): the unit is planned again, afresh.
            _logger.info("Planning run %s: unit %s met a concurrent change, queued again", run.name, unit.id)
            self.env.invalidate_all()
            if self._try_lock(unit) and unit.state == "running":
                unit.write({"state": "queued", "date_start": False})
            self.env["ir.cron"]._commit_progress(0)
            self._trigger_workers()
            return False
        except Exception as error:  # noqa: BLE001 - recorded on the unit, the other units go on
            _logger.exception("Planning run %s: unit %s failed", run.name, unit.id)
            self.env.invalidate_all()
            message = error.args[0] if isinstance(error, UserError | ValidationError) else repr(error)
            if self._try_lock(unit) and unit.state == "running":
                unit.write(
                    {
                        "state": "failed",
                        "error_message": str(message),
                        "date_end": fields.Datetime.now(),
                        "duration": time.perf_counter() - started,
                    }
                )
        return True

    def _try_lock(self, records):
        """Lock the rows of ``records`` for this transaction and read them
        again; False when another transaction changed them since this one
        began (repeatable read: the change would conflict)."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM %s WHERE id = ANY(%s) FOR NO KEY UPDATE",
                        SQL.identifier(records._table),
                        records.ids,
                    ),
                    log_exceptions=False,
                )
        except psycopg2.errors.SerializationFailure:
            return False
        records.invalidate_recordset()
        return True

    def _plan_unit(self, unit):
        """The plan of one unit's warehouses (an extension point)."""
        self.ensure_one()
        return self._plan(unit.warehouse_ids)

    def _finish(self):
        """When every unit of the run is finished: the run is done (or failed
        when a unit failed), with the units' totals; a nightly run then
        releases what falls in the fence."""
        self.ensure_one()
        self.invalidate_recordset()
        self.unit_ids.invalidate_recordset()
        if self.state not in ACTIVE_STATES or any(u.state in ACTIVE_STATES for u in self.unit_ids):
            return False
        if not self._try_lock(self) or self.state not in ACTIVE_STATES:
            return False  # another worker finishes the run
        units_ = self.unit_ids
        failed = units_.filtered(lambda u: u.state == "failed")
        vals = {
            name: sum(units_.mapped(name))
            for name in (
                "product_count",
                "demand_count",
                "supply_count",
                "planned_order_count",
                "exception_count",
                "engine_duration",
            )
        }
        begin = self.date_start or self.date_queued
        vals.update(
            state="failed" if failed else "done",
            date_end=fields.Datetime.now(),
            duration=(fields.Datetime.now() - begin).total_seconds() if begin else 0.0,
            error_message="\n".join(
                _(
                    "Warehouses %(names)s: %(error)s",
                    names=", ".join(u.warehouse_ids.mapped("name")),
                    error=u.error_message,
                )
                for u in failed
            )
            or False,
        )
        self.write(vals)
        if failed:
            self.message_post(
                body=_("Planning run failed: %(msg)s", msg=vals["error_message"]),
                **self.company_id._prod_planning_author_values(),
            )
            return True
        self.message_post(body=self._summary_message(), **self.company_id._prod_planning_author_values())
        if self.trigger == "cron":
            try:
                with self.env.cr.savepoint():
                    self._auto_release()
            except Exception as error:  # noqa: BLE001 - recorded, the plan stays
                _logger.exception("Planning run %s: automatic release failed", self.name)
                self.message_post(
                    body=_("Automatic release failed: %(msg)s", msg=str(error.args[0] if error.args else error)),
                    **self.company_id._prod_planning_author_values(),
                )
        return True

    def _auto_release(self):
        """Release auto-release purchase planned orders within the release fence."""
        self.ensure_one()
        fence = fields.Date.context_today(self) + timedelta(days=self.company_id.prod_planning_release_fence_days)
        auto_products = self.env["prod.planning.parameter"].search(
            [("auto_release", "=", True), ("company_id", "=", self.company_id.id)]
        )
        keys = {(p.product_id.id, p.warehouse_id.id) for p in auto_products}
        orders = self.env["prod.planning.order"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("state", "in", ("draft", "firm")),
                ("supply_type", "=", "buy"),
                ("release_date", "<=", fence),
                ("product_id", "in", list({k[0] for k in keys})),
            ]
        )
        orders = orders.filtered(lambda o: (o.product_id.id, o.warehouse_id.id) in keys)
        if not orders:
            return 0
        result = self.env["prod.planning.release"]._release(
            orders, confirm=self.company_id.prod_planning_auto_confirm_rfq, per_group_savepoint=True, notify=True
        )
        self.released_count = result["released"]
        self.message_post(
            body=_(
                "Automatic release: %(released)s planned orders into %(rfqs)s RFQs.%(errors)s",
                released=result["released"],
                rfqs=len(result["purchase_order_ids"]),
                errors=("\n" + "\n".join(result["errors"])) if result["errors"] else "",
            ),
            **self.company_id._prod_planning_author_values(),
        )
        return result["released"]
