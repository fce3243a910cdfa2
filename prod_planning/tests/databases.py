"""Whole-database helpers for tests that need a database of their own."""

import shutil
from contextlib import closing

import odoo
from odoo.tools import SQL, config


def current_database():
    """The database the tests run on (Odoo 19's config["db_name"] is a list)."""
    return config["db_name"][0]


def addons_path():
    """Odoo's --addons-path value (Odoo 19's config["addons_path"] is a list)."""
    return ",".join(config["addons_path"])


def database_exists(name):
    with closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return bool(cr.fetchone())


def drop_database(name):
    """Drop ``name`` (ending its sessions) and its filestore, if it exists."""
    odoo.modules.registry.Registry.delete(name)
    odoo.sql_db.close_db(name)
    with closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
        cr._cnx.autocommit = True
        cr.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        cr.execute(SQL("DROP DATABASE IF EXISTS %s", SQL.identifier(name)))
    shutil.rmtree(config.filestore(name), ignore_errors=True)
