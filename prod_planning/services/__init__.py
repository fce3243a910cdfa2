from . import prod_planning_run_reader
from . import prod_planning_run_writer
