"""Plain pytest tests of delivery promises (prod_planning/engine/promise.py).

Loaded like ``test_engine_release.py``: the engine package is imported from its
files, never through the addon's ``__init__``, and no registry is opened.
Run alone with ``python3 prod_planning/tests/test_engine_promise.py [pytest
arguments]``, or with pytest-odoo and any ``--odoo-database``.

One hand-made case per rule of the issue (the answer worked out in the test),
then hypothesis properties on random projections and factories.
"""

import sys
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

if __package__:
    from . import engine_loader
else:  # run as a script, without Odoo (see the __main__ block)
    import engine_loader

promise = engine_loader.load_engine_module("promise")
workcalendar = engine_loader.load_engine_module("workcalendar")
Promiser, PromiseItem, Operation, WorkCenter = (
    promise.Promiser,
    promise.PromiseItem,
    promise.Operation,
    promise.WorkCenter,
)
WorkCalendar = workcalendar.WorkCalendar
TODAY = date(2026, 3, 9)  # a Monday
CHAIR, SEAT, LEG, SCREW = "chair", "seat", "leg", "screw"

# pytest-odoo opens no registry for these tests.
load_registry, load_http = engine_loader.without_registry()


def d(days):
    return TODAY + timedelta(days=days)


def stock_item(key=CHAIR, on_hand=0.0, events=()):
    return PromiseItem(key, on_hand=on_hand, events=[(d(day), qty) for day, qty in events])


# ----------------------------------------------------------------- hand-made rules


class TestAvailableToPromise:
    def test_never_later_than_necessary_when_stock_is_free(self):
        # 10 on hand, nothing else wants them: 10 ship today.
        answer = Promiser([stock_item(on_hand=10)], TODAY).promise(CHAIR, 10)
        assert (answer.date, answer.available_now, answer.split) == (TODAY, 10, [(TODAY, 10)])
        assert answer.constraint.kind == "stock"

    def test_never_earlier_than_supply(self):
        # Nothing on hand, 10 arrive on Thursday: 5 ship Thursday, not before.
        answer = Promiser([stock_item(events=[(3, 10)])], TODAY).promise(CHAIR, 5)
        assert answer.date == d(3)
        assert answer.available_now == 0
        assert answer.constraint.kind == "receipt"
        assert answer.constraint.values["date"] == d(3)

    def test_look_ahead_keeps_what_later_demand_needs(self):
        # 10 on hand, 8 due to a customer on Saturday (d5), 10 arrive d10.
        # ATP today = min(10, 10 - 8, 12) = 2; from d10: 12. So 5 ship on d10
        # (a Thursday), and 2 of them could ship today.
        item = stock_item(on_hand=10, events=[(5, -8), (10, 10)])
        answer = Promiser([item], TODAY).promise(CHAIR, 5)
        assert answer.date == d(10)
        assert answer.available_now == 2
        assert answer.split == [(TODAY, 2), (d(10), 3)]

    def test_larger_quantity_never_earlier(self):
        # 10 on hand and 10 arriving d7 (a Monday): 10 today, 15 on d7.
        promiser = Promiser([stock_item(on_hand=10, events=[(7, 10)])], TODAY)
        assert promiser.promise(CHAIR, 10).date == TODAY
        assert promiser.promise(CHAIR, 15).date == d(7)
        assert promiser.promise(CHAIR, 25).date is None  # no source for the last 5

    def test_promises_consume_each_other(self):
        # 10 on hand, 10 arriving d7: a first order of 6 takes today's stock,
        # a second one of 6 only finds 4 left today, so it waits for d7.
        promiser = Promiser([stock_item(on_hand=10, events=[(7, 10)])], TODAY)
        first = promiser.promise(CHAIR, 6, commit=True)
        second = promiser.promise(CHAIR, 6, commit=True)
        assert (first.date, second.date, second.available_now) == (TODAY, d(7), 4)

    def test_commitments_count_as_demand(self):
        # An earlier promise of 8 on d2 leaves 2 of the 10 on hand.
        promiser = Promiser([stock_item(on_hand=10)], TODAY, commitments=[(CHAIR, d(2), 8)])
        answer = promiser.promise(CHAIR, 3)
        assert (answer.date, answer.available_now, answer.constraint.kind) == (None, 2, "no_source")

    def test_requested_day_on_a_weekend_ships_the_next_working_day(self):
        # Saturday d5 asked, stock free: Monday d7, because of the calendar.
        answer = Promiser([stock_item(on_hand=1)], TODAY).promise(CHAIR, 1, requested=d(5))
        assert (answer.date, answer.constraint.kind) == (d(7), "calendar")

    def test_past_requested_day_counts_as_today(self):
        answer = Promiser([stock_item(on_hand=1)], TODAY).promise(CHAIR, 1, requested=d(-20))
        assert answer.date == TODAY

    def test_bad_arguments(self):
        promiser = Promiser([stock_item(on_hand=1)], TODAY)
        with pytest.raises(ValueError, match="positive"):
            promiser.promise(CHAIR, 0)
        with pytest.raises(KeyError):
            promiser.promise("table", 1)


class TestCapableToPromise:
    def test_vendor_lead_time_and_public_holiday(self):
        # Bought in 3 working days; Wednesday d2 is a public holiday:
        # Tue d1, Thu d3, Fri d4 -> Friday.
        calendar = WorkCalendar(holidays=frozenset({d(2)}))
        item = PromiseItem(SCREW, supply_type="buy", lead_time=3, vendor="Acme")
        answer = Promiser([item], TODAY, calendar=calendar).promise(SCREW, 100)
        assert answer.date == d(4)
        assert answer.constraint.kind == "vendor_lead_time"
        assert answer.constraint.values == {"days": 3, "vendor": "Acme"}

    def test_component_vendor_lead_time_then_manufacturing_lead_time(self):
        # A chair needs 4 legs (bought in 5 working days) and takes 2 working
        # days to make: legs Monday d7, chair Wednesday d9. The legs constrain.
        items = [
            PromiseItem(CHAIR, supply_type="manufacture", lead_time=2, components=[(LEG, 4)]),
            PromiseItem(LEG, supply_type="buy", lead_time=5, vendor="Wood Co"),
        ]
        answer = Promiser(items, TODAY).promise(CHAIR, 3)
        assert answer.date == d(9)
        assert (answer.constraint.kind, answer.constraint.subject) == ("vendor_lead_time", LEG)
        assert answer.constraint.path == (CHAIR, LEG)

    def test_components_in_stock_leave_the_manufacturing_lead_time(self):
        # Legs on hand: the chair is made from today in 2 working days (d2).
        items = [
            PromiseItem(CHAIR, supply_type="manufacture", lead_time=2, components=[(LEG, 4)]),
            PromiseItem(LEG, on_hand=40, supply_type="buy", lead_time=5),
        ]
        answer = Promiser(items, TODAY).promise(CHAIR, 10)
        assert (answer.date, answer.constraint.kind) == (d(2), "manufacturing_lead_time")

    def test_stock_ships_now_the_rest_is_made(self):
        # 4 chairs on hand, 10 asked: 4 today, 6 made in 2 days (d2).
        items = [
            PromiseItem(CHAIR, on_hand=4, supply_type="manufacture", lead_time=2, components=[(LEG, 4)]),
            PromiseItem(LEG, on_hand=100, supply_type="buy", lead_time=5),
        ]
        answer = Promiser(items, TODAY).promise(CHAIR, 10)
        assert (answer.date, answer.available_now, answer.split) == (d(2), 4, [(TODAY, 4), (d(2), 6)])

    def test_work_center_capacity_left(self):
        # 10 chairs take 1 h each on Assembly, which has 4 h free a day (the
        # current load takes the rest): 4 + 4 + 2 -> the third day, d2, later
        # than the 1-day lead time (d1).
        wc = WorkCenter("assembly", free={d(0): 4, d(1): 4, d(2): 4}, known_until=d(2))
        items = [PromiseItem(CHAIR, supply_type="manufacture", lead_time=1, operations=[Operation("assembly", 1.0)])]
        answer = Promiser(items, TODAY, workcenters=[wc]).promise(CHAIR, 10)
        assert (answer.date, answer.constraint.kind, answer.constraint.subject) == (d(2), "capacity", "assembly")

    def test_capacity_booked_by_a_promise_is_gone_for_the_next(self):
        wc = WorkCenter("assembly", free={d(0): 4, d(1): 4, d(2): 4}, known_until=d(2), daily_hours=8)
        items = [PromiseItem(CHAIR, supply_type="manufacture", operations=[Operation("assembly", 1.0)])]
        promiser = Promiser(items, TODAY, workcenters=[wc])
        assert promiser.promise(CHAIR, 4, commit=True).date == TODAY
        # Today's 4 h are booked: 4 more chairs take tomorrow's.
        assert promiser.promise(CHAIR, 4, commit=True).date == d(1)

    def test_work_center_without_hours_gives_no_date(self):
        wc = WorkCenter("paint", daily_hours=0)
        items = [PromiseItem(CHAIR, on_hand=1, supply_type="manufacture", operations=[Operation("paint", 1.0)])]
        answer = Promiser(items, TODAY, workcenters=[wc]).promise(CHAIR, 3)
        assert (answer.date, answer.available_now, answer.split) == (None, 1, [(TODAY, 1)])
        assert (answer.constraint.kind, answer.constraint.subject) == ("capacity", CHAIR)

    def test_components_taken_by_a_promise(self):
        # 8 legs on hand make 2 chairs now; the next 2 wait for bought legs (d5 -> Monday d7).
        items = [
            PromiseItem(CHAIR, supply_type="manufacture", components=[(LEG, 4)]),
            PromiseItem(LEG, on_hand=8, supply_type="buy", lead_time=5),
        ]
        promiser = Promiser(items, TODAY)
        assert promiser.promise(CHAIR, 2, commit=True).date == TODAY
        answer = promiser.promise(CHAIR, 2, commit=True)
        assert (answer.date, answer.constraint.subject) == (d(7), LEG)

    def test_no_source_names_the_component(self):
        items = [
            PromiseItem(CHAIR, supply_type="manufacture", components=[(SEAT, 1)]),
            PromiseItem(SEAT, supply_type="none"),
        ]
        answer = Promiser(items, TODAY).promise(CHAIR, 1)
        assert answer.date is None
        assert (answer.constraint.kind, answer.constraint.subject) == ("no_source", SEAT)

    def test_explanations_are_words(self):
        items = [
            PromiseItem(CHAIR, supply_type="manufacture", lead_time=2, components=[(LEG, 4)]),
            PromiseItem(LEG, supply_type="buy", lead_time=5, vendor="Wood Co"),
        ]
        text = promise.explain(Promiser(items, TODAY).promise(CHAIR, 1))
        assert text == "leg (needed to make chair) must be bought: 5 working days of vendor lead time."


# ------------------------------------------------------------------- properties

events_strategy = st.lists(st.tuples(st.integers(-3, 40), st.integers(-30, 30).filter(bool)), max_size=12)
holidays_strategy = st.frozensets(st.integers(0, 60).map(d), max_size=8)


def balances(on_hand, events, today_ord):
    """{ordinal: end-of-day balance} on event days, and the balance before them."""
    out = {}
    balance = on_hand
    per_day = {}
    for day, qty in events:
        x = max(day.toordinal(), today_ord)
        per_day[x] = per_day.get(x, 0) + qty
    for x in sorted(per_day):
        balance += per_day[x]
        out[x] = balance
    return out


def fits(on_hand, events, today_ord, x, qty):
    """Brute force: qty taken on day x leaves every balance from x on >= 0."""
    bal = balances(on_hand, events, today_ord)
    before = [b for y, b in bal.items() if y <= x]
    at_x = before[-1] if before else on_hand
    later = [b for y, b in bal.items() if y > x]
    return min([at_x, *later]) >= qty - 1e-9


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 50), events_strategy, st.integers(1, 40), st.integers(0, 20), holidays_strategy)
def test_stock_only_date_is_exactly_the_earliest_feasible(on_hand, raw_events, qty, asked, holidays):
    """Never earlier than supply, never later than necessary, on a working day."""
    calendar = WorkCalendar(holidays=holidays)
    events = [(d(day), q) for day, q in raw_events]
    answer = Promiser([PromiseItem(CHAIR, on_hand=on_hand, events=events)], TODAY, calendar=calendar).promise(
        CHAIR, qty, requested=d(asked)
    )
    today_ord = TODAY.toordinal()
    first = calendar.next_ord(d(asked).toordinal())
    expected = None
    for x in range(first, first + 120):
        if calendar.is_workday(date.fromordinal(x)) and fits(on_hand, events, today_ord, x, qty):
            expected = x
            break
    assert (answer.date.toordinal() if answer.date else None) == expected
    assert answer.date is None or calendar.is_workday(answer.date)
    assert sum(q for _d, q in answer.split) <= qty + 1e-9


def factory(draw):
    """A random 3-level factory: a product, sub-assemblies, bought parts."""
    parts = [f"part{i}" for i in range(draw(st.integers(1, 3)))]
    subs = [f"sub{i}" for i in range(draw(st.integers(0, 2)))]
    items = []
    for part in parts:
        items.append(
            PromiseItem(
                part,
                on_hand=draw(st.integers(0, 30)),
                events=[(d(day), q) for day, q in draw(events_strategy)],
                supply_type=draw(st.sampled_from(["buy", "buy", "none"])),
                lead_time=draw(st.integers(0, 15)),
            )
        )
    for sub in subs:
        items.append(
            PromiseItem(
                sub,
                on_hand=draw(st.integers(0, 10)),
                supply_type="manufacture",
                lead_time=draw(st.integers(0, 5)),
                components=[(p, draw(st.integers(1, 3))) for p in draw(st.lists(st.sampled_from(parts), min_size=1))],
                operations=[Operation("wc", draw(st.sampled_from([0.0, 0.5, 2.0])))],
            )
        )
    items.append(
        PromiseItem(
            CHAIR,
            on_hand=draw(st.integers(0, 10)),
            events=[(d(day), q) for day, q in draw(events_strategy)],
            supply_type="manufacture",
            lead_time=draw(st.integers(0, 5)),
            components=[
                (c, draw(st.integers(1, 2))) for c in draw(st.lists(st.sampled_from(parts + subs), min_size=1))
            ],
            operations=[Operation("wc", draw(st.sampled_from([0.0, 1.0, 3.0])))],
        )
    )
    free = {d(i): draw(st.sampled_from([0, 2, 8])) for i in range(10)}
    return items, [WorkCenter("wc", free=free, known_until=d(9))]


@st.composite
def factories(draw):
    return factory(draw)


@settings(max_examples=150, deadline=None)
@given(factories(), st.integers(1, 30), st.integers(1, 30), holidays_strategy)
def test_larger_quantity_never_earlier(fact, small, extra, holidays):
    items, wcs = fact
    calendar = WorkCalendar(holidays=holidays)
    first = Promiser(items, TODAY, wcs, calendar).promise(CHAIR, small)
    second = Promiser(items, TODAY, wcs, calendar).promise(CHAIR, small + extra)
    if first.date is None:
        assert second.date is None
    elif second.date is not None:
        assert second.date >= first.date
    for answer in (first, second):
        assert answer.date is None or calendar.is_workday(answer.date)


@settings(max_examples=150, deadline=None)
@given(factories(), st.lists(st.integers(1, 20), min_size=1, max_size=5))
def test_a_promise_is_never_earlier_than_before_others_were_made(fact, quantities):
    """Promises consume: once others are committed, the same order's date is
    the same or later."""
    items, wcs = fact
    alone = {q: Promiser(items, TODAY, wcs).promise(CHAIR, q).date for q in quantities}
    promiser = Promiser(items, TODAY, wcs)
    for q in quantities:
        answer = promiser.promise(CHAIR, q, commit=True)
        if alone[q] is None:
            assert answer.date is None
        elif answer.date is not None:
            assert answer.date >= alone[q]


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 50), events_strategy, st.lists(st.tuples(st.integers(1, 20), st.integers(0, 20)), max_size=6))
def test_committed_promises_never_share_units(on_hand, raw_events, orders):
    """Stock only: after every commitment, no balance from the earliest promise
    on is negative (two orders never get the same units)."""
    events = [(d(day), q) for day, q in raw_events]
    promiser = Promiser([PromiseItem(CHAIR, on_hand=on_hand, events=events)], TODAY)
    taken = []
    for qty, asked in orders:
        answer = promiser.promise(CHAIR, qty, requested=d(asked), commit=True)
        if answer.date is not None:
            taken.append((answer.date, -qty))
    if taken:
        today_ord = TODAY.toordinal()
        first = min(day for day, _q in taken).toordinal()
        assert fits(on_hand, events + taken, today_ord, first, 0)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 20), holidays_strategy, st.integers(0, 10))
def test_lead_times_count_working_days(lead, holidays, asked):
    """Nothing on hand, bought in ``lead`` working days: the date is the
    lead-th working day after today (holidays skipped), or the requested day
    when later."""
    calendar = WorkCalendar(holidays=holidays)
    item = PromiseItem(SCREW, supply_type="buy", lead_time=lead)
    answer = Promiser([item], TODAY, calendar=calendar).promise(SCREW, 5, requested=d(asked))
    arrival = calendar.add_workdays(TODAY, lead) if lead else calendar.next_workday(TODAY)
    assert answer.date == max(arrival, calendar.next_workday(d(asked)))


if __name__ == "__main__":
    sys.exit(engine_loader.run_test_file_without_odoo(__file__, sys.argv[1:]))
