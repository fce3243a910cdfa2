"""What every benchmark needs around its own measure: Odoo's addons path, a fresh
database with modules installed without demo data, a registry on it, and its
removal. Connection parameters come from the usual PG* variables."""

import os
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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
    subprocess.run(
        [sys.executable, os.path.join(REPO, "scripts", "dbtool.py"), "drop", db],
        check=True,
    )


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
    import odoo  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(
        [f"--addons-path={addons}", f"--database={db}", "--log-level=warn"]
    )
    return odoo.modules.registry.Registry(db)
