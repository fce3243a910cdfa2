"""End-to-end harness for integrator tests: a real Odoo HTTP server + odoorpc,
plain XML-RPC and Odoo 19's JSON-2 API.

The server is a separate ``python3 -m odoo`` process on a free 127.0.0.1 port,
serving a copy of the test database, so that what integrators write over RPC
is committed for real without touching the database the other tests use. The
benchmarks serve their own database with it (``copy=False``), importing this
file on its own: it needs neither odoo.tests nor the addon's test package.
"""

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import xmlrpc.client

import requests

import odoo
from odoo.service import db as db_service

if __package__:
    from .databases import addons_path as configured_addons_path
    from .databases import drop_database
else:  # imported on its own by a benchmark (benchmarks/benchdb.py)
    from databases import addons_path as configured_addons_path
    from databases import drop_database

ADMIN_LOGIN = "admin"
ADMIN_PASSWORD = "admin"


def ref_id(client, xmlid):
    """The id of the record ``prod_planning.<xmlid>``, read by an odoorpc client."""
    return client.env.ref(f"prod_planning.{xmlid}").id


class Json2Error(Exception):
    """An error answer of the JSON-2 API: its HTTP ``status`` and its JSON
    ``body`` (``name``, ``message``, ``arguments``, ``context``, ``debug``)."""

    def __init__(self, status, body):
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body


def free_port():
    """A TCP port of 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OdooServer:
    """A running Odoo HTTP server on a copy of ``source_db`` (on ``source_db``
    itself with ``copy=False``: then stop() leaves the database alone);
    ``workers`` > 0 starts Odoo's multi-process server (the load benchmark)."""

    def __init__(self, source_db, startup_timeout=180, copy=True, addons_path=None, workers=0):
        self.source_db = source_db
        self.copy = copy
        self.db = f"{source_db}_rpc" if copy else source_db
        self.addons_path = addons_path or configured_addons_path()
        self.uid = None
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.startup_timeout = startup_timeout
        self.workers = workers
        # Kept open while the server runs; closed and removed in stop().
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix="prod_planning_rpc_", suffix=".log", delete=False
        )
        self.process = None

    def start(self):
        if self.copy:
            self._copy_database()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "odoo",
                f"--addons-path={self.addons_path}",
                f"--database={self.db}",
                f"--db-filter=^{self.db}$",
                "--http-interface=127.0.0.1",
                f"--http-port={self.port}",
                f"--workers={self.workers}",
                "--max-cron-threads=0",
                "--log-level=warn",
                "--no-database-list",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=tempfile.gettempdir(),
        )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Odoo HTTP server exited with {self.process.returncode}:\n" + self.log_tail())
            with contextlib.suppress(OSError, xmlrpc.client.Error):
                version = self.xmlrpc("common").version()
                if version.get("server_version", "").startswith("19.0"):
                    return self
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"Odoo HTTP server did not answer within {self.startup_timeout} s:\n" + self.log_tail())

    def _copy_database(self):
        # The copy needs no other session on the source database: close ours.
        odoo.sql_db.close_db(self.source_db)
        drop_database(self.db)
        db_service.exp_duplicate_database(self.source_db, self.db)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.copy:
            drop_database(self.db)
        self.log.close()
        os.unlink(self.log.name)

    def log_tail(self, lines=40):
        self.log.flush()
        with open(self.log.name, encoding="utf-8", errors="replace") as log:
            return "".join(log.readlines()[-lines:])

    def xmlrpc(self, endpoint):
        """A plain xmlrpc.client proxy on /xmlrpc/2/<endpoint>."""
        return xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/{endpoint}", allow_none=True)

    def login(self):
        """Admin's uid, authenticated over XML-RPC once."""
        if self.uid is None:
            self.uid = self.xmlrpc("common").authenticate(self.db, ADMIN_LOGIN, ADMIN_PASSWORD, {})
        return self.uid

    def xmlrpc_execute(self, model, method, *args, **kwargs):
        """Call ``model.method`` as admin over XML-RPC (execute_kw)."""
        return self.xmlrpc("object").execute_kw(
            self.db, self.login(), ADMIN_PASSWORD, model, method, list(args), kwargs
        )

    def odoorpc(self, login=ADMIN_LOGIN, password=ADMIN_PASSWORD):
        """An odoorpc client logged in to the copy (odoorpc speaks JSON-RPC)."""
        import odoorpc  # noqa: PLC0415 - a test requirement the benchmarks need not

        client = odoorpc.ODOO("127.0.0.1", port=self.port, timeout=300)
        client.login(self.db, login, password)
        return client

    def api_key(self, login=ADMIN_LOGIN):
        """A new API key of ``login`` on the copy, for JSON-2 (``Authorization:
        bearer <key>``). Made as Odoo's "New API Key" dialog makes one
        (res.users.apikeys._generate, scope None: every RPC), without
        expiry (sudo), and committed so that the server sees it."""
        registry = odoo.modules.registry.Registry(self.db)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            user = env["res.users"].search([("login", "=", login)])
            user.ensure_one()
            return (
                env["res.users.apikeys"].with_user(user).sudo()._generate(None, f"prod_planning tests ({login})", None)
            )

    def json2(self, model, method, api_key, ids=None, context=None, **kwargs):
        """``POST /json/2/<model>/<method>``: the keyword arguments of the
        method are the keys of the JSON body (``ids`` for a record method,
        ``context`` for the context); returns the decoded result or raises
        :class:`Json2Error`."""
        body = dict(kwargs)
        if ids is not None:
            body["ids"] = ids
        if context is not None:
            body["context"] = context
        response = requests.post(
            f"{self.url}/json/2/{model}/{method}",
            json=body,
            headers={"Authorization": f"bearer {api_key}", "X-Odoo-Database": self.db},
            timeout=300,
        )
        if response.status_code != 200:
            try:
                error = response.json()
            except ValueError:
                error = response.text
            raise Json2Error(response.status_code, error)
        return response.json()
