"""Before 19.0.1.1.0 loads: the planning run's tables lose what is not needed
on its hot path; the pegging and projection rows are kept aside for post-migrate.py."""

from odoo.tools import SQL

# Indexes the models no longer declare, or declare as partial (IS NOT NULL):
# Odoo keeps an index it does not expect and would not make it partial.
OBSOLETE_INDEXES = (
    "prod_planning_order__run_id_index",
    "prod_planning_order__state_index",
    "prod_planning_order__company_id_index",
    "prod_planning_order__due_date_index",
    "prod_planning_order__vendor_id_index",
    "prod_planning_order__purchase_line_id_index",
    "prod_planning_order__production_id_index",
    "prod_planning_exception__kind_index",
    "prod_planning_exception__priority_index",
    "prod_planning_exception__company_id_index",
)


def migrate(cr, version):
    if not version:
        return
    for index in OBSOLETE_INDEXES:
        cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(index)))
    # Pegs and the projection become views over JSON columns (post-migrate.py
    # moves their rows there).
    for table, kept in (
        ("prod_planning_peg", "prod_planning_peg_rows"),
        ("prod_planning_projection", "prod_planning_projection_weekly_rows"),
    ):
        cr.execute("SELECT relkind FROM pg_class WHERE relname = %s", [table])
        row = cr.fetchone()
        if row and row[0] == "r":
            cr.execute(SQL("ALTER TABLE %s RENAME TO %s", SQL.identifier(table), SQL.identifier(kept)))
