from . import prod_planning_schedule
