"""The workbench's hoot tests (static/tests/workbench.test.js), run in Chromium
from the Python suite as Odoo runs its own unit tests (addons/web/tests/test_js.py)."""

from odoo.tests import tagged

from .common import ProdPlanningHttpCase


def hoot_error_checker(message):
    """Only HOOT's own messages fail the suite (as Odoo's unit_test_error_checker)."""
    return "[HOOT]" not in message


@tagged("post_install", "-at_install")
class TestWorkbenchJs(ProdPlanningHttpCase):
    def test_workbench_hoot(self):
        """Every hoot test of @prod_planning passes (rendering, editing and keys,
        refused edits, paste, selection, block actions, filters, paging,
        cell details, run plan)."""
        self.browser_js(
            "/web/tests?headless&loglevel=2&preset=desktop&timeout=15000&filter=%40prod_planning",
            "",
            "",
            login="admin",
            timeout=900,
            success_signal="[HOOT] Test suite succeeded",
            error_checker=hoot_error_checker,
        )
