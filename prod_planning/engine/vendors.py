"""Pure vendor-performance and expediting rules (no odoo import).

Everything here works on plain numbers and dates so that the rules the buyers
see in the expediting queue and in the scorecards can be read and tested on
their own (``tests/test_engine_vendors.py``):

* ``rate(part, whole)``: a percentage that is ``None`` when there is nothing
  to measure (never 100 %) and never above 100 %;
* ``suggested_delay(lead_days)``: the delivery delay to put on the vendor
  pricelist, from the lead times actually observed;
* ``expediting_reasons(...)`` and ``urgency(...)``: why an open purchase line
  needs a buyer's attention and how urgently.
"""

import math
from dataclasses import dataclass
from datetime import date

# Reasons a purchase line is in the expediting queue, most urgent first.
LATE = "late"
AFTER_NEED = "after_need"
UNCONFIRMED = "unconfirmed"
PARTIAL = "partial"
REASONS = (LATE, AFTER_NEED, UNCONFIRMED, PARTIAL)

# Quantities closer than this are equal (received == ordered).
EPSILON = 1e-6

# Suggested delay: the lead time that covers this share of the receipts.
DEFAULT_DELAY_QUANTILE = 0.8


def rate(part, whole):
    """``part / whole`` in percent, ``None`` without data, clamped to 0..100.

    ``whole`` is what could have happened (lines due, quantity ordered),
    ``part`` what did (lines on time, quantity received). A whole of zero (or
    ``None``) is "no data", not 100 % as Odoo's own on-time rate shows; a part
    larger than the whole (over-deliveries, rounding) gives 100 %, never more.
    """
    if whole is None or part is None or whole <= EPSILON:
        return None
    return max(0.0, min(100.0, 100.0 * part / whole))


def capped_ratio(part, whole):
    """``part / whole`` as a fraction in 0..1, ``None`` when ``whole`` is zero."""
    if whole is None or part is None or whole <= EPSILON:
        return None
    return max(0.0, min(1.0, part / whole))


def average(values):
    """Mean of the values that are not ``None``; ``None`` when there are none."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    return sum(values) / len(values)


def price_variance(paid_amount, list_amount):
    """How much more (positive) or less than the pricelist was paid, in percent.

    ``paid_amount`` and ``list_amount`` are the received quantities valued at the
    price paid and at the vendor pricelist price. ``None`` without a pricelist
    value to compare with.
    """
    if paid_amount is None or list_amount is None or list_amount <= EPSILON:
        return None
    return 100.0 * (paid_amount - list_amount) / list_amount


def suggested_delay(lead_days, quantile=DEFAULT_DELAY_QUANTILE):
    """Delay (whole days) that covers ``quantile`` of the observed lead times.

    The nearest-rank percentile of the lead times (days from the order's
    confirmation to the receipt completing a line), rounded up, never negative.
    ``None`` when nothing was received: no suggestion without data.
    """
    values = sorted(max(0.0, float(v)) for v in lead_days if v is not None)
    if not values:
        return None
    if not 0 < quantile <= 1:
        raise ValueError(f"quantile must be in (0, 1], got {quantile!r}")
    rank = max(1, math.ceil(quantile * len(values)))
    return math.ceil(values[rank - 1] - EPSILON)


@dataclass(frozen=True)
class LineState:
    """What the expediting rules need to know about one open purchase line.

    ``promised``: the current promised (planned) date; ``ordered`` and
    ``received``: quantities in the same unit; ``confirmed``: the vendor
    confirmed the line (a contact with outcome "confirmed" or "new promised
    date", or the order's receipt reminder acknowledged); ``need_date``: the
    date the planning run needs the supply (``None`` when not pegged).
    """

    promised: date
    ordered: float
    received: float = 0.0
    confirmed: bool = False
    need_date: date | None = None


def expediting_reasons(line, today, due_days):
    """Why ``line`` needs attention on ``today``, most urgent first.

    * ``late``: promised date passed and not fully received;
    * ``after_need``: promised after the date the planning run needs it;
    * ``unconfirmed``: due within ``due_days`` days (and not late), not
      confirmed by the vendor;
    * ``partial``: partially received.

    A fully received line needs nothing: ``[]``.
    """
    open_qty = line.ordered - line.received
    if open_qty <= EPSILON:
        return []
    reasons = []
    if line.promised < today:
        reasons.append(LATE)
    if line.need_date and line.promised > line.need_date:
        reasons.append(AFTER_NEED)
    if not line.confirmed and line.promised >= today and (line.promised - today).days <= due_days:
        reasons.append(UNCONFIRMED)
    if line.received > EPSILON:
        reasons.append(PARTIAL)
    return reasons


def urgency(line, today, due_days, reasons=None):
    """A score to sort the queue: higher is more urgent (0: nothing to do).

    Each reason adds a base score, and days make it grow, capped at 30 so that
    a very old late line does not bury everything else:

    * late: 1000 + 20 per day late;
    * after the need date: 600 + 20 per day between need and promise, + 200
      when the need falls within the expediting horizon (it hurts soon);
    * not confirmed: 300 + 20 per day closer than the horizon;
    * partially received: 100.
    """
    if reasons is None:
        reasons = expediting_reasons(line, today, due_days)
    score = 0
    if LATE in reasons:
        score += 1000 + 20 * min((today - line.promised).days, 30)
    if AFTER_NEED in reasons:
        score += 600 + 20 * min((line.promised - line.need_date).days, 30)
        if (line.need_date - today).days <= due_days:
            score += 200
    if UNCONFIRMED in reasons:
        score += 300 + 20 * min(max(due_days - (line.promised - today).days, 0), 30)
    if PARTIAL in reasons:
        score += 100
    return score
