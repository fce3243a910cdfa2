"""Plain pytest tests of the pure MRP engine (prod_planning/engine/mrp*.py).

No Odoo and no database: the engine package is loaded from its files under its
own name, so the addon's ``__init__`` (Odoo models) never runs for it. The two
pytest-odoo session fixtures are overridden below for this module only, so these
tests never open the Odoo registry. Ways to run them:

* in the whole suite: ``scripts/test`` (pytest-odoo imports this module as
  ``odoo.addons.prod_planning.tests.test_engine_mrp``);
* alone, with pytest-odoo (the database is never opened, it need not exist):
  ``python3 -m pytest --odoo-database=unused
  --odoo-addons-path=<odoo>/addons,<repo> prod_planning/tests/test_engine_mrp.py``;
* alone, without Odoo at all: ``python3 prod_planning/tests/test_engine_mrp.py
  [pytest arguments]``.

A plain ``pytest prod_planning/tests/test_engine_mrp.py`` cannot work: pytest
would import the addon as a top-level ``prod_planning`` package, whose models
Odoo refuses outside ``odoo.addons``.
"""

import sys
from collections import defaultdict
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

if __package__:
    from . import engine_loader
else:  # run as a script, without Odoo (see the __main__ block)
    import engine_loader

mrp = engine_loader.load_engine_module("mrp")
mrp_lots = engine_loader.load_engine_module("mrp_lots")
workcalendar = engine_loader.load_engine_module("workcalendar")
WorkCalendar = workcalendar.WorkCalendar
Item, BomLine, Demand, Forecast, Supply = (mrp.Item, mrp.BomLine, mrp.Demand, mrp.Forecast, mrp.Supply)

EPS = 1e-6
TODAY = date(2024, 6, 3)  # a Monday


# pytest-odoo opens no registry for these tests.
load_registry, load_http = engine_loader.without_registry()


def d(days):
    """TODAY + days (calendar days)."""
    return TODAY + timedelta(days=days)


def run(items, bom=(), demands=(), forecasts=(), supplies=(), **kwargs):
    return mrp.plan(items, bom, demands, forecasts, supplies, TODAY, **kwargs)


def orders_of(result, key):
    return [po for po in result.planned_orders if po.item == key]


def exceptions_of(result, key=None, kind=None):
    return [e for e in result.exceptions if (key is None or e.item == key) and (kind is None or e.kind == kind)]


def summary(orders):
    return [(po.qty, po.due_date, po.release_date) for po in orders]


# ------------------------------------------------------------------- calendar


class TestWorkCalendar:
    cal = WorkCalendar()

    def test_weekends(self):
        friday, saturday, sunday, monday = d(4), d(5), d(6), d(7)
        assert self.cal.subtract_workdays(monday, 1) == friday
        assert self.cal.subtract_workdays(saturday, 1) == friday
        assert self.cal.subtract_workdays(sunday, 2) == d(3)
        assert self.cal.add_workdays(friday, 1) == monday
        assert self.cal.add_workdays(saturday, 1) == monday
        assert self.cal.add_workdays(friday, 6) == d(14)
        assert self.cal.subtract_workdays(monday, 10) == d(-7)

    def test_zero_days(self):
        assert self.cal.subtract_workdays(d(2), 0) == d(2)
        assert self.cal.subtract_workdays(d(5), 0) == d(4)  # Saturday -> Friday
        assert self.cal.add_workdays(d(5), 0) == d(7)  # Saturday -> Monday
        assert self.cal.previous_workday(d(6)) == d(4)
        assert self.cal.next_workday(d(6)) == d(7)
        assert self.cal.next_workday(d(1)) == d(1)

    def test_negative_days_go_the_other_way(self):
        assert self.cal.subtract_workdays(d(4), -1) == d(7)
        assert self.cal.add_workdays(d(7), -1) == d(4)

    def test_holidays(self):
        cal = WorkCalendar(holidays=frozenset({d(4), d(7)}))  # Friday, Monday
        assert not cal.is_workday(d(4))
        assert cal.is_workday(d(3))
        assert cal.subtract_workdays(d(8), 1) == d(3)
        assert cal.add_workdays(d(3), 1) == d(8)
        assert cal.previous_workday(d(7)) == d(3)
        assert cal.workdays_between(d(0), d(14)) == 8
        assert cal.workdays_between(d(14), d(0)) == -8

    def test_six_day_week(self):
        cal = WorkCalendar(workdays=frozenset({0, 1, 2, 3, 4, 5}))
        assert cal.add_workdays(d(4), 1) == d(5)
        assert cal.add_workdays(d(5), 1) == d(7)

    def test_no_workday_is_an_error(self):
        with pytest.raises(ValueError, match="at least one working weekday"):
            WorkCalendar(workdays=frozenset())
        with pytest.raises(ValueError):
            WorkCalendar(workdays=frozenset({7}))

    def test_far_dates_grow_the_cache(self):
        assert self.cal.add_workdays(TODAY, 2600) == TODAY + timedelta(weeks=520)
        assert self.cal.subtract_workdays(TODAY, 2600) == TODAY - timedelta(weeks=520)
        assert self.cal.workdays_between(d(-3000), d(3000)) == 6000 * 5 // 7 + 1

    def test_hashable_and_equal_by_value(self):
        assert WorkCalendar() == WorkCalendar(frozenset({4, 3, 2, 1, 0}))
        assert len({WorkCalendar(), WorkCalendar()}) == 1

    @settings(max_examples=200, deadline=None)
    @given(
        workdays=st.frozensets(st.integers(0, 6), min_size=1),
        holidays=st.frozensets(st.integers(-40, 40).map(d), max_size=15),
        start=st.integers(-30, 30),
        n=st.integers(0, 25),
    )
    def test_matches_day_by_day_counting(self, workdays, holidays, start, n):
        cal = WorkCalendar(workdays=workdays, holidays=holidays)
        day = d(start)

        def is_work(x):
            return x.weekday() in workdays and x not in holidays

        def walk(x, step, count):
            while count:
                x += timedelta(days=step)
                count -= is_work(x)
            return x

        def snap(x, step):
            while not is_work(x):
                x += timedelta(days=step)
            return x

        assert cal.is_workday(day) == is_work(day)
        expected_sub = walk(day, -1, n) if n else snap(day, -1)
        expected_add = walk(day, 1, n) if n else snap(day, 1)
        assert cal.subtract_workdays(day, n) == expected_sub
        assert cal.add_workdays(day, n) == expected_add
        end = day + timedelta(days=n)
        assert cal.workdays_between(day, end) == sum(is_work(day + timedelta(days=i)) for i in range(n))


# ----------------------------------------------------------------- lot sizing


class TestLotSizing:
    def test_lot_for_lot_per_due_day(self):
        result = run(
            [Item("A", on_hand=10)],
            demands=[Demand("A", d(3), 15, "s1"), Demand("A", d(3), 5, "s2"), Demand("A", d(8), 7, "s3")],
        )
        orders = orders_of(result, "A")
        assert summary(orders) == [(10, d(3), d(3)), (7, d(8), d(8))]
        assert orders[0].pegs == [("s1", 5, d(3)), ("s2", 5, d(3))]
        assert orders[1].pegs[0].ref == "s3"
        assert all(po.supply_type == "buy" and not po.late for po in orders)

    def test_weekend_needs_share_the_friday_order(self):
        result = run([Item("A")], demands=[Demand("A", d(5), 4, "sat"), Demand("A", d(6), 6, "sun")])
        assert summary(orders_of(result, "A")) == [(10, d(4), d(4))]

    def test_fixed_quantity_and_carried_excess(self):
        result = run(
            [Item("A", lot_policy="fixed", fixed_qty=25)],
            demands=[Demand("A", d(1), 30, "s1"), Demand("A", d(2), 10, "s2"), Demand("A", d(9), 15, "s3")],
        )
        orders = orders_of(result, "A")
        assert summary(orders) == [(50, d(1), d(1)), (25, d(9), d(9))]
        assert orders[0].pegs == [("s1", 30, d(1)), ("s2", 10, d(2)), ("s3", 10, d(9))]
        assert orders[1].pegs == [("s3", 5, d(9))]
        daily = result.daily_projection("A")
        assert [(p.date, p.projected_on_hand) for p in daily] == [(d(1), 20), (d(2), 10), (d(9), 20)]

    def test_min_max_multiple(self):
        item = Item("A", lot_policy="min_max_multiple", min_qty=20, multiple=5)
        item.max_qty = 40
        result = run([item], demands=[Demand("A", d(1), 7, "s1"), Demand("A", d(8), 66, "s2")])
        # day 1: max(7, 20) = 20, 13 left; day 8: 53 net -> 40 + max(13, 20)
        assert [po.qty for po in orders_of(result, "A")] == [20, 40, 20]
        assert {po.due_date for po in orders_of(result, "A")[1:]} == {d(8)}

    def test_min_max_multiple_helper(self):
        sizes = mrp_lots._lot_sizes
        assert sizes("min_max_multiple", 0, 0, 0, 6, 13, EPS) == [18]
        assert sizes("min_max_multiple", 0, 0, 10, 0, 25, EPS) == [10, 10, 5]
        # max 12 rounded down to the multiple 5 -> 10 per order
        assert sizes("min_max_multiple", 0, 0, 12, 5, 21, EPS) == [10, 10, 5]
        # conflicting: min above max -> min wins
        assert sizes("min_max_multiple", 0, 30, 20, 0, 5, EPS) == [30]
        # multiple above max -> multiple wins
        assert sizes("min_max_multiple", 0, 0, 3, 5, 7, EPS) == [5, 5]
        assert sizes("fixed", 12, 0, 0, 0, 1, EPS) == [12]
        assert sizes("fixed", 12, 0, 0, 0, 24.0000000001, EPS) == [24]
        assert sizes("fixed", 0, 0, 0, 0, 7, EPS) == [7]

    def test_period_order_quantity(self):
        result = run(
            [Item("A", lot_policy="poq", poq_days=7)],
            demands=[
                Demand("A", d(0), 10, "a"),
                Demand("A", d(2), 5, "b"),
                Demand("A", d(7), 8, "c"),
                Demand("A", d(9), 4, "e"),
                Demand("A", d(20), 1, "f"),
            ],
        )
        assert summary(orders_of(result, "A")) == [
            (15, d(0), d(0)),
            (12, d(7), d(7)),
            (1, d(18), d(18)),  # Sunday -> Friday
        ]


# ------------------------------------------------------- stock, time, sources


class TestNetting:
    def test_safety_stock(self):
        result = run([Item("A", on_hand=5, safety_stock=10)], demands=[Demand("A", d(10), 20, "s1")])
        orders = orders_of(result, "A")
        assert summary(orders) == [(5, d(0), d(0)), (20, d(10), d(10))]
        assert orders[0].pegs == [(("safety", "A"), 5, TODAY)]
        assert not result.exceptions
        assert min(p.projected_on_hand for p in result.daily_projection("A")) == 10

    def test_on_hand_covers_today_before_safety_stock(self):
        result = run([Item("A", on_hand=8, safety_stock=5)], demands=[Demand("A", d(0), 6, "s1")])
        (order,) = orders_of(result, "A")
        assert order.qty == 3 and order.pegs == [(("safety", "A"), 3, TODAY)]

    def test_negative_on_hand_is_refilled(self):
        result = run([Item("A", on_hand=-4)], demands=[Demand("A", d(2), 1, "s")])
        orders = orders_of(result, "A")
        assert orders[0].qty == 4 and orders[0].pegs[0].ref == ("on_hand", "A")
        assert orders[1].qty == 1

    def test_past_due_demand_counts_today(self):
        result = run([Item("A")], demands=[Demand("A", d(-10), 3, "old")])
        (order,) = orders_of(result, "A")
        assert (order.due_date, order.need_date) == (TODAY, TODAY)
        assert order.pegs == [("old", 3, d(-10))]
        assert result.projection["A"][0].actual == 3

    def test_demand_after_horizon_is_ignored(self):
        result = run([Item("A")], demands=[Demand("A", d(5), 1, "in"), Demand("A", d(40), 1, "out")], horizon_end=d(30))
        assert [po.pegs[0].ref for po in result.planned_orders] == ["in"]

    def test_lead_time_across_weekend_and_holiday(self):
        cal = WorkCalendar(holidays=frozenset({d(4)}))  # Friday 7 June
        result = run(
            [Item("A", lead_time=3, calendar=cal)], demands=[Demand("A", d(8), 1, "tue"), Demand("A", d(6), 1, "sun")]
        )
        # Sunday -> Thursday (Friday is a holiday), 3 days before: Mon
        # Tuesday 11 -> Mon 10, Thu 6, Wed 5
        assert summary(orders_of(result, "A")) == [(1, d(3), d(0)), (1, d(8), d(2))]
        assert not exceptions_of(result, kind="late")

    def test_late_when_release_is_in_the_past(self):
        result = run([Item("A", lead_time=5)], demands=[Demand("A", d(2), 4, "s")])
        (order,) = orders_of(result, "A")
        assert order.late and order.release_date == d(-5)
        (exc,) = exceptions_of(result, "A", "late")
        assert exc.ref == ("planned", order.id)
        # Released today it arrives five working days later: expedite it to
        # the need, or move the demand to that date.
        assert (exc.date, exc.suggested_date, exc.qty) == (d(7), d(2), 4)
        assert (exc.code, exc.values) == ("release_in_past", {"release_date": d(-5), "supply_count": 1})
        assert (exc.demand_ref, exc.days_late) == ("s", 5)
        assert not exceptions_of(result, kind="below_safety")

    def test_time_fence(self):
        result = run(
            [Item("A", time_fence_days=3, lead_time=1)],
            demands=[Demand("A", d(1), 4, "s1"), Demand("A", d(9), 2, "s2")],
        )
        orders = orders_of(result, "A")
        assert summary(orders) == [(4, d(3), d(2)), (2, d(9), d(8))]
        assert orders[0].late and not orders[1].late
        (late,) = exceptions_of(result, "A", "late")
        assert (late.date, late.suggested_date) == (d(3), d(1))
        assert (late.code, late.values) == ("time_fence", {"release_date": d(2), "supply_count": 1})
        (below,) = exceptions_of(result, "A", "below_safety")
        assert (below.date, below.suggested_date, below.qty) == (d(1), d(3), 4)
        assert (below.code, below.values) == ("stock_out", {"lowest": -4, "safety_stock": 0})

    def test_no_source(self):
        result = run(
            [Item("A", supply_type="none", on_hand=3)], demands=[Demand("A", d(2), 5, "s1"), Demand("A", d(8), 4, "s2")]
        )
        assert not result.planned_orders
        (exc,) = exceptions_of(result, "A", "no_source")
        assert (exc.date, exc.qty, exc.code, exc.values) == (d(2), 6, "no_source", {})
        (below,) = exceptions_of(result, "A", "below_safety")
        assert (below.date, below.suggested_date, below.qty) == (d(2), None, 6)
        weeks = result.projection["A"]
        assert [w.projected_on_hand for w in weeks] == [-2, -6]
        assert [w.shortage for w in weeks] == [2, 6]
        assert weeks[1].stockout == 6

    def test_below_safety_stock_without_stock_out(self):
        result = run([Item("A", supply_type="none", on_hand=10, safety_stock=10)], demands=[Demand("A", d(2), 4, "s1")])
        (below,) = exceptions_of(result, "A", "below_safety")
        assert (below.date, below.suggested_date, below.qty, below.ref) == (d(2), None, 4, None)
        assert (below.code, below.values) == ("below_safety", {"lowest": 6, "safety_stock": 10})

    def test_planning_on_a_weekend(self):
        saturday = d(5)
        result = mrp.plan([Item("A")], [], [Demand("A", d(3), 2, "s")], [], [], saturday)
        (order,) = result.planned_orders
        assert (order.due_date, order.need_date, order.late) == (d(7), d(5), True)
        (below,) = exceptions_of(result, "A", "below_safety")
        assert (below.date, below.suggested_date) == (d(5), d(7))

    def test_datetimes_are_taken_by_their_date(self):
        noon = datetime(2024, 6, 5, 12, 0)
        result = mrp.plan(
            [Item("A")],
            [],
            [Demand("A", noon, 2, "s")],
            [],
            [Supply("A", noon + timedelta(days=7), 2, "po")],
            datetime(2024, 6, 3, 8, 0),
        )
        (exc,) = result.exceptions
        assert (exc.kind, exc.date, exc.suggested_date) == ("reschedule_in", d(9), d(2))
        assert type(exc.date) is date and result.today == TODAY
        assert result.allocations[0].pegs == [("s", 2, d(2))]

    def test_unknown_item_gets_no_source(self):
        result = run([], demands=[Demand("ghost", d(1), 1, "s")])
        (exc,) = result.exceptions[:1]
        assert (exc.kind, exc.code, exc.item) == ("no_source", "not_in_items", "ghost")
        assert result.counters["implicit_items"] == 1

    def test_validation(self):
        with pytest.raises(ValueError, match="lot_policy"):
            run([Item("A", lot_policy="eoq")])
        with pytest.raises(ValueError, match="supply_type"):
            run([Item("A", supply_type="transfer")])
        with pytest.raises(ValueError, match="twice"):
            run([Item("A"), Item("A")])
        with pytest.raises(ValueError, match="kind"):
            run([Item("A")], demands=[Demand("A", d(1), 1, "s", "wish")])


# ------------------------------------------------------------- existing supply


class TestExistingSupply:
    def test_reschedule_in_instead_of_new_order(self):
        result = run(
            [Item("A", lead_time=2)], demands=[Demand("A", d(3), 10, "s1")], supplies=[Supply("A", d(10), 10, "po1")]
        )
        assert not result.planned_orders
        (exc,) = result.exceptions
        assert (exc.kind, exc.ref, exc.date, exc.suggested_date, exc.qty) == ("reschedule_in", "po1", d(10), d(3), 10)
        assert (exc.item, exc.code, exc.values) == ("A", "bring_forward", {})
        (alloc,) = result.allocations
        assert alloc.need_date == d(3) and alloc.suggested_date == d(3)
        assert alloc.pegs == [("s1", 10, d(3))]
        # as-is projection shows the shortage, the adjusted one does not
        assert result.projection["A"][0].stockout == 10
        assert result.projection_for("A", adjusted=True)[0].stockout == 0

    def test_supply_first_then_planned_order_for_the_rest(self):
        result = run(
            [Item("A")],
            demands=[Demand("A", d(1), 6, "s1"), Demand("A", d(2), 6, "s2")],
            supplies=[Supply("A", d(8), 8, "po1")],
        )
        (order,) = result.planned_orders
        assert (order.qty, order.due_date) == (4, d(2))
        assert order.pegs == [("s2", 4, d(2))]
        assert exceptions_of(result, kind="reschedule_in")[0].suggested_date == d(1)

    def test_reschedule_out_and_tolerance(self):
        result = run(
            [Item("A"), Item("B"), Item("C")],
            demands=[
                Demand("A", d(11), 5, "a"),
                Demand("B", d(7), 5, "b"),  # Monday
                Demand("C", d(8), 5, "c"),  # Tuesday
            ],
            supplies=[
                Supply("A", d(0), 5, "poA"),
                Supply("B", d(4), 5, "poB"),  # Friday: 1 working day early
                Supply("C", d(6), 5, "poC"),  # Sunday: 1 working day early
            ],
        )
        (exc,) = result.exceptions
        assert (exc.item, exc.kind, exc.date, exc.suggested_date) == ("A", "reschedule_out", d(0), d(11))
        assert (exc.ref, exc.qty, exc.code) == ("poA", 5, "postpone")
        strict = run(
            [Item("B")],
            demands=[Demand("B", d(7), 5, "b")],
            supplies=[Supply("B", d(4), 5, "poB")],
            options=mrp.PlanOptions(reschedule_tolerance_days=0),
        )
        assert [e.kind for e in strict.exceptions] == ["reschedule_out"]

    def test_cancel(self):
        result = run(
            [Item("A")],
            demands=[Demand("A", d(2), 5, "s")],
            supplies=[
                Supply("A", d(1), 5, "used"),
                Supply("A", d(3), 5, "spare"),
                Supply("A", d(4), 5, "firm", firm=True),
                Supply("A", d(60), 5, "beyond"),
            ],
            horizon_end=d(30),
        )
        (exc,) = result.exceptions
        assert (exc.kind, exc.ref, exc.date, exc.suggested_date) == ("cancel", "spare", d(3), None)
        assert (exc.item, exc.qty, exc.code) == ("A", 5, "not_needed")

    def test_firm_supply_is_kept_and_reported_late(self):
        result = run(
            [Item("A")],
            demands=[Demand("A", d(2), 10, "s1")],
            supplies=[Supply("A", d(9), 10, "mo1", "production", firm=True)],
        )
        assert not result.planned_orders
        kinds = sorted(e.kind for e in result.exceptions)
        assert kinds == ["below_safety", "late"]
        (late,) = exceptions_of(result, kind="late")
        assert (late.ref, late.date, late.suggested_date) == ("mo1", d(9), d(2))
        assert (late.qty, late.code) == (10, "firm_late")
        (below,) = exceptions_of(result, kind="below_safety")
        assert (below.date, below.suggested_date, below.qty) == (d(2), d(9), 10)
        assert below.code == "stock_out"
        assert result.allocations[0].suggested_date == d(9)

    def test_firm_supply_is_never_moved_out_or_cancelled(self):
        result = run(
            [Item("A")],
            demands=[Demand("A", d(20), 1, "s")],
            supplies=[Supply("A", d(0), 1, "f1", firm=True), Supply("A", d(1), 1, "f2", firm=True)],
        )
        assert not result.exceptions and not result.planned_orders

    def test_past_due_supply_counts_today(self):
        result = run([Item("A")], demands=[Demand("A", d(0), 5, "s")], supplies=[Supply("A", d(-4), 5, "late_po")])
        assert not result.planned_orders and not result.exceptions
        assert result.projection["A"][0].scheduled_receipts == 5


# ------------------------------------------------------------------ BoMs, kits


class TestMultiLevel:
    def test_three_levels_with_shared_component(self):
        items = [
            Item("FG", "manufacture", lead_time=2),
            Item("SA", "manufacture", lead_time=1),
            Item("RM", "buy", lead_time=3),
        ]
        bom = [BomLine("FG", "SA", 1), BomLine("FG", "RM", 2), BomLine("SA", "RM", 3)]
        result = run(items, bom, demands=[Demand("FG", d(14), 10, "so")])
        assert result.low_level_codes == {"FG": 0, "SA": 1, "RM": 2}
        assert result.counters["levels"] == 3
        fg, sa, rm1, rm2 = result.planned_orders
        assert (fg.item, fg.due_date, fg.release_date) == ("FG", d(14), d(10))
        assert (sa.item, sa.qty, sa.due_date, sa.release_date) == ("SA", 10, d(10), d(9))
        # RM is planned once, after both parents: 30 for SA (day 9), 20 for FG
        assert [(o.item, o.qty, o.due_date) for o in (rm1, rm2)] == [("RM", 30, d(9)), ("RM", 20, d(10))]
        assert rm1.pegs == [(("planned", sa.id), 30, d(9))]
        assert rm2.pegs == [(("planned", fg.id), 20, d(10))]
        assert [po.id for po in result.planned_orders] == [1, 2, 3, 4]

    def test_component_stock_is_netted_once_for_all_parents(self):
        items = [Item("P1", "manufacture"), Item("P2", "manufacture"), Item("C", on_hand=15)]
        bom = [BomLine("P1", "C", 1), BomLine("P2", "C", 1)]
        result = run(items, bom, demands=[Demand("P1", d(3), 10, "a"), Demand("P2", d(2), 10, "b")])
        (c_order,) = orders_of(result, "C")
        assert (c_order.qty, c_order.due_date) == (5, d(3))

    def test_kit_passes_demand_through(self):
        items = [Item("KIT", "kit", on_hand=100, lead_time=5), Item("C1"), Item("C2", lead_time=1)]
        bom = [BomLine("KIT", "C1", 2), BomLine("KIT", "C2", 1)]
        result = run(items, bom, demands=[Demand("KIT", d(3), 10, "so")], supplies=[Supply("KIT", d(1), 50, "ignored")])
        assert not orders_of(result, "KIT")
        assert "KIT" not in result.projection
        (c1,) = orders_of(result, "C1")
        (c2,) = orders_of(result, "C2")
        assert (c1.qty, c1.due_date, c1.pegs) == (20, d(3), [("so", 20, d(3))])
        assert (c2.qty, c2.due_date, c2.release_date) == (10, d(3), d(2))
        assert result.counters["kits"] == 1 and not result.exceptions

    def test_kit_inside_a_manufactured_product(self):
        items = [Item("FG", "manufacture", lead_time=1), Item("KIT", "kit")]
        items.append(Item("C"))
        bom = [BomLine("FG", "KIT", 2), BomLine("KIT", "C", 3)]
        result = run(items, bom, demands=[Demand("FG", d(2), 1, "so")])
        fg = orders_of(result, "FG")[0]
        (c,) = orders_of(result, "C")
        assert (c.qty, c.due_date, c.pegs[0].ref) == (6, d(1), ("planned", fg.id))

    def test_kit_without_components(self):
        result = run([Item("KIT", "kit")], demands=[Demand("KIT", d(1), 1, "s")])
        (exc,) = result.exceptions
        assert (exc.kind, exc.code, exc.date, exc.qty) == ("no_source", "kit_without_components", d(1), 1)

    def test_buy_item_boms_are_not_exploded(self):
        result = run(
            [Item("A", "buy"), Item("B")],
            [BomLine("A", "B", 1), BomLine("B", "A", 1)],  # not a cycle: A is bought
            demands=[Demand("A", d(1), 1, "s")],
        )
        assert [po.item for po in result.planned_orders] == ["A"]

    def test_cycle_names_the_items(self):
        items = [Item(k, "manufacture") for k in ("A", "B", "C", "D")]
        bom = [BomLine("D", "A", 1), BomLine("A", "B", 1), BomLine("B", "C", 1), BomLine("C", "A", 1)]
        with pytest.raises(mrp.BomCycleError) as info:
            run(items, bom)
        assert info.value.cycle == ["A", "B", "C", "A"]
        assert "A -> B -> C -> A" in str(info.value)

    def test_self_cycle(self):
        with pytest.raises(mrp.BomCycleError) as info:
            run([Item("A", "manufacture")], [BomLine("A", "A", 1)])
        assert info.value.cycle == ["A", "A"]


# ---------------------------------------------------------------- forecasts


class TestForecast:
    def plan_with(self, mode):
        return run(
            [Item("A", demand_mode=mode)],
            demands=[
                Demand("A", d(2), 30, "so1"),
                Demand("A", d(-1), 10, "late_so"),  # past due, in the period
                Demand("A", d(9), 500, "so2"),  # in another period
            ],
            forecasts=[
                Forecast("A", d(-2), d(5), 100, "f1"),
                Forecast("A", d(-10), d(-3), 100, "f_past"),
                Forecast("A", d(14), d(21), 40, "f3"),
            ],
        )

    def test_max_consumes_forecast(self):
        result = self.plan_with("max")
        weeks = result.projection["A"]
        assert [w.forecast for w in weeks] == [60, 0, 40]
        assert [w.actual for w in weeks] == [40, 500, 0]
        pegs = [p for po in result.planned_orders for p in po.pegs]
        assert ("f1", 60, TODAY) in pegs

    def test_sum_adds_forecast(self):
        result = self.plan_with("sum")
        assert [w.forecast for w in result.projection["A"]] == [100, 0, 40]

    def test_actual_consumes_once_across_overlapping_forecasts(self):
        result = run(
            [Item("A")],
            demands=[Demand("A", d(3), 30, "so")],
            forecasts=[Forecast("A", d(0), d(7), 20, "f1"), Forecast("A", d(0), d(14), 50, "f2")],
        )
        # f1 fully consumed (20), f2 consumed by the remaining 10 -> 40 left
        assert result.projection["A"][0].forecast == 40


# ---------------------------------------------------------- projection, misc


class TestProjection:
    def test_weekly_buckets(self):
        result = run(
            [Item("A", on_hand=10, safety_stock=2)],
            demands=[Demand("A", d(1), 4, "a"), Demand("A", d(8), 10, "b"), Demand("A", d(9), 3, "c", "forecast")],
            supplies=[Supply("A", d(2), 5, "po")],
            horizon_end=d(20),
        )
        weeks = result.projection["A"]
        assert [w.week_start for w in weeks] == [d(0), d(7), d(14)]
        first, second, third = weeks
        assert (first.opening_on_hand, first.actual, first.scheduled_receipts) == (10, 4, 5)
        assert (first.projected_on_hand, first.min_on_hand) == (11, 6)
        # week 2: -10 on Tuesday (1 left < safety 2 -> planned 1), -3 forecast
        assert (second.actual, second.forecast, second.demand_total) == (10, 3, 13)
        assert second.planned_receipts == 4
        assert (second.projected_on_hand, second.min_on_hand) == (2, 2)
        assert second.shortage == 0 and second.safety_stock == 2
        assert (third.opening_on_hand, third.projected_on_hand) == (2, 2)

    def test_idle_items_have_no_projection(self):
        result = run([Item("A"), Item("B", on_hand=1)])
        assert list(result.projection) == ["B"]
        assert result.projection_for("A") == []
        assert result.daily_projection("A") == []

    def test_result_is_deterministic(self):
        def once():
            items = [Item("P", "manufacture", lead_time=2), Item("C", lead_time=1)]
            return run(items, [BomLine("P", "C", 2)], demands=[Demand("P", d(i), i, f"s{i}") for i in range(1, 12)])

        first, second = once(), once()
        assert first.planned_orders == second.planned_orders
        assert first.exceptions == second.exceptions

    def test_counters(self):
        result = run(
            [Item("A", lead_time=3)], demands=[Demand("A", d(1), 1, "s")], supplies=[Supply("A", d(30), 1, "po")]
        )
        assert result.counters["planned_orders"] == 0
        assert result.counters["exceptions_reschedule_in"] == 1
        assert result.counters["items_netted"] == 1


# ------------------------------------------------------------ property tests

CALENDARS = [
    WorkCalendar(),
    WorkCalendar(workdays=frozenset({0, 1, 2, 3, 4, 5})),
    WorkCalendar(holidays=frozenset({d(1), d(4), d(10), d(11), d(24)})),
]


@st.composite
def factories(draw, policies=("lfl", "fixed", "min_max_multiple", "poq")):
    """A random small plant: BoM DAG (edges parent index < component index)."""
    n = draw(st.integers(1, 7))
    items, bom = [], []
    for i in range(n):
        policy = draw(st.sampled_from(policies))
        items.append(
            Item(
                i,
                supply_type=draw(st.sampled_from(["buy", "manufacture", "kit"])) if i < n - 1 else "buy",
                lead_time=draw(st.integers(0, 6)),
                lot_policy=policy,
                fixed_qty=draw(st.sampled_from([0, 3, 10])),
                min_qty=draw(st.sampled_from([0, 4, 15])),
                max_qty=draw(st.sampled_from([0, 8, 25])),
                multiple=draw(st.sampled_from([0, 1, 2.5, 6])),
                poq_days=draw(st.integers(0, 10)),
                safety_stock=draw(st.sampled_from([0, 0, 5])),
                on_hand=draw(st.sampled_from([0, 0, 3, 12, -2])),
                calendar=draw(st.sampled_from(CALENDARS)),
            )
        )
        for j in range(i + 1, n):
            if draw(st.integers(0, 2)) == 0:
                bom.append(BomLine(i, j, draw(st.sampled_from([1, 2, 0.5]))))
    for item in items:
        if item.supply_type == "kit" and not any(b.parent == item.key for b in bom):
            item.supply_type = "manufacture"
    demands = [
        Demand(draw(st.integers(0, n - 1)), d(draw(st.integers(-5, 40))), draw(st.integers(1, 30)), ("so", k))
        for k in range(draw(st.integers(0, 12)))
    ]
    supplies = [
        Supply(draw(st.integers(0, n - 1)), d(draw(st.integers(-3, 50))), draw(st.integers(1, 40)), ("po", k))
        for k in range(draw(st.integers(0, 6)))
    ]
    return items, bom, demands, supplies


def gross_requirements(items, bom, demands, result):
    """Gross requirement per item: external + exploded from parents' orders."""
    by_key = {item.key: item for item in items}
    gross = defaultdict(float)
    for dem in demands:
        gross[dem.item] += dem.qty
    planned = defaultdict(float)
    for po in result.planned_orders:
        planned[po.item] += po.qty
    for item in items:  # parents come before their components
        for line in bom:
            if line.parent != item.key:
                continue
            if item.supply_type == "kit":
                gross[line.component] += gross[item.key] * line.qty
            elif item.supply_type == "manufacture":
                gross[line.component] += planned[item.key] * line.qty
    return by_key, gross, planned


PROPERTY = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@PROPERTY
@given(factories())
def test_plan_covers_every_requirement_when_suggestions_are_followed(plant):
    """With sources, no fence and movable supplies, following every suggestion
    (supplies at their suggested dates, planned orders at their due dates)
    keeps projected on hand at or above safety stock on every day; so no
    below_safety message, and supply is allocated to every requirement."""
    items, bom, demands, supplies = plant
    result = mrp.plan(items, bom, demands, [], supplies, TODAY)
    assert not exceptions_of(result, kind="below_safety")
    assert not exceptions_of(result, kind="no_source")
    for item in items:
        if item.supply_type == "kit":
            continue
        days = result.daily_projection(item.key, adjusted=True)
        if not days or days[0].date > TODAY:  # on hand alone until the first day
            assert item.on_hand >= item.safety_stock - EPS
        for point in days:
            assert point.date >= TODAY
            assert point.projected_on_hand >= item.safety_stock - EPS, point
        # without messages on its supplies, the as-is projection is the same
        if not any(e.item == item.key and e.kind.startswith("reschedule") for e in result.exceptions):
            assert result.daily_projection(item.key) == days


@PROPERTY
@given(factories(policies=("lfl",)))
def test_lot_for_lot_plans_exactly_the_net_requirement(plant):
    items, bom, demands, supplies = plant
    for item in items:
        item.safety_stock = 0
    result = mrp.plan(items, bom, demands, [], supplies, TODAY)
    by_key, gross, planned = gross_requirements(items, bom, demands, result)
    received = defaultdict(float)
    for sup in supplies:
        received[sup.item] += sup.qty
    for key, item in by_key.items():
        if item.supply_type == "kit":
            assert planned[key] == 0
            continue
        net = max(0.0, gross[key] - item.on_hand - received[key])
        assert planned[key] == pytest.approx(net, abs=1e-6), key


@PROPERTY
@given(factories())
def test_orders_respect_lot_policy_dates_and_pegging(plant):
    items, bom, demands, supplies = plant
    result = mrp.plan(items, bom, demands, [], supplies, TODAY)
    by_key = {item.key: item for item in items}
    ids = [po.id for po in result.planned_orders]
    assert ids == list(range(1, len(ids) + 1))
    by_id = {po.id: po for po in result.planned_orders}
    parents = defaultdict(set)
    for line in bom:
        parents[line.component].add(line.parent)
    for po in result.planned_orders:
        item = by_key[po.item]
        cal = item.calendar
        assert item.supply_type in ("buy", "manufacture")
        assert po.qty > 0
        if item.lot_policy == "fixed" and item.fixed_qty:
            ratio = po.qty / item.fixed_qty
            assert ratio >= 1 and abs(ratio - round(ratio)) < 1e-9
        if item.lot_policy == "min_max_multiple":
            assert po.qty >= item.min_qty - EPS
            if item.multiple:
                ratio = po.qty / item.multiple
                assert abs(ratio - round(ratio)) < 1e-9
            if item.max_qty and item.max_qty >= max(item.multiple, item.min_qty):
                assert po.qty <= item.max_qty + EPS
        assert cal.is_workday(po.due_date) and po.due_date >= TODAY
        assert po.release_date == cal.subtract_workdays(po.due_date, item.lead_time)
        assert po.late == (po.release_date < TODAY or po.due_date > po.need_date)
        assert po.pegs and sum(p.qty for p in po.pegs) <= po.qty + EPS
        assert max(po.pegs[0].date, TODAY) == po.need_date
        for peg in po.pegs:
            if isinstance(peg.ref, tuple) and peg.ref[0] == "planned":
                assert by_id[peg.ref[1]].item in ancestors(po.item, parents)
    # a planned order only once existing supply is used up
    for key in by_key:
        if orders_of(result, key):
            for alloc in result.allocations:
                if alloc.item == key:
                    assert alloc.allocated_qty == pytest.approx(alloc.qty)
    # every requirement (external, exploded, safety stock, negative stock) is
    # covered: by on hand, or pegged to an existing supply or a planned order
    _, gross, _ = gross_requirements(items, bom, demands, result)
    pegged = defaultdict(float)
    for supply in (*result.planned_orders, *result.allocations):
        pegged[supply.item] += sum(p.qty for p in supply.pegs)
    for key, item in by_key.items():
        if item.supply_type == "kit":
            continue
        total = gross[key] + item.safety_stock + max(0, -item.on_hand)
        from_stock = min(max(0, item.on_hand), total)
        assert pegged[key] + from_stock == pytest.approx(total, abs=1e-6), key


def ancestors(key, parents):
    """Items above ``key`` in the BoMs."""
    seen, stack = set(), [key]
    while stack:
        for parent in parents[stack.pop()]:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


@PROPERTY
@given(factories(), st.integers(1, 4))
def test_time_fence_is_respected(plant, fence):
    items, bom, demands, supplies = plant
    for item in items:
        item.time_fence_days = fence
    result = mrp.plan(items, bom, demands, [], supplies, TODAY)
    for po in result.planned_orders:
        cal = {item.key: item.calendar for item in items}[po.item]
        assert po.due_date >= cal.add_workdays(TODAY, fence)
    for exc in result.exceptions:  # every message is data its caller can word
        assert exc.code in mrp.EXCEPTION_CODES[exc.kind]


if __name__ == "__main__":
    sys.exit(engine_loader.run_test_file_without_odoo(__file__, sys.argv[1:]))
