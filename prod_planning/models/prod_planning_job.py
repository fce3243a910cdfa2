import logging
import time
from datetime import timedelta

import psycopg2.errors

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..tools import rpc_arguments
from ..tools.background_work import BACKGROUND_STATES, elapsed_seconds

_logger = logging.getLogger(__name__)

# Minutes after which a job still "running" is taken again (its worker died).
JOB_TIMEOUT_MINUTES = 60


class ProdPlanningJob(models.Model):
    """Long work started from a screen (a CP-SAT schedule, a price feed
    fetch), queued and done by the cron worker of ``ir_cron_prod_planning_job``
    instead of the HTTP request."""

    _name = "prod.planning.job"
    _description = "Planning Background Job"
    _order = "id desc"

    kind = fields.Selection(
        selection=[("schedule_compute", "Schedule computation"), ("price_fetch", "Price feed fetch")],
        required=True,
        readonly=True,
    )
    state = fields.Selection(selection=BACKGROUND_STATES, default="queued", required=True, readonly=True, index=True)
    progress = fields.Float(string="Progress (%)", readonly=True, digits=(16, 1))
    res_model = fields.Char(string="Model", required=True, readonly=True)
    res_id = fields.Many2oneReference(string="Record", model_field="res_model", required=True, readonly=True)
    user_id = fields.Many2one(
        comodel_name="res.users", required=True, default=lambda self: self.env.user, readonly=True
    )
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, default=lambda self: self.env.company, readonly=True
    )
    date_queued = fields.Datetime(string="Queued", default=fields.Datetime.now, readonly=True)
    date_start = fields.Datetime(string="Started", readonly=True)
    date_end = fields.Datetime(string="Ended", readonly=True)
    result = fields.Json(readonly=True)
    error_message = fields.Text(readonly=True)

    # -- API -------------------------------------------------------------------------
    @api.model
    def get_job_status(self, job_id):
        """``{id, kind, state, progress, elapsed, res_model, res_id, result,
        error}`` of a job (elapsed in seconds); poll it until the state is
        done, failed or cancelled."""
        self.check_access("read")
        rpc_arguments.require_id(self.env, "get_job_status", "job_id", job_id, self._name)
        job = self.browse(job_id)
        job.check_access("read")
        return job._status()

    def _status(self):
        self.ensure_one()
        elapsed = elapsed_seconds(self.state, self.date_start or self.date_queued, self.date_end, fields.Datetime.now())
        return {
            "id": self.id,
            "kind": self.kind,
            "state": self.state,
            "progress": round(self.progress, 1),
            "elapsed": round(elapsed, 1),
            "res_model": self.res_model,
            "res_id": self.res_id,
            "result": self.result or False,
            "error": self.error_message or False,
        }

    def action_cancel(self):
        """Cancel queued jobs (a running one finishes)."""
        self.check_access("read")
        jobs = self.filtered(lambda j: j.state == "queued")
        if not jobs:
            raise UserError(_("Only a queued job can be cancelled; a running job finishes its work."))
        if any(job.user_id != self.env.user for job in jobs):
            self.check_access("write")
        jobs.sudo().write({"state": "cancelled", "date_end": fields.Datetime.now()})
        return True

    # -- queueing --------------------------------------------------------------------
    @api.model
    def _enqueue(self, kind, record):
        """Queue ``kind`` on ``record`` for the caller (who was checked by the
        caller's own rules) and wake the worker; the job's id."""
        record.ensure_one()
        job = self.sudo().create(
            {
                "kind": kind,
                "res_model": record._name,
                "res_id": record.id,
                "user_id": self.env.uid,
                "company_id": self.env.company.id,
            }
        )
        self.env.ref("prod_planning.ir_cron_prod_planning_job").sudo()._trigger()
        return job.sudo(False)

    # -- worker ----------------------------------------------------------------------
    def _claimable_sql(self):
        stale = fields.Datetime.now() - timedelta(minutes=JOB_TIMEOUT_MINUTES)
        return SQL("FROM prod_planning_job WHERE state = 'queued' OR (state = 'running' AND date_start < %s)", stale)

    @api.model
    def _cron_process_jobs(self):
        """Cron worker: run queued jobs one at a time, as the user who
        queued each, committing after each job."""
        ir_cron = self.env["ir.cron"]
        self.flush_model()
        self.env.cr.execute(SQL("SELECT COUNT(*) %s", self._claimable_sql()))
        ir_cron._commit_progress(remaining=self.env.cr.fetchone()[0])
        while True:
            job = self._claim()
            if not job:
                break
            job._run()
            # Commit each job (allowed for crons): its result is kept
            # whatever happens to the next ones or to this worker.
            if not ir_cron._commit_progress(1):
                break

    @api.model
    def _claim(self):
        self.flush_model()
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    SQL("SELECT id %s ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED", self._claimable_sql())
                )
                row = self.env.cr.fetchone()
                if not row:
                    return None
                job = self.sudo().browse(row[0])
                job.write({"state": "running", "date_start": fields.Datetime.now(), "progress": 0.0})
        except psycopg2.errors.SerializationFailure:
            return None  # the next call of the cron looks again
        # Commit the claim (allowed for crons): the screen shows it running.
        self.env["ir.cron"]._commit_progress(0)
        return job

    def _run(self):
        """Do the job as its user in a savepoint; record the result or error."""
        self.ensure_one()
        job = self.sudo()
        started = time.perf_counter()
        try:
            with self.env.cr.savepoint():
                env = self.env(user=job.user_id.id, context={"allowed_company_ids": [job.company_id.id]})
                record = env[job.res_model].browse(job.res_id).exists()
                if not record:
                    raise UserError(
                        _("%(model)s %(id)s no longer exists: nothing to do.", model=job.res_model, id=job.res_id)
                    )
                result = getattr(self.with_env(env), f"_run_{job.kind}")(record)
            job.write({"state": "done", "progress": 100.0, "result": result, "date_end": fields.Datetime.now()})
        except Exception as error:  # noqa: BLE001 - recorded on the job, the next jobs go on
            if isinstance(error, UserError | ValidationError | AccessError):
                message = error.args[0]
            else:
                _logger.exception("Planning job %s (%s) failed", job.id, job.kind)
                message = repr(error)
            job.write({"state": "failed", "error_message": str(message), "date_end": fields.Datetime.now()})
        _logger.info("Planning job %s (%s): %s in %.2f s", job.id, job.kind, job.state, time.perf_counter() - started)

    def _run_schedule_compute(self, schedule):
        return schedule.compute()

    def _run_price_fetch(self, feed):
        feed.check_access("write")
        outcomes = feed._fetch_feeds()
        return {"state": outcomes.get(feed, "failed"), "message": feed.last_run_message or ""}
