"""What every benchmark needs around its own measure: the pure engine without
Odoo and the other helpers of ``prod_planning/tests`` it shares with the tests,
Odoo's addons path, a fresh database with modules installed without demo data,
a registry on it, and its removal. Connection parameters come from the usual
PG* variables."""

import argparse
import importlib
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = os.path.join(REPO, "prod_planning", "tests")


def say(message):
    """Print ``message`` at once (the benchmarks' progress lines)."""
    print(message, flush=True)


def argument_parser(doc, db):
    """The parser of a benchmark's options, with those of its own database:
    ``--db`` (default ``db``) and ``--keep``; described by ``doc``'s first line."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--db", default=db, help=f"the database (default {db})")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    return parser


def tests_module(name):
    """``prod_planning/tests/<name>.py`` imported on its own, not through the
    addon's test package (whose test modules import Odoo's test framework)."""
    if TESTS not in sys.path:
        sys.path.insert(0, TESTS)
    return importlib.import_module(name)


def load_engine(name):
    """``prod_planning/engine/<name>.py`` as a module, without Odoo."""
    return tests_module("engine_loader").load_engine_module(name)


def addons_path(*extra):
    """Odoo's own addons folders, this repository, then ``extra`` folders."""
    import odoo.release  # noqa: PLC0415 - only once the caller knows Odoo is there

    # Odoo 19's odoo is a namespace package (odoo.__file__ is None).
    base = os.path.dirname(odoo.release.__file__)
    core = [os.path.join(base, "addons"), os.path.join(os.path.dirname(base), "addons")]
    core = [path for path in core if os.path.isdir(os.path.join(path, "mrp"))]
    return ",".join([*core, REPO, *extra])


def drop_database(db):
    """Drop ``db`` and its filestore if they exist (scripts/dbtool.py)."""
    subprocess.run([sys.executable, os.path.join(REPO, "scripts", "dbtool.py"), "drop", db], check=True)


def install(db, addons, modules=("prod_planning",)):
    """Install ``modules`` without demo data into ``db``; return the seconds."""
    started = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            "-d",
            db,
            "-i",
            ",".join(modules),
            "--without-demo",
            "--stop-after-init",
            "--no-http",
            "--log-level=warn",
            f"--addons-path={addons}",
        ],
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
        check=False,
    )
    if result.returncode != 0 or " ERROR " in result.stderr:
        sys.exit(f"installing {modules} into {db} failed:\n{result.stderr[-4000:]}")
    return time.perf_counter() - started


def open_registry(db, addons):
    """The Odoo registry of ``db``, logging at warning level."""
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config([f"--addons-path={addons}", f"--database={db}", "--log-level=warn"])
    return Registry(db)


@contextmanager
def superuser_env(registry, **context):
    """An environment of the superuser on a new cursor of ``registry``."""
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    with registry.cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, context)


@contextmanager
def fresh_database(db, keep=False, modules=("prod_planning",), addons=None, log=say):
    """A new ``db`` with ``modules`` installed without demo data, dropped at the
    end unless ``keep``; yields (addons path, seconds the install took)."""
    addons = addons or addons_path()
    drop_database(db)
    log(f"Installing {', '.join(modules)} without demo data into {db}...")
    seconds = install(db, addons, modules)
    log(f"  installed in {seconds:.0f} s")
    try:
        yield addons, seconds
    finally:
        if "odoo" in sys.modules:  # this process may hold a registry on db
            # Odoo 19's ``import odoo`` no longer imports its subpackages.
            from odoo import sql_db  # noqa: PLC0415
            from odoo.modules.registry import Registry  # noqa: PLC0415

            Registry.delete(db)
            sql_db.close_all()
        if not keep:
            drop_database(db)
            log(f"Database {db} dropped.")
