# Shared by scripts/demo and scripts/test: prerequisites, addons path, database helpers.
# shellcheck shell=bash
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=${PYTHON:-python3}

die() {
    echo "error: $*" >&2
    exit 2
}

require_odoo() {
    local found
    found=$("$PYTHON" -c 'import odoo.release as r; print(r.version)' 2>/dev/null) \
        || die "Odoo 19.0 is not importable by $PYTHON: install Odoo 19.0 Community so that '$PYTHON -c \"import odoo\"' works (README, Requirements)."
    case "$found" in
        19.0*) ;;
        *) die "$PYTHON imports Odoo $found, but prod_planning needs Odoo 19.0 Community." ;;
    esac
}

require_postgres() {
    "$PYTHON" "$REPO_ROOT/scripts/dbtool.py" ping \
        || die "PostgreSQL is not reachable as ${PGUSER:-$(id -un)}@${PGHOST:-local socket}:${PGPORT:-5432}: start it, or set PGHOST/PGPORT/PGUSER/PGPASSWORD."
}

# Odoo's own addons (odoo/addons and the source tree's addons/) plus this repository.
addons_path() {
    "$PYTHON" - "$REPO_ROOT" <<'PY'
import os
import sys

import odoo.release

# Odoo 19's odoo is a namespace package (no __init__.py, odoo.__file__ is None).
base = os.path.dirname(odoo.release.__file__)
paths = [os.path.join(base, "addons"), os.path.join(os.path.dirname(base), "addons")]
paths = [p for p in paths if os.path.isdir(os.path.join(p, "mrp"))] + [sys.argv[1]]
print(",".join(paths))
PY
}

# The addons to install: prod_planning, its sales glue (prod_planning_sale:
# sale_stock is in Odoo Community), and its timeline glue
# (prod_planning_timeline) when OCA's web_timeline is importable
# (requirements-addons.txt).
planning_modules() {
    if "$PYTHON" -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("odoo.addons.web_timeline") is None)' 2>/dev/null; then
        echo "prod_planning,prod_planning_sale,prod_planning_timeline"
    else
        echo "prod_planning,prod_planning_sale"
    fi
}

# Odoo options for the database connection, taken from the usual PG* variables.
db_options() {
    local opts=()
    [ -n "${PGHOST:-}" ] && opts+=("--db_host=$PGHOST")
    [ -n "${PGPORT:-}" ] && opts+=("--db_port=$PGPORT")
    [ -n "${PGUSER:-}" ] && opts+=("--db_user=$PGUSER")
    [ -n "${PGPASSWORD:-}" ] && opts+=("--db_password=$PGPASSWORD")
    echo "${opts[@]}"
}

free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
