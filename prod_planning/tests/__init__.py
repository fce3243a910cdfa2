from . import test_install
from . import test_security
from . import test_planning_run
from . import test_planner_tour
from . import test_schedule_adapter
from . import test_schedule_wizard
from . import test_schedule_capacity_load
from . import test_schedule_production_rate
