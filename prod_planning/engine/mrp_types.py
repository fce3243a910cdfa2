"""The MRP engine's data: its input and output types and their codes.

Plain dataclasses, no behaviour: see :mod:`.mrp` for what each field means to
the plan. The requirement-kind codes (``K_*``) are internal to the engine's
modules.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any, NamedTuple

from .workcalendar import WorkCalendar

SUPPLY_TYPES = ("buy", "manufacture", "kit", "none")
LOT_POLICIES = ("lfl", "fixed", "min_max_multiple", "poq")
DEMAND_MODES = ("max", "sum")
EXCEPTION_KINDS = ("reschedule_in", "reschedule_out", "cancel", "late", "below_safety", "no_source")
# The codes of each kind (ExceptionMessage.code), see the doc of mrp.py.
EXCEPTION_CODES = {
    "reschedule_in": ("bring_forward",),
    "reschedule_out": ("postpone",),
    "cancel": ("not_needed",),
    "late": ("firm_late", "release_in_past", "time_fence"),
    "below_safety": ("stock_out", "below_safety"),
    "no_source": ("no_source", "kit_without_components", "not_in_items"),
}

# Requirement kinds (internal codes) and their sort rank within a day.
K_FORECAST, K_ACTUAL, K_DEPENDENT, K_SAFETY, K_NEGATIVE = 0, 1, 2, 3, 4


# --------------------------------------------------------------------------- input


@dataclass(slots=True)
class Item:
    """A planned item (product, or product in a warehouse). See the doc of mrp.py."""

    key: Hashable
    supply_type: str = "buy"
    lead_time: int = 0
    lot_policy: str = "lfl"
    fixed_qty: float = 0.0
    min_qty: float = 0.0
    max_qty: float = 0.0
    multiple: float = 0.0
    poq_days: int = 0
    safety_stock: float = 0.0
    on_hand: float = 0.0
    calendar: WorkCalendar | None = None
    time_fence_days: int = 0
    source_ref: Any = None
    demand_mode: str = "max"
    unit_value: float = 0.0


@dataclass(slots=True)
class BomLine:
    """``qty`` of ``component`` per one unit of ``parent``."""

    parent: Hashable
    component: Hashable
    qty: float


@dataclass(slots=True)
class Demand:
    """A gross requirement; ``kind`` in ``"actual"``, ``"forecast"``,
    ``"dependent"``."""

    item: Hashable
    date: date
    qty: float
    ref: Any = None
    kind: str = "actual"


@dataclass(slots=True)
class Forecast:
    """Forecast qty for ``[date_start, date_end)``."""

    item: Hashable
    date_start: date
    date_end: date
    qty: float
    ref: Any = None


@dataclass(slots=True)
class Supply:
    """An existing receipt; ``firm`` ones are never suggested to move."""

    item: Hashable
    date: date
    qty: float
    ref: Any = None
    kind: str = ""
    firm: bool = False


@dataclass(slots=True)
class PlanOptions:
    """Tuning of a run. See the doc of mrp.py."""

    reschedule_tolerance_days: int = 1
    epsilon: float = 1e-6
    default_calendar: WorkCalendar | None = None
    pause_gc: bool = True
    high_priority_days: int = 3
    urgent_priority_days: int = 10
    high_priority_value: float = 1000.0


# -------------------------------------------------------------------------- output


class Peg(NamedTuple):
    """``qty`` of a supply that covers the requirement ``ref`` dated ``date``."""

    ref: Any
    qty: float
    date: date


@dataclass(slots=True)
class PlannedOrder:
    """A new order proposed by the engine."""

    id: int
    item: Hashable
    qty: float
    release_date: date
    due_date: date
    supply_type: str
    source_ref: Any
    pegs: list[Peg] = field(default_factory=list)
    late: bool = False
    need_date: date | None = None


@dataclass(slots=True)
class ExceptionMessage:
    """An action or warning message for the planner, as data: ``kind`` and
    ``code`` say what it is, the other fields what it is about (the caller
    words it). See the doc of mrp.py."""

    item: Hashable
    kind: str
    ref: Any
    date: date | None
    suggested_date: date | None
    qty: float
    code: str
    values: dict = field(default_factory=dict)
    demand_ref: Any = None
    days_late: int = 0
    priority: int = 0


@dataclass(slots=True)
class SupplyAllocation:
    """How an existing supply was used by the plan.

    ``need_date``: date of the first requirement it covers (None: unused);
    ``suggested_date``: where the plan wants it (its own date when no
    reschedule is suggested, None when cancel is suggested or it is unused
    beyond the horizon).
    """

    item: Hashable
    ref: Any
    kind: str
    firm: bool
    date: date
    qty: float
    allocated_qty: float
    need_date: date | None
    suggested_date: date | None
    pegs: list[Peg] = field(default_factory=list)


@dataclass(slots=True)
class ProjectionBucket:
    """One ISO week of an item's projection (quantities in the item's unit).

    ``forecast`` / ``actual`` / ``dependent``: gross requirements of the week by
    kind (past due ones in today's week), ``demand_total`` their sum;
    ``scheduled_receipts``: existing supplies; ``planned_receipts``: planned
    orders by due date; ``opening_on_hand`` / ``projected_on_hand``: projected
    on hand at the start / end of the week; ``min_on_hand``: lowest end-of-day
    projected on hand in the week (from today on); ``shortage``:
    ``max(0, safety_stock - min_on_hand)`` (below safety stock, stock-outs
    included); ``stockout``: ``max(0, -min_on_hand)``.
    """

    week_start: date
    opening_on_hand: float
    forecast: float
    actual: float
    dependent: float
    demand_total: float
    scheduled_receipts: float
    planned_receipts: float
    projected_on_hand: float
    min_on_hand: float
    safety_stock: float
    shortage: float
    stockout: float


@dataclass(slots=True)
class DailyBalance:
    """One day with events of an item's projection (end-of-day on hand)."""

    date: date
    demand: float
    scheduled_receipts: float
    planned_receipts: float
    projected_on_hand: float


class BomCycleError(ValueError):
    """The bills of materials loop: ``cycle`` = ``[A, B, ..., A]``."""

    def __init__(self, cycle):
        self.cycle = list(cycle)
        super().__init__("Bill of materials cycle: " + " -> ".join(str(k) for k in self.cycle))


new_peg = partial(tuple.__new__, Peg)  # Peg(ref, qty, date) from a tuple, fast
