from . import prod_planning_schedule
from . import prod_planning_schedule_line
from . import prod_planning_schedule_workorder
from . import prod_planning_schedule_load
from . import prod_planning_release_wizard
from . import prod_planning_release_wizard_line
from . import prod_planning_promise_wizard
from . import prod_planning_promise_wizard_line
