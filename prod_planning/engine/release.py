"""Pure release rules: how planned orders become RFQ lines (no odoo import).

``plan_release(orders, terms, grouping, today, fence_date)`` groups purchase
planned orders into RFQs (one per vendor, warehouse and horizon bucket) with
one line per product and date bucket, and rounds each line's quantity UP:

1. the sum of the planned quantities, in the product's unit;
2. raised to the planning parameter's lot multiple (product unit);
3. converted to the vendor's purchase unit and raised to a whole purchase
   unit (no "2.67 Dozens"), or to the unit's precision when the purchase unit
   is the product's own;
4. raised to the vendor's minimum quantity, then to the vendor's multiple.

Horizons (``grouping``):

* ``due``: one RFQ per vendor and due date, one line per product;
* ``week``: one RFQ per vendor and ISO week of the due date, one line per product;
* ``month``: one RFQ per vendor and month, one line per product;
* ``fence``: only the orders whose release date is within the release fence,
  one RFQ per vendor, one line per product and due week (the vendor still
  delivers week by week).

A line is dated by the earliest due date of its orders and flagged late when
one of them should have been released before ``today``. Manufacturing planned
orders are listed one per order (one manufacturing order each).
"""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

GROUPINGS = ("due", "week", "month", "fence")
DEFAULT_GROUPING = "week"

# Quantities are compared after rounding to this many decimals, so that
# 36 units / 12 is 3 dozens and not 3.0000000004 (then 4).
DIGITS = 6


@dataclass(frozen=True)
class Order:
    """A planned order to release, in the product's unit."""

    id: int
    product_id: int
    supply_type: str  # "buy" or "manufacture"
    warehouse_id: int
    quantity: float
    release_date: date
    due_date: date
    vendor_id: int | None = None


@dataclass(frozen=True)
class Terms:
    """How a product is bought from a vendor.

    ``ratio``: purchase units per product unit (1/12 for units bought by the
    dozen); ``step``: the purchase quantity is rounded up to a multiple of it
    (1.0 for whole purchase units); ``min_qty`` and ``multiple_qty``: the
    vendor's minimum and multiple in the purchase unit; ``lot_multiple``: the
    planning parameter's multiple, in the product unit.
    """

    ratio: float = 1.0
    step: float = 0.0
    min_qty: float = 0.0
    multiple_qty: float = 0.0
    lot_multiple: float = 0.0


@dataclass
class Line:
    product_id: int
    date: date
    order_ids: list
    quantity: float  # planned, product unit
    purchase_qty: float  # rounded, purchase unit
    late: bool
    days_late: int


@dataclass
class Rfq:
    vendor_id: int | None
    warehouse_id: int
    bucket: date | None
    lines: list = field(default_factory=list)

    @property
    def order_ids(self):
        return [order_id for line in self.lines for order_id in line.order_ids]

    @property
    def late(self):
        return any(line.late for line in self.lines)


@dataclass
class Production:
    order_id: int
    product_id: int
    warehouse_id: int
    quantity: float
    date: date
    due_date: date
    late: bool
    days_late: int


@dataclass
class ReleasePlan:
    rfqs: list
    productions: list
    outside_fence: list  # ids of the orders left out (grouping "fence")

    @property
    def order_count(self):
        return sum(len(rfq.order_ids) for rfq in self.rfqs) + len(self.productions)


def ceil_to(value, step):
    """``value`` rounded up to a multiple of ``step`` (unchanged without step)."""
    if not step or step <= 0:
        return value
    return round(math.ceil(round(value / step, DIGITS)) * step, DIGITS)


def round_purchase_qty(quantity, terms):
    """The quantity to order, in the purchase unit, for ``quantity`` product units."""
    terms = terms or Terms()
    qty = ceil_to(quantity, terms.lot_multiple)
    qty = ceil_to(qty * (terms.ratio or 1.0), terms.step)
    if terms.min_qty and qty < terms.min_qty:
        qty = terms.min_qty
    return ceil_to(qty, terms.multiple_qty)


def bucket(day, grouping):
    """The first day of the horizon bucket ``day`` falls in (None: one bucket)."""
    if grouping == "due":
        return day
    if grouping == "week":
        return day - timedelta(days=day.weekday())
    if grouping == "month":
        return day.replace(day=1)
    if grouping == "fence":
        return None
    raise ValueError(f"unknown grouping {grouping!r}; use one of {', '.join(GROUPINGS)}")


def line_bucket(day, grouping):
    """The date bucket of a line: the horizon's, by week for the fence."""
    return bucket(day, "week" if grouping == "fence" else grouping)


def days_late(release_date, today):
    """Days the release date is past (0 when not late)."""
    return max(0, (today - release_date).days)


def plan_release(orders, terms=None, grouping=DEFAULT_GROUPING, today=None, fence_date=None):
    """Group ``orders`` into RFQs and productions; see the module docstring.

    ``terms``: ``{(product_id, vendor_id): Terms}`` (missing: no rounding);
    ``fence_date``: last release date inside the fence (grouping ``fence``).
    Returns a ``ReleasePlan``; RFQs sorted by vendor, warehouse and bucket,
    lines by date and product.
    """
    if grouping not in GROUPINGS:
        raise ValueError(f"unknown grouping {grouping!r}; use one of {', '.join(GROUPINGS)}")
    terms = terms or {}
    today = today or date.today()
    outside, productions = [], []
    lines = {}
    for order in sorted(orders, key=lambda o: (o.due_date, o.id)):
        if grouping == "fence" and fence_date and order.release_date > fence_date:
            outside.append(order.id)
            continue
        late_days = days_late(order.release_date, today)
        if order.supply_type != "buy":
            productions.append(
                Production(
                    order.id,
                    order.product_id,
                    order.warehouse_id,
                    order.quantity,
                    order.release_date,
                    order.due_date,
                    late_days > 0,
                    late_days,
                )
            )
            continue
        rfq_key = (order.vendor_id, order.warehouse_id, bucket(order.due_date, grouping))
        key = (rfq_key, order.product_id, line_bucket(order.due_date, grouping))
        line = lines.get(key)
        if line is None:
            line = lines[key] = Line(order.product_id, order.due_date, [], 0.0, 0.0, False, 0)
        line.order_ids.append(order.id)
        line.quantity += order.quantity
        line.date = min(line.date, order.due_date)
        line.days_late = max(line.days_late, late_days)
        line.late = line.days_late > 0
    rfqs = {}
    for (rfq_key, product_id, _bucket), line in lines.items():
        line.quantity = round(line.quantity, DIGITS)
        line.purchase_qty = round_purchase_qty(line.quantity, terms.get((product_id, rfq_key[0])))
        rfq = rfqs.get(rfq_key)
        if rfq is None:
            rfq = rfqs[rfq_key] = Rfq(*rfq_key)
        rfq.lines.append(line)
    for rfq in rfqs.values():
        rfq.lines.sort(key=lambda line: (line.date, line.product_id))

    def rfq_order(rfq):
        return (rfq.vendor_id or 0, rfq.warehouse_id, rfq.bucket or date.min)

    return ReleasePlan(sorted(rfqs.values(), key=rfq_order), productions, outside)
