"""pytest fixtures shared by the integrator (RPC) tests.

Kept at the repository root: a conftest inside the addon would be imported as a
top-level ``prod_planning`` package, beside Odoo's ``odoo.addons.prod_planning``.
"""

import pytest
from hypothesis import HealthCheck, settings

# Property tests run on a shared 2-core machine next to Odoo: judge them on
# their properties, not on how fast examples are generated.
settings.register_profile(
    "prod_planning",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("prod_planning")


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
