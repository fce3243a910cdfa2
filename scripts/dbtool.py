"""Small PostgreSQL helper for the scripts: ping, exists, drop.

Connection parameters come from the usual PG* environment variables (libpq).
"""

import os
import shutil
import sys

import psycopg2
from psycopg2 import sql


def _connect():
    conn = psycopg2.connect(dbname=os.environ.get("PGDATABASE_ADMIN", "postgres"))
    conn.autocommit = True
    return conn


def ping():
    try:
        _connect().close()
    except psycopg2.Error:
        return 1
    return 0


def exists(name):
    with _connect() as conn, conn.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return 0 if cr.fetchone() else 1


def drop(name):
    conn = _connect()
    with conn.cursor() as cr:
        cr.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        cr.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    conn.close()
    data_dir = os.environ.get("ODOO_DATA_DIR") or os.path.expanduser("~/.local/share/Odoo")
    shutil.rmtree(os.path.join(data_dir, "filestore", name), ignore_errors=True)
    return 0


if __name__ == "__main__":
    command, *args = sys.argv[1:] or ["ping"]
    sys.exit({"ping": ping, "exists": exists, "drop": drop}[command](*args))
