"""Finite-capacity scheduling wizard: compute a preview, then apply or discard."""

import logging
import time
from collections import defaultdict
from datetime import date, datetime, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine import scheduling
from ..services.prod_planning_schedule_reader import from_minutes

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

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
    )
    state = fields.Selection(
        selection=[
            ("draft", "Draft"),
            ("computed", "Preview"),
            ("applied", "Applied"),
            ("discarded", "Discarded"),
        ],
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
    date_from = fields.Date(
        string="From", default=lambda self: fields.Date.context_today(self)
    )
    date_to = fields.Date(
        string="To",
        default=lambda self: fields.Date.context_today(self) + timedelta(days=28),
    )
    workcenter_ids = fields.Many2many(
        comodel_name="mrp.workcenter",
        relation="prod_planning_schedule_workcenter_rel",
        column1="schedule_id",
        column2="workcenter_id",
        string="Work Centers",
        check_company=True,
        help="Only the orders with a work order at one of these work centers "
        "(all their work orders are scheduled).",
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
        help="Work orders in progress stay where they are; otherwise their "
        "remaining time is scheduled again.",
    )
    use_cp_sat = fields.Boolean(
        string="Optimise with CP-SAT",
        default=True,
        help="After the dispatching heuristic, improve the schedule with "
        "OR-Tools CP-SAT until the time limit.",
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
        help="Days of work-center calendars read from the start; work "
        "scheduled beyond them is reported.",
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
        selection=[
            ("optimal", "Optimal"),
            ("feasible", "Feasible"),
            ("heuristic", "Heuristic"),
        ],
        readonly=True,
    )
    gap = fields.Float(
        string="Gap to Bound (%)",
        readonly=True,
        help="How far the schedule's objective may be from the best possible "
        "one (CP-SAT's proven bound); 0 means optimal.",
    )
    has_bound = fields.Boolean(readonly=True)
    objective = fields.Selection(
        selection=[
            ("weighted_tardiness", "Weighted lateness"),
            ("makespan", "Last finish"),
        ],
        readonly=True,
    )
    objective_value = fields.Float(
        readonly=True,
        help="Weighted lateness in hours, or the last finish in hours from the start.",
    )
    lower_bound = fields.Float(readonly=True)
    solve_time = fields.Float(string="Solver Time (s)", readonly=True)
    scheduled_count = fields.Integer(string="Scheduled Orders", readonly=True)
    unschedulable_count = fields.Integer(string="Unschedulable Orders", readonly=True)
    late_count = fields.Integer(string="Late Orders", readonly=True)
    total_lateness_hours = fields.Float(string="Total Lateness (h)", readonly=True)
    date_last_finish = fields.Datetime(string="Last Finish", readonly=True)
    notes = fields.Text(readonly=True)
    line_ids = fields.One2many(
        comodel_name="prod.planning.schedule.line",
        inverse_name="wizard_id",
        string="Orders",
    )
    workorder_line_ids = fields.One2many(
        comodel_name="prod.planning.schedule.workorder",
        inverse_name="wizard_id",
        string="Work Orders",
    )
    load_ids = fields.One2many(
        comodel_name="prod.planning.schedule.load",
        inverse_name="wizard_id",
        string="Work Center Load",
    )

    @api.depends("state", "date_start")
    def _compute_display_name(self):
        for wizard in self:
            wizard.display_name = _(
                "Schedule from %(date)s",
                date=fields.Datetime.to_string(wizard.date_start) or "",
            )

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
            if (
                wizard.date_from
                and wizard.date_to
                and wizard.date_from > wizard.date_to
            ):
                raise ValidationError(
                    _(
                        "The date window ends (%(to)s) before it starts (%(from)s): "
                        "set the To date after the From date.",
                        to=wizard.date_to,
                        **{"from": wizard.date_from},
                    )
                )

    @api.constrains("time_limit", "horizon_days")
    def _check_limits(self):
        for wizard in self:
            if not MIN_TIME_LIMIT <= wizard.time_limit <= MAX_TIME_LIMIT:
                raise ValidationError(
                    _(
                        "The time limit %(value)s s is out of range: give between "
                        "%(min)s and %(max)s seconds.",
                        min=MIN_TIME_LIMIT,
                        value=wizard.time_limit,
                        max=MAX_TIME_LIMIT,
                    )
                )
            if not 1 <= wizard.horizon_days <= MAX_HORIZON_DAYS:
                raise ValidationError(
                    _(
                        "The calendar horizon of %(value)s days is out of range: give "
                        "between 1 and %(max)s days.",
                        value=wizard.horizon_days,
                        max=MAX_HORIZON_DAYS,
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
                if field.type == "datetime":
                    fields.Datetime.to_datetime(value)
                else:
                    fields.Date.to_date(value)
            except ValueError:
                raise ValidationError(
                    _(
                        "%(field)s %(value)r is not a date: give it as %(format)s.",
                        field=field.string,
                        value=value,
                        format="YYYY-MM-DD HH:MM:SS (UTC)"
                        if field.type == "datetime"
                        else "YYYY-MM-DD",
                    )
                ) from None

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_date_values(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_date_values(vals)
        return super().write(vals)

    # -- buttons -------------------------------------------------------------------
    def action_compute(self):
        self.compute()
        return self._reopen()

    def action_apply(self):
        result = self.apply()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Schedule applied"),
                "message": _(
                    "%(orders)s manufacturing orders and %(workorders)s work orders "
                    "rescheduled.",
                    orders=result["productions"],
                    workorders=result["workorders"],
                ),
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_discard(self):
        self.discard()
        return {"type": "ir.actions.act_window_close"}

    def action_back(self):
        """Back to the options from a preview (the preview is dropped)."""
        self.ensure_one()
        self._clear_preview()
        self.state = "draft"
        return self._reopen()

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Schedule Manufacturing Orders"),
        }

    # -- XML-RPC API -----------------------------------------------------------------
    def compute(self):
        """Compute the schedule and store its preview; write nothing else.

        Returns a summary ``{id, state, method, solve_method, solver_status, gap,
        scheduled, unschedulable, late, notes}``.
        """
        self.ensure_one()
        if self.state in ("applied", "discarded"):
            raise UserError(
                _(
                    "%(name)s is already %(state)s: open the wizard again to compute "
                    "a new schedule.",
                    name=self.display_name,
                    state=dict(self._fields["state"]._description_selection(self.env))[
                        self.state
                    ].lower(),
                )
            )
        t0 = time.perf_counter()
        productions = self._scope_productions()
        origin = self.date_start.replace(second=0, microsecond=0)
        horizon_end = origin + timedelta(days=self.horizon_days)
        data = self.env["prod.planning.schedule.reader"]._build(
            productions, origin, horizon_end, keep_started=self.keep_started
        )
        t1 = time.perf_counter()
        schedule = None
        if data.productions:
            try:
                schedule = scheduling.solve(
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
                        error=self._problem_error_message(exc),
                    )
                ) from exc
        t2 = time.perf_counter()
        self._clear_preview()
        self._write_preview(data, schedule, horizon_end)
        self.state = "computed"
        self.env.flush_all()
        _logger.info(
            "%s: %s orders, %s work orders computed in %.2f s (data %.2f s, "
            "solver %.2f s, preview %.2f s): %s",
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

    def apply(self):
        """Write the previewed dates on the work orders and the manufacturing
        orders (one transaction); those already where the schedule puts them
        are left untouched. Returns ``{productions, workorders}``: the orders
        and work orders the schedule applies to."""
        self.ensure_one()
        if self.state != "computed":
            raise UserError(
                _(
                    "%(name)s has no schedule to apply (state: %(state)s): compute it "
                    "first.",
                    name=self.display_name,
                    state=self.state,
                )
            )
        lines = self.line_ids.filtered(lambda line: line.state == "scheduled")
        wo_lines = self.workorder_line_ids.filtered(
            lambda line: line.workorder_id and not line.fixed
        )
        closed = wo_lines.workorder_id.filtered(
            lambda w: w.state in ("done", "cancel")
        ).mapped("display_name") + lines.production_id.filtered(
            lambda p: p.state not in SCHEDULABLE_STATES + ("to_close",)
        ).mapped("display_name")
        if closed:
            raise UserError(
                _(
                    "%(names)s changed since the schedule was computed (done or "
                    "cancelled): compute the schedule again.",
                    names=", ".join(closed),
                )
            )
        # Odoo does not move a started work order to another work center.
        started = wo_lines.filtered(
            lambda line: (
                line.workorder_id.state == "progress"
                and line.workorder_id.workcenter_id != line.workcenter_id
            )
        ).workorder_id
        if started:
            raise UserError(
                _(
                    "%(names)s started since the schedule was computed, on another "
                    "work center than the schedule's: compute the schedule again.",
                    names=", ".join(started.mapped("display_name")),
                )
            )
        t0 = time.perf_counter()
        # What the schedule leaves where it is is not written again.
        moved_wo_lines = wo_lines.filtered(
            lambda line: (
                not line.workorder_id.leave_id
                or line.workorder_id.workcenter_id != line.workcenter_id
                or line.workorder_id.date_start != line.new_date_start
                or line.workorder_id.date_finished != line.new_date_finished
            )
        )
        moved_lines = lines.filtered(
            lambda line: (
                line.production_id.date_start != line.new_date_start
                or line.production_id.date_finished != line.new_date_finished
            )
        )
        old_ranges = self._affected_ranges(moved_lines, moved_wo_lines)
        self._apply_workorders(moved_wo_lines)
        self.env.flush_all()
        t1 = time.perf_counter()
        self._apply_productions(moved_lines)
        self.state = "applied"
        self.env.flush_all()
        t2 = time.perf_counter()
        self._refresh_capacity_load(
            old_ranges | self._affected_ranges(moved_lines, moved_wo_lines)
        )
        self.env.flush_all()
        _logger.info(
            "%s: %s orders, %s work orders applied (%s and %s moved) in %.2f s (work "
            "orders %.2f s, orders %.2f s, capacity load %.2f s)",
            self.display_name,
            len(lines),
            len(wo_lines),
            len(moved_lines),
            len(moved_wo_lines),
            time.perf_counter() - t0,
            t1 - t0,
            t2 - t1,
            time.perf_counter() - t2,
        )
        return {"productions": len(lines), "workorders": len(wo_lines)}

    def discard(self):
        """Drop the preview; nothing is written on orders or work orders."""
        self.ensure_one()
        if self.state == "applied":
            raise UserError(
                _(
                    "%(name)s is already applied: a new schedule replaces it.",
                    name=self.display_name,
                )
            )
        self._clear_preview()
        self.state = "discarded"
        return True

    # -- scope -----------------------------------------------------------------------
    def _scope_productions(self):
        """The manufacturing orders to schedule; a UserError when there are none
        or when selected ones cannot be scheduled."""
        self.ensure_one()
        productions = self.env["mrp.production"]
        if self.scope == "selected":
            productions = self.production_ids
            wrong = productions.filtered(lambda p: p.state not in SCHEDULABLE_STATES)
            if wrong:
                labels = dict(
                    productions._fields["state"]._description_selection(self.env)
                )
                raise UserError(
                    _(
                        "%(names)s cannot be scheduled (%(states)s): only confirmed or "
                        "started manufacturing orders can; confirm them or remove them "
                        "from the selection.",
                        names=", ".join(wrong.mapped("display_name")),
                        states=", ".join(
                            sorted({labels[state] for state in wrong.mapped("state")})
                        ),
                    )
                )
            other = productions.filtered(lambda p: p.company_id != self.company_id)
            if other:
                raise UserError(
                    _(
                        "%(names)s belong to another company than %(company)s: "
                        "schedule each company's orders separately.",
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
        if not self.date_from or not self.date_to:
            raise UserError(
                _("Give the From and To dates of the window of orders to schedule.")
            )
        domain = [
            ("state", "in", SCHEDULABLE_STATES),
            ("company_id", "=", self.company_id.id),
            ("date_start", ">=", datetime.combine(self.date_from, datetime.min.time())),
            (
                "date_start",
                "<",
                datetime.combine(self.date_to + timedelta(days=1), datetime.min.time()),
            ),
        ]
        if self.workcenter_ids:
            domain.append(
                ("workorder_ids.workcenter_id", "in", self.workcenter_ids.ids)
            )
        productions = productions.search(domain, order="priority desc, date_start, id")
        if not productions:
            raise UserError(
                _(
                    "No confirmed manufacturing order starts between %(from)s and "
                    "%(to)s%(wc)s: widen the date window or choose other work "
                    "centers.",
                    to=self.date_to,
                    wc=_(
                        " at %s", ", ".join(self.workcenter_ids.mapped("display_name"))
                    )
                    if self.workcenter_ids
                    else "",
                    **{"from": self.date_from},
                )
            )
        return productions

    # -- preview ---------------------------------------------------------------------
    def _problem_error_message(self, error):
        """Word a ``ProblemError`` of the scheduling engine with the names of
        the work orders it is about (operation keys are work order ids,
        ``("mo", production id)`` for an order without work orders and
        ``("busy", work order id)`` for another order's work order)."""
        if error.code != "precedence_cycle":
            # The adapter never builds these problems: the engine's own text.
            return str(error)
        names = []
        for key in error.values["operations"]:
            model, res_id = key if isinstance(key, tuple) else ("wo", key)
            model = "mrp.production" if model == "mo" else "mrp.workorder"
            names.append(self.env[model].browse(res_id).display_name)
        return _(
            "the work orders %(workorders)s wait for each other in a cycle",
            workorders=", ".join(names),
        )

    def _clear_preview(self):
        self.load_ids.unlink()
        self.workorder_line_ids.unlink()
        self.line_ids.unlink()
        self.write(
            {
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

    def _write_preview(self, data, schedule, horizon_end):
        origin = data.origin
        workorders = self.env["mrp.workorder"].browse(
            list(data.workorder_keys.values())
        )
        workorder_of = {w.id: w for w in workorders}
        workcenter_of = {
            wc.id: wc for wc in self.env["mrp.workcenter"].browse(list(data.intervals))
        }
        by_job = defaultdict(list)
        if schedule:
            for assignment in schedule.assignments.values():
                by_job[assignment.job].append(assignment)
        line_vals, wo_vals_by_mo = [], {}
        horizon = (horizon_end - origin).total_seconds() // 60
        beyond = 0
        for production in data.productions:
            assignments = sorted(by_job[production.id], key=lambda a: (a.start, a.end))
            result = schedule.jobs[production.id]
            start = min(a.start for a in assignments)
            end = max(a.end for a in assignments)
            release, material_note = data.material.get(production.id, (None, ""))
            wo_vals, hours, per_wc = [], 0.0, defaultdict(float)
            for assignment in assignments:
                minutes = self._working_minutes(data, assignment)
                hours += minutes / 60.0
                wc = workcenter_of[assignment.resource]
                per_wc[wc] += minutes / 60.0
                beyond += assignment.end > horizon and not assignment.fixed
                workorder = workorder_of.get(
                    data.workorder_keys.get(assignment.operation), workorders.browse()
                )
                wo_vals.append(
                    {
                        "wizard_id": self.id,
                        "workorder_id": workorder.id,
                        "production_id": production.id,
                        "workcenter_id": wc.id,
                        "old_workcenter_id": (workorder.workcenter_id or wc).id,
                        "old_date_start": workorder.date_start,
                        "old_date_finished": workorder.date_finished,
                        "new_date_start": from_minutes(origin, assignment.start),
                        "new_date_finished": from_minutes(origin, assignment.end),
                        "duration": minutes,
                        "fixed": assignment.fixed,
                    }
                )
            wo_vals_by_mo[production.id] = wo_vals
            line_vals.append(
                {
                    "wizard_id": self.id,
                    "production_id": production.id,
                    "state": "scheduled",
                    "date_deadline": production.date_deadline,
                    "old_date_start": production.date_start,
                    "old_date_finished": production.date_finished,
                    "new_date_start": from_minutes(origin, start),
                    "new_date_finished": from_minutes(origin, end),
                    "lateness_hours": result.lateness / 60.0,
                    "late": result.lateness > 0,
                    "material_date": release,
                    "material_note": material_note or False,
                    "load_hours": hours,
                    "workcenter_summary": ", ".join(
                        f"{wc.display_name} {h:.1f} h" for wc, h in per_wc.items()
                    ),
                    "fixed_count": sum(1 for a in assignments if a.fixed),
                }
            )
        unschedulable = self.env["mrp.production"].browse(list(data.unschedulable))
        for production in unschedulable:
            line_vals.append(
                {
                    "wizard_id": self.id,
                    "production_id": production.id,
                    "state": "unschedulable",
                    "reason": data.unschedulable[production.id],
                    "date_deadline": production.date_deadline,
                    "old_date_start": production.date_start,
                    "old_date_finished": production.date_finished,
                    "late": bool(
                        production.date_deadline
                        and production.date_deadline < fields.Datetime.now()
                    ),
                }
            )
        lines = self.env["prod.planning.schedule.line"].create(line_vals)
        all_wo_vals = []
        for line in lines:
            for vals in wo_vals_by_mo.get(line.production_id.id, ()):
                vals["line_id"] = line.id
                all_wo_vals.append(vals)
        self.env["prod.planning.schedule.workorder"].create(all_wo_vals)
        if schedule:
            self._write_loads(data, schedule)
        self._write_results(data, schedule, lines, beyond)

    @api.model
    def _working_minutes(self, data, assignment):
        if assignment.fixed:
            return assignment.end - assignment.start
        return data.durations[assignment.operation][assignment.resource]

    def _write_loads(self, data, schedule):
        """Per work center: hours scheduled against hours available from the
        start to the last finish."""
        span = max(
            (a.end for a in schedule.assignments.values() if not _is_busy(a.job)),
            default=0,
        )
        scheduled, busy, count = (
            defaultdict(float),
            defaultdict(float),
            defaultdict(int),
        )
        for assignment in schedule.assignments.values():
            if _is_busy(assignment.job):
                overlap = min(assignment.end, span) - max(assignment.start, 0)
                busy[assignment.resource] += max(0, overlap) / 60.0
            else:
                scheduled[assignment.resource] += (
                    self._working_minutes(data, assignment) / 60.0
                )
                count[assignment.resource] += 1
        vals = []
        for wc_id, intervals in data.intervals.items():
            if intervals is None:
                available = span / 60.0
            else:
                available = (
                    sum(max(0, min(e, span) - max(s, 0)) for s, e in intervals) / 60.0
                )
            calendar, fallback = data.calendars[wc_id]
            load = scheduled[wc_id] + busy[wc_id]
            vals.append(
                {
                    "wizard_id": self.id,
                    "workcenter_id": wc_id,
                    "calendar_id": calendar.id,
                    "calendar_fallback": fallback,
                    "scheduled_hours": scheduled[wc_id],
                    "busy_hours": busy[wc_id],
                    "available_hours": available,
                    "load_percent": 100.0 * load / available if available else 0.0,
                    "workorder_count": count[wc_id],
                }
            )
        self.env["prod.planning.schedule.load"].create(vals)

    def _write_results(self, data, schedule, lines, beyond):
        notes = list(data.notes)
        unschedulable = lines.filtered(lambda line: line.state == "unschedulable")
        if unschedulable:
            notes.append(
                _(
                    "%(count)s manufacturing orders cannot be scheduled: see their "
                    "reason in the preview.",
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
        scheduled = lines - unschedulable
        values = {
            "scheduled_count": len(scheduled),
            "unschedulable_count": len(unschedulable),
            "late_count": len(lines.filtered("late")),
            "total_lateness_hours": sum(scheduled.mapped("lateness_hours")),
            "date_last_finish": max(
                scheduled.mapped("new_date_finished"), default=False
            ),
            "notes": "\n".join(notes) or False,
        }
        if schedule:
            status = schedule.status
            values.update(
                solve_method=status.value,
                method=schedule.method,
                solver_status=self._solver_status(status),
                gap=schedule.gap or 0.0,
                has_bound=schedule.gap is not None,
                objective=schedule.objective,
                objective_value=schedule.objective_value / 60.0,
                lower_bound=(schedule.lower_bound or 0.0) / 60.0,
                solve_time=schedule.wall_time,
            )
            if self.use_cp_sat and status is Status.CP_SAT_UNAVAILABLE:
                notes.append(
                    _(
                        "OR-Tools is not installed: the dispatching heuristic's "
                        "schedule is shown (pip install ortools)."
                    )
                )
            elif self.use_cp_sat and status is not Status.CP_SAT_OPTIMAL:
                notes.append(
                    _(
                        "CP-SAT reached its time limit of %(limit)s s before proving "
                        "the schedule optimal: the best feasible schedule found is "
                        "shown (%(method)s).",
                        limit=self.time_limit,
                        method=schedule.method,
                    )
                )
            values["notes"] = "\n".join(notes) or False
        self.write(values)

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

    # -- apply -----------------------------------------------------------------------
    def _apply_workorders(self, wo_lines):
        """Book the new slots: one booking (resource.calendar.leaves) per work
        order, created in one batch, and the work orders pointed at them.

        The work orders' bookings, dates, and for those moved to an alternative
        work center the work center and its expected duration (as Odoo's own
        planning sets them), are written in one UPDATE, after which the ORM is
        told what changed (cache invalidated, ``modified``) so that what depends
        on them (manufacturing orders' planned flag, production dates...) is
        recomputed in one batch. Odoo's per-record ``write`` of a work order
        would recompute each end date on the calendar, which the schedule
        already did.
        """
        if not wo_lines:
            return
        workorders = wo_lines.workorder_id
        workorders.check_access("write")
        rows = []
        for line in wo_lines:
            workorder = line.workorder_id
            moved = line.workcenter_id != workorder.workcenter_id
            rows.append(
                (
                    workorder.id,
                    line.workcenter_id.id,
                    workorder._get_duration_expected(
                        alternative_workcenter=line.workcenter_id
                    )
                    if moved
                    else workorder.duration_expected,
                    line.new_date_start,
                    line.new_date_finished,
                    workorder.workcenter_id.id,
                )
            )
        # Bookings are created and dropped as superuser, as Odoo's own
        # planning of work orders does (the work orders' access is checked).
        old_leaves = workorders.sudo().leave_id
        new_leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .create(
                [
                    {
                        "name": line.workorder_id.display_name,
                        "calendar_id": line.workcenter_id.resource_calendar_id.id,
                        "date_from": line.new_date_start,
                        "date_to": line.new_date_finished,
                        "resource_id": line.workcenter_id.resource_id.id,
                        "time_type": "other",
                    }
                    for line in wo_lines
                ]
            )
        )
        self.env.flush_all()
        ids, wc_ids, durations, starts, ends, _old = (
            list(col) for col in zip(*rows, strict=True)
        )
        self.env.cr.execute(
            """
            UPDATE mrp_workorder wo
               SET workcenter_id = v.workcenter_id,
                   duration_expected = v.duration_expected,
                   leave_id = v.leave_id,
                   date_start = v.date_start,
                   date_finished = v.date_finished,
                   write_uid = %s,
                   write_date = (now() at time zone 'UTC')
              FROM unnest(
                       %s::int[], %s::int[], %s::float8[], %s::int[],
                       %s::timestamp[], %s::timestamp[]
                   ) AS v(id, workcenter_id, duration_expected, leave_id,
                          date_start, date_finished)
             WHERE wo.id = v.id
            """,
            [self.env.uid, ids, wc_ids, durations, new_leaves.ids, starts, ends],
        )
        fnames = ["leave_id", "date_start", "date_finished"]
        workorders.invalidate_recordset(
            [*fnames, "workcenter_id", "duration_expected", "write_uid", "write_date"]
        )
        with self._protecting_what_dates_leave_alone(workorders.production_id):
            workorders.modified(fnames)
            moved = workorders.browse([row[0] for row in rows if row[1] != row[5]])
            if moved:
                # Only the work orders moved to another work center: their
                # expected duration is the alternative's, as computed above.
                with self.env.protecting(
                    [workorders._fields["duration_expected"]], moved
                ):
                    moved.modified(["workcenter_id", "duration_expected"])
        old_leaves.unlink()

    def _protecting_what_dates_leave_alone(self, productions):
        """Protect from recomputation what new dates of work orders and orders
        leave as it is, although Odoo's dependencies reach it: the new dates
        reach the orders' end and, through it, everything that depends on the
        finished moves (states, readiness, deadline, quantities).

        The orders' end and finished moves are written by ``_apply_productions``
        with the scheduled dates (Odoo would recompute the end of an order not
        yet planned from its start, then rewrite the finished moves one order
        at a time); states, readiness, deadlines and unit factors do not depend
        on dates. Everything else that depends on the dates is recomputed.
        """
        production = self.env["mrp.production"]._fields
        workorder = self.env["mrp.workorder"]._fields
        move = self.env["stock.move"]._fields
        return self.env.protecting(
            [
                (
                    [
                        production["date_finished"],
                        production["move_finished_ids"],
                        production["state"],
                        production["reservation_state"],
                        production["date_deadline"],
                    ],
                    productions,
                ),
                (
                    [workorder["state"], workorder["production_availability"]],
                    productions.workorder_ids,
                ),
                (
                    [move["unit_factor"]],
                    productions.move_raw_ids | productions.move_finished_ids,
                ),
            ]
        )

    def _apply_productions(self, lines):
        """Write the orders' new start and end, and what Odoo's own write of
        those dates moves with them: the components' moves are due at the
        start (date and deadline), the finished products' moves at the end
        (date; deadline: the order's).

        One UPDATE per table instead of Odoo's per-order ``write``, whose
        recomputations (finished moves, states) take seconds on hundreds of
        orders and change nothing here; the ORM is then told what changed so
        that what depends on these dates is recomputed in one batch. Deadlines
        of moves linked to other moves (made to order, up- or downstream) are
        propagated with Odoo's own ``_set_date_deadline``, one order's moves
        together as Odoo's write does. Unlike that write, done and cancelled
        moves keep their dates (the date of a done move is when it was done).
        """
        if not lines:
            return
        productions = lines.production_id
        productions.check_access("write")
        new_start = {line.production_id.id: line.new_date_start for line in lines}
        new_end = {line.production_id.id: line.new_date_finished for line in lines}

        moves = productions.move_raw_ids | productions.move_finished_ids
        moves.check_access("write")
        self.env.flush_all()
        cr = self.env.cr
        # Moves chained to others (made to order): their deadline propagates.
        cr.execute(
            """
            SELECT m.id
              FROM stock_move m
             WHERE m.id = ANY(%s)
               AND m.state NOT IN ('done', 'cancel')
               AND (EXISTS (SELECT 1 FROM stock_move_move_rel r
                             WHERE r.move_orig_id = m.id)
                    OR EXISTS (SELECT 1 FROM stock_move_move_rel r
                                WHERE r.move_dest_id = m.id))
            """,
            [moves.ids],
        )
        linked = moves.browse([row[0] for row in cr.fetchall()])
        for production in linked.raw_material_production_id & productions:
            (production.move_raw_ids & linked)._set_date_deadline(
                new_start[production.id]
            )
        for production in linked.production_id & productions:
            if production.date_deadline:
                (production.move_finished_ids & linked)._set_date_deadline(
                    production.date_deadline
                )
        self.env.flush_all()
        cr.execute(
            """
            UPDATE mrp_production p
               SET date_start = v.date_start,
                   date_finished = v.date_finished,
                   write_uid = %s,
                   write_date = (now() at time zone 'UTC')
              FROM unnest(%s::int[], %s::timestamp[], %s::timestamp[])
                   AS v(id, date_start, date_finished)
             WHERE p.id = v.id
            """,
            [
                self.env.uid,
                list(new_start),
                list(new_start.values()),
                [new_end[pid] for pid in new_start],
            ],
        )
        cr.execute(
            """
            UPDATE stock_move m
               SET date = CASE WHEN m.raw_material_production_id = p.id
                               THEN p.date_start ELSE p.date_finished END,
                   date_deadline = CASE WHEN m.raw_material_production_id = p.id
                                        THEN p.date_start
                                        ELSE COALESCE(p.date_deadline, m.date_deadline)
                                   END,
                   write_uid = %s,
                   write_date = (now() at time zone 'UTC')
              FROM mrp_production p
             WHERE p.id = ANY(%s)
               AND (m.raw_material_production_id = p.id OR m.production_id = p.id)
               AND m.state NOT IN ('done', 'cancel')
            RETURNING m.id
            """,
            [self.env.uid, list(new_start)],
        )
        moves = self.env["stock.move"].browse([row[0] for row in cr.fetchall()])
        stamp = ["write_uid", "write_date"]
        productions.invalidate_recordset(["date_start", "date_finished", *stamp])
        moves.invalidate_recordset(["date", "date_deadline", *stamp])
        with self._protecting_what_dates_leave_alone(productions):
            productions.modified(["date_start", "date_finished"])
            moves.modified(["date", "date_deadline"])

    @api.model
    def _affected_ranges(self, lines, wo_lines):
        """``{(wc id, date)}`` touched by the old or new dates (for the load)."""
        pairs = set()
        for line in wo_lines:
            workorder = line.workorder_id
            for wc, start, end in (
                (line.workcenter_id, line.new_date_start, line.new_date_finished),
                (
                    workorder.workcenter_id,
                    workorder.date_start,
                    workorder.date_finished,
                ),
            ):
                if wc and start and end:
                    pairs.add((wc.id, start.date()))
                    pairs.add((wc.id, end.date()))
        for line in lines:
            for wo_line in line.workorder_line_ids.filtered(
                lambda w: not w.workorder_id
            ):
                pairs.add((wo_line.workcenter_id.id, wo_line.new_date_start.date()))
                pairs.add((wo_line.workcenter_id.id, wo_line.new_date_finished.date()))
        return pairs

    @api.model
    def _refresh_capacity_load(self, pairs):
        """Refresh the stored load of the work centers and days touched."""
        if not pairs:
            return
        today = fields.Date.context_today(self)
        lowest = today - timedelta(days=7)
        highest = today + timedelta(days=366)
        days = [d for _wc, d in pairs if lowest <= d <= highest]
        if not days:
            return
        workcenters = self.env["mrp.workcenter"].browse({wc for wc, _d in pairs})
        self.env["prod.planning.capacity.load"]._refresh(
            min(days) - timedelta(days=1), max(days) + timedelta(days=1), workcenters
        )


def _is_busy(job):
    return isinstance(job, tuple) and job and job[0] == "busy"
