"""Reads the working time of work centers: their calendars' attendances minus
leaves and public holidays, for the scheduler and the capacity load report."""

from collections import defaultdict

import pytz

from odoo import api, models
from odoo.tools.intervals import Intervals


class ProdPlanningCalendarReader(models.AbstractModel):
    """Working intervals of work centers, read in bulk (one batch per calendar).

    The one place that decides which calendar a work center works on (its own,
    else its company's) and which leaves count; the schedule reader
    (``prod.planning.schedule.reader``) and the capacity load report call it.
    """

    _name = "prod.planning.calendar.reader"
    _description = "Work Center Calendar Reader"

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
    def _local_work_intervals(self, workcenters, date_from, date_to, compute_leaves=True):
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
                    start, end, resources=own.resource_id, tz=tz, compute_leaves=compute_leaves
                )
                for workcenter in own:
                    result[workcenter.id] = (tz, [(a, b) for a, b, _r in batch[workcenter.resource_id.id] if b > a])
            if wcs - own:
                result.update(self._fallback_intervals(calendar, wcs - own, start, end, tz, compute_leaves))
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
            domain=[("time_type", "=", "leave"), ("company_id", "in", [False, company.id])],
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
            result[workcenter.id] = (tz, [(a, b) for a, b, _r in intervals if b > a])
        return result

    @api.model
    def _work_intervals(self, workcenters, date_from, date_to, compute_leaves=True):
        """Like :meth:`_local_work_intervals`, as naive UTC intervals:
        ``({wc id: [(start, end)] or None}, calendars)``."""
        local, calendars = self._local_work_intervals(workcenters, date_from, date_to, compute_leaves=compute_leaves)
        result = {}
        for wc_id, (_tz, intervals) in local.items():
            result[wc_id] = (
                None
                if intervals is None
                else [
                    (a.astimezone(pytz.utc).replace(tzinfo=None), b.astimezone(pytz.utc).replace(tzinfo=None))
                    for a, b in intervals
                ]
            )
        return result, calendars
