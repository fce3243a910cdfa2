"""pytest fixtures shared by the integrator (RPC) tests.

Kept at the repository root: a conftest inside the addon would be imported as a
top-level ``prod_planning`` package, beside Odoo's ``odoo.addons.prod_planning``.
"""

import pytest
from hypothesis import HealthCheck, settings

# Property tests run on a shared 2-core machine next to Odoo: judge them on
# their properties, not on how fast examples are generated.
settings.register_profile("prod_planning", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("prod_planning")


def pytest_configure(config):
    """Keep Odoo's loader to this addon's at-install tests.

    pytest-odoo loads the registry with test_enable (scripts/test passes it):
    Odoo's loader then runs the at-install tests of every installed module
    (base, stock, mrp, purchase, ...) before the first test, minutes of tests
    that are not this suite's and whose results nobody reads.
    """
    if not config.getoption("--odoo-database", default=None):
        return  # engine tests run without Odoo (-p no:odoo)
    extra = config.getoption("--odoo-extra")
    if any(option.startswith("test-tags") for option in extra):
        return  # the caller chose
    from odoo.tools import config as odoo_config

    odoo_config["test_tags"] = "/prod_planning,/prod_planning_timeline,/prod_planning_sale"


@pytest.hookimpl(trylast=True)
def pytest_runtest_setup(item):
    """Make the running test Odoo's current test once pytest created it.

    pytest-odoo sets ``odoo.modules.module.current_test`` in its own
    ``pytest_runtest_setup``, which pytest 9 calls before it creates the
    unittest instance (``item.instance`` is still missing): the HTTP server's
    test cursors then fail ("Test Cursor without active test ?") and every
    browser tour with them. Done again here, after the instance exists.
    """
    instance = getattr(item, "instance", None)
    if instance is None or not item.config.getoption("--odoo-database", default=None):
        return
    import odoo.modules.module

    odoo.modules.module.current_test = instance


@pytest.fixture(scope="session")
def odoo_server():
    """A real Odoo HTTP server on a copy of the test database."""
    # Imported here: Odoo's addons path is set up once pytest-odoo parsed its options.
    from odoo.addons.prod_planning.tests.databases import current_database
    from odoo.addons.prod_planning.tests.xmlrpc_harness import OdooServer

    server = OdooServer(current_database()).start()
    yield server
    server.stop()


@pytest.fixture
def odoo_rpc(odoo_server):
    """An odoorpc client logged in as admin."""
    client = odoo_server.odoorpc()
    yield client
    client.logout()


@pytest.fixture(scope="session")
def odoo_json2(odoo_server):
    """``call(model, method, ids=None, **kwargs)`` over JSON-2 as admin, with
    a new API key (raises Json2Error on an error answer)."""
    key = odoo_server.api_key()

    def call(model, method, ids=None, **kwargs):
        return odoo_server.json2(model, method, key, ids=ids, **kwargs)

    return call
