"""The split of warehouses into planning units (prod_planning/engine/units.py).

Pure engine, no registry: ``python3 -m pytest -p no:odoo`` or
``python3 prod_planning/tests/test_engine_units.py``.
"""

import sys

if __package__:
    from . import engine_loader
else:  # run as a script, without Odoo (see the __main__ block)
    import engine_loader

units = engine_loader.load_engine_module("units")

# pytest-odoo opens no registry for these tests.
load_registry, load_http = engine_loader.without_registry()


def test_independent_warehouses_are_separate_units():
    assert units.split_units([3, 1, 2]) == [[1], [2], [3]]


def test_warehouses_supplying_each_other_stay_in_one_unit():
    assert units.split_units([1, 2, 3, 4], [(2, 1)]) == [[1, 2], [3], [4]]


def test_supply_chains_are_joined_transitively():
    assert units.split_units([1, 2, 3, 4, 5], [(1, 3), (3, 5), (4, 2)]) == [[1, 3, 5], [2, 4]]


def test_links_outside_the_warehouses_are_ignored():
    assert units.split_units([1, 2], [(1, 9), (9, 2)]) == [[1], [2]]


def test_no_warehouse_no_unit():
    assert units.split_units([], [(1, 2)]) == []


def test_self_link_and_duplicates():
    assert units.split_units([1, 2], [(1, 1), (1, 2), (2, 1)]) == [[1, 2]]


if __name__ == "__main__":
    sys.exit(engine_loader.run_test_file_without_odoo(__file__, sys.argv[1:]))
