"""Schedule reader: what the finite-capacity scheduler needs from Odoo, in bulk.

Builds the pure engine's :class:`~..engine.scheduling.Problem` from
manufacturing orders: their open work orders (durations, work centers,
alternatives, ``blocked_by`` dependencies, started ones kept fixed), the work
centers' calendars (attendances minus leaves and public holidays, read by
``prod.planning.calendar.reader``) and the material availability of their
components (on hand, open purchase lines, manufacturing orders producing them,
read by ``prod.planning.material.reader``). Times are integer minutes from the
schedule's origin (a naive UTC datetime).
"""

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from odoo import _, api, models
from odoo.tools import float_round

from ..engine import scheduling

# Weight of an urgent manufacturing order (priority "1") against a normal one.
URGENT_WEIGHT = 10.0
OPEN_WORKORDER_STATES = ("pending", "waiting", "ready", "progress")
EPSILON = 1e-6


@dataclass
class ScheduleInput:
    """The engine problem and the maps to read its result back into Odoo.

    Operation keys are work order ids, or ``("mo", production id)`` for an order
    without operations scheduled as one step; job keys are production ids, and
    ``("busy", production id)`` for work orders outside the scope that occupy a
    work center (fixed). ``material`` maps a production id to ``(release
    datetime or None, note)``.
    """

    problem: scheduling.Problem
    origin: datetime
    productions: object  # mrp.production recordset of the scheduled orders
    workorder_keys: dict = field(default_factory=dict)  # op key -> workorder id
    one_step: dict = field(default_factory=dict)  # op key -> production id
    durations: dict = field(default_factory=dict)  # op key -> {wc id: minutes}
    fixed_keys: set = field(default_factory=set)
    unschedulable: dict = field(default_factory=dict)  # production id -> reason
    material: dict = field(default_factory=dict)
    calendars: dict = field(default_factory=dict)  # wc id -> (calendar, fallback)
    intervals: dict = field(default_factory=dict)  # wc id -> [(start, end)] minutes
    notes: list = field(default_factory=list)


def to_minutes(origin, value):
    """Minutes from ``origin`` to the naive UTC datetime ``value`` (floor)."""
    return math.floor((value - origin).total_seconds() / 60.0 + EPSILON)


def from_minutes(origin, minutes):
    return origin + timedelta(minutes=minutes)


class ProdPlanningScheduleReader(models.AbstractModel):
    """Reads the scheduling problem of manufacturing orders (first step of the
    pipeline reader -> engine -> writer: ``prod.planning.schedule.reader``,
    ``engine.scheduling``, ``prod.planning.schedule.writer``).

    :meth:`_build` is a sequence of named steps, each an extension point.
    """

    _name = "prod.planning.schedule.reader"
    _description = "Schedule Reader"

    # -- calendars ---------------------------------------------------------------
    @api.model
    def _minute_intervals(self, intervals, origin):
        """Naive UTC intervals as whole working minutes from ``origin`` (>= 0)."""
        if intervals is None:
            return None
        out = []
        for a, b in intervals:
            s = max(0, math.ceil((a - origin).total_seconds() / 60.0 - EPSILON))
            e = to_minutes(origin, b)
            if e > s:
                out.append((s, e))
        return out

    # -- problem -----------------------------------------------------------------
    @api.model
    def _build(self, productions, origin, horizon_end, keep_started=True):
        """Engine problem for ``productions`` (open manufacturing orders)."""
        data = ScheduleInput(problem=None, origin=origin, productions=self.env["mrp.production"])
        workorders, wos_by_mo = self._read_workorders(productions)
        one_step = self._read_one_step_orders(productions, wos_by_mo, data)
        scheduled = productions.filtered(lambda p: p.id in wos_by_mo or p.id in one_step)
        data.productions = scheduled
        workcenters = self._schedule_workcenters(workorders, one_step)
        calendars = self._read_calendars(workcenters, origin, horizon_end, data)
        operations = self._prepare_operations(wos_by_mo, one_step, calendars, keep_started, data)
        # Material availability, then cross-order dependencies.
        data.material, links = self.env["prod.planning.material.reader"]._read_availability(scheduled, productions)
        self._link_orders(links, operations, data)
        jobs = [
            self._prepare_job(production, operations, data.material.get(production.id), origin)
            for production in scheduled
        ]
        jobs.extend(self._busy_jobs(scheduled, workcenters, origin, horizon_end))
        resources = [scheduling.Resource(key=wc.id, capacity=1, available=data.intervals[wc.id]) for wc in workcenters]
        data.problem = scheduling.Problem(resources=resources, jobs=jobs)
        return data

    @api.model
    def _read_workorders(self, productions):
        """The open work orders of ``productions``, and per production id the
        list of its work orders in sequence."""
        workorders = self.env["mrp.workorder"].search(
            [("production_id", "in", productions.ids), ("state", "not in", ("done", "cancel"))],
            order="production_id, sequence, id",
        )
        # Lists of records that share the search's prefetch set (a recordset
        # union would fetch each order's work orders apart).
        wos_by_mo = defaultdict(list)
        for workorder in workorders:
            wos_by_mo[workorder.production_id.id].append(workorder)
        return workorders, wos_by_mo

    @api.model
    def _read_one_step_orders(self, productions, wos_by_mo, data):
        """``{production id: (work center, minutes)}`` of the orders without
        operations, scheduled as one step; the others without open work
        orders are noted unschedulable in ``data``."""
        one_step = {}
        for production in productions:
            if production.id in wos_by_mo:
                continue
            if production.workorder_ids:
                data.unschedulable[production.id] = _(
                    "All its work orders are done or cancelled: nothing left to schedule."
                )
                continue
            workcenter, duration, reason = self._one_step(production)
            if reason:
                data.unschedulable[production.id] = reason
            else:
                one_step[production.id] = (workcenter, duration)
        return one_step

    @api.model
    def _schedule_workcenters(self, workorders, one_step):
        """The work centers the orders may use: those of their work orders,
        their alternatives (unless started), and those of one-step orders."""
        workcenters = workorders.workcenter_id
        workcenters |= workorders.filtered(lambda w: w.state != "progress").workcenter_id.alternative_workcenter_ids
        for workcenter, _duration in one_step.values():
            workcenters |= workcenter
        return workcenters

    @api.model
    def _read_calendars(self, workcenters, origin, horizon_end, data):
        """Working minutes of the work centers from ``origin`` to
        ``horizon_end`` into ``data`` (with a note for those without their
        own calendar); returns ``{wc id: engine Calendar}``."""
        intervals, calendars = self.env["prod.planning.calendar.reader"]._work_intervals(
            workcenters, origin, horizon_end
        )
        data.calendars = calendars
        for workcenter in workcenters:
            note = self._calendar_note(workcenter, *calendars[workcenter.id])
            if note:
                data.notes.append(note)
            data.intervals[workcenter.id] = self._minute_intervals(intervals[workcenter.id], origin)
        return {wc_id: scheduling.Calendar(minutes) for wc_id, minutes in data.intervals.items()}

    @api.model
    def _calendar_note(self, workcenter, calendar, fallback):
        if fallback and calendar:
            return _(
                "Work center %(wc)s has no working calendar: it is scheduled on the company calendar %(calendar)s.",
                wc=workcenter.display_name,
                calendar=calendar.display_name,
            )
        if fallback:
            return _(
                "Work center %(wc)s has no working calendar and its company "
                "none either: it is scheduled as always available.",
                wc=workcenter.display_name,
            )
        return None

    @api.model
    def _prepare_operations(self, wos_by_mo, one_step, calendars, keep_started, data):
        """``{production id: [engine Operation]}``: one per open work order,
        one for an order scheduled as one step."""
        operations = defaultdict(list)
        for production_id, wos in wos_by_mo.items():
            operations[production_id].extend(
                self._prepare_workorder_operations(production_id, wos, calendars, keep_started, data)
            )
        for production_id, (workcenter, duration) in one_step.items():
            key = ("mo", production_id)
            data.one_step[key] = production_id
            data.durations[key] = {workcenter.id: duration}
            operations[production_id].append(
                scheduling.Operation(key=key, job=production_id, alternatives={workcenter.id: duration})
            )
        return operations

    @api.model
    def _prepare_workorder_operations(self, production_id, wos, calendars, keep_started, data):
        """The operations of one order's work orders (``wos``, in sequence)."""
        ids = {w.id for w in wos}
        # Odoo links each work order to the previous one unless the BoM
        # allows free dependencies; without any link, follow the sequence.
        chain = not wos[0].production_id.allow_workorder_dependencies and not any(
            ids.intersection(w.blocked_by_workorder_ids.ids) for w in wos
        )
        operations = []
        previous = None
        for workorder in wos:
            if chain:
                predecessors = [previous] if previous else []
            else:
                predecessors = [w.id for w in workorder.blocked_by_workorder_ids if w.id in ids]
            previous = workorder.id
            operations.append(
                self._prepare_operation(workorder, production_id, predecessors, calendars, keep_started, data)
            )
        return operations

    @api.model
    def _prepare_operation(self, workorder, production_id, predecessors, calendars, keep_started, data):
        """The engine operation of a work order: its duration on its work
        center and alternatives, or, started, its remaining time (kept where
        it is with ``keep_started``)."""
        key = workorder.id
        data.workorder_keys[key] = workorder.id
        op = scheduling.Operation(key=key, job=production_id, predecessors=predecessors)
        if workorder.state == "progress":
            remaining = max(0.0, workorder.duration_expected - workorder.duration)
            if keep_started:
                op.fixed = self._fixed_placement(workorder, remaining, data.origin, calendars)
                data.fixed_keys.add(key)
            op.alternatives = {workorder.workcenter_id.id: max(1, math.ceil(remaining))}
        else:
            op.alternatives = self._alternative_durations(workorder)
        data.durations[key] = dict(op.alternatives)
        return op

    @api.model
    def _alternative_durations(self, workorder):
        """``{wc id: minutes}``: the work order on its work center and on
        each alternative (Odoo's expected duration there)."""
        durations = {workorder.workcenter_id.id: math.ceil(workorder.duration_expected - EPSILON)}
        for alternative in workorder.workcenter_id.alternative_workcenter_ids:
            durations[alternative.id] = math.ceil(
                workorder._get_duration_expected(alternative_workcenter=alternative) - EPSILON
            )
        return durations

    @api.model
    def _prepare_job(self, production, operations, material, origin):
        """The engine job of an order: weight (urgent or not), release
        (``material``: (release datetime or None, note) or None), due date
        (its deadline) and operations."""
        release_dt = material[0] if material else None
        due = to_minutes(origin, production.date_deadline) if production.date_deadline else None
        return scheduling.Job(
            key=production.id,
            weight=URGENT_WEIGHT if production.priority == "1" else 1.0,
            release=max(0, to_minutes(origin, release_dt)) if release_dt else 0,
            due=due,
            operations=operations[production.id],
        )

    @api.model
    def _fixed_placement(self, workorder, remaining, origin, calendars):
        """(wc, start, end) of a started work order kept where it is: from its
        start to the later of its planned end and now plus its remaining time."""
        wc_id = workorder.workcenter_id.id
        start = to_minutes(origin, workorder.date_start or origin)
        end = to_minutes(origin, workorder.date_finished) if workorder.date_finished else start
        if remaining > 0:
            calendar = calendars[wc_id]
            first = calendar.next_start(max(0, start))
            end = max(end, calendar.add(first, math.ceil(remaining)))
        return (wc_id, start, max(start, end))

    @api.model
    def _operation_duration(self, operation, product, qty):
        """Minutes of ``operation`` for ``qty`` of ``product`` (in its unit), as
        Odoo 18's mrp.routing.workcenter._get_duration_expected (gone in 19)."""
        if operation._skip_operation_line(product):
            return 0
        workcenter = operation.workcenter_id
        capacity, setup, cleanup = workcenter._get_capacity(product, product.uom_id, operation.bom_id.product_qty or 1)
        cycles = float_round(qty / capacity, precision_digits=0, rounding_method="UP")
        return setup + cleanup + cycles * operation.time_cycle * 100.0 / workcenter.time_efficiency

    @api.model
    def _one_step(self, production):
        """(work center, minutes, reason) to schedule an order without operations.

        The work center is the BoM's default work center, else its operation
        type's, else the work center of the BoM's first operation; the duration
        comes from the BoM's default cycle time, else from its operations.
        """
        bom = production.bom_id
        workcenter = (
            bom.schedule_workcenter_id
            or production.picking_type_id.schedule_workcenter_id
            or bom.operation_ids[:1].workcenter_id
        )
        if not workcenter:
            return (
                None,
                0,
                _(
                    "It has no operations and no default work center: set a default "
                    "work center on its bill of materials %(bom)s or on its operation "
                    "type %(type)s (Scheduling), or add operations.",
                    bom=bom.display_name or _("(none)"),
                    type=production.picking_type_id.display_name,
                ),
            )
        product = production.product_id
        qty = production.product_uom_qty
        if bom.schedule_time_cycle:
            # Odoo 19: _get_capacity gives (capacity, setup, cleanup), the
            # default capacity being the BoM quantity (as for work orders).
            capacity, setup, cleanup = workcenter._get_capacity(product, product.uom_id, bom.product_qty or 1)
            cycles = math.ceil(qty / capacity - EPSILON)
            duration = (
                setup + cleanup + cycles * bom.schedule_time_cycle * 100.0 / (workcenter.time_efficiency or 100.0)
            )
        else:
            duration = sum(self._operation_duration(op, product, qty) for op in bom.operation_ids)
        if duration <= EPSILON:
            return (
                None,
                0,
                _(
                    "It has no operations and no duration: set a default cycle time "
                    "on its bill of materials %(bom)s (Scheduling) or add operations.",
                    bom=bom.display_name or _("(none)"),
                ),
            )
        return workcenter, math.ceil(duration - EPSILON), None

    @api.model
    def _busy_jobs(self, scheduled, workcenters, origin, horizon_end):
        """Planned work orders of other orders occupy their work centers: fixed."""
        rows = self.env["mrp.workorder"].search_read(
            [
                ("workcenter_id", "in", workcenters.ids),
                ("production_id", "not in", scheduled.ids),
                ("state", "in", OPEN_WORKORDER_STATES),
                ("date_start", "!=", False),
                ("date_start", "<", horizon_end),
                ("date_finished", ">", origin),
            ],
            ["workcenter_id", "date_start", "date_finished", "production_id"],
            load=None,
        )
        ops = defaultdict(list)
        for row in rows:
            start = to_minutes(origin, row["date_start"])
            end = to_minutes(origin, row["date_finished"])
            if end <= start:
                continue
            job = ("busy", row["production_id"])
            ops[job].append(
                scheduling.Operation(key=("busy", row["id"]), job=job, fixed=(row["workcenter_id"], start, end))
            )
        return [scheduling.Job(key=job, operations=o) for job, o in ops.items()]

    @api.model
    def _link_orders(self, links, operations, data):
        """Consumers' first operations wait for their producers' last ones."""
        succ = defaultdict(set)

        def reaches(a, b):
            stack, seen = [a], set()
            while stack:
                node = stack.pop()
                if node == b:
                    return True
                if node not in seen:
                    seen.add(node)
                    stack.extend(succ[node])
            return False

        entry = {job: [op for op in ops if not op.predecessors] for job, ops in operations.items()}
        last = {}
        for job, ops in operations.items():
            has_successor = {p for op in ops for p in op.predecessors}
            last[job] = [op.key for op in ops if op.key not in has_successor]
        for producer, consumer in dict.fromkeys(links):
            if producer == consumer or consumer in succ[producer]:
                continue
            if producer not in operations or consumer not in operations:
                continue
            if reaches(consumer, producer):
                data.notes.append(
                    _(
                        "Manufacturing orders %(a)s and %(b)s wait for each other's products: the link is ignored.",
                        a=self.env["mrp.production"].browse(producer).display_name,
                        b=self.env["mrp.production"].browse(consumer).display_name,
                    )
                )
                continue
            succ[producer].add(consumer)
            for op in entry[consumer]:
                op.predecessors = [*op.predecessors, *last[producer]]

    @api.model
    def _describe_problem_error(self, error):
        """Word a ``ProblemError`` of the engine about a problem this reader
        built, with the names of the work orders it is about (operation keys
        are work order ids, ``("mo", production id)`` for an order without
        work orders and ``("busy", work order id)`` for another order's work
        order)."""
        if error.code != "precedence_cycle":
            # The reader never builds these problems: the engine's own text.
            return str(error)
        names = []
        for key in error.values["operations"]:
            model, res_id = key if isinstance(key, tuple) else ("wo", key)
            model = "mrp.production" if model == "mo" else "mrp.workorder"
            names.append(self.env[model].browse(res_id).display_name)
        return _("the work orders %(workorders)s wait for each other in a cycle", workorders=", ".join(names))

    # -- fingerprint -------------------------------------------------------------
    @api.model
    def _fingerprint(self, productions, workcenters, origin, horizon_end):
        """A digest of what a schedule of ``productions`` on ``workcenters``
        from ``origin`` to ``horizon_end`` was computed from: the orders
        (company, open or closed, priority, deadline), their open work orders
        and every open work order booked on the work centers in the window
        (work center, started or not, dates, expected duration, booking), the
        work centers (company, calendar, efficiency, last schedule applied),
        their calendars' working hours and their leaves in the window. Equal digests: the preview still
        matches the orders and work centers."""
        self.env.flush_all()
        cr = self.env.cr
        parts = []
        cr.execute(
            """
            SELECT id, company_id, state IN ('done', 'cancel'), priority, date_deadline
              FROM mrp_production
             WHERE id = ANY(%s)
             ORDER BY id
            """,
            [productions.ids],
        )
        parts.append(cr.fetchall())
        cr.execute(
            """
            SELECT id, production_id, workcenter_id,
                   CASE WHEN state IN ('done', 'cancel') THEN 'closed'
                        WHEN state = 'progress' THEN 'progress' ELSE 'open' END,
                   date_start, date_finished, round(duration_expected::numeric, 4), leave_id
              FROM mrp_workorder
             WHERE (production_id = ANY(%s) AND state NOT IN ('done', 'cancel'))
                OR (workcenter_id = ANY(%s) AND state = ANY(%s)
                    AND date_start < %s AND date_finished > %s)
             ORDER BY id
            """,
            [productions.ids, workcenters.ids, list(OPEN_WORKORDER_STATES), horizon_end, origin],
        )
        parts.append(cr.fetchall())
        cr.execute(
            """
            SELECT id, company_id, active, resource_id, resource_calendar_id,
                   round(time_efficiency::numeric, 4), prod_planning_schedule_date
              FROM mrp_workcenter
             WHERE id = ANY(%s)
             ORDER BY id
            """,
            [workcenters.ids],
        )
        rows = cr.fetchall()
        parts.append(rows)
        cr.execute(
            """
            SELECT l.id, l.resource_id, l.calendar_id, l.date_from, l.date_to
              FROM resource_calendar_leaves l
             WHERE l.time_type = 'leave'
               AND l.date_from < %s AND l.date_to > %s
               AND (l.resource_id = ANY(%s) OR (l.resource_id IS NULL
                    AND (l.calendar_id IS NULL OR l.calendar_id = ANY(%s))))
             ORDER BY l.id
            """,
            [horizon_end, origin, [row[3] for row in rows if row[3]], [row[4] for row in rows if row[4]]],
        )
        parts.append(cr.fetchall())
        cr.execute(
            """
            SELECT id, calendar_id, dayofweek, day_period, week_type, display_type, hour_from, hour_to
              FROM resource_calendar_attendance
             WHERE calendar_id = ANY(%s)
             ORDER BY id
            """,
            [[row[4] for row in rows if row[4]]],
        )
        parts.append(cr.fetchall())
        parts.append((origin, horizon_end))
        return hashlib.sha256(repr(parts).encode()).hexdigest()
