"""``scripts/test``: which database it uses and whether it drops it.

Plain pytest tests of the script's ``--dry-run`` (it prints its plan and the
Odoo and pytest commands, and does nothing): only the default database
``prod_planning_test`` is dropped unasked; a database named by ``--db`` or
``PROD_PLANNING_TEST_DB`` is reused (prod_planning updated with ``-u``) unless
``--recreate`` is given. No registry is opened: they run with any
``--odoo-database``.
"""

import os
import subprocess
import uuid
from pathlib import Path

import pytest

if __package__:
    from . import engine_loader
else:  # pragma: no cover - run as a script
    import engine_loader

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "test"

# pytest-odoo opens no registry for these tests.
load_registry, load_http = engine_loader.without_registry()


@pytest.fixture
def existing_db(request):
    """A database that exists and is not the default one: the suite's own,
    else PostgreSQL's ``template1`` (only named in a dry run, never touched)."""
    name = request.config.getoption("--odoo-database", default=None)
    return name if name and name != "prod_planning_test" else "template1"


@pytest.fixture
def missing_db():
    return f"prod_planning_no_such_db_{uuid.uuid4().hex[:8]}"


def run(*args, env_db=None):
    env = {key: value for key, value in os.environ.items() if key != "PROD_PLANNING_TEST_DB"}
    if env_db:
        env["PROD_PLANNING_TEST_DB"] = env_db
    result = subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=120, check=False)
    return result


def plan(*args, env_db=None):
    """``{key: value}`` of the dry run's lines (database, plan, odoo, pytest)."""
    result = run("--dry-run", *args, env_db=env_db)
    assert result.returncode == 0, result.stderr
    return dict(line.split(": ", 1) for line in result.stdout.splitlines() if ": " in line)


def test_default_database_is_recreated():
    lines = plan()
    assert lines["database"] == "prod_planning_test"
    assert lines["plan"].startswith("drop and recreate")
    assert "-d prod_planning_test -i prod_planning" in lines["odoo"]
    assert "--odoo-database=prod_planning_test" in lines["pytest"]


def test_named_existing_database_is_updated_not_dropped(existing_db):
    lines = plan("--db", existing_db, "-k", "xmlrpc", "-x")
    assert lines["database"] == existing_db
    assert lines["plan"].startswith("keep the existing database")
    assert f"-d {existing_db} -i prod_planning" in lines["odoo"]
    assert " -u prod_planning" in lines["odoo"]
    assert f"--odoo-database={existing_db} " in lines["pytest"]
    assert lines["pytest"].endswith(" -k xmlrpc -x"), "other arguments go to pytest"


def test_environment_variable_names_the_database(existing_db):
    lines = plan(env_db=existing_db)
    assert lines["database"] == existing_db
    assert lines["plan"].startswith("keep the existing database")


def test_db_option_wins_over_environment_variable(existing_db, missing_db):
    lines = plan(f"--db={existing_db}", env_db=missing_db)
    assert lines["database"] == existing_db


def test_recreate_drops_a_named_database(existing_db):
    lines = plan("--db", existing_db, "--recreate")
    assert lines["plan"].startswith("drop and recreate")
    assert "-u prod_planning" not in lines["odoo"]


def test_named_missing_database_is_created(missing_db):
    lines = plan("--db", missing_db)
    assert lines["plan"].startswith("create")
    assert f"-d {missing_db} -i prod_planning" in lines["odoo"]


def test_db_without_name_is_refused():
    result = run("--dry-run", "--db")
    assert result.returncode == 2
    assert "--db needs a database name" in result.stderr
