"""Plain pytest tests of the pure vendor rules (prod_planning/engine/vendors.py).

Loaded like ``test_engine_mrp.py``: the engine package is imported from its
files under its own name, never through the addon's ``__init__``, and the two
pytest-odoo session fixtures are overridden so that no registry is opened.
Run alone with ``python3 prod_planning/tests/test_engine_vendors.py``, or with
pytest-odoo and any ``--odoo-database``.
"""

import sys
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

if __package__:
    from . import engine_loader
else:  # run as a script, without Odoo (see the __main__ block)
    import engine_loader

vendors = engine_loader.load_engine_module("vendors")
LineState = vendors.LineState
TODAY = date(2024, 6, 3)


# pytest-odoo opens no registry for these tests.
load_registry, load_http = engine_loader.without_registry()


def d(days):
    return TODAY + timedelta(days=days)


class TestRate:
    def test_no_data_is_none_not_100(self):
        assert vendors.rate(0, 0) is None
        assert vendors.rate(5, 0) is None
        assert vendors.rate(None, 10) is None
        assert vendors.rate(3, None) is None

    def test_plain_rate(self):
        assert vendors.rate(3, 4) == pytest.approx(75.0)
        assert vendors.rate(0, 4) == 0.0

    def test_never_above_100_nor_below_0(self):
        assert vendors.rate(12, 10) == 100.0
        assert vendors.rate(-1, 10) == 0.0

    @given(st.floats(min_value=-1e6, max_value=1e6), st.floats(min_value=-1e6, max_value=1e6))
    def test_bounds_property(self, part, whole):
        value = vendors.rate(part, whole)
        if whole <= vendors.EPSILON:
            assert value is None
        else:
            assert 0.0 <= value <= 100.0

    def test_capped_ratio_and_average(self):
        assert vendors.capped_ratio(15, 10) == 1.0
        assert vendors.capped_ratio(4, 10) == pytest.approx(0.4)
        assert vendors.capped_ratio(4, 0) is None
        assert vendors.average([]) is None
        assert vendors.average([None, None]) is None
        assert vendors.average([1, None, 3]) == 2


class TestPriceVariance:
    def test_variance(self):
        assert vendors.price_variance(110, 100) == pytest.approx(10.0)
        assert vendors.price_variance(90, 100) == pytest.approx(-10.0)

    def test_no_pricelist_is_none(self):
        assert vendors.price_variance(110, None) is None
        assert vendors.price_variance(110, 0) is None
        assert vendors.price_variance(None, 100) is None


class TestSuggestedDelay:
    def test_no_lead_time_no_suggestion(self):
        assert vendors.suggested_delay([]) is None
        assert vendors.suggested_delay([None]) is None

    def test_nearest_rank_80th_percentile(self):
        # 5 values: rank ceil(0.8 * 5) = 4 -> 25
        assert vendors.suggested_delay([29, 5, 15, 13, 25]) == 25
        # 10 values 1..10: rank 8
        assert vendors.suggested_delay(list(range(1, 11))) == 8
        assert vendors.suggested_delay([7]) == 7

    def test_rounds_up_and_never_negative(self):
        assert vendors.suggested_delay([4.2, 4.5]) == 5
        assert vendors.suggested_delay([-3, -1]) == 0

    def test_other_quantile(self):
        assert vendors.suggested_delay([1, 2, 3, 4], quantile=0.5) == 2
        assert vendors.suggested_delay([1, 2, 3, 4], quantile=1) == 4
        with pytest.raises(ValueError):
            vendors.suggested_delay([1, 2], quantile=0)

    @given(st.lists(st.integers(min_value=0, max_value=365), min_size=1))
    def test_within_observed_range(self, leads):
        value = vendors.suggested_delay(leads)
        assert min(leads) <= value <= max(leads)


class TestExpeditingReasons:
    def test_fully_received_needs_nothing(self):
        line = LineState(promised=d(-10), ordered=10, received=10)
        assert vendors.expediting_reasons(line, TODAY, 7) == []
        assert vendors.urgency(line, TODAY, 7) == 0

    def test_late(self):
        line = LineState(promised=d(-1), ordered=10, confirmed=True)
        assert vendors.expediting_reasons(line, TODAY, 7) == ["late"]

    def test_due_today_is_not_late(self):
        line = LineState(promised=TODAY, ordered=10, confirmed=True)
        assert vendors.expediting_reasons(line, TODAY, 7) == []

    def test_unconfirmed_within_horizon_only(self):
        soon = LineState(promised=d(7), ordered=10)
        later = LineState(promised=d(8), ordered=10)
        confirmed = LineState(promised=d(2), ordered=10, confirmed=True)
        assert vendors.expediting_reasons(soon, TODAY, 7) == ["unconfirmed"]
        assert vendors.expediting_reasons(later, TODAY, 7) == []
        assert vendors.expediting_reasons(confirmed, TODAY, 7) == []

    def test_after_need_and_partial(self):
        line = LineState(promised=d(20), ordered=10, received=4, confirmed=True, need_date=d(10))
        assert vendors.expediting_reasons(line, TODAY, 7) == ["after_need", "partial"]

    def test_need_on_promised_date_is_fine(self):
        line = LineState(promised=d(20), ordered=10, confirmed=True, need_date=d(20))
        assert vendors.expediting_reasons(line, TODAY, 7) == []

    def test_late_line_is_not_also_unconfirmed(self):
        line = LineState(promised=d(-2), ordered=10, received=1)
        assert vendors.expediting_reasons(line, TODAY, 7) == ["late", "partial"]


class TestUrgency:
    def test_order_of_reasons(self):
        late = LineState(promised=d(-1), ordered=1, confirmed=True)
        after_need = LineState(promised=d(30), ordered=1, confirmed=True, need_date=d(25))
        unconfirmed = LineState(promised=d(6), ordered=1)
        partial = LineState(promised=d(30), ordered=2, received=1, confirmed=True)
        scores = [vendors.urgency(line, TODAY, 7) for line in (late, after_need, unconfirmed, partial)]
        assert scores == sorted(scores, reverse=True)
        assert len(set(scores)) == 4

    def test_exact_scores(self):
        late = LineState(promised=d(-4), ordered=1, confirmed=True)
        assert vendors.urgency(late, TODAY, 7) == 1000 + 4 * 20
        # need in 5 days (within the horizon), promised 3 days after it
        after = LineState(promised=d(8), ordered=1, confirmed=True, need_date=d(5))
        assert vendors.urgency(after, TODAY, 7) == 600 + 3 * 20 + 200
        unconfirmed = LineState(promised=d(2), ordered=1)
        assert vendors.urgency(unconfirmed, TODAY, 7) == 300 + 5 * 20

    def test_more_days_late_is_more_urgent_but_capped(self):
        def score(days):
            line = LineState(promised=d(-days), ordered=1, confirmed=True)
            return vendors.urgency(line, TODAY, 7)

        assert score(1) < score(5) < score(30)
        assert score(30) == score(300)

    def test_reasons_add_up(self):
        both = LineState(promised=d(-3), ordered=10, received=5, confirmed=True)
        late_only = LineState(promised=d(-3), ordered=10, confirmed=True)
        assert vendors.urgency(both, TODAY, 7) == vendors.urgency(late_only, TODAY, 7) + 100


if __name__ == "__main__":
    sys.exit(engine_loader.run_test_file_without_odoo(__file__, sys.argv[1:]))
