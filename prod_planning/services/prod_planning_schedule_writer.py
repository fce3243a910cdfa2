"""Schedule writer: stores a schedule's preview and applies it, in bulk.

Last step of the scheduling pipeline (``prod.planning.schedule.reader`` ->
``engine.scheduling`` -> ``prod.planning.schedule.writer``), called by the
scheduling wizard (``prod.planning.schedule``): the preview is one record per
order, work order and work center; applying writes the work orders' bookings
and dates and the orders' and their moves' dates with one UPDATE per table,
then tells the ORM what changed.
"""

import logging
import time
from collections import defaultdict

from psycopg2 import errors as pg_errors

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .prod_planning_schedule_reader import from_minutes

_logger = logging.getLogger(__name__)


def _is_busy(job):
    """Jobs ``("busy", production id)`` are other orders' work orders."""
    return isinstance(job, tuple) and job and job[0] == "busy"


class ProdPlanningScheduleWriter(models.AbstractModel):
    """Writes what the scheduling wizard previews and applies; each step is
    an extension point (``_prepare_*_vals`` build the preview records)."""

    _name = "prod.planning.schedule.writer"
    _description = "Schedule Writer"

    # -- preview ---------------------------------------------------------------------
    @api.model
    def _write_preview(self, wizard, data, schedule, horizon_end):
        """Store on ``wizard`` the preview of ``schedule`` (None when no order
        can be scheduled) built from the reader's ``data``: a line per order,
        per work order and per work center. Returns the order lines and the
        number of work orders that end after the calendar horizon."""
        by_job = defaultdict(list)
        if schedule:
            for assignment in schedule.assignments.values():
                by_job[assignment.job].append(assignment)
        workorders = self.env["mrp.workorder"].browse(list(data.workorder_keys.values()))
        records = {
            "workorder": {w.id: w for w in workorders},
            "workcenter": {wc.id: wc for wc in self.env["mrp.workcenter"].browse(list(data.intervals))},
        }
        line_vals, wo_vals_by_mo = [], {}
        for production in data.productions:
            assignments = sorted(by_job[production.id], key=lambda a: (a.start, a.end))
            wo_vals = [
                self._prepare_workorder_line_vals(wizard, data, production, assignment, records)
                for assignment in assignments
            ]
            wo_vals_by_mo[production.id] = wo_vals
            line_vals.append(self._prepare_line_vals(wizard, data, production, assignments, schedule, wo_vals, records))
        for production in self.env["mrp.production"].browse(list(data.unschedulable)):
            line_vals.append(
                self._prepare_unschedulable_line_vals(wizard, production, data.unschedulable[production.id])
            )
        # Preview records are read-only for users: only the wizard writes them,
        # as superuser, once it checked the user may write the wizard.
        wizard.check_access("write")
        lines = self.env["prod.planning.schedule.line"].sudo().create(line_vals).sudo(False)
        self._create_workorder_lines(lines, wo_vals_by_mo)
        if schedule:
            self._write_loads(wizard, data, schedule)
        horizon = (horizon_end - data.origin).total_seconds() // 60
        beyond = sum(
            1
            for production in data.productions
            for assignment in by_job[production.id]
            if assignment.end > horizon and not assignment.fixed
        )
        return lines, beyond

    @api.model
    def _prepare_workorder_line_vals(self, wizard, data, production, assignment, records):
        """Preview of one work order (or one-step order, or started work order
        kept fixed): its work center and slot, old and new."""
        origin = data.origin
        workcenter = records["workcenter"][assignment.resource]
        workorder = records["workorder"].get(data.workorder_keys.get(assignment.operation), self.env["mrp.workorder"])
        return {
            "wizard_id": wizard.id,
            "workorder_id": workorder.id,
            "production_id": production.id,
            "workcenter_id": workcenter.id,
            "old_workcenter_id": (workorder.workcenter_id or workcenter).id,
            "old_date_start": workorder.date_start,
            "old_date_finished": workorder.date_finished,
            "new_date_start": from_minutes(origin, assignment.start),
            "new_date_finished": from_minutes(origin, assignment.end),
            "duration": self._working_minutes(data, assignment),
            "fixed": assignment.fixed,
        }

    @api.model
    def _prepare_line_vals(self, wizard, data, production, assignments, schedule, wo_vals, records):
        """Preview of one scheduled order: its new start and end, lateness,
        material availability and the hours it puts on each work center."""
        origin = data.origin
        result = schedule.jobs[production.id]
        release, material_note = data.material.get(production.id, (None, ""))
        hours, per_wc = 0.0, defaultdict(float)
        for vals in wo_vals:
            hours += vals["duration"] / 60.0
            per_wc[records["workcenter"][vals["workcenter_id"]]] += vals["duration"] / 60.0
        return {
            "wizard_id": wizard.id,
            "production_id": production.id,
            "state": "scheduled",
            "date_deadline": production.date_deadline,
            "old_date_start": production.date_start,
            "old_date_finished": production.date_finished,
            "new_date_start": from_minutes(origin, min(a.start for a in assignments)),
            "new_date_finished": from_minutes(origin, max(a.end for a in assignments)),
            "lateness_hours": result.lateness / 60.0,
            "late": result.lateness > 0,
            "material_date": release,
            "material_note": material_note or False,
            "load_hours": hours,
            "workcenter_summary": ", ".join(f"{wc.display_name} {h:.1f} h" for wc, h in per_wc.items()),
            "fixed_count": sum(1 for a in assignments if a.fixed),
        }

    @api.model
    def _prepare_unschedulable_line_vals(self, wizard, production, reason):
        return {
            "wizard_id": wizard.id,
            "production_id": production.id,
            "state": "unschedulable",
            "reason": reason,
            "date_deadline": production.date_deadline,
            "old_date_start": production.date_start,
            "old_date_finished": production.date_finished,
            "late": bool(production.date_deadline and production.date_deadline < fields.Datetime.now()),
        }

    @api.model
    def _create_workorder_lines(self, lines, wo_vals_by_mo):
        """Create the work order lines of all orders in one batch."""
        all_wo_vals = []
        for line in lines:
            for vals in wo_vals_by_mo.get(line.production_id.id, ()):
                vals["line_id"] = line.id
                all_wo_vals.append(vals)
        # Read-only for users: written as superuser (see _write_preview).
        self.env["prod.planning.schedule.workorder"].sudo().create(all_wo_vals)

    @api.model
    def _working_minutes(self, data, assignment):
        if assignment.fixed:
            return assignment.end - assignment.start
        return data.durations[assignment.operation][assignment.resource]

    @api.model
    def _write_loads(self, wizard, data, schedule):
        """Per work center: hours scheduled against hours available from the
        start to the last finish."""
        span = max((a.end for a in schedule.assignments.values() if not _is_busy(a.job)), default=0)
        scheduled, busy, count = (defaultdict(float), defaultdict(float), defaultdict(int))
        for assignment in schedule.assignments.values():
            if _is_busy(assignment.job):
                overlap = min(assignment.end, span) - max(assignment.start, 0)
                busy[assignment.resource] += max(0, overlap) / 60.0
            else:
                scheduled[assignment.resource] += self._working_minutes(data, assignment) / 60.0
                count[assignment.resource] += 1
        vals = []
        for wc_id, intervals in data.intervals.items():
            if intervals is None:
                available = span / 60.0
            else:
                available = sum(max(0, min(e, span) - max(s, 0)) for s, e in intervals) / 60.0
            calendar, fallback = data.calendars[wc_id]
            load = scheduled[wc_id] + busy[wc_id]
            vals.append(
                {
                    "wizard_id": wizard.id,
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
        # Read-only for users: written as superuser (see _write_preview).
        self.env["prod.planning.schedule.load"].sudo().create(vals)

    # -- apply -----------------------------------------------------------------------
    @api.model
    def _lock_workcenters(self, workcenters):
        """Lock the rows of the ``workcenters`` a schedule is applied to until
        the transaction ends: another schedule applied to one of them at the
        same time is refused (UserError, no waiting).

        The caller then stamps them (:meth:`_stamp_workcenters`), an UPDATE of
        the rows: under PostgreSQL's repeatable read, a transaction that
        started before this one commits cannot lock them any more
        (serialization failure, refused here too), so it cannot write a
        schedule computed from what it saw before; one computed before the
        stamp sees it changed (the stamp is part of the preview's
        fingerprint). Raw SQL: a technical stamp that the planner may not
        write through the ORM (work centers are the manufacturing managers').
        """
        if not workcenters:
            return
        names = ", ".join(workcenters.mapped("display_name"))
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM mrp_workcenter WHERE id = ANY(%s) ORDER BY id FOR UPDATE NOWAIT", [workcenters.ids]
                )
        except pg_errors.LockNotAvailable:
            raise UserError(
                _(
                    "Another schedule is being applied to the work centers %(workcenters)s right now: "
                    "wait for it to finish, then compute the schedule again.",
                    workcenters=names,
                )
            ) from None
        except pg_errors.SerializationFailure:
            raise UserError(
                _(
                    "The work centers %(workcenters)s changed since the schedule was computed "
                    "(another schedule was applied to them): compute again.",
                    workcenters=names,
                )
            ) from None

    @api.model
    def _stamp_workcenters(self, workcenters):
        """Stamp the work centers locked by :meth:`_lock_workcenters` with the
        time their schedule is applied."""
        if not workcenters:
            return
        self.env.cr.execute(
            """
            UPDATE mrp_workcenter
               SET prod_planning_schedule_date = (now() at time zone 'UTC')
             WHERE id = ANY(%s)
            """,
            [workcenters.ids],
        )
        workcenters.invalidate_recordset(["prod_planning_schedule_date"])

    @api.model
    def _apply(self, wizard, lines, wo_lines):
        """Write the dates of the scheduled order ``lines`` and work order
        ``wo_lines`` of ``wizard``'s preview (those already where the schedule
        puts them are left untouched), then refresh the capacity load of the
        work centers and days touched."""
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
        self.env.flush_all()
        t2 = time.perf_counter()
        self.env["prod.planning.capacity.load"]._refresh_days(
            old_ranges | self._affected_ranges(moved_lines, moved_wo_lines)
        )
        self.env.flush_all()
        _logger.info(
            "%s: %s orders, %s work orders applied (%s and %s moved) in %.2f s (work "
            "orders %.2f s, orders %.2f s, capacity load %.2f s)",
            wizard.display_name,
            len(lines),
            len(wo_lines),
            len(moved_lines),
            len(moved_wo_lines),
            time.perf_counter() - t0,
            t1 - t0,
            t2 - t1,
            time.perf_counter() - t2,
        )

    @api.model
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
        rows = [self._workorder_row(line) for line in wo_lines]
        # Bookings are created and dropped as superuser, as Odoo's own
        # planning of work orders does (the work orders' access is checked).
        old_leaves = workorders.sudo().leave_id
        new_leaves = (
            self.env["resource.calendar.leaves"].sudo().create([self._prepare_booking_vals(line) for line in wo_lines])
        )
        self.env.flush_all()
        self._update_workorders(rows, new_leaves)
        moved = workorders.browse([row[0] for row in rows if row[1] != row[5]])
        self._workorders_modified(workorders, moved)
        old_leaves.unlink()

    @api.model
    def _workorder_row(self, line):
        """``(work order id, new wc id, expected duration, start, end, old wc
        id)``: on an alternative work center, Odoo's expected duration there."""
        workorder = line.workorder_id
        moved = line.workcenter_id != workorder.workcenter_id
        return (
            workorder.id,
            line.workcenter_id.id,
            workorder._get_duration_expected(alternative_workcenter=line.workcenter_id)
            if moved
            else workorder.duration_expected,
            line.new_date_start,
            line.new_date_finished,
            workorder.workcenter_id.id,
        )

    @api.model
    def _prepare_booking_vals(self, line):
        return {
            "name": line.workorder_id.display_name,
            "calendar_id": line.workcenter_id.resource_calendar_id.id,
            "date_from": line.new_date_start,
            "date_to": line.new_date_finished,
            "resource_id": line.workcenter_id.resource_id.id,
            "time_type": "other",
        }

    @api.model
    def _update_workorders(self, rows, leaves):
        """One UPDATE of the work orders' work center, expected duration,
        booking and dates (``rows`` from :meth:`_workorder_row`)."""
        ids, wc_ids, durations, starts, ends, _old = (list(col) for col in zip(*rows, strict=True))
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
            [self.env.uid, ids, wc_ids, durations, leaves.ids, starts, ends],
        )

    @api.model
    def _workorders_modified(self, workorders, moved):
        """Tell the ORM what the UPDATE changed on ``workorders`` (``moved``:
        those moved to another work center)."""
        fnames = ["leave_id", "date_start", "date_finished"]
        workorders.invalidate_recordset([*fnames, "workcenter_id", "duration_expected", "write_uid", "write_date"])
        with self._protecting_what_dates_leave_alone(workorders.production_id):
            workorders.modified(fnames)
            if moved:
                # Only the work orders moved to another work center: their
                # expected duration is the alternative's, as computed above.
                with self.env.protecting([workorders._fields["duration_expected"]], moved):
                    moved.modified(["workcenter_id", "duration_expected"])

    @api.model
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
                ([workorder["state"], workorder["production_availability"]], productions.workorder_ids),
                ([move["unit_factor"]], productions.move_raw_ids | productions.move_finished_ids),
            ]
        )

    @api.model
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
        self._propagate_linked_deadlines(productions, moves, new_start)
        self.env.flush_all()
        self._update_productions(new_start, new_end)
        moves = self._update_production_moves(list(new_start))
        stamp = ["write_uid", "write_date"]
        productions.invalidate_recordset(["date_start", "date_finished", *stamp])
        moves.invalidate_recordset(["date", "date_deadline", *stamp])
        with self._protecting_what_dates_leave_alone(productions):
            productions.modified(["date_start", "date_finished"])
            moves.modified(["date", "date_deadline"])

    @api.model
    def _propagate_linked_deadlines(self, productions, moves, new_start):
        """Moves chained to others (made to order): their deadline propagates
        with Odoo's ``_set_date_deadline``, one order's moves together."""
        self.env.cr.execute(
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
        linked = moves.browse([row[0] for row in self.env.cr.fetchall()])
        for production in linked.raw_material_production_id & productions:
            (production.move_raw_ids & linked)._set_date_deadline(new_start[production.id])
        for production in linked.production_id & productions:
            if production.date_deadline:
                (production.move_finished_ids & linked)._set_date_deadline(production.date_deadline)

    @api.model
    def _update_productions(self, new_start, new_end):
        """One UPDATE of the orders' start and end (by production id)."""
        self.env.cr.execute(
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
            [self.env.uid, list(new_start), list(new_start.values()), [new_end[pid] for pid in new_start]],
        )

    @api.model
    def _update_production_moves(self, production_ids):
        """One UPDATE of the open component moves (due at the order's start)
        and finished moves (at its end) of the orders; returns the moves."""
        self.env.cr.execute(
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
            [self.env.uid, production_ids],
        )
        return self.env["stock.move"].browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _affected_ranges(self, lines, wo_lines):
        """``{(wc id, date)}`` touched by the old or new dates (for the load)."""
        pairs = set()
        for line in wo_lines:
            workorder = line.workorder_id
            for wc, start, end in (
                (line.workcenter_id, line.new_date_start, line.new_date_finished),
                (workorder.workcenter_id, workorder.date_start, workorder.date_finished),
            ):
                if wc and start and end:
                    pairs.add((wc.id, start.date()))
                    pairs.add((wc.id, end.date()))
        for line in lines:
            for wo_line in line.workorder_line_ids.filtered(lambda w: not w.workorder_id):
                pairs.add((wo_line.workcenter_id.id, wo_line.new_date_start.date()))
                pairs.add((wo_line.workcenter_id.id, wo_line.new_date_finished.date()))
        return pairs
