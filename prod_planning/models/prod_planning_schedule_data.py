"""Reads what the finite-capacity scheduler needs from Odoo, in bulk.

Builds the pure engine's :class:`~..engine.scheduling.Problem` from
manufacturing orders: their open work orders (durations, work centers,
alternatives, ``blocked_by`` dependencies, started ones kept fixed), the work
centers' calendars (attendances minus leaves and public holidays) and the
material availability of their components (on hand, open purchase lines,
manufacturing orders producing them). Times are integer minutes from the
schedule's origin (a naive UTC datetime).
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytz

from odoo import _, api, models
from odoo.tools import float_round
from odoo.tools.intervals import Intervals

from ..engine import scheduling

# Weight of an urgent manufacturing order (priority "1") against a normal one.
URGENT_WEIGHT = 10.0
OPEN_PRODUCTION_STATES = ("confirmed", "progress", "to_close")
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


class ProdPlanningScheduleData(models.AbstractModel):
    _name = "prod.planning.schedule.data"
    _description = "Scheduling Data Reader"

    # -- calendars ---------------------------------------------------------------
    @api.model
    def _workcenter_calendars(self, workcenters):
        """``{wc id: (resource.calendar, fallback)}``: the work center's calendar,
        or its company's when it has none (``fallback`` True)."""
        result = {}
        for workcenter in workcenters:
            calendar = workcenter.resource_calendar_id
            fallback = not calendar
            if fallback:
                company = workcenter.company_id or self.env.company
                calendar = company.resource_calendar_id
            result[workcenter.id] = (calendar, fallback)
        return result

    @api.model
    def _local_work_intervals(
        self, workcenters, date_from, date_to, compute_leaves=True
    ):
        """Working intervals of each work center between two naive UTC datetimes,
        in the time zone of its calendar.

        Returns ``({wc id: (tz, [(start, end)] aware) or (None, None)},
        calendars)``; ``(None, None)`` means no calendar at all (always
        available). Leaves of type *leave* count: public holidays (global leaves
        of the calendar or of none) and the work center's own leaves; work-order
        bookings (type *other*) do not.
        """
        calendars = self._workcenter_calendars(workcenters)
        by_calendar = defaultdict(lambda: self.env["mrp.workcenter"])
        for workcenter in workcenters:
            by_calendar[calendars[workcenter.id][0]] |= workcenter
        start = pytz.utc.localize(date_from)
        end = pytz.utc.localize(date_to)
        result = {}
        for calendar, wcs in by_calendar.items():
            if not calendar:
                result.update(dict.fromkeys(wcs.ids, (None, None)))
                continue
            tz = pytz.timezone(calendar.tz or "UTC")
            own = wcs.filtered("resource_calendar_id")
            if own:
                batch = calendar._work_intervals_batch(
                    start,
                    end,
                    resources=own.resource_id,
                    tz=tz,
                    compute_leaves=compute_leaves,
                )
                for workcenter in own:
                    result[workcenter.id] = (
                        tz,
                        [
                            (a, b)
                            for a, b, _r in batch[workcenter.resource_id.id]
                            if b > a
                        ],
                    )
            if wcs - own:
                result.update(
                    self._fallback_intervals(
                        calendar, wcs - own, start, end, tz, compute_leaves
                    )
                )
        return result, calendars

    @api.model
    def _fallback_intervals(self, calendar, workcenters, start, end, tz, leaves):
        """Intervals of the company ``calendar`` for work centers without one.

        Odoo treats a resource without calendar as fully flexible (working all
        the time), so the calendar's own intervals are taken (with the
        company's public holidays) and each work center's leaves removed.
        """
        company = workcenters.company_id[:1] or self.env.company
        generic = calendar._work_intervals_batch(
            start,
            end,
            tz=tz,
            compute_leaves=leaves,
            domain=[
                ("time_type", "=", "leave"),
                ("company_id", "in", [False, company.id]),
            ],
        )[False]
        own_leaves = defaultdict(list)
        if leaves:
            for leave in self.env["resource.calendar.leaves"].search(
                [
                    ("resource_id", "in", workcenters.resource_id.ids),
                    ("time_type", "=", "leave"),
                    ("date_from", "<", end.astimezone(pytz.utc).replace(tzinfo=None)),
                    ("date_to", ">", start.astimezone(pytz.utc).replace(tzinfo=None)),
                ]
            ):
                own_leaves[leave.resource_id.id].append(
                    (
                        pytz.utc.localize(leave.date_from).astimezone(tz),
                        pytz.utc.localize(leave.date_to).astimezone(tz),
                        leave,
                    )
                )
        result = {}
        for workcenter in workcenters:
            intervals = generic
            if own_leaves[workcenter.resource_id.id]:
                intervals = generic - Intervals(own_leaves[workcenter.resource_id.id])
            result[workcenter.id] = (
                tz,
                [(a, b) for a, b, _r in intervals if b > a],
            )
        return result

    @api.model
    def _work_intervals(self, workcenters, date_from, date_to, compute_leaves=True):
        """Like :meth:`_local_work_intervals`, as naive UTC intervals:
        ``({wc id: [(start, end)] or None}, calendars)``."""
        local, calendars = self._local_work_intervals(
            workcenters, date_from, date_to, compute_leaves=compute_leaves
        )
        result = {}
        for wc_id, (_tz, intervals) in local.items():
            result[wc_id] = (
                None
                if intervals is None
                else [
                    (
                        a.astimezone(pytz.utc).replace(tzinfo=None),
                        b.astimezone(pytz.utc).replace(tzinfo=None),
                    )
                    for a, b in intervals
                ]
            )
        return result, calendars

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
        data = ScheduleInput(
            problem=None, origin=origin, productions=self.env["mrp.production"]
        )
        workorders = self.env["mrp.workorder"].search(
            [
                ("production_id", "in", productions.ids),
                ("state", "not in", ("done", "cancel")),
            ],
            order="production_id, sequence, id",
        )
        # Lists of records that share the search's prefetch set (a recordset
        # union would fetch each order's work orders apart).
        wos_by_mo = defaultdict(list)
        for workorder in workorders:
            wos_by_mo[workorder.production_id.id].append(workorder)

        # Orders without operations: one step at a default work center.
        one_step = {}
        for production in productions:
            if production.id in wos_by_mo:
                continue
            if production.workorder_ids:
                data.unschedulable[production.id] = _(
                    "All its work orders are done or cancelled: nothing left to "
                    "schedule."
                )
                continue
            workcenter, duration, reason = self._one_step(production)
            if reason:
                data.unschedulable[production.id] = reason
            else:
                one_step[production.id] = (workcenter, duration)
        scheduled = productions.filtered(
            lambda p: p.id in wos_by_mo or p.id in one_step
        )
        data.productions = scheduled

        # Work centers: primary, alternatives, one-step ones.
        workcenters = workorders.workcenter_id
        workcenters |= workorders.filtered(
            lambda w: w.state != "progress"
        ).workcenter_id.alternative_workcenter_ids
        for workcenter, _duration in one_step.values():
            workcenters |= workcenter
        intervals, calendars = self._work_intervals(workcenters, origin, horizon_end)
        data.calendars = calendars
        for workcenter in workcenters:
            calendar, fallback = calendars[workcenter.id]
            if fallback and calendar:
                data.notes.append(
                    _(
                        "Work center %(wc)s has no working calendar: it is scheduled "
                        "on the company calendar %(calendar)s.",
                        wc=workcenter.display_name,
                        calendar=calendar.display_name,
                    )
                )
            elif fallback:
                data.notes.append(
                    _(
                        "Work center %(wc)s has no working calendar and its company "
                        "none either: it is scheduled as always available.",
                        wc=workcenter.display_name,
                    )
                )
            data.intervals[workcenter.id] = self._minute_intervals(
                intervals[workcenter.id], origin
            )
        engine_calendars = {
            wc_id: scheduling.Calendar(minutes)
            for wc_id, minutes in data.intervals.items()
        }

        # Operations.
        operations = defaultdict(list)
        for production_id, wos in wos_by_mo.items():
            ids = {w.id for w in wos}
            # Odoo links each work order to the previous one unless the BoM
            # allows free dependencies; without any link, follow the sequence.
            chain = not wos[0].production_id.allow_workorder_dependencies and not any(
                ids.intersection(w.blocked_by_workorder_ids.ids) for w in wos
            )
            previous = None
            for workorder in wos:
                key = workorder.id
                data.workorder_keys[key] = workorder.id
                if chain:
                    predecessors = [previous] if previous else []
                else:
                    predecessors = [
                        w.id for w in workorder.blocked_by_workorder_ids if w.id in ids
                    ]
                previous = key
                op = scheduling.Operation(
                    key=key, job=production_id, predecessors=predecessors
                )
                expected = workorder.duration_expected
                if workorder.state == "progress":
                    remaining = max(0.0, expected - workorder.duration)
                    if keep_started:
                        op.fixed = self._fixed_placement(
                            workorder, remaining, origin, engine_calendars
                        )
                        data.fixed_keys.add(key)
                    op.alternatives = {
                        workorder.workcenter_id.id: max(1, math.ceil(remaining))
                    }
                else:
                    op.alternatives = {
                        workorder.workcenter_id.id: math.ceil(expected - EPSILON)
                    }
                    for (
                        alternative
                    ) in workorder.workcenter_id.alternative_workcenter_ids:
                        op.alternatives[alternative.id] = math.ceil(
                            workorder._get_duration_expected(
                                alternative_workcenter=alternative
                            )
                            - EPSILON
                        )
                data.durations[key] = dict(op.alternatives)
                operations[production_id].append(op)
        for production_id, (workcenter, duration) in one_step.items():
            key = ("mo", production_id)
            data.one_step[key] = production_id
            data.durations[key] = {workcenter.id: duration}
            operations[production_id].append(
                scheduling.Operation(
                    key=key,
                    job=production_id,
                    alternatives={workcenter.id: duration},
                )
            )

        # Jobs, material availability, cross-order dependencies.
        releases, links = self._material(scheduled, productions, data)
        self._link_orders(links, operations, data)
        jobs = []
        for production in scheduled:
            release_dt = releases.get(production.id)
            due = (
                to_minutes(origin, production.date_deadline)
                if production.date_deadline
                else None
            )
            jobs.append(
                scheduling.Job(
                    key=production.id,
                    weight=URGENT_WEIGHT if production.priority == "1" else 1.0,
                    release=max(0, to_minutes(origin, release_dt)) if release_dt else 0,
                    due=due,
                    operations=operations[production.id],
                )
            )
        jobs.extend(self._busy_jobs(scheduled, workcenters, origin, horizon_end))
        resources = [
            scheduling.Resource(key=wc.id, capacity=1, available=data.intervals[wc.id])
            for wc in workcenters
        ]
        data.problem = scheduling.Problem(resources=resources, jobs=jobs)
        return data

    @api.model
    def _fixed_placement(self, workorder, remaining, origin, calendars):
        """(wc, start, end) of a started work order kept where it is: from its
        start to the later of its planned end and now plus its remaining time."""
        wc_id = workorder.workcenter_id.id
        start = to_minutes(origin, workorder.date_start or origin)
        end = (
            to_minutes(origin, workorder.date_finished)
            if workorder.date_finished
            else start
        )
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
        capacity, setup, cleanup = workcenter._get_capacity(
            product, product.uom_id, operation.bom_id.product_qty or 1
        )
        cycles = float_round(qty / capacity, precision_digits=0, rounding_method="UP")
        return (
            setup
            + cleanup
            + cycles * operation.time_cycle * 100.0 / workcenter.time_efficiency
        )

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
            capacity, setup, cleanup = workcenter._get_capacity(
                product, product.uom_id, bom.product_qty or 1
            )
            cycles = math.ceil(qty / capacity - EPSILON)
            duration = (
                setup
                + cleanup
                + cycles
                * bom.schedule_time_cycle
                * 100.0
                / (workcenter.time_efficiency or 100.0)
            )
        else:
            duration = sum(
                self._operation_duration(op, product, qty) for op in bom.operation_ids
            )
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
                scheduling.Operation(
                    key=("busy", row["id"]),
                    job=job,
                    fixed=(row["workcenter_id"], start, end),
                )
            )
        return [scheduling.Job(key=job, operations=o) for job, o in ops.items()]

    # -- material availability ---------------------------------------------------
    @api.model
    def _material(self, scheduled, scope, data):
        """Release datetimes from component availability, and order links.

        Components still to be reserved are netted, order by order (urgent first,
        then by deadline and start), against the free stock of the order's
        warehouse, then against incoming supply by expected date: open purchase
        lines (their planned date), manufacturing orders outside the scope (their
        planned end) and those inside it (a link: the consumer waits for the
        producer's last operation). Returns ``({production id: release datetime},
        [(producer id, consumer id)])`` and fills ``data.material``.
        """
        moves = self.env["stock.move"].search(
            [
                ("raw_material_production_id", "in", scheduled.ids),
                ("state", "not in", ("done", "cancel")),
            ]
        )
        needs = defaultdict(lambda: defaultdict(float))
        for move in moves:
            reserved = move.product_uom._compute_quantity(
                move.quantity, move.product_id.uom_id, rounding_method="HALF-UP"
            )
            need = move.product_qty - reserved
            if need > EPSILON:
                needs[move.raw_material_production_id.id][move.product_id.id] += need
        releases, links = {}, []
        if not needs:
            return releases, links
        warehouse_of = {
            p.id: (p.picking_type_id.warehouse_id or p.location_src_id.warehouse_id).id
            for p in scheduled
        }
        product_ids = {pid for need in needs.values() for pid in need}
        warehouse_ids = set(warehouse_of.values()) - {False}
        on_hand = self._free_stock(product_ids, warehouse_ids)
        supplies = self._incoming_supply(product_ids, warehouse_ids, scope)
        products = self.env["product.product"].browse(product_ids)
        names = {p.id: p.display_name for p in products}

        def order_key(production):
            return (
                production.priority != "1",
                production.date_deadline or datetime.max,
                production.date_start or datetime.max,
                production.id,
            )

        for production in scheduled.sorted(order_key):
            if production.id not in needs:
                continue
            warehouse_id = warehouse_of[production.id]
            latest = None  # (date, product name, reference)
            upstream, short = [], []
            for product_id, need in sorted(needs[production.id].items()):
                key = (product_id, warehouse_id)
                take = min(need, on_hand.get(key, 0.0))
                on_hand[key] = on_hand.get(key, 0.0) - take
                need -= take
                queue = [
                    s
                    for s in supplies.get(key, [])
                    if s["production_id"] != production.id
                ]
                for supply in queue:
                    if need <= EPSILON:
                        break
                    take = min(need, supply["qty"])
                    if take <= EPSILON:
                        continue
                    supply["qty"] -= take
                    need -= take
                    if supply["in_scope"]:
                        links.append((supply["production_id"], production.id))
                        upstream.append(
                            _(
                                "%(product)s from %(ref)s",
                                product=names[product_id],
                                ref=supply["ref"],
                            )
                        )
                    elif supply["date"] and (
                        latest is None or supply["date"] > latest[0]
                    ):
                        latest = (supply["date"], names[product_id], supply["ref"])
                if need > EPSILON:
                    short.append(
                        _(
                            "%(product)s short by %(qty)s with no supply expected",
                            product=names[product_id],
                            qty=round(need, 4),
                        )
                    )
            notes = []
            if latest:
                releases[production.id] = latest[0]
                notes.append(
                    _(
                        "%(product)s expected from %(ref)s on %(date)s",
                        product=latest[1],
                        ref=latest[2],
                        date=latest[0],
                    )
                )
            if upstream:
                notes.append(_("waits for %s", ", ".join(dict.fromkeys(upstream))))
            notes.extend(short)
            if notes:
                data.material[production.id] = (
                    latest[0] if latest else None,
                    "; ".join(notes),
                )
        return releases, links

    @api.model
    def _free_stock(self, product_ids, warehouse_ids):
        """Unreserved on-hand quantity per (product, warehouse)."""
        if not product_ids or not warehouse_ids:
            return {}
        self.env["stock.quant"].flush_model(
            ["product_id", "location_id", "quantity", "reserved_quantity"]
        )
        self.env.cr.execute(
            """
            SELECT q.product_id, l.warehouse_id,
                   SUM(q.quantity) - SUM(q.reserved_quantity)
              FROM stock_quant q
              JOIN stock_location l ON l.id = q.location_id
             WHERE l.usage = 'internal'
               AND q.product_id IN %s
               AND l.warehouse_id IN %s
          GROUP BY q.product_id, l.warehouse_id
            """,
            [tuple(product_ids), tuple(warehouse_ids)],
        )
        return {(p, w): max(0.0, qty or 0.0) for p, w, qty in self.env.cr.fetchall()}

    @api.model
    def _incoming_supply(self, product_ids, warehouse_ids, scope):
        """Open purchase lines and manufacturing orders per (product, warehouse),
        sorted by expected date (orders in scope by their current planned end)."""
        supplies = defaultdict(list)
        lines = self.env["purchase.order.line"].search(
            [
                ("product_id", "in", list(product_ids)),
                ("state", "=", "purchase"),
                ("order_id.picking_type_id.warehouse_id", "in", list(warehouse_ids)),
            ]
        )
        for line in lines:
            if line.product_qty <= EPSILON:
                continue
            open_ratio = max(0.0, 1.0 - line.qty_received / line.product_qty)
            qty = line.product_uom_qty * open_ratio
            if qty > EPSILON:
                supplies[
                    (line.product_id.id, line.order_id.picking_type_id.warehouse_id.id)
                ].append(
                    {
                        "date": line.date_planned,
                        "qty": qty,
                        "ref": line.order_id.name,
                        "production_id": False,
                        "in_scope": False,
                    }
                )
        productions = self.env["mrp.production"].search(
            [
                ("product_id", "in", list(product_ids)),
                ("state", "in", OPEN_PRODUCTION_STATES),
                ("picking_type_id.warehouse_id", "in", list(warehouse_ids)),
            ]
        )
        for production in productions:
            ratio = (
                production.product_uom_qty / production.product_qty
                if production.product_qty
                else 1.0
            )
            qty = production.product_uom_qty - production.qty_produced * ratio
            if qty > EPSILON:
                supplies[
                    (
                        production.product_id.id,
                        production.picking_type_id.warehouse_id.id,
                    )
                ].append(
                    {
                        "date": production.date_finished,
                        "qty": qty,
                        "ref": production.name,
                        "production_id": production.id,
                        "in_scope": production in scope,
                    }
                )
        for queue in supplies.values():
            queue.sort(key=lambda s: (s["date"] or datetime.max, s["ref"]))
        return supplies

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

        entry = {
            job: [op for op in ops if not op.predecessors]
            for job, ops in operations.items()
        }
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
                        "Manufacturing orders %(a)s and %(b)s wait for each other's "
                        "products: the link is ignored.",
                        a=self.env["mrp.production"].browse(producer).display_name,
                        b=self.env["mrp.production"].browse(consumer).display_name,
                    )
                )
                continue
            succ[producer].add(consumer)
            for op in entry[consumer]:
                op.predecessors = [*op.predecessors, *last[producer]]
