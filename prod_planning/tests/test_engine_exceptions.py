"""Plain pytest tests of the engine's exception messages
(prod_planning/engine/mrp_exceptions.py): late messages merged per item and
demand, their priority and their suggestion. Run as test_engine_mrp.py is (see
its docstring); no Odoo registry is opened.
"""

import sys
from datetime import date, timedelta

if __package__:
    from . import engine_loader
else:  # run as a script, without Odoo
    import engine_loader

mrp = engine_loader.load_engine_module("mrp")
mrp_exceptions = engine_loader.load_engine_module("mrp_exceptions")
Item, Demand, Supply, PlanOptions = mrp.Item, mrp.Demand, mrp.Supply, mrp.PlanOptions

TODAY = date(2024, 6, 3)  # a Monday

load_registry, load_http = engine_loader.without_registry()


def d(days):
    return TODAY + timedelta(days=days)


def late_of(result, key):
    return [e for e in result.exceptions if e.item == key and e.kind == "late"]


def test_late_orders_of_one_demand_are_one_message():
    # Lots of at most 4: three late planned orders cover one delivery.
    items = [Item("A", lead_time=5, lot_policy="min_max_multiple", max_qty=4)]
    result = mrp.plan(items, [], [Demand("A", d(2), 10, "so1")], [], [], TODAY)
    assert len([po for po in result.planned_orders if po.item == "A"]) == 3
    (late,) = late_of(result, "A")
    assert late.qty == 10
    assert late.demand_ref == "so1"
    assert late.values["supply_count"] == 3
    assert result.counters["exceptions_late"] == 1


def test_late_messages_of_different_demands_stay_apart():
    items = [Item("A", lead_time=5)]
    demands = [Demand("A", d(1), 2, "so1"), Demand("A", d(4), 3, "so2")]
    result = mrp.plan(items, [], demands, [], [], TODAY)
    assert sorted(e.demand_ref for e in late_of(result, "A")) == ["so1", "so2"]


def test_firm_supplies_late_for_one_demand_are_merged():
    result = mrp.plan(
        [Item("A")],
        [],
        [Demand("A", d(2), 10, "so1")],
        [],
        [Supply("A", d(9), 4, "mo1", firm=True), Supply("A", d(11), 6, "mo2", firm=True)],
        TODAY,
    )
    (late,) = late_of(result, "A")
    assert (late.qty, late.date, late.suggested_date, late.days_late) == (10, d(11), d(2), 9)
    assert late.values["supply_count"] == 2


def test_late_suggestion_differs_from_the_message_date():
    result = mrp.plan([Item("A", lead_time=5)], [], [Demand("A", d(2), 4, "so1")], [], [], TODAY)
    (late,) = late_of(result, "A")
    # Arrives on d(7) at best (released today), needed on d(2).
    assert late.date == d(7)
    assert late.suggested_date == d(2)
    assert late.days_late == 5


def test_priority_thresholds():
    options = PlanOptions(high_priority_days=3, urgent_priority_days=10, high_priority_value=1000)
    priority = mrp_exceptions.exception_priority
    assert priority("late", "release_in_past", 1, 10, options) == 0
    assert priority("late", "release_in_past", 3, 10, options) == 1
    assert priority("late", "release_in_past", 10, 10, options) == 2
    assert priority("late", "release_in_past", 1, 5000, options) == 1
    assert priority("late", "release_in_past", 4, 5000, options) == 2
    assert priority("reschedule_in", "bring_forward", 0, 5000, options) == 0
    assert priority("no_source", "no_source", 0, 0, options) == 1
    assert priority("below_safety", "stock_out", 0, 0, options) == 1
    assert priority("below_safety", "below_safety", 0, 0, options) == 0
    assert priority("cancel", "not_needed", 0, 1e9, options) == 0


def test_late_messages_are_not_all_urgent():
    items = [
        Item("small", lead_time=2, unit_value=1.0),
        Item("slow", lead_time=15, unit_value=1.0),
        Item("dear", lead_time=2, unit_value=500.0),
    ]
    demands = [Demand(key, d(1), 4, "so-" + key) for key in ("small", "slow", "dear")]
    result = mrp.plan(items, [], demands, [], [], TODAY)
    priorities = {e.item: e.priority for e in result.exceptions if e.kind == "late"}
    assert priorities == {"small": 0, "slow": 2, "dear": 1}


if __name__ == "__main__":
    sys.exit(engine_loader.run_test_file_without_odoo(__file__, sys.argv[1:]))
