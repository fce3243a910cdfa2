from . import prod_planning_promise_reader
