"""Capacity load per work center and day: available hours against load."""

import bisect
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.tools import format_date

from ..services.prod_planning_schedule_reader import OPEN_WORKORDER_STATES
from .prod_planning_report_mixin import ratio_of

# Refreshed window: from the Monday of last week over this many weeks.
DEFAULT_WEEKS = 12
OVERLOAD_TOLERANCE = 0.01  # hours


load_percent = ratio_of("load_hours", "available_hours", 100.0, empty=0.0)


@dataclass
class LoadSources:
    """What the rows of a window are made of, per work center id: the
    calendars (``{wc id: (calendar, fallback)}``), the working intervals
    (``{wc id: (tz, intervals or None)}``), the available and calendar hours
    per local day (``{wc id: {day: hours}}``, None: always available), and
    per (wc id, day) the hours and count of work orders and the hours of
    planned orders."""

    calendars: dict
    work: dict
    available: dict
    calendar_hours: dict
    workorder_hours: dict
    workorder_count: dict
    planned_hours: dict


class ProdPlanningCapacityLoad(models.Model):
    """Stored table refreshed by a scheduled action, after a schedule is applied
    and on demand; never computed on read.

    Hours are clock hours of the work center: the calendar's working hours minus
    its leaves (public holidays, maintenance) are what it can offer; work orders
    and planned orders load it with their expected durations, which already
    count the work center's capacity (cycles of parallel pieces), its time
    efficiency and its setup and cleanup times (as Odoo computes them).
    """

    _name = "prod.planning.capacity.load"
    _description = "Work Center Capacity Load"
    _inherit = ["prod.planning.report.window"]
    _order = "date, workcenter_id"
    _check_company_auto = True
    _window_scope_field = "workcenter_id"

    workcenter_id = fields.Many2one(
        comodel_name="mrp.workcenter", required=True, index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(comodel_name="res.company", required=True, index=True)
    date = fields.Date(required=True, index=True)
    calendar_id = fields.Many2one(comodel_name="resource.calendar")
    calendar_fallback = fields.Boolean(
        string="Company Calendar", help="The work center has no working calendar: the company's is used."
    )
    calendar_hours = fields.Float(string="Working Hours", aggregator="sum")
    leave_hours = fields.Float(string="Leaves", aggregator="sum")
    available_hours = fields.Float(
        string="Available", aggregator="sum", help="Working hours of the calendar minus leaves and public holidays."
    )
    workorder_hours = fields.Float(
        string="Work Orders",
        aggregator="sum",
        help="Expected hours of the open work orders, spread over the working "
        "time between their planned start and end.",
    )
    planned_hours = fields.Float(
        string="Planned Orders",
        aggregator="sum",
        help="Hours of the BoM operations of the planning run's planned "
        "manufacturing orders, spread over their working days from release to "
        "due date.",
    )
    load_hours = fields.Float(string="Load", aggregator="sum")
    free_hours = fields.Float(string="Free", aggregator="sum", help="Available minus load.")
    overload_hours = fields.Float(
        string="Overload", aggregator="sum", help="Load above the available hours, day by day."
    )
    load_percent = fields.Float(string="Load %", aggregator="avg")
    overloaded = fields.Boolean(index=True)
    workorder_count = fields.Integer(string="# Work Orders", aggregator="sum")

    @api.model
    def _report_sources(self):
        return ["mrp.workcenter", "mrp.workorder", "mrp.production", "prod.planning.order"]

    @api.model
    def _report_ratios(self):
        return {"load_percent": (load_percent, ["load_hours", "available_hours"])}

    # -- refresh -------------------------------------------------------------------
    @api.model
    def _refresh(self, date_from=None, date_to=None, workcenters=None):
        """Replace the rows of ``workcenters`` (default: all of the allowed
        companies) for the days from ``date_from`` to ``date_to`` included
        (default: from the Monday of last week over 12 weeks)."""
        return self._refresh_window(date_from, date_to, workcenters)

    @api.model
    def _refresh_days(self, pairs):
        """Refresh the (work center id, date) ``pairs`` touched by a change of
        dates (an applied schedule), within the stored horizon."""
        if not pairs:
            return
        today = fields.Date.context_today(self)
        lowest = today - timedelta(days=7)
        highest = today + timedelta(days=366)
        days = [d for _wc, d in pairs if lowest <= d <= highest]
        if not days:
            return
        workcenters = self.env["mrp.workcenter"].browse({wc for wc, _d in pairs})
        self._refresh(min(days) - timedelta(days=1), max(days) + timedelta(days=1), workcenters)

    @api.model
    def _window_dates(self, date_from, date_to):
        today = fields.Date.context_today(self)
        monday = today - timedelta(days=today.weekday() + 7)
        return (date_from or monday, date_to or monday + timedelta(days=7 * DEFAULT_WEEKS - 1))

    @api.model
    def _window_default_scope(self):
        return self.env["mrp.workcenter"].search([("company_id", "in", [False, *self.env.companies.ids])])

    @api.model
    def _window_all_scope(self):
        return self.env["mrp.workcenter"].search([])

    # -- computation ---------------------------------------------------------------
    @api.model
    def _compute_rows(self, date_from, date_to, workcenters):
        """One dict of values per work center and day from ``date_from`` to
        ``date_to`` (local days of the work center's calendar)."""
        sources = self._read_sources(workcenters, date_from, date_to)
        days = (date_to - date_from).days + 1
        return [
            self._prepare_row_vals(workcenter, date_from + timedelta(days=offset), sources)
            for workcenter in workcenters
            for offset in range(days)
        ]

    @api.model
    def _read_sources(self, workcenters, date_from, date_to):
        """The :class:`LoadSources` of the window: the work centers' working
        time (with and without leaves), their work orders' load and the
        planned orders' load."""
        planned = self._planned_operations(workcenters, date_from, date_to)
        span_from = min([date_from] + [p["release"] for p in planned])
        span_to = max([date_to] + [p["due"] for p in planned])
        utc_from = datetime.combine(span_from - timedelta(days=1), time.min)
        utc_to = datetime.combine(span_to + timedelta(days=2), time.min)
        reader = self.env["prod.planning.calendar.reader"]
        work, calendars = reader._local_work_intervals(workcenters, utc_from, utc_to)
        attendance, _calendars = reader._local_work_intervals(workcenters, utc_from, utc_to, compute_leaves=False)
        available = {
            wc_id: None if intervals is None else self._daily_hours(intervals)
            for wc_id, (_tz, intervals) in work.items()
        }
        workorder_hours, workorder_count = self._workorder_load(workcenters, work, date_from, date_to)
        planned_hours = defaultdict(float)
        for item in planned:
            self._spread_planned(item, available, planned_hours)
        return LoadSources(
            calendars=calendars,
            work=work,
            available=available,
            calendar_hours={wc_id: self._daily_hours(intervals) for wc_id, (_tz, intervals) in attendance.items()},
            workorder_hours=workorder_hours,
            workorder_count=workorder_count,
            planned_hours=planned_hours,
        )

    @api.model
    def _prepare_row_vals(self, workcenter, day, sources):
        """The row of one work center and day."""
        calendar, fallback = sources.calendars[workcenter.id]
        key = (workcenter.id, day)
        if sources.work[workcenter.id][1] is None:  # always available
            cal_h = avail_h = 24.0
        else:
            cal_h = sources.calendar_hours[workcenter.id].get(day, 0.0)
            avail_h = sources.available[workcenter.id].get(day, 0.0)
        wo_h = sources.workorder_hours.get(key, 0.0)
        plan_h = sources.planned_hours.get(key, 0.0)
        load_h = wo_h + plan_h
        return {
            "workcenter_id": workcenter.id,
            "company_id": (workcenter.company_id or self.env.company).id,
            "date": day,
            "calendar_id": calendar.id,
            "calendar_fallback": fallback,
            "calendar_hours": round(cal_h, 4),
            "leave_hours": round(max(0.0, cal_h - avail_h), 4),
            "available_hours": round(avail_h, 4),
            "workorder_hours": round(wo_h, 4),
            "planned_hours": round(plan_h, 4),
            "load_hours": round(load_h, 4),
            "free_hours": round(avail_h - load_h, 4),
            "overload_hours": round(max(0.0, load_h - avail_h), 4),
            "load_percent": round(load_percent({"load_hours": load_h, "available_hours": avail_h}), 2),
            "overloaded": load_h > avail_h + OVERLOAD_TOLERANCE,
            "workorder_count": sources.workorder_count.get(key, 0),
        }

    @api.model
    def _daily_hours(self, intervals):
        """``{local date: hours}`` of aware intervals, split at local midnight."""
        hours = defaultdict(float)
        for start, end in intervals or ():
            for day, seconds in _split_days(start, end):
                hours[day] += seconds / 3600.0
        return hours

    @api.model
    def _workorder_load(self, workcenters, work, date_from, date_to):
        """Hours of open work orders per (work center, local day), spread over
        the working time between their planned start and end (their remaining
        expected time when started); unplanned ones weigh on their order's
        start day."""
        window_from = datetime.combine(date_from - timedelta(days=1), time.min)
        window_to = datetime.combine(date_to + timedelta(days=2), time.min)
        workorders = self.env["mrp.workorder"].search_read(
            [
                ("workcenter_id", "in", workcenters.ids),
                ("state", "in", OPEN_WORKORDER_STATES),
                ("production_state", "in", ("confirmed", "progress", "to_close")),
                "|",
                "&",
                ("date_start", "<", window_to),
                ("date_finished", ">", window_from),
                "&",
                ("date_start", "=", False),
                "&",
                ("production_date", ">=", window_from),
                ("production_date", "<", window_to),
            ],
            [
                "workcenter_id",
                "date_start",
                "date_finished",
                "production_date",
                "duration_expected",
                "duration",
                "state",
            ],
            load=None,
        )
        hours = defaultdict(float)
        count = defaultdict(int)
        for row in workorders:
            wc_id = row["workcenter_id"]
            tz, intervals = work[wc_id]
            tz = tz or pytz.utc
            minutes = row["duration_expected"]
            if row["state"] == "progress":
                minutes = max(0.0, minutes - row["duration"])
            share = {}
            if row["date_start"] and row["date_finished"]:
                start = pytz.utc.localize(row["date_start"]).astimezone(tz)
                end = pytz.utc.localize(row["date_finished"]).astimezone(tz)
                share = _overlap_by_day(intervals, start, end)
                first_day = start.date()
            else:
                first_day = pytz.utc.localize(row["production_date"]).astimezone(tz).date()
            total = sum(share.values())
            if not total:
                share, total = {first_day: 1.0}, 1.0
            for day, seconds in share.items():
                if date_from <= day <= date_to:
                    hours[(wc_id, day)] += minutes / 60.0 * seconds / total
            if date_from <= first_day <= date_to:
                count[(wc_id, first_day)] += 1
        return hours, count

    @api.model
    def _planned_operations(self, workcenters, date_from, date_to):
        """Operation loads of the planning run's planned manufacturing orders
        (draft and firm) overlapping the window: BoM operations' expected
        durations for the planned quantity."""
        orders = self.env["prod.planning.order"].search(
            [
                ("supply_type", "=", "manufacture"),
                ("state", "in", ("draft", "firm")),
                ("bom_id", "!=", False),
                ("company_id", "in", (workcenters.company_id | self.env.companies).ids),
                ("release_date", "<=", date_to),
                ("due_date", ">=", date_from),
            ]
        )
        wc_ids = set(workcenters.ids)
        reader = self.env["prod.planning.schedule.reader"]
        result = []
        for order in orders:
            for operation in order.bom_id.operation_ids:
                if operation.workcenter_id.id not in wc_ids:
                    continue
                # Odoo 19 has no mrp.routing.workcenter._get_duration_expected.
                minutes = reader._operation_duration(operation, order.product_id, order.quantity)
                if minutes:
                    result.append(
                        {
                            "workcenter_id": operation.workcenter_id.id,
                            "release": order.release_date,
                            "due": max(order.due_date, order.release_date),
                            "hours": minutes / 60.0,
                        }
                    )
        return result

    @api.model
    def _spread_planned(self, item, available, planned_hours):
        """Spread a planned operation over the working days from its release
        date to the day before its due date (the release day when they are the
        same), in proportion to each day's available hours."""
        wc_id = item["workcenter_id"]
        last = max(item["release"], item["due"] - timedelta(days=1))
        days = {}
        day = item["release"]
        while day <= last:
            daily = available[wc_id]
            hours = 24.0 if daily is None else daily.get(day, 0.0)
            if hours > 0:
                days[day] = hours
            day += timedelta(days=1)
        total = sum(days.values())
        if not total:
            days, total = {item["release"]: 1.0}, 1.0
        for day, hours in days.items():
            planned_hours[(wc_id, day)] += item["hours"] * hours / total

    # -- manufacturing order warning ---------------------------------------------
    @api.model
    def _weekly_overloads(self, pairs):
        """``{(wc id, monday): (load, available)}`` of the overloaded weeks among
        ``pairs`` of (work center id, date), read from the stored table."""
        if not pairs:
            return {}
        mondays = {day - timedelta(days=day.weekday()) for _wc, day in pairs}
        # sudo: the warning is shown to manufacturing users outside the planning groups.
        groups = self.sudo()._read_group(
            [
                ("workcenter_id", "in", list({wc for wc, _day in pairs})),
                ("date", ">=", min(mondays)),
                ("date", "<", max(mondays) + timedelta(days=7)),
            ],
            ["workcenter_id", "date:day"],
            ["load_hours:sum", "available_hours:sum"],
        )
        weeks = defaultdict(lambda: [0.0, 0.0])
        for workcenter, day, load, avail in groups:
            day = day.date() if isinstance(day, datetime) else day
            week = weeks[(workcenter.id, day - timedelta(days=day.weekday()))]
            week[0] += load
            week[1] += avail
        return {key: tuple(values) for key, values in weeks.items() if values[0] > values[1] + OVERLOAD_TOLERANCE}

    @api.model
    def _overload_message(self, workcenter, monday, load, available):
        return _(
            "Work center %(wc)s is overloaded in the week of %(week)s: %(load)s h "
            "of load for %(available)s h available.",
            wc=workcenter.display_name,
            week=format_date(self.env, monday),
            load=round(load, 1),
            available=round(available, 1),
        )


def _split_days(start, end):
    """(local date, seconds) pieces of an aware interval, cut at midnight."""
    tz = start.tzinfo
    while start < end:
        next_day = start.date() + timedelta(days=1)
        midnight = datetime.combine(next_day, time.min)
        midnight = tz.localize(midnight) if hasattr(tz, "localize") else midnight.replace(tzinfo=tz)
        piece_end = min(end, midnight)
        yield start.date(), (piece_end - start).total_seconds()
        start = piece_end


def _overlap_by_day(intervals, start, end):
    """``{local date: seconds}`` of working time in ``[start, end)``."""
    if intervals is None:
        return dict(_split_days(start, end)) if end > start else {}
    result = defaultdict(float)
    ends = [b for _a, b in intervals]
    k = bisect.bisect_right(ends, start)
    while k < len(intervals) and intervals[k][0] < end:
        a, b = intervals[k]
        a, b = max(a, start), min(b, end)
        if b > a:
            for day, seconds in _split_days(a, b):
                result[day] += seconds
        k += 1
    return result
