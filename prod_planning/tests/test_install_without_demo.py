"""The addon installs into a fresh database without demo data.

This installs a second database from scratch (about a minute): it proves that
the addon pulls in mrp and purchase_stock by itself and needs no demo record.
"""

import subprocess
import sys
import tempfile

import pytest

import odoo

from .databases import addons_path, current_database, drop_database


@pytest.mark.slow
def test_install_without_demo():
    db_name = f"{current_database()}_nodemo"
    drop_database(db_name)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            f"--addons-path={addons_path()}",
            f"--database={db_name}",
            "--init=prod_planning",
            "--without-demo",
            "--stop-after-init",
            "--log-level=warn",
            "--no-http",
        ],
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
        timeout=900,
        check=False,
    )
    try:
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        assert " ERROR " not in result.stderr, result.stderr[-3000:]
        with odoo.sql_db.db_connect(db_name).cursor() as cr:
            cr.execute(
                "SELECT name, state, demo FROM ir_module_module "
                "WHERE name IN ('prod_planning', 'mrp', 'purchase_stock')"
            )
            modules = {name: (state, demo) for name, state, demo in cr.fetchall()}
            cr.execute("SELECT count(*) FROM ir_model_data WHERE module = 'prod_planning' AND name LIKE '%%\\_demo'")
            demo_records = cr.fetchone()[0]
            cr.execute(
                "SELECT count(*) FROM ir_model_data WHERE module = 'prod_planning' AND name IN %s",
                [("group_prod_planning_user", "group_prod_planning_manager")],
            )
            groups = cr.fetchone()[0]
    finally:
        drop_database(db_name)
    assert modules == {
        "prod_planning": ("installed", False),
        "mrp": ("installed", False),
        "purchase_stock": ("installed", False),
    }
    assert demo_records == 0
    assert groups == 2
