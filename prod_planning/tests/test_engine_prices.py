"""The price engine on plain data, without Odoo.

The engine is loaded from its files (engine_loader.py), so these tests import
neither odoo nor the addon's __init__. Run alone with
``python3 prod_planning/tests/test_engine_prices.py``, or with pytest-odoo and
any ``--odoo-database``.
"""

import datetime
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

if __package__:
    from . import engine_loader
else:  # run as a script, without Odoo (see the __main__ block)
    import engine_loader

ENGINE_FILE = engine_loader.ENGINE_DIR / "prices.py"
prices = engine_loader.load_engine_module("prices")
# pytest-odoo opens no registry for these tests.
load_registry, load_http = engine_loader.without_registry()
D = datetime.date


def test_engine_has_no_odoo_import():
    source = ENGINE_FILE.read_text()
    assert "import odoo" not in source and "from odoo" not in source
    assert "odoo" not in prices.__dict__
    assert sys.modules.get("prod_planning_engine_prices") is None


def test_change_percent():
    assert prices.change_percent(100, 110) == 10.0
    assert prices.change_percent(4.0, 3.0) == -25.0
    assert prices.change_percent(0, 5) is None
    assert prices.change_percent(None, 5) is None
    assert prices.change_percent(5, None) is None


def test_percent_limit_is_half_a_unit_beyond_the_threshold():
    assert prices.percent_limit(10) == 10 + 0.5 * 10**-prices.PERCENT_DIGITS
    assert prices.exceeds(prices.percent_limit(10), 10)
    assert not prices.exceeds(prices.percent_limit(10) - 1e-9, 10)


def test_exceeds_is_strict_and_directional():
    assert not prices.exceeds(10.0, 10)
    assert prices.exceeds(10.01, 10)
    assert prices.exceeds(-12, 10)
    assert not prices.exceeds(-12, 10, "up")
    assert prices.exceeds(-12, 10, "down")
    assert not prices.exceeds(12, 10, "down")
    assert not prices.exceeds(None, 0)
    with pytest.raises(ValueError):
        prices.exceeds(12, 10, "sideways")


def test_moving_average_excludes_the_day_itself_and_older_points():
    points = [(D(2025, 1, 1), 10.0), (D(2025, 1, 5), 20.0), (D(2025, 1, 10), 99.0)]
    assert prices.moving_average(points, D(2025, 1, 10), 9) == 15.0
    assert prices.moving_average(points, D(2025, 1, 10), 5) == 20.0
    assert prices.moving_average(points, D(2025, 1, 10), 4) is None
    assert prices.moving_average([], D(2025, 1, 10), 30) is None


def test_price_change_since():
    points = [(D(2025, 1, 1), 100.0), (D(2025, 3, 1), 110.0), (D(2025, 4, 1), 121.0)]
    today = D(2025, 4, 1)
    latest, change30 = prices.price_change_since(points, today, 30)
    assert latest == 121.0
    assert change30 == pytest.approx(10.0)
    _latest, change90 = prices.price_change_since(points, today, 90)
    assert change90 == pytest.approx(21.0)
    assert prices.price_change_since(points, today, 365) == (121.0, None)
    assert prices.price_change_since([], today, 30) == (None, None)


def test_uom_conversions_follow_odoo_factors():
    dozen, unit = 1 / 12, 1.0
    assert prices.convert_price(0.78, dozen, unit) == pytest.approx(0.065)
    assert prices.convert_qty(2, dozen, unit) == pytest.approx(24)
    kg, tonne = 1.0, 0.001
    assert prices.convert_price(2400, tonne, kg) == pytest.approx(2.4)
    # 10 EUR per dozen at 1.1 USD/EUR is 0.9166 USD per unit
    assert prices.normalize_price(10, 1.1, dozen, unit) == pytest.approx(11 / 12)


@given(st.floats(0.001, 1e6), st.floats(0.001, 1000), st.floats(0.001, 1000))
def test_price_times_quantity_is_unit_independent(price, from_factor, to_factor):
    qty = 7.0
    amount = price * qty
    converted = prices.convert_price(price, from_factor, to_factor) * (prices.convert_qty(qty, from_factor, to_factor))
    assert converted == pytest.approx(amount, rel=1e-9)


SERIES = [
    {"id": 1, "date": D(2025, 1, 1), "price": 100.0},
    {"id": 2, "date": D(2025, 1, 2), "price": 104.0},
    {"id": 3, "date": D(2025, 1, 3), "price": 120.0},
    {"id": 4, "date": D(2025, 1, 4), "price": 96.0},
]


def test_evaluate_previous():
    rule = {"type": "previous", "threshold": 10, "direction": "both"}
    alerts = prices.evaluate_series(SERIES, rule)
    assert [a["id"] for a in alerts] == [3, 4]
    assert alerts[0]["old"] == 104.0 and alerts[0]["new"] == 120.0
    assert alerts[0]["change"] == pytest.approx(15.3846, abs=1e-4)
    rule["direction"] = "up"
    assert [a["id"] for a in prices.evaluate_series(SERIES, rule)] == [3]
    # date_from keeps earlier points as history only
    rule["direction"] = "both"
    assert [a["id"] for a in prices.evaluate_series(SERIES, rule, D(2025, 1, 4))] == [4]


def test_evaluate_moving_average():
    rule = {"type": "moving_average", "threshold": 5, "window_days": 2}
    alerts = prices.evaluate_series(SERIES, rule)
    # day 3: avg(100, 104) = 102 -> +17.6 %; day 4: avg(104, 120) = 112 -> -14.3 %
    assert [a["id"] for a in alerts] == [3, 4]
    assert alerts[0]["old"] == pytest.approx(102)
    assert alerts[1]["old"] == pytest.approx(112)


def test_evaluate_pricelist_and_threshold():
    series = [
        {"id": 1, "date": D(2025, 1, 1), "price": 10.0, "source": "pricelist"},
        {"id": 2, "date": D(2025, 1, 2), "price": 11.5, "pricelist": 10.0},
        {"id": 3, "date": D(2025, 1, 3), "price": 10.2, "pricelist": 10.0},
        {"id": 4, "date": D(2025, 1, 4), "price": 10.2},
    ]
    rule = {"type": "pricelist", "threshold": 5}
    assert [a["id"] for a in prices.evaluate_series(series, rule)] == [2]
    rule = {"type": "threshold", "min_price": 10.1, "max_price": 11}
    assert [a["id"] for a in prices.evaluate_series(series, rule)] == [1, 2]
    rule = {"type": "threshold", "min_price": 0, "max_price": 11}
    assert [a["id"] for a in prices.evaluate_series(series, rule)] == [2]
    with pytest.raises(ValueError):
        prices.evaluate_series(series, {"type": "astrology"})


BOMS = {
    # desk: 1 frame + 2 tops (a top BoM makes 2 tops)
    "desk": {"qty": 1, "lines": [("frame", 1), ("top", 2), ("screw", 8)]},
    "frame": {"qty": 1, "lines": [("tube", 4.5), ("screw", 4)]},
    "top": {"qty": 2, "lines": [("board", 1), ("edge", 9)]},
}


def test_explode_multi_level():
    leaves, cycle = prices.explode_bom(BOMS, "desk")
    assert not cycle
    assert leaves == pytest.approx({"tube": 4.5, "screw": 12, "board": 1, "edge": 9})


def test_rollup_latest_prices_with_fallback():
    result = prices.rollup_bom_costs(BOMS, {"tube": 4.0, "screw": 0.1, "board": 20.0}, fallback_prices={"edge": 0.5})
    desk = result["desk"]
    assert desk["cost"] == pytest.approx(4.5 * 4 + 12 * 0.1 + 20 + 9 * 0.5)
    assert desk["missing"] == {"edge"}
    assert result["top"]["cost"] == pytest.approx((20 + 9 * 0.5) / 2)
    assert set(result) == {"desk", "frame", "top"}
    only = prices.rollup_bom_costs(BOMS, {}, roots=["frame"])
    assert set(only) == {"frame"} and only["frame"]["cost"] == 0


def test_rollup_cuts_cycles():
    boms = {"a": {"qty": 1, "lines": [("b", 1), ("leaf", 1)]}, "b": {"qty": 1, "lines": [("a", 1), ("leaf", 2)]}}
    result = prices.rollup_bom_costs(boms, {"leaf": 1.0})
    assert result["a"]["cycle"]
    assert result["a"]["cost"] == pytest.approx(3.0)


@given(st.floats(0.01, 1000), st.floats(0.1, 10))
def test_rollup_is_linear_in_prices(price, scale):
    base = prices.rollup_bom_costs(BOMS, dict.fromkeys(("tube", "screw"), price))
    scaled = prices.rollup_bom_costs(BOMS, dict.fromkeys(("tube", "screw"), price * scale))
    assert scaled["desk"]["cost"] == pytest.approx(base["desk"]["cost"] * scale)


def test_parse_number_and_date():
    assert prices.parse_number("4.25") == 4.25
    assert prices.parse_number(3) == 3.0
    for empty in (None, "", "null", "n/a", " - "):
        assert prices.parse_number(empty) is None
    for bad in ("four", True, "nan", float("inf")):
        with pytest.raises(prices.PriceDataError):
            prices.parse_number(bad)
    assert prices.parse_date("2025-02-03T10:00:00Z") == D(2025, 2, 3)
    assert prices.parse_date(None, D(2025, 1, 1)) == D(2025, 1, 1)
    assert prices.parse_date(datetime.datetime(2025, 1, 2, 3)) == D(2025, 1, 2)
    with pytest.raises(prices.PriceDataError, match="YYYY-MM-DD"):
        prices.parse_date("03/02/2025")
    with pytest.raises(prices.PriceDataError, match="missing"):
        prices.parse_date("")


def test_parse_refuses_extreme_values():
    assert prices.parse_number(1e12) == 1e12
    for huge in (1e304, "-2e12", 10**13):
        with pytest.raises(prices.PriceDataError) as error:
            prices.parse_number(huge)
        assert error.value.code == "out_of_range"
    for bad in (20250203, "yesterday", "2025-02-30"):
        with pytest.raises(prices.PriceDataError) as error:
            prices.parse_date(bad)
        assert error.value.code == "not_a_date"
    for far in ("0001-01-01", "2300-01-01"):
        with pytest.raises(prices.PriceDataError) as error:
            prices.parse_date(far)
        assert error.value.code == "date_out_of_range"


def test_parse_json_rows():
    assert prices.parse_json_rows('[{"code": "A", "price": 1}]') == [{"code": "A", "price": 1}]
    nested = '{"data": {"prices": [{"code": "A"}]}}'
    assert prices.parse_json_rows(nested, "data.prices") == [{"code": "A"}]
    assert prices.parse_json_rows("") == []
    assert prices.parse_json_rows('{"data": {"prices": null}}', "data.prices") == []
    with pytest.raises(prices.PriceDataError, match="malformed JSON"):
        prices.parse_json_rows('[{"code": "A",')
    with pytest.raises(prices.PriceDataError, match="expected a list"):
        prices.parse_json_rows('{"code": "A"}')
    with pytest.raises(prices.PriceDataError, match="has no 'data.rows'"):
        prices.parse_json_rows(nested, "data.rows")
    with pytest.raises(prices.PriceDataError, match="row 2 is not an object"):
        prices.parse_json_rows('[{"code": "A"}, 3]')


def test_errors_carry_a_code_and_values():
    # The English text is for logs and tests; callers word the code + values.
    def error_of(function, *args):
        with pytest.raises(prices.PriceDataError) as info:
            function(*args)
        return info.value.code, info.value.values

    mapping = {"code": "sku", "price": "value"}
    today = D(2025, 1, 5)
    assert error_of(prices.parse_number, "four") == ("not_a_number", {"value": "four"})
    assert error_of(prices.parse_number, True) == ("not_a_number", {"value": True})
    assert error_of(prices.parse_number, "inf") == ("not_finite", {"value": "inf"})
    assert error_of(prices.parse_date, "") == ("date_missing", {})
    assert error_of(prices.parse_date, "3/2") == ("not_a_date", {"value": "3/2"})
    code, values = error_of(prices.parse_json_rows, "[")
    assert code == "malformed_json" and values["error"]
    assert error_of(prices.parse_json_rows, '{"a": 1}', "b") == ("json_path_missing", {"path": "b"})
    assert error_of(prices.parse_json_rows, '{"a": 1}') == ("not_a_list", {"path": "", "type": "dict"})
    assert error_of(prices.parse_json_rows, "[{}, 3]") == ("row_not_object", {"row": 2, "value": 3})
    assert error_of(prices.parse_csv_rows, "sku\nA\n", ",", ("code",)) == (
        "csv_missing_columns",
        {"header": ["sku"], "columns": ["code"]},
    )
    assert error_of(prices.parse_csv_rows, "code\nA,1\n") == ("csv_extra_cells", {"line": 2})
    code, values = error_of(prices.parse_csv_rows, 'code,price\n"A,1\n')
    assert code == "malformed_csv" and values["error"]
    assert error_of(prices.map_feed_rows, [{"value": 1}], mapping, today) == ("no_code", {"field": "sku", "row": 1})
    assert error_of(prices.map_feed_rows, [{}, {"sku": "A", "value": -2}], mapping, today) == (
        "negative_price",
        {"price": -2.0, "row": 2},
    )
    assert error_of(prices.map_feed_rows, [{"sku": "A", "value": "x"}], mapping, today) == (
        "not_a_number",
        {"value": "x", "row": 1},
    )


def test_parse_csv_rows():
    text = "\ufeffcode;price;date\nA;1.5;2025-01-02\nB;;2025-01-02\n"
    rows = prices.parse_csv_rows(text, ";", required=("code", "price"))
    assert rows == [
        {"code": "A", "price": "1.5", "date": "2025-01-02"},
        {"code": "B", "price": "", "date": "2025-01-02"},
    ]
    assert prices.parse_csv_rows("") == []
    with pytest.raises(prices.PriceDataError, match="lacks the column"):
        prices.parse_csv_rows("sku,value\nA,1\n", required=("code", "price"))
    with pytest.raises(prices.PriceDataError, match="more cells"):
        prices.parse_csv_rows("code,price\nA,1,2\n")
    with pytest.raises(prices.PriceDataError, match="malformed CSV"):
        prices.parse_csv_rows('code,price\n"A,1\n')


def test_map_feed_rows():
    mapping = {"code": "sku", "price": "value", "date": "day", "currency": "ccy"}
    rows = [
        {"sku": "A", "value": "2.5", "day": "2025-01-02", "ccy": "EUR"},
        {"sku": "B", "value": None, "day": "2025-01-02"},  # no quote that day
        {"sku": "C", "value": 3},
    ]
    quotes = prices.map_feed_rows(rows, mapping, D(2025, 1, 5))
    assert quotes == [
        {"row": 1, "code": "A", "price": 2.5, "date": D(2025, 1, 2), "currency": "EUR", "vendor": None},
        {"row": 3, "code": "C", "price": 3.0, "date": D(2025, 1, 5), "currency": None, "vendor": None},
    ]
    with pytest.raises(prices.PriceDataError, match="row 1: no code"):
        prices.map_feed_rows([{"value": 1}], mapping, D(2025, 1, 5))
    with pytest.raises(prices.PriceDataError, match="row 1: 'x' is not a number"):
        prices.map_feed_rows([{"sku": "A", "value": "x"}], mapping, D(2025, 1, 5))
    with pytest.raises(prices.PriceDataError, match="row 1: negative price"):
        prices.map_feed_rows([{"sku": "A", "value": -1}], mapping, D(2025, 1, 5))


def test_parse_number_with_a_decimal_comma():
    for text, number in (("4,25", 4.25), ("1.234,5", 1234.5), ("1 234,5", 1234.5), ("-2", -2.0), ("1.000", 1000.0)):
        assert prices.parse_number(text, decimal_separator=",") == number
    for bad in ("4.25", "1,2,3", "12.34,5"):  # a dot only groups thousands
        with pytest.raises(prices.PriceDataError):
            prices.parse_number(bad, decimal_separator=",")
    assert prices.parse_number(4.25, decimal_separator=",") == 4.25  # a JSON number is a number


def test_map_feed_rows_collects_every_bad_row():
    mapping = {"code": "sku", "price": "value", "date": "day"}
    rows = [{"sku": "A", "value": "x"}, {"sku": "B", "value": 2}, {"value": 1}, {"sku": "C", "value": 1, "day": "?"}]
    errors = []
    quotes = prices.map_feed_rows(rows, mapping, D(2025, 1, 5), errors=errors)
    assert [quote["code"] for quote in quotes] == ["B"]
    assert [(error.code, error.values["row"]) for error in errors] == [
        ("not_a_number", 1),
        ("no_code", 3),
        ("not_a_date", 4),
    ]


if __name__ == "__main__":
    sys.exit(engine_loader.run_test_file_without_odoo(__file__, sys.argv[1:]))
