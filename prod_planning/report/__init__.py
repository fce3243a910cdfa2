from . import prod_planning_report_mixin
from . import prod_planning_vendor_scorecard
from . import prod_planning_price_cost_impact
from . import prod_planning_price_cost_impact_line
from . import prod_planning_report_window
from . import prod_planning_capacity_load
from . import prod_planning_production_rate
