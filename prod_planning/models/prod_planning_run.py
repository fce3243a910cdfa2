import logging
import resource
import time
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine import mrp
from ..tools import rpc_arguments
from ..tools.background_work import ACTIVE_STATES, BACKGROUND_STATES, elapsed_seconds
from ..tools.garbage_collection import without_cyclic_gc

_logger = logging.getLogger(__name__)

# Key of the PostgreSQL advisory lock that keeps two planning runs apart.
# A whole run (synchronous) takes it exclusively; the cron workers planning
# units take it shared, so that they run side by side but never beside a
# whole run.
RUN_LOCK_KEY = 7_310_418_802
# Class of the per-warehouse advisory locks (two-key form) taken by a worker
# planning a unit: two units covering the same warehouse (of two runs) never
# write at the same time.
UNIT_LOCK_CLASS = 73_104_188
# Minutes after which a unit still "running" is taken again (its worker died).
UNIT_TIMEOUT_PARAM = "prod_planning.unit_timeout_minutes"
UNIT_TIMEOUT_DEFAULT = 30
# The code of the cron workers that plan the queued units.
WORKER_CODE = "model._cron_process_units()"


class _UnitCancelled(Exception):
    """The unit was cancelled while a worker planned it."""


class ProdPlanningRun(models.Model):
    """One regenerative MRP run: reads demand and supply, writes the plan."""

    _name = "prod.planning.run"
    _description = "Planning Run"
    _inherit = ["mail.thread", "prod.planning.run.stats.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, default=lambda self: _("New"), copy=False)
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, default=lambda self: self.env.company, index=True
    )
    warehouse_ids = fields.Many2many(
        comodel_name="stock.warehouse",
        string="Warehouses",
        check_company=True,
        help="Warehouses to plan; empty plans every warehouse of the company.",
    )
    horizon_days = fields.Integer(default=lambda self: self.env.company.prod_planning_horizon_days, required=True)
    trigger = fields.Selection(
        selection=[("manual", "Manual"), ("cron", "Scheduled action"), ("rpc", "Integration")],
        default="manual",
        required=True,
        readonly=True,
    )
    state = fields.Selection(
        selection=[("draft", "Draft"), *BACKGROUND_STATES], default="draft", required=True, readonly=True, tracking=True
    )
    user_id = fields.Many2one(comodel_name="res.users", default=lambda self: self.env.user, readonly=True)
    released_count = fields.Integer(string="Auto-released", readonly=True)
    planned_order_ids = fields.One2many(comodel_name="prod.planning.order", inverse_name="run_id")
    exception_ids = fields.One2many(comodel_name="prod.planning.exception", inverse_name="run_id")
    unit_ids = fields.One2many(comodel_name="prod.planning.run.unit", inverse_name="run_id", string="Units")
    date_queued = fields.Datetime(string="Queued", readonly=True)
    unit_count = fields.Integer(string="Unit Count", compute="_compute_progress")
    unit_done_count = fields.Integer(string="Units Finished", compute="_compute_progress")
    progress = fields.Float(string="Progress (%)", compute="_compute_progress", digits=(16, 1))
    elapsed = fields.Float(string="Elapsed (s)", compute="_compute_progress", digits=(16, 1))
    run_status = fields.Json(compute="_compute_progress", help="State, progress and units for the form's widget.")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", _("New")) == _("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("prod.planning.run") or _("New")
        return super().create(vals_list)

    @api.depends("state", "unit_ids.state", "date_queued", "date_start", "date_end")
    def _compute_progress(self):
        now = fields.Datetime.now()
        for run in self:
            finished = run.unit_ids.filtered(lambda u: u.state not in ACTIVE_STATES)
            run.unit_count = len(run.unit_ids)
            run.unit_done_count = len(finished)
            if run.unit_ids:
                run.progress = 100.0 * len(finished) / len(run.unit_ids)
            else:
                run.progress = 100.0 if run.state == "done" else 0.0
            run.elapsed = elapsed_seconds(run.state, run.date_start or run.date_queued, run.date_end, now)
            run.run_status = run._status() if run.id else {}

    @api.constrains("horizon_days")
    def _check_horizon_days(self):
        for run in self:
            if not 1 <= run.horizon_days <= 3650:
                raise ValidationError(
                    _(
                        "Planning run %(name)s: the horizon of %(days)s days is out of range; use 1 to 3650 days.",
                        name=run.name,
                        days=run.horizon_days,
                    )
                )

    def action_run(self):
        """Run the plan. A failure is recorded on the run; the old plan stays."""
        self.check_access("write")
        self._check_source_access()
        for run in self:
            run._execute()
        return True

    def action_queue(self):
        """Run the plan in the background (the screen's Run button): the run
        is queued and the cron workers plan its units."""
        self.check_access("write")
        self._check_source_access()
        self._queue()
        return True

    def action_cancel(self):
        """Cancel a queued or running run: its units not finished yet are
        not planned and their previous plan stays."""
        self.check_access("write")
        runs = self.filtered(lambda r: r.state in ACTIVE_STATES)
        if not runs:
            raise UserError(_("Only a queued or running planning run can be cancelled."))
        # Units are written by the workers only (sudo after the check above).
        runs.sudo().unit_ids.filtered(lambda u: u.state in ACTIVE_STATES).write(
            {"state": "cancelled", "date_end": fields.Datetime.now()}
        )
        runs.write({"state": "cancelled", "date_end": fields.Datetime.now()})
        for run in runs:
            run.message_post(
                body=_("Planning run cancelled by %(user)s.", user=self.env.user.name),
                **run.company_id._prod_planning_author_values(),
            )
        return True

    def action_view_planned_orders(self):
        self.check_access("read")
        return self._open_lines("prod_planning.prod_planning_order_action")

    def action_view_exceptions(self):
        self.check_access("read")
        return self._open_lines("prod_planning.prod_planning_exception_action")

    @api.model
    def _check_source_access(self):
        """A run reads these in SQL (the reader): the caller must be allowed to."""
        for model in ("stock.quant", "stock.move", "mrp.bom", "purchase.order.line", "prod.planning.forecast"):
            self.env[model].check_access("read")

    def _open_lines(self, xmlid):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("run_id", "=", self.id)]
        action["context"] = {}
        return action

    @api.model
    def run_planning(self, options=None):
        """XML-RPC entry point: run the plan now and return its summary.

        ``options`` may hold ``warehouse_ids`` (list of ids) and
        ``horizon_days``. Raises a UserError when the run fails (nothing is
        written then).
        """
        vals = self._prepare_rpc_run_vals("run_planning", options)
        run = self.create(vals)
        run._execute()
        if run.state == "failed":
            raise UserError(run.error_message)
        return run._summary()

    @api.model
    def run_planning_async(self, options=None):
        """XML-RPC entry point: queue the plan and return the run's id at once.

        Same ``options`` as ``run_planning``; poll ``get_run_status(run_id)``
        until its state is done, failed or cancelled.
        """
        vals = self._prepare_rpc_run_vals("run_planning_async", options)
        run = self.create(vals)
        run._queue()
        return run.id

    @api.model
    def _prepare_rpc_run_vals(self, method, options):
        """create() values of a run asked over RPC, after the access checks
        and the checks of ``options`` (``warehouse_ids``, ``horizon_days``)."""
        self.check_access("create")
        self._check_source_access()
        options = rpc_arguments.require_options(self.env, method, "options", options, ("warehouse_ids", "horizon_days"))
        warehouse_ids = rpc_arguments.require_ids(
            self.env, method, "options.warehouse_ids", options.get("warehouse_ids"), "stock.warehouse"
        )
        horizon_days = rpc_arguments.require_number(
            self.env,
            method,
            "options.horizon_days",
            options.get("horizon_days"),
            minimum=1,
            maximum=3650,
            integer=True,
            required=False,
        )
        vals = {"trigger": "rpc"}
        if warehouse_ids:
            vals["warehouse_ids"] = [fields.Command.set(warehouse_ids)]
        if horizon_days is not None:
            vals["horizon_days"] = horizon_days
        return vals

    @api.model
    def get_run_status(self, run_id):
        """State of a run: ``{id, name, state, progress, elapsed, units_done,
        units_total, error, summary, units: [{id, warehouse_ids, warehouses,
        state, duration, planned_orders, error}]}`` (progress in percent,
        elapsed in seconds)."""
        self.check_access("read")
        rpc_arguments.require_id(self.env, "get_run_status", "run_id", run_id, self._name)
        run = self.browse(run_id)
        run.check_access("read")
        return run._status()

    def _status(self):
        self.ensure_one()
        return {
            "id": self.id,
            "name": self.name,
            "state": self.state,
            "progress": round(self.progress, 1),
            "elapsed": round(self.elapsed, 1),
            "units_done": self.unit_done_count,
            "units_total": self.unit_count,
            "error": self.error_message or False,
            "summary": self._summary() if self.state == "done" else False,
            "units": self.unit_ids._status(),
        }

    def _summary(self):
        self.ensure_one()
        return {
            "id": self.id,
            "name": self.name,
            "state": self.state,
            "duration": self.duration,
            "items": self.product_count,
            "planned_orders": self.planned_order_count,
            "exceptions": self.exception_count,
            "released": self.released_count,
            "error": self.error_message or False,
        }

    def _lock(self):
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s)", [RUN_LOCK_KEY])
        if not self.env.cr.fetchone()[0]:
            raise UserError(
                _(
                    "Another planning run, or a release or workbench edit of planned orders, is in progress; "
                    "wait for it to finish and start %(name)s again.",
                    name=self.name,
                )
            )

    def _execute(self):
        self.ensure_one()
        self._lock()
        started = time.perf_counter()
        self.write({"date_start": fields.Datetime.now(), "error_message": False})
        try:
            with self.env.cr.savepoint():
                stats = self._plan()
        except (UserError, ValidationError) as error:
            message = error.args[0]
            self.write(
                {
                    "state": "failed",
                    "error_message": message,
                    "date_end": fields.Datetime.now(),
                    "duration": time.perf_counter() - started,
                }
            )
            self.message_post(
                body=_("Planning run failed: %(msg)s", msg=message), **self.company_id._prod_planning_author_values()
            )
            return False
        stats.update(state="done", date_end=fields.Datetime.now(), duration=time.perf_counter() - started)
        self.write(stats)
        self.message_post(body=self._summary_message(), **self.company_id._prod_planning_author_values())
        return True

    def _summary_message(self):
        message = _(
            "Planned %(items)s items in %(duration).1f s: %(orders)s planned orders, "
            "%(exceptions)s exceptions (%(demands)s demands, %(supplies)s existing "
            "supplies).",
            items=self.product_count,
            duration=self.duration,
            orders=self.planned_order_count,
            exceptions=self.exception_count,
            demands=self.demand_count,
            supplies=self.supply_count,
        )
        counts = dict(
            self.env["prod.planning.exception"]._read_group([("run_id", "=", self.id)], ["kind"], ["__count"])
        )
        warnings = []
        if counts.get("late"):
            warnings.append(_("%(count)s planned orders are already late.", count=counts["late"]))
        if counts.get("no_source"):
            warnings.append(_("%(count)s products have demand but no vendor or BoM.", count=counts["no_source"]))
        if counts.get("below_safety"):
            warnings.append(_("%(count)s products stay below their safety stock.", count=counts["below_safety"]))
        if warnings:
            message = Markup("%s<br/>%s") % (
                message,
                Markup("<br/>").join(self.env._("Warning: %s", w) for w in warnings),
            )
        return message

    def _plan(self, warehouses=None):
        """Read, plan, write: reader → engine → writer. Returns the run's stats.

        ``warehouses`` (a unit of the run) default to all the run's warehouses;
        the plan of the other warehouses is left as it is.
        """
        warehouses = warehouses or self._planned_warehouses()
        today = fields.Date.context_today(self)
        horizon_end = today + timedelta(days=self.horizon_days)
        # Millions of short-lived, acyclic objects (the plan and its rows): the
        # cyclic garbage collector would walk them all again and again.
        writer = self.env["prod.planning.run.writer"]
        writer._lock_plan(self, warehouses)
        with without_cyclic_gc():
            data = self.env["prod.planning.run.reader"]._collect(self.company_id, warehouses, today, horizon_end)
            engine_started = time.perf_counter()
            result = self._run_engine(data, today, horizon_end)
            engine_duration = time.perf_counter() - engine_started
            counts = writer._write(self, warehouses, data, result)
        _logger.info(
            "Planning run %s: %s items, engine %.2f s, peak RSS %s MB",
            self.name,
            len(data["items"]),
            engine_duration,
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        )
        return {
            "engine_duration": engine_duration,
            "product_count": len(data["items"]),
            "demand_count": len(data["demands"]) + len(data["forecasts"]),
            "supply_count": len(data["supplies"]),
            **counts,
        }

    def _planned_warehouses(self):
        """The run's warehouses, else every warehouse of its company."""
        warehouses = self.warehouse_ids or self.env["stock.warehouse"].search([("company_id", "=", self.company_id.id)])
        if not warehouses:
            raise UserError(
                _(
                    "Planning run %(name)s: company %(company)s has no warehouse to plan.",
                    name=self.name,
                    company=self.company_id.name,
                )
            )
        return warehouses

    def _run_engine(self, data, today, horizon_end):
        """The engine's plan of the data the reader collected; a BoM cycle is
        a UserError naming its products."""
        try:
            return mrp.plan(
                data["items"],
                data["bom_lines"],
                data["demands"],
                data["forecasts"],
                data["supplies"],
                today,
                horizon_end=horizon_end,
            )
        except mrp.BomCycleError as error:
            product_names = self.env["prod.planning.run.reader"]._product_names(
                [key[0] for key in error.cycle], self.company_id
            )
            names = [product_names[key[0]] for key in error.cycle]
            raise UserError(
                _(
                    "The bills of materials form a cycle: %(cycle)s. Remove one of "
                    "these components from its parent's BoM and run again.",
                    cycle=" → ".join(names),
                )
            ) from error

    @api.model
    def _cron_plan_and_release(self):
        """Nightly: queue a run of every company, then plan its units here
        and in the other cron workers; the last unit of a run releases what
        falls in the fence (``_finish``).

        A unit that fails is recorded on it and the others go on.
        """
        runs = self.browse()
        for company in self.env["res.company"].search([]):
            run = self.with_company(company).create({"trigger": "cron", "company_id": company.id})
            try:
                with self.env.cr.savepoint():
                    run._queue()
            except (UserError, ValidationError) as error:
                run.write({"state": "failed", "error_message": error.args[0], "date_end": fields.Datetime.now()})
            runs |= run
        # Commit the queued runs (allowed for crons) so that the other
        # workers see their units, then take part in the work.
        self.env["ir.cron"]._commit_progress(0)
        self._cron_process_units()
