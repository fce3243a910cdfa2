from . import prod_planning_calendar_reader
from . import prod_planning_schedule_reader
from . import prod_planning_material_reader
from . import prod_planning_schedule_writer
