"""Plain pytest tests of the net-change replan (prod_planning/engine/mrp_netchange.py).

No Odoo: run with ``python3 -m pytest -p no:odoo prod_planning/tests/test_engine_netchange.py``
(or as a script, see test_engine_mrp.py). The property: on random BoMs,
demands, forecasts and edits, the planned orders kept from a full run before
the edit plus those of the net-change replan are the planned orders of a full
regenerative run after the edit.
"""

import sys
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

if __package__:
    from . import engine_loader
else:  # run as a script, without Odoo
    import engine_loader

mrp = engine_loader.load_engine_module("mrp")
netchange = engine_loader.load_engine_module("mrp_netchange")
Item, BomLine, Demand, Forecast, Supply = (mrp.Item, mrp.BomLine, mrp.Demand, mrp.Forecast, mrp.Supply)

TODAY = date(2024, 6, 3)  # a Monday
HORIZON = TODAY + timedelta(days=120)

load_registry, load_http = engine_loader.without_registry()


def d(days):
    return TODAY + timedelta(days=days)


def orders_summary(orders):
    return sorted((po.item, round(po.qty, 6), po.release_date, po.due_date) for po in orders)


def full(items, bom, demands, forecasts, supplies):
    return mrp.plan(items, bom, demands, forecasts, supplies, TODAY, horizon_end=HORIZON)


def replan(before, items, bom, demands, forecasts, supplies, changed):
    """Kept orders of ``before`` outside the replanned set + the replan's orders."""
    types = {item.key: item.supply_type for item in items}
    keys = netchange.affected_keys(changed, bom, types)
    kept = [po for po in before.planned_orders if po.item not in keys]
    result, replanned = netchange.plan_with_dependent(
        items, bom, demands, forecasts, supplies, TODAY, changed, horizon_end=HORIZON, parent_orders=kept
    )
    assert replanned == keys
    assert all(po.item in keys for po in result.planned_orders)
    return kept + result.planned_orders


# ------------------------------------------------------------------ examples


def test_affected_keys_go_down_the_boms_and_up_through_kits():
    items = [Item("A", "manufacture"), Item("B", "manufacture"), Item("C"), Item("D"), Item("K", "kit"), Item("E")]
    bom = [BomLine("A", "B", 1), BomLine("B", "C", 2), BomLine("K", "D", 1), BomLine("K", "E", 1)]
    types = {item.key: item.supply_type for item in items}
    assert netchange.affected_keys({"B"}, bom, types) == {"B", "C"}
    assert netchange.affected_keys({"A"}, bom, types) == {"A", "B", "C"}
    # D's demand comes partly from kit K: K and its other component E are replanned too.
    assert netchange.affected_keys({"D"}, bom, types) == {"D", "K", "E"}
    # Lines of a bought parent are not used.
    assert netchange.affected_keys({"C"}, [BomLine("C", "D", 1)], types) == {"C"}


def test_component_keeps_the_demand_of_its_other_parents():
    items = [Item("P1", "manufacture", lead_time=2), Item("P2", "manufacture", lead_time=1), Item("C", lead_time=3)]
    bom = [BomLine("P1", "C", 2), BomLine("P2", "C", 1)]
    demands = [Demand("P1", d(10), 5), Demand("P2", d(12), 4)]
    before = full(items, bom, demands, [], [])
    edited = [*demands[:1], Demand("P2", d(12), 7)]
    after = full(items, bom, edited, [], [])
    assert orders_summary(replan(before, items, bom, edited, [], [], {"P2"})) == orders_summary(after.planned_orders)
    c_orders = [po for po in after.planned_orders if po.item == "C"]
    assert sum(po.qty for po in c_orders) == 2 * 5 + 7


def test_past_release_of_a_kept_parent_is_needed_today():
    items = [Item("P", "manufacture", lead_time=10), Item("C")]
    bom = [BomLine("P", "C", 1)]
    demands = [Demand("P", d(3), 2)]
    before = full(items, bom, demands, [], [])
    edited = [*demands, Demand("C", d(20), 1)]
    merged = replan(before, items, bom, edited, [], [], {"C"})
    assert orders_summary(merged) == orders_summary(full(items, bom, edited, [], []).planned_orders)


# ------------------------------------------------------------------ property

KEYS = [f"P{i}" for i in range(7)]


@st.composite
def scenarios(draw):
    n = draw(st.integers(2, len(KEYS)))
    keys = KEYS[:n]
    items = []
    for key in keys:
        supply_type = draw(st.sampled_from(["buy", "manufacture", "manufacture", "kit"]))
        policy = draw(st.sampled_from(["lfl", "lfl", "fixed", "min_max_multiple", "poq"]))
        items.append(
            Item(
                key,
                supply_type,
                lead_time=draw(st.integers(0, 6)),
                lot_policy=policy,
                fixed_qty=draw(st.sampled_from([0, 5, 12])),
                min_qty=draw(st.sampled_from([0, 3])),
                max_qty=draw(st.sampled_from([0, 40])),
                multiple=draw(st.sampled_from([0, 2])),
                poq_days=draw(st.sampled_from([7, 14])),
                safety_stock=draw(st.sampled_from([0, 0, 4])),
                on_hand=draw(st.sampled_from([0, 0, 5, 20, -3])),
                time_fence_days=draw(st.sampled_from([0, 0, 3])),
                demand_mode=draw(st.sampled_from(["max", "sum"])),
            )
        )
    bom = []
    for i, parent in enumerate(keys):  # parents before components: no cycles
        for component in keys[i + 1 :]:
            if draw(st.booleans()) and draw(st.booleans()):
                bom.append(BomLine(parent, component, draw(st.sampled_from([1, 2, 0.5]))))
    demand_rows = st.tuples(st.sampled_from(keys), st.integers(-5, 90), st.integers(1, 30))
    demand_list = draw(st.lists(demand_rows, max_size=8))
    demands = [Demand(key, d(day), qty, ("sale", i)) for i, (key, day, qty) in enumerate(demand_list)]
    forecast_rows = st.tuples(st.sampled_from(keys), st.integers(0, 12), st.integers(1, 40))
    forecasts = [
        Forecast(key, d(7 * week), d(7 * week + 7), qty, ("fc", i))
        for i, (key, week, qty) in enumerate(draw(st.lists(forecast_rows, max_size=5)))
    ]
    supply_rows = st.tuples(st.sampled_from(keys), st.integers(-3, 60), st.integers(1, 20), st.booleans())
    supplies = [
        Supply(key, d(day), qty, ("po", i), "receipt", firm)
        for i, (key, day, qty, firm) in enumerate(draw(st.lists(supply_rows, max_size=4)))
    ]
    # The edit: a forecast set, a demand added, a firm supply (a planned quantity typed in).
    edits = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["forecast", "demand", "firm"]),
                st.sampled_from(keys),
                st.integers(0, 12),
                st.integers(0, 50),
            ),
            min_size=1,
            max_size=3,
        )
    )
    return items, bom, demands, forecasts, supplies, edits


def apply_edits(demands, forecasts, supplies, edits):
    demands, forecasts, supplies = list(demands), list(forecasts), list(supplies)
    for i, (kind, key, week, qty) in enumerate(edits):
        start = d(7 * week)
        if kind == "forecast":
            forecasts = [f for f in forecasts if not (f.item == key and f.date_start == start)]
            forecasts.append(Forecast(key, start, start + timedelta(days=7), qty, ("edit", i)))
        elif kind == "demand":
            demands.append(Demand(key, start + timedelta(days=2), qty, ("edit", i)))
        else:
            supplies.append(Supply(key, start + timedelta(days=1), qty, ("edit", i), "firm", True))
    return demands, forecasts, supplies


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_net_change_gives_the_planned_orders_of_a_full_run(scenario):
    items, bom, demands, forecasts, supplies, edits = scenario
    before = full(items, bom, demands, forecasts, supplies)
    new_demands, new_forecasts, new_supplies = apply_edits(demands, forecasts, supplies, edits)
    after = full(items, bom, new_demands, new_forecasts, new_supplies)
    changed = {key for _kind, key, _week, _qty in edits}
    merged = replan(before, items, bom, new_demands, new_forecasts, new_supplies, changed)
    assert orders_summary(merged) == orders_summary(after.planned_orders)


if __name__ == "__main__":
    sys.exit(engine_loader.run_test_file_without_odoo(__file__, sys.argv[1:]))
