"""Plain pytest tests of the release rules (prod_planning/engine/release.py).

Loaded like ``test_engine_vendors.py``: the engine package is imported from its
files, never through the addon's ``__init__``, and no registry is opened.
Run alone with ``python3 prod_planning/tests/test_engine_release.py``, or with
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

release = engine_loader.load_engine_module("release")
Order = release.Order
Terms = release.Terms
TODAY = date(2026, 3, 9)  # a Monday
BOLT, NUT, CHAIR = 1, 2, 3
VENDOR_A, VENDOR_B = 10, 20
WH = 100

# pytest-odoo opens no registry for these tests.
load_registry, load_http = engine_loader.without_registry()


def d(days):
    return TODAY + timedelta(days=days)


def buy(order_id, product, qty, due, release=None, vendor=VENDOR_A):
    due = d(due)
    release_date = d(release) if release is not None else due - timedelta(2)
    return Order(order_id, product, "buy", WH, qty, release_date, due, vendor)


class TestRounding:
    def test_whole_purchase_units(self):
        # 32 units bought by the dozen: 2.67 dozens are 3 dozens.
        assert release.round_purchase_qty(32, Terms(ratio=1 / 12, step=1)) == 3
        # 36 units are exactly 3 dozens, not 4 (floating point).
        assert release.round_purchase_qty(36, Terms(ratio=1 / 12, step=1)) == 3

    def test_vendor_minimum_then_multiple(self):
        terms = Terms(min_qty=50, multiple_qty=20)
        assert release.round_purchase_qty(8, terms) == 60
        assert release.round_purchase_qty(61, terms) == 80
        assert release.round_purchase_qty(80, terms) == 80

    def test_lot_multiple_in_product_unit(self):
        assert release.round_purchase_qty(7, Terms(lot_multiple=5)) == 10

    def test_no_terms_keeps_quantity(self):
        assert release.round_purchase_qty(2.5, None) == 2.5

    @given(
        qty=st.floats(min_value=0.01, max_value=10_000),
        ratio=st.sampled_from([1.0, 1 / 12, 1 / 6, 0.001, 1000.0]),
        min_qty=st.sampled_from([0.0, 1.0, 50.0]),
        multiple=st.sampled_from([0.0, 1.0, 5.0, 12.0]),
    )
    def test_never_less_than_needed(self, qty, ratio, min_qty, multiple):
        terms = Terms(ratio=ratio, step=1.0, min_qty=min_qty, multiple_qty=multiple)
        rounded = release.round_purchase_qty(qty, terms)
        assert rounded >= qty * ratio - 1e-6
        assert rounded >= min_qty
        assert rounded == int(rounded)
        if multiple:
            assert rounded % multiple == pytest.approx(0, abs=1e-6)


class TestGrouping:
    def test_same_product_in_a_week_is_one_line(self):
        # Five daily bolt orders in one week: one RFQ, one bolt line dated
        # by the first due date, quantities summed before rounding.
        orders = [buy(i, BOLT, 2, due) for i, due in enumerate(range(7, 12), start=1)]
        orders.append(buy(9, NUT, 4, 8))
        plan = release.plan_release(orders, {(BOLT, VENDOR_A): Terms(ratio=1 / 12, step=1)}, "week", TODAY)
        assert len(plan.rfqs) == 1
        lines = plan.rfqs[0].lines
        assert [(line.product_id, line.date, line.quantity, line.purchase_qty) for line in lines] == [
            (BOLT, d(7), 10, 1),
            (NUT, d(8), 4, 4),
        ]
        assert sorted(lines[0].order_ids) == [1, 2, 3, 4, 5]

    def test_week_month_due_buckets(self):
        orders = [buy(1, BOLT, 1, 1), buy(2, BOLT, 1, 2), buy(3, BOLT, 1, 8), buy(4, BOLT, 1, 30)]
        assert [len(r.lines) for r in release.plan_release(orders, grouping="due", today=TODAY).rfqs] == [1, 1, 1, 1]
        weeks = release.plan_release(orders, grouping="week", today=TODAY).rfqs
        assert [r.bucket for r in weeks] == [d(0), d(7), d(28)]
        assert [r.lines[0].quantity for r in weeks] == [2, 1, 1]
        months = release.plan_release(orders, grouping="month", today=TODAY).rfqs
        assert [r.bucket for r in months] == [date(2026, 3, 1), date(2026, 4, 1)]

    def test_one_rfq_per_vendor(self):
        orders = [buy(1, BOLT, 1, 1), buy(2, BOLT, 1, 1, vendor=VENDOR_B)]
        plan = release.plan_release(orders, grouping="week", today=TODAY)
        assert [r.vendor_id for r in plan.rfqs] == [VENDOR_A, VENDOR_B]

    def test_fence_is_one_rfq_with_weekly_lines_and_leaves_later_orders(self):
        orders = [buy(1, BOLT, 1, 1), buy(2, BOLT, 1, 3), buy(3, BOLT, 1, 9), buy(4, BOLT, 1, 40, release=30)]
        plan = release.plan_release(orders, grouping="fence", today=TODAY, fence_date=d(14))
        assert len(plan.rfqs) == 1
        assert [(line.date, line.quantity) for line in plan.rfqs[0].lines] == [(d(1), 2), (d(9), 1)]
        assert plan.outside_fence == [4]

    def test_late_lines_flagged(self):
        orders = [buy(1, BOLT, 1, 2, release=-3), buy(2, BOLT, 1, 3, release=1), buy(3, NUT, 1, 3, release=0)]
        line_bolt, line_nut = release.plan_release(orders, grouping="week", today=TODAY).rfqs[0].lines
        assert (line_bolt.late, line_bolt.days_late) == (True, 3)
        assert (line_nut.late, line_nut.days_late) == (False, 0)

    def test_manufacturing_orders_stay_one_per_order(self):
        make = [Order(7, CHAIR, "manufacture", WH, 2, d(-1), d(3)), Order(8, CHAIR, "manufacture", WH, 3, d(1), d(4))]
        plan = release.plan_release(make, grouping="week", today=TODAY)
        assert plan.rfqs == []
        assert [(p.order_id, p.quantity, p.late) for p in plan.productions] == [(7, 2, True), (8, 3, False)]
        assert plan.order_count == 2

    def test_unknown_grouping_is_refused(self):
        with pytest.raises(ValueError, match="unknown grouping 'day'"):
            release.plan_release([], grouping="day", today=TODAY)


if __name__ == "__main__":
    sys.exit(engine_loader.run_test_file_without_odoo(__file__, sys.argv[1:]))
