"""Finite-capacity scheduling wizard: compute a preview, then apply or discard."""

import logging
import time
from datetime import date, datetime, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_datetime

from ..engine import scheduling
from ..tools import rpc_arguments

_logger = logging.getLogger(__name__)

SCHEDULABLE_STATES = ("confirmed", "progress")
CP_SAT_WORKERS = 2
MIN_TIME_LIMIT = 0.1
MAX_TIME_LIMIT = 3600
MAX_HORIZON_DAYS = 1000
Status = scheduling.SolveStatus


class ProdPlanningSchedule(models.TransientModel):
    """Schedule manufacturing orders on finite capacity.

    ``compute()`` stores a preview (one line per order, one per work order, one
    per work center) and writes nothing else; ``apply()`` writes the dates of
    the work orders and the orders in one transaction; ``discard()`` drops the
    preview. All three are callable over XML-RPC.
    """

    _name = "prod.planning.schedule"
    _description = "Schedule Manufacturing Orders"
    _check_company_auto = True

    company_id = fields.Many2one(comodel_name="res.company", required=True, default=lambda self: self.env.company)
    state = fields.Selection(
        selection=[("draft", "Draft"), ("computed", "Preview"), ("applied", "Applied"), ("discarded", "Discarded")],
        default="draft",
        required=True,
        readonly=True,
    )
    scope = fields.Selection(
        selection=[
            ("selected", "Selected manufacturing orders"),
            ("window", "Manufacturing orders starting in a date window"),
        ],
        default="window",
        required=True,
    )
    production_ids = fields.Many2many(
        comodel_name="mrp.production",
        relation="prod_planning_schedule_production_rel",
        column1="schedule_id",
        column2="production_id",
        string="Manufacturing Orders",
        check_company=True,
        domain="[('state', 'in', ('confirmed', 'progress'))]",
    )
    date_from = fields.Date(string="From", default=lambda self: fields.Date.context_today(self))
    date_to = fields.Date(string="To", default=lambda self: fields.Date.context_today(self) + timedelta(days=28))
    workcenter_ids = fields.Many2many(
        comodel_name="mrp.workcenter",
        relation="prod_planning_schedule_workcenter_rel",
        column1="schedule_id",
        column2="workcenter_id",
        string="Work Centers",
        check_company=True,
        help="Only the orders with a work order at one of these work centers (all their work orders are scheduled).",
    )
    strategy = fields.Selection(
        selection=[
            ("forward", "Forward: as soon as possible"),
            ("backward", "Backward: just in time for the deadlines"),
        ],
        default="forward",
        required=True,
        help="Both minimise the total lateness weighted by priority (urgent "
        "orders weigh 10); forward then the last finish, backward the "
        "earliness and the work in progress.",
    )
    keep_started = fields.Boolean(
        string="Keep Started Work Orders Fixed",
        default=True,
        help="Work orders in progress stay where they are; otherwise their remaining time is scheduled again.",
    )
    use_cp_sat = fields.Boolean(
        string="Optimise with CP-SAT",
        default=True,
        help="After the dispatching heuristic, improve the schedule with OR-Tools CP-SAT until the time limit.",
    )
    time_limit = fields.Float(
        string="Time Limit (s)",
        default=10.0,
        help="Seconds the solver may take; the best schedule found by then is kept.",
    )
    date_start = fields.Datetime(
        string="Start",
        required=True,
        default=fields.Datetime.now,
        help="No work order is scheduled before this moment.",
    )
    horizon_days = fields.Integer(
        string="Calendar Horizon (days)",
        default=90,
        help="Days of work-center calendars read from the start; work scheduled beyond them is reported.",
    )
    # results
    solve_method = fields.Selection(
        selection=[
            (Status.HEURISTIC.value, "Heuristic"),
            (Status.CP_SAT_OPTIMAL.value, "CP-SAT, optimal"),
            (Status.CP_SAT_FEASIBLE.value, "CP-SAT, not proven optimal"),
            (Status.CP_SAT_NO_GAIN.value, "Heuristic: CP-SAT found no better schedule"),
            (Status.CP_SAT_TIMEOUT.value, "Heuristic: CP-SAT out of time"),
            (Status.CP_SAT_FAILED.value, "Heuristic: CP-SAT failed"),
            (Status.CP_SAT_UNAVAILABLE.value, "Heuristic: OR-Tools not installed"),
        ],
        string="Solver Outcome",
        readonly=True,
        help="How the schedule was found (the scheduling engine's status).",
    )
    method = fields.Char(
        readonly=True,
        help="The scheduling engine's description of the solver outcome "
        "(kept for XML-RPC clients; Solver Outcome holds it as a value).",
    )
    solver_status = fields.Selection(
        selection=[("optimal", "Optimal"), ("feasible", "Feasible"), ("heuristic", "Heuristic")], readonly=True
    )
    gap = fields.Float(
        string="Gap to Bound (%)",
        readonly=True,
        help="How far the schedule's objective may be from the best possible "
        "one (CP-SAT's proven bound); 0 means optimal.",
    )
    has_bound = fields.Boolean(readonly=True)
    objective = fields.Selection(
        selection=[("weighted_tardiness", "Weighted lateness"), ("makespan", "Last finish")], readonly=True
    )
    objective_value = fields.Float(
        readonly=True, help="Weighted lateness in hours, or the last finish in hours from the start."
    )
    lower_bound = fields.Float(readonly=True)
    solve_time = fields.Float(string="Solver Time (s)", readonly=True)
    scheduled_count = fields.Integer(string="Scheduled Orders", readonly=True)
    unschedulable_count = fields.Integer(string="Unschedulable Orders", readonly=True)
    late_count = fields.Integer(string="Late Orders", readonly=True)
    total_lateness_hours = fields.Float(string="Total Lateness (h)", readonly=True)
    date_last_finish = fields.Datetime(string="Last Finish", readonly=True)
    notes = fields.Text(readonly=True)
    preview_fingerprint = fields.Char(
        readonly=True,
        copy=False,
        help="Digest of the orders, work orders and work centers the preview was computed from.",
    )
    line_ids = fields.One2many(comodel_name="prod.planning.schedule.line", inverse_name="wizard_id", string="Orders")
    workorder_line_ids = fields.One2many(
        comodel_name="prod.planning.schedule.workorder", inverse_name="wizard_id", string="Work Orders"
    )
    load_ids = fields.One2many(
        comodel_name="prod.planning.schedule.load", inverse_name="wizard_id", string="Work Center Load"
    )
    job_id = fields.Many2one(comodel_name="prod.planning.job", string="Background Job", readonly=True)
    job_state = fields.Selection(related="job_id.state", string="Background Job State")
    job_status = fields.Json(compute="_compute_job_status", help="The background job, for the form's widget.")

    @api.depends("job_id.state")
    def _compute_job_status(self):
        for wizard in self:
            wizard.job_status = wizard.job_id.sudo()._status() if wizard.job_id else False

    @api.depends("state", "date_start")
    def _compute_display_name(self):
        for wizard in self:
            wizard.display_name = _("Schedule from %(date)s", date=format_datetime(self.env, wizard.date_start))

    # -- defaults and checks -----------------------------------------------------
    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        active_model = self.env.context.get("active_model")
        active_ids = self.env.context.get("active_ids") or []
        if active_model == "mrp.production" and active_ids:
            values["scope"] = "selected"
            values["production_ids"] = [fields.Command.set(active_ids)]
        elif active_model == "mrp.workcenter" and active_ids:
            values["scope"] = "window"
            values["workcenter_ids"] = [fields.Command.set(active_ids)]
        return values

    @api.constrains("date_from", "date_to")
    def _check_window(self):
        for wizard in self:
            if wizard.date_from and wizard.date_to and wizard.date_from > wizard.date_to:
                raise ValidationError(
                    _(
                        "The date window ends (%(to)s) before it starts (%(from)s): "
                        "set the To date after the From date.",
                        to=wizard.date_to,
                        **{"from": wizard.date_from},
                    )
                )

    @api.constrains("time_limit", "horizon_days", "company_id")
    def _check_limits(self):
        for wizard in self:
            if MIN_TIME_LIMIT <= wizard.time_limit <= MAX_TIME_LIMIT:
                wizard._check_time_limit_cap()
            else:
                raise ValidationError(
                    _(
                        "The time limit %(value)s s is out of range: give between %(min)s and %(max)s seconds.",
                        min=MIN_TIME_LIMIT,
                        value=wizard.time_limit,
                        max=MAX_TIME_LIMIT,
                    )
                )
            if not 1 <= wizard.horizon_days <= MAX_HORIZON_DAYS:
                raise ValidationError(
                    _(
                        "The calendar horizon of %(value)s days is out of range: give between 1 and %(max)s days.",
                        value=wizard.horizon_days,
                        max=MAX_HORIZON_DAYS,
                    )
                )

    def _check_time_limit_cap(self):
        """Refuse a time limit above the company's longest one (a setting):
        the web client waits for the solver inside one HTTP request."""
        for wizard in self:
            cap = wizard.company_id.prod_planning_schedule_time_limit_max
            if cap and wizard.time_limit > cap:
                raise UserError(
                    _(
                        "The time limit %(value)s s is longer than the longest one allowed, %(max)s s: "
                        "the solver runs inside a web request, which Odoo stops after its real-time "
                        "limit (limit_time_real, 120 s by default). Give at most %(max)s seconds, or "
                        "ask an administrator to raise the longest solver time limit in "
                        "Planning > Configuration > Settings.",
                        value=wizard.time_limit,
                        max=cap,
                    )
                )

    @api.model
    def _check_date_values(self, vals):
        """Refuse date strings Odoo cannot read, naming the field and the fix."""
        for name in ("date_start", "date_from", "date_to"):
            value = vals.get(name)
            if not value:
                continue
            field = self._fields[name]
            try:
                if isinstance(value, date):
                    continue
                if not isinstance(value, str):
                    raise ValueError(value)
                check = rpc_arguments.require_datetime if field.type == "datetime" else rpc_arguments.require_date
                check(self.env, "create", name, value)
            except (ValueError, UserError):
                raise ValidationError(
                    _(
                        "%(field)s %(value)r is not a date: give it as %(format)s.",
                        field=field.string,
                        value=value,
                        format="YYYY-MM-DD HH:MM:SS (UTC)" if field.type == "datetime" else "YYYY-MM-DD",
                    )
                ) from None

    @api.model
    def _check_value_types(self, vals):
        """Refuse values of the wrong type (create over RPC), naming the field:
        Odoo's conversions would fail with a TypeError or a ValueError."""
        if not isinstance(vals, dict):
            raise ValidationError(
                _(
                    "create: give the schedule's values as a dict (or a list of dicts), not a %(type)s.",
                    type=type(vals).__name__,
                )
            )
        env = self.env
        unknown = sorted(str(name) for name in set(vals) - set(self._fields))
        if unknown:
            raise ValidationError(
                _("create: unknown fields %(names)s; see the README's XML-RPC reference.", names=", ".join(unknown))
            )
        for name in ("scope", "strategy"):
            if name in vals:
                choices = [key for key, _label in self._fields[name].selection]
                rpc_arguments.require_choice(env, "create", name, vals[name], choices, required=True)
        for name in ("keep_started", "use_cp_sat"):
            if name in vals:
                rpc_arguments.require_bool(env, "create", name, vals[name])
        if "time_limit" in vals:
            rpc_arguments.require_number(env, "create", "time_limit", vals["time_limit"])
        if "horizon_days" in vals:
            rpc_arguments.require_number(env, "create", "horizon_days", vals["horizon_days"], integer=True)
        if vals.get("company_id"):
            rpc_arguments.require_id(env, "create", "company_id", vals["company_id"], "res.company")
        relations = {"production_ids": "mrp.production", "workcenter_ids": "mrp.workcenter"}
        for name, model in relations.items():
            value = vals.get(name)
            # A plain list of ids (documented), or ORM commands (the web client).
            if value and not (
                isinstance(value, list | tuple) and all(isinstance(item, list | tuple) for item in value)
            ):
                ids = rpc_arguments.require_ids(env, "create", name, value, model)
                vals[name] = [fields.Command.set(ids)]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_value_types(vals)
            self._check_date_values(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_value_types(vals)
        self._check_date_values(vals)
        return super().write(vals)

    # -- buttons -------------------------------------------------------------------
    # The wizard opens full screen: buttons that return nothing reload it.
    def action_compute(self):
        self.check_access("write")
        self.compute()
        return False

    def action_compute_async(self):
        """Compute in the background (a cron worker); the form shows the job."""
        self.check_access("write")
        self.compute_async()
        return False

    def action_apply(self):
        self.check_access("write")
        result = self.apply()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Schedule applied"),
                "message": _(
                    "%(orders)s manufacturing orders and %(workorders)s work orders rescheduled.",
                    orders=result["productions"],
                    workorders=result["workorders"],
                ),
                "type": "success",
                # The applied schedule stays in view.
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_discard(self):
        self.check_access("write")
        self.discard()
        return False

    def action_back(self):
        """Back to the options from a preview (the preview is dropped)."""
        self.check_access("write")
        self.ensure_one()
        self._clear_preview()
        self.state = "draft"
        return False

    # -- XML-RPC API -----------------------------------------------------------------
    def compute(self):
        """Compute the schedule and store its preview; write nothing else.

        Returns a summary ``{id, state, method, solve_method, solver_status, gap,
        scheduled, unschedulable, late, notes}``.
        """
        rpc_arguments.require_records(self.env, "compute", self, single=True)
        self.check_access("write")
        for model in ("mrp.production", "mrp.workorder", "mrp.workcenter", "stock.move"):
            self.env[model].check_access("read")
        self.ensure_one()
        self.check_access("write")
        if self.state in ("applied", "discarded"):
            raise UserError(
                _(
                    "%(name)s is already %(state)s: open the wizard again to compute a new schedule.",
                    name=self.display_name,
                    state=dict(self._fields["state"]._description_selection(self.env))[self.state].lower(),
                )
            )
        self._check_time_limit_cap()
        t0 = time.perf_counter()
        productions = self._scope_productions()
        origin = self.date_start.replace(second=0, microsecond=0)
        horizon_end = origin + timedelta(days=self.horizon_days)
        data = self.env["prod.planning.schedule.reader"]._build(
            productions, origin, horizon_end, keep_started=self.keep_started
        )
        t1 = time.perf_counter()
        schedule = self._solve(data) if data.productions else None
        t2 = time.perf_counter()
        self._clear_preview()
        lines, beyond = self.env["prod.planning.schedule.writer"]._write_preview(self, data, schedule, horizon_end)
        self._write_results(data, schedule, lines, beyond)
        self.write({"state": "computed", "preview_fingerprint": self._preview_fingerprint()})
        self.env.flush_all()
        _logger.info(
            "%s: %s orders, %s work orders computed in %.2f s (data %.2f s, solver %.2f s, preview %.2f s): %s",
            self.display_name,
            len(data.productions),
            len(data.workorder_keys),
            time.perf_counter() - t0,
            t1 - t0,
            t2 - t1,
            time.perf_counter() - t2,
            self.method,
        )
        return self._summary()

    def compute_async(self):
        """Queue ``compute()`` for a cron worker and return the job's id:
        poll ``prod.planning.job.get_job_status(job_id)``; its result is
        ``compute()``'s summary."""
        rpc_arguments.require_records(self.env, "compute_async", self, single=True)
        self.check_access("write")
        for model in ("mrp.production", "mrp.workorder", "mrp.workcenter", "stock.move"):
            self.env[model].check_access("read")
        if self.state != "draft" or self.job_state in ("queued", "running"):
            raise UserError(
                _(
                    "%(name)s is not waiting for a computation: open the wizard again to compute a new schedule.",
                    name=self.display_name,
                )
            )
        self._check_time_limit_cap()
        job = self.env["prod.planning.job"]._enqueue("schedule_compute", self)
        self.job_id = job
        return job.id

    def _solve(self, data):
        """The engine's schedule of the reader's ``data``; the engine owns
        the time budget (the time limit bounds the whole solve)."""
        try:
            return scheduling.solve(
                data.problem,
                strategy=self.strategy,
                time_limit=self.time_limit,
                use_cp_sat=self.use_cp_sat,
                workers=CP_SAT_WORKERS,
            )
        except scheduling.ProblemError as exc:
            raise UserError(
                _(
                    "These manufacturing orders cannot be scheduled: %(error)s. "
                    "Check the work order dependencies of the orders named.",
                    error=self.env["prod.planning.schedule.reader"]._describe_problem_error(exc),
                )
            ) from exc

    def apply(self):
        """Write the previewed dates on the work orders and the manufacturing
        orders (one transaction); those already where the schedule puts them
        are left untouched. Returns ``{productions, workorders}``: the orders
        and work orders the schedule applies to."""
        rpc_arguments.require_records(self.env, "apply", self, single=True)
        self.check_access("write")
        self.env["mrp.production"].check_access("write")
        self.env["mrp.workorder"].check_access("write")
        self.ensure_one()
        if self.state != "computed":
            raise UserError(
                _(
                    "%(name)s has no schedule to apply (state: %(state)s): compute it first.",
                    name=self.display_name,
                    state=self.state,
                )
            )
        lines = self.line_ids.filtered(lambda line: line.state == "scheduled")
        wo_lines = self.workorder_line_ids.filtered(lambda line: line.workorder_id and not line.fixed)
        guard = self.env["prod.planning.schedule.guard"]
        guard._check_preview(self, lines, wo_lines)
        guard._check_unchanged(self, lines, wo_lines)
        writer = self.env["prod.planning.schedule.writer"]
        workcenters = self._preview_workcenters()
        writer._lock_workcenters(workcenters)
        guard._check_fingerprint(self)
        writer._stamp_workcenters(workcenters)
        writer._apply(self, lines, wo_lines)
        self.state = "applied"
        return {"productions": len(lines), "workorders": len(wo_lines)}

    def _preview_workcenters(self):
        return self.env["prod.planning.schedule.guard"]._preview_workcenters(self)

    def _preview_fingerprint(self):
        return self.env["prod.planning.schedule.guard"]._preview_fingerprint(self)

    def discard(self):
        """Drop the preview; nothing is written on orders or work orders."""
        rpc_arguments.require_records(self.env, "discard", self, single=True)
        self.check_access("write")
        self.ensure_one()
        if self.state == "applied":
            raise UserError(_("%(name)s is already applied: a new schedule replaces it.", name=self.display_name))
        self._clear_preview()
        self.state = "discarded"
        return True

    # -- scope -----------------------------------------------------------------------
    def _scope_productions(self):
        """The manufacturing orders to schedule; a UserError when there are none
        or when selected ones cannot be scheduled."""
        self.ensure_one()
        if self.scope == "selected":
            return self._selected_productions()
        return self._window_productions()

    def _selected_productions(self):
        productions = self.production_ids
        wrong = productions.filtered(lambda p: p.state not in SCHEDULABLE_STATES)
        if wrong:
            labels = dict(productions._fields["state"]._description_selection(self.env))
            raise UserError(
                _(
                    "%(names)s cannot be scheduled (%(states)s): only confirmed or "
                    "started manufacturing orders can; confirm them or remove them "
                    "from the selection.",
                    names=", ".join(wrong.mapped("display_name")),
                    states=", ".join(sorted({labels[state] for state in wrong.mapped("state")})),
                )
            )
        other = productions.filtered(lambda p: p.company_id != self.company_id)
        if other:
            raise UserError(
                _(
                    "%(names)s belong to another company than %(company)s: schedule each company's orders separately.",
                    names=", ".join(other.mapped("display_name")),
                    company=self.company_id.display_name,
                )
            )
        if not productions:
            raise UserError(
                _(
                    "No manufacturing order to schedule: select confirmed "
                    "manufacturing orders, or choose the date window scope."
                )
            )
        return productions

    def _window_productions(self):
        if not self.date_from or not self.date_to:
            raise UserError(_("Give the From and To dates of the window of orders to schedule."))
        domain = [
            ("state", "in", SCHEDULABLE_STATES),
            ("company_id", "=", self.company_id.id),
            ("date_start", ">=", datetime.combine(self.date_from, datetime.min.time())),
            ("date_start", "<", datetime.combine(self.date_to + timedelta(days=1), datetime.min.time())),
        ]
        if self.workcenter_ids:
            domain.append(("workorder_ids.workcenter_id", "in", self.workcenter_ids.ids))
        productions = self.env["mrp.production"].search(domain, order="priority desc, date_start, id")
        if not productions:
            raise UserError(
                _(
                    "No confirmed manufacturing order starts between %(from)s and "
                    "%(to)s%(wc)s: widen the date window or choose other work "
                    "centers.",
                    to=self.date_to,
                    wc=_(" at %s", ", ".join(self.workcenter_ids.mapped("display_name")))
                    if self.workcenter_ids
                    else "",
                    **{"from": self.date_from},
                )
            )
        return productions

    # -- preview ---------------------------------------------------------------------
    def _clear_preview(self):
        # Preview records are read-only for users: the wizard drops them as
        # superuser once it checked the user may write the wizard.
        self.check_access("write")
        self.load_ids.sudo().unlink()
        self.workorder_line_ids.sudo().unlink()
        self.line_ids.sudo().unlink()
        self.write(
            {
                "preview_fingerprint": False,
                "method": False,
                "solve_method": False,
                "solver_status": False,
                "gap": 0.0,
                "has_bound": False,
                "objective": False,
                "objective_value": 0.0,
                "lower_bound": 0.0,
                "solve_time": 0.0,
                "scheduled_count": 0,
                "unschedulable_count": 0,
                "late_count": 0,
                "total_lateness_hours": 0.0,
                "date_last_finish": False,
                "notes": False,
            }
        )

    def _write_results(self, data, schedule, lines, beyond):
        """The preview's summary on the wizard: counts, the solver's outcome
        and the notes (``beyond``: work orders ending after the horizon)."""
        unschedulable = lines.filtered(lambda line: line.state == "unschedulable")
        scheduled = lines - unschedulable
        values = {
            "scheduled_count": len(scheduled),
            "unschedulable_count": len(unschedulable),
            "late_count": len(lines.filtered("late")),
            "total_lateness_hours": sum(scheduled.mapped("lateness_hours")),
            "date_last_finish": max(scheduled.mapped("new_date_finished"), default=False),
        }
        notes = self._preview_notes(data, unschedulable, beyond)
        if schedule:
            values.update(self._prepare_solver_vals(schedule))
            notes += self._solver_notes(schedule)
        values["notes"] = "\n".join(notes) or False
        self.write(values)

    def _preview_notes(self, data, unschedulable, beyond):
        notes = list(data.notes)
        if unschedulable:
            notes.append(
                _(
                    "%(count)s manufacturing orders cannot be scheduled: see their reason in the preview.",
                    count=len(unschedulable),
                )
            )
        if beyond:
            notes.append(
                _(
                    "%(count)s work orders end after the calendar horizon of %(days)s "
                    "days, where the work centers are taken as always available: "
                    "increase the horizon.",
                    count=beyond,
                    days=self.horizon_days,
                )
            )
        return notes

    def _prepare_solver_vals(self, schedule):
        return {
            "solve_method": schedule.status.value,
            "method": schedule.method,
            "solver_status": self._solver_status(schedule.status),
            "gap": schedule.gap or 0.0,
            "has_bound": schedule.gap is not None,
            "objective": schedule.objective,
            "objective_value": schedule.objective_value / 60.0,
            "lower_bound": (schedule.lower_bound or 0.0) / 60.0,
            "solve_time": schedule.wall_time,
        }

    def _solver_notes(self, schedule):
        """Why CP-SAT's schedule is not shown, or not proven optimal."""
        if not self.use_cp_sat:
            return []
        if schedule.status is Status.CP_SAT_UNAVAILABLE:
            return [
                _("OR-Tools is not installed: the dispatching heuristic's schedule is shown (pip install ortools).")
            ]
        if schedule.status is not Status.CP_SAT_OPTIMAL:
            return [
                _(
                    "CP-SAT reached its time limit of %(limit)s s before proving "
                    "the schedule optimal: the best feasible schedule found is "
                    "shown (%(method)s).",
                    limit=self.time_limit,
                    method=schedule.method,
                )
            ]
        return []

    def _solver_status(self, status):
        """The solver status shown: optimal when CP-SAT proved it, feasible
        when CP-SAT was asked for, else the heuristic's."""
        if status is Status.CP_SAT_OPTIMAL:
            return "optimal"
        return "feasible" if self.use_cp_sat else "heuristic"

    def _summary(self):
        self.ensure_one()
        return {
            "id": self.id,
            "state": self.state,
            "method": self.method or "",
            "solve_method": self.solve_method or "",
            "solver_status": self.solver_status or "",
            "gap": self.gap,
            "scheduled": self.scheduled_count,
            "unschedulable": self.unschedulable_count,
            "late": self.late_count,
            "notes": self.notes or "",
        }
