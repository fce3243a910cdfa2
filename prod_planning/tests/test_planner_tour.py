import logging

from odoo.tests import tagged

from .common import ProdPlanningTourCase

_logger = logging.getLogger(__name__)

# CPython 3.11 before 3.11.8 (this machine: 3.11.7) can raise a spurious
# "SystemError: AST constructor recursion depth mismatch" when two threads
# build Python ASTs at once (python/cpython#106905, fixed by #113035): the
# server threads that answer the browser's parallel requests parse view
# expressions and literals. The tour is then retried once from a clean state,
# and only for that error.
CPYTHON_AST_RACE = "AST constructor recursion depth mismatch"


class _Recorder(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages = []

    def emit(self, record):
        text = record.getMessage()
        if record.exc_info:
            text += " " + str(record.exc_info[1])
        self.messages.append(text)


@tagged("post_install", "-at_install")
class TestPlannerTour(ProdPlanningTourCase):
    def _tour_hit_the_cpython_race(self):
        recorder = _Recorder()
        root = logging.getLogger()
        root.addHandler(recorder)
        try:
            with self.env.cr.savepoint():
                self.start_tour(
                    "/odoo/action-prod_planning.prod_planning_run_action",
                    "prod_planning_tour",
                    login="admin",
                    timeout=240,
                )
        except AssertionError:
            if any(CPYTHON_AST_RACE in message for message in recorder.messages):
                _logger.warning("planner tour hit CPython's AST race: run again")
                return True
            raise
        finally:
            root.removeHandler(recorder)
        return False

    def test_planner_main_flow(self):
        if self._tour_hit_the_cpython_race():
            self.assertFalse(self._tour_hit_the_cpython_race())
        run = self.env["prod.planning.run"].search([], limit=1)
        self.assertEqual(run.state, "done")
        released = self.env["prod.planning.order"].search([("run_id", "=", run.id), ("state", "=", "released")])
        self.assertEqual(len(released), 1)
        self.assertTrue(released.purchase_line_id or released.production_id)
