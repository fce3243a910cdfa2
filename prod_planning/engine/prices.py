"""Raw-material price monitoring: the algorithms, on plain data.

No Odoo import here: every function takes and returns plain Python values
(numbers, dates, dicts, lists) so that it can be tested and benchmarked alone.
The addon evaluates large volumes in SQL with the same definitions; these
functions are the reference the SQL is tested against, and the helpers the
import path uses row by row.

Units of measure follow Odoo's convention: a unit's ``factor`` is how many of
that unit make one reference unit of its category (Dozens: 1/12, Units: 1,
grams: 1000 when kg is the reference).
"""

import csv
import datetime
import io
import json
import math
import re

ALERT_DIRECTIONS = ("up", "down", "both")
RULE_TYPES = ("previous", "moving_average", "pricelist", "threshold")
PERCENT_DIGITS = 6
# A number written with a decimal comma: dots, if any, group thousands.
DECIMAL_COMMA = re.compile(r"[+-]?(\d+|\d{1,3}(\.\d{3})+)(,\d+)?")
# Prices and quantities beyond this are typing or feed errors (and overflow
# float8 arithmetic in PostgreSQL once compared).
MAX_ABS_VALUE = 1e12
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MIN_DATE = datetime.date(1900, 1, 1)
MAX_DATE = datetime.date(2200, 12, 31)


class PriceDataError(ValueError):
    """A payload, a row or a value that cannot be read as price data.

    ``str()`` is an English sentence; ``code`` names the problem and
    ``values`` what it is about, for a caller that words it in its user's
    language. Codes (values): ``not_a_number`` / ``not_finite`` /
    ``not_a_date`` / ``date_out_of_range`` (value), ``out_of_range`` (value,
    max), ``date_missing``, ``json_path_missing`` (path),
    ``malformed_json`` / ``malformed_csv`` (error), ``not_a_list`` (path,
    type), ``row_not_object`` (row, value), ``csv_missing_columns``
    (header, columns), ``csv_extra_cells`` (line), ``no_code`` (field),
    ``negative_price`` (price). An error of one feed row also has
    ``values["row"]``, its number.
    """

    def __init__(self, message, code="", **values):
        super().__init__(message)
        self.code = code
        self.values = values


# ---------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------


def change_percent(old, new):
    """Change from ``old`` to ``new`` in percent, ``None`` when undefined.

    Written as ``(new - old) * 100 / old`` (not ``(new / old - 1) * 100``) so
    that round figures stay exact: 100 -> 110 is exactly 10.0.
    """
    if old is None or new is None or not old:
        return None
    return (new - old) * 100.0 / old


def percent_limit(threshold):
    """The smallest change in percent that is beyond ``threshold``.

    Strictly greater at PERCENT_DIGITS decimals: a 10 % rule does not fire on
    a change of exactly 10 % (nor on 10.0000000000002 %, float noise of
    (110 - 100) / 100). The limit is ``threshold + half a unit of the last
    decimal``; exceeds() and the alert rules' SQL both compare with it.
    """
    return threshold + 0.5 * 10**-PERCENT_DIGITS


def exceeds(change, threshold, direction="both"):
    """Whether a change in percent is beyond ``threshold`` in ``direction``
    (at or beyond percent_limit(threshold))."""
    if change is None:
        return False
    if direction not in ALERT_DIRECTIONS:
        raise ValueError(f"direction must be one of {ALERT_DIRECTIONS}")
    limit = percent_limit(threshold)
    if direction == "up":
        return change >= limit
    if direction == "down":
        return change <= -limit
    return abs(change) >= limit


def moving_average(points, at_date, window_days):
    """Average price of ``points`` dated in ``[at_date - window_days, at_date)``.

    ``points``: iterable of ``(date, price)``. The observation made on
    ``at_date`` itself is not part of its own reference. ``None`` when no
    point falls in the window.
    """
    start = at_date - datetime.timedelta(days=window_days)
    prices = [price for date, price in points if start <= date < at_date]
    if not prices:
        return None
    return sum(prices) / len(prices)


def latest_on_or_before(points, at_date):
    """The last ``(date, price)`` dated on or before ``at_date`` (or None).

    ``points`` must be sorted by date (ties: the later one wins).
    """
    found = None
    for point in points:
        if point[0] <= at_date:
            found = point
        else:
            break
    return found


def price_change_since(points, today, days):
    """Latest price and its change against the price ``days`` days ago.

    ``points``: ``(date, price)`` sorted by date. Returns ``(latest, change%)``
    where the reference is the latest point dated on or before
    ``today - days``; the change is ``None`` without such a point.
    """
    if not points:
        return None, None
    latest = points[-1][1]
    reference = latest_on_or_before(points, today - datetime.timedelta(days=days))
    return latest, change_percent(reference[1], latest) if reference else None


# ---------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------


def convert_qty(qty, from_factor, to_factor):
    """A quantity in a unit of factor ``from_factor`` expressed in ``to_factor``."""
    return qty / from_factor * to_factor


def convert_price(price, from_factor, to_factor):
    """A price per unit of factor ``from_factor`` expressed per ``to_factor``.

    Per Dozens (1/12) to per Units (1): 0.78 -> 0.065.
    """
    return price * from_factor / to_factor


def normalize_price(price, rate=1.0, from_factor=1.0, to_factor=1.0):
    """Price converted to the company currency (``rate``: company currency
    per unit of the price's currency) and to the product's unit."""
    return convert_price(price * rate, from_factor, to_factor)


# ---------------------------------------------------------------------------
# Alert rules on a price series (reference implementation of the SQL)
# ---------------------------------------------------------------------------


def evaluate_series(points, rule, date_from=None):
    """Alerts a rule raises on one price series.

    ``points``: list of dicts ``{"id", "date", "price"}`` sorted by date then
    id, optionally with ``"pricelist"`` (the vendor pricelist price that
    applied, for rules of type ``pricelist``) and ``"source"``.
    ``rule``: dict with ``type`` (one of RULE_TYPES), ``threshold`` (percent),
    ``direction``, ``window_days``, ``min_price`` and ``max_price`` (0 or None:
    no bound). Only points dated on or after ``date_from`` raise alerts;
    earlier ones serve as history.

    Returns a list of dicts ``{"id", "old", "new", "change"}``.
    """
    rule_type = rule["type"]
    if rule_type not in RULE_TYPES:
        raise ValueError(f"rule type must be one of {RULE_TYPES}")
    threshold = rule.get("threshold") or 0.0
    direction = rule.get("direction") or "both"
    alerts = []
    previous = None
    history = []
    for point in points:
        new = point["price"]
        old = None
        fire = False
        if rule_type == "previous":
            old = previous
            fire = exceeds(change_percent(old, new), threshold, direction)
        elif rule_type == "moving_average":
            old = moving_average(history, point["date"], rule["window_days"])
            fire = exceeds(change_percent(old, new), threshold, direction)
        elif rule_type == "pricelist":
            if point.get("source") != "pricelist":
                old = point.get("pricelist")
                fire = exceeds(change_percent(old, new), threshold, direction)
        else:
            old = previous
            low, high = rule.get("min_price"), rule.get("max_price")
            fire = bool((low and new < low) or (high and new > high))
        if fire and (date_from is None or point["date"] >= date_from):
            alerts.append({"id": point["id"], "old": old, "new": new, "change": change_percent(old, new)})
        previous = new
        history.append((point["date"], new))
    return alerts


# ---------------------------------------------------------------------------
# Bill-of-materials cost roll-up
# ---------------------------------------------------------------------------


def explode_bom(boms, root, max_depth=30):
    """Quantities of leaf components needed for one unit of ``root``.

    ``boms``: ``{product: {"qty": qty the BoM makes (product unit),
    "lines": [(component, qty per BoM in the component's unit), ...]}}``.
    A component that has a BoM is exploded further (multi-level); one
    without is a leaf. Returns ``(leaves, cycle)`` with ``leaves`` mapping
    leaf component -> quantity per unit of ``root`` and ``cycle`` true when a
    component was met again on its own path (that branch is cut).
    """
    leaves = {}
    cycle = False
    stack = [(root, 1.0, (root,))]
    while stack:
        product, qty, path = stack.pop()
        bom = boms[product]
        for component, line_qty in bom["lines"]:
            needed = qty * line_qty / bom["qty"]
            if component in path or len(path) > max_depth:
                cycle = True
                continue
            if component in boms:
                stack.append((component, needed, path + (component,)))
            else:
                leaves[component] = leaves.get(component, 0.0) + needed
    return leaves, cycle


def rollup_bom_costs(boms, prices, fallback_prices=None, roots=None):
    """Material cost of each manufactured product at the given prices.

    ``prices``: leaf component -> price per its unit (the latest observed);
    ``fallback_prices``: used for leaves without a price (their standard
    cost), a leaf in neither counts as 0. ``roots``: products to cost
    (default: every product that has a BoM).

    Returns ``{root: {"cost", "missing": set of leaves without price,
    "cycle": bool, "leaves": {leaf: qty}}}``.
    """
    fallback_prices = fallback_prices or {}
    result = {}
    for root in roots if roots is not None else boms:
        leaves, cycle = explode_bom(boms, root)
        cost = 0.0
        missing = set()
        for leaf, qty in leaves.items():
            price = prices.get(leaf)
            if price is None:
                missing.add(leaf)
                price = fallback_prices.get(leaf, 0.0)
            cost += qty * price
        result[root] = {"cost": cost, "missing": missing, "cycle": cycle, "leaves": leaves}
    return result


# ---------------------------------------------------------------------------
# Reading values and feed payloads
# ---------------------------------------------------------------------------


def parse_number(value, decimal_separator="."):
    """A price or quantity from a payload: number, numeric string, or None.

    Empty values (None, "", "null", "n/a", "-") are ``None``: no data that
    day, not an error. Anything else that is not a finite number raises.
    With ``decimal_separator=","`` a string reads as ``1234,5``, ``1 234,5``
    or ``1.234,5`` (dots group thousands only, so ``1.5`` is refused).
    """
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            raise PriceDataError(f"{value!r} is not a number", "not_a_number", value=value)
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip()
        if text.lower() in ("", "null", "none", "n/a", "na", "-"):
            return None
        text = text.replace(" ", "").replace("\u00a0", "")
        if decimal_separator == ",":
            if not DECIMAL_COMMA.fullmatch(text):
                raise PriceDataError(f"{value!r} is not a number", "not_a_number", value=value)
            text = text.replace(".", "").replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            raise PriceDataError(f"{value!r} is not a number", "not_a_number", value=value) from None
    if not math.isfinite(number):
        raise PriceDataError(f"{value!r} is not a finite number", "not_finite", value=value)
    if abs(number) > MAX_ABS_VALUE:
        raise PriceDataError(
            f"{value!r} is beyond {MAX_ABS_VALUE:g}", "out_of_range", value=value, max=f"{MAX_ABS_VALUE:g}"
        )
    return number


def parse_date(value, default=None):
    """A date from ``YYYY-MM-DD`` (a longer ISO datetime is cut to its day),
    a date or a datetime; ``default`` when empty."""
    if value in (None, ""):
        if default is None:
            raise PriceDataError("the date is missing", "date_missing")
        return default
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = value.strip()[:10] if isinstance(value, str) else ""
    try:
        if not ISO_DATE.fullmatch(text):
            raise ValueError(text)
        date = datetime.date.fromisoformat(text)
    except ValueError:
        raise PriceDataError(f"{value!r} is not a date (YYYY-MM-DD)", "not_a_date", value=value) from None
    if not MIN_DATE <= date <= MAX_DATE:
        raise PriceDataError(f"{value!r} is out of range ({MIN_DATE} to {MAX_DATE})", "date_out_of_range", value=value)
    return date


def _dig(data, path):
    for key in path.split("."):
        if not isinstance(data, dict) or key not in data:
            raise PriceDataError(f"the JSON payload has no {path!r}", "json_path_missing", path=path)
        data = data[key]
    return data


def parse_json_rows(text, root_path=""):
    """Rows (dicts) of a JSON payload: a list of objects, or the list found
    under the dotted ``root_path`` (e.g. ``"data.prices"``)."""
    if not text or not text.strip():
        return []
    try:
        data = json.loads(text)
    except ValueError as error:
        raise PriceDataError(f"malformed JSON: {error}", "malformed_json", error=str(error)) from None
    if root_path:
        data = _dig(data, root_path)
    if data is None:
        return []
    if not isinstance(data, list):
        where = f"under {root_path!r}" if root_path else "at the top level"
        raise PriceDataError(
            f"expected a list of price objects {where}, got {type(data).__name__}",
            "not_a_list",
            path=root_path,
            type=type(data).__name__,
        )
    for number, row in enumerate(data, start=1):
        if not isinstance(row, dict):
            raise PriceDataError(f"row {number} is not an object: {row!r}", "row_not_object", row=number, value=row)
    return data


def parse_csv_rows(text, delimiter=",", required=()):
    """Rows (dicts keyed by the header) of a CSV payload.

    The header must hold every column of ``required``; a row with more
    cells than the header is malformed.
    """
    if not text or not text.strip():
        return []
    try:
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter, strict=True)
        header = [name.strip() for name in reader.fieldnames or []]
        missing = [name for name in required if name not in header]
        if missing:
            raise PriceDataError(
                f"malformed CSV: the header {header!r} lacks the column(s) {', '.join(missing)}",
                "csv_missing_columns",
                header=header,
                columns=missing,
            )
        reader.fieldnames = header
        rows = []
        for row in reader:
            if None in row:
                raise PriceDataError(
                    f"malformed CSV: line {reader.line_num} has more cells than the header",
                    "csv_extra_cells",
                    line=reader.line_num,
                )
            rows.append({key: (value or "").strip() for key, value in row.items()})
        return rows
    except csv.Error as error:
        raise PriceDataError(f"malformed CSV: {error}", "malformed_csv", error=str(error)) from None


def map_feed_rows(rows, mapping, default_date, decimal_separator=".", errors=None):
    """Feed rows read through a field mapping, as plain price quotes.

    ``mapping``: ``{"code": key, "price": key, "date": key or "",
    "currency": key or "", "vendor": key or ""}``. Returns dicts
    ``{"row", "code", "price", "date", "currency", "vendor"}``; a row whose
    price is empty is skipped (no quote that day), a row without a code or
    with an unreadable price or date raises PriceDataError naming the row,
    or, given an ``errors`` list, is left out and its error appended there.
    """
    quotes = []
    for number, row in enumerate(rows, start=1):
        try:
            code = row.get(mapping["code"])
            code = "" if code is None else str(code).strip()
            price = parse_number(row.get(mapping["price"]), decimal_separator)
            if price is None:
                continue
            if not code:
                raise PriceDataError(f"no code in field {mapping['code']!r}", "no_code", field=mapping["code"])
            if price < 0:
                raise PriceDataError(f"negative price {price}", "negative_price", price=price)
            date = parse_date(row.get(mapping["date"]) if mapping.get("date") else None, default_date)
            quote = {"row": number, "code": code, "price": price, "date": date}
            for key in ("currency", "vendor"):
                value = row.get(mapping[key]) if mapping.get(key) else None
                quote[key] = str(value).strip() if value not in (None, "") else None
        except PriceDataError as error:
            row_error = PriceDataError(f"row {number}: {error}", error.code, **{**error.values, "row": number})
            if errors is None:
                raise row_error from None
            errors.append(row_error)
            continue
        quotes.append(quote)
    return quotes
