"""Load the addon's pure engine without Odoo, for tests and benchmarks.

The engine package is imported from its files under its own name, so the
addon's ``__init__`` (which defines Odoo models) never runs for it. The one
way the engine tests (``test_engine_*.py``) and the benchmarks
(``benchmarks/benchdb.py``) load it.
"""

import importlib
import importlib.machinery
import importlib.util
import sys
import types
from pathlib import Path

ENGINE_DIR = Path(__file__).resolve().parent.parent / "engine"
PACKAGE = "_prod_planning_engine"


def load_engine_module(name):
    """``prod_planning/engine/<name>.py`` as a module, without the addon."""
    if PACKAGE not in sys.modules:
        spec = importlib.machinery.ModuleSpec(PACKAGE, None, is_package=True)
        package = importlib.util.module_from_spec(spec)
        package.__path__ = [str(ENGINE_DIR)]
        sys.modules[PACKAGE] = package
    return importlib.import_module(f"{PACKAGE}.{name}")


def without_registry():
    """pytest-odoo's two autouse session fixtures, emptied for one test module.

    An engine test module binds them at its top level
    (``load_registry, load_http = without_registry()``) so that its tests never
    open the Odoo registry, and run with any ``--odoo-database``.
    """
    import pytest  # noqa: PLC0415 - the benchmarks load the engine without it

    @pytest.fixture(scope="session")
    def load_registry():
        """Overrides pytest-odoo's autouse fixture: these tests need no registry."""
        yield

    @pytest.fixture(scope="session")
    def load_http():
        """Overrides pytest-odoo's autouse fixture (it depends on load_registry)."""
        yield

    return load_registry, load_http


def run_test_file_without_odoo(test_file, args):
    """Run one engine test file with pytest, without Odoo: ``python3 <file>``.

    Stand-in packages let pytest import the file as
    ``prod_planning.tests.<name>`` without running the addon's ``__init__``.
    """
    import pytest  # noqa: PLC0415 - only needed when run as a script

    addon = ENGINE_DIR.parent
    for module_name, path in (("prod_planning", addon), ("prod_planning.tests", addon / "tests")):
        stand_in = types.ModuleType(module_name)
        stand_in.__path__ = [str(path)]
        sys.modules[module_name] = stand_in
    quiet = ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
    return pytest.main([test_file, "-p", "no:odoo", *quiet, *args])
