from psycopg2 import errors

from odoo import sql_db
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..services.pg_copy import can_check_once, copy_line, copy_lines_checked_once, update_checked_once
from .common import ProdPlanningCase

TABLE = "prod_planning_projection_series"
COLUMNS = ("product_id", "warehouse_id", "company_id", "first_week", "weeks")
WEEK = "2030-01-07"
NO_PRODUCT = 2**31 - 7


class TestCopyCheckedOnce(ProdPlanningCase):
    """COPY with the foreign keys checked once per batch, or row by row when
    the role may not turn the per-row checks off: the same rows or the same
    refusal either way."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls._create_product("Copied Part")
        cls.other_product = cls._create_product("Other Copied Part")

    def _copy(self, *product_ids):
        lines = [copy_line((pid, self.warehouse.id, self.company.id, WEEK, "[]"), "\n") for pid in product_ids]
        copy_lines_checked_once(self.env.cr, TABLE, COLUMNS, lines)

    def _copied(self):
        self.env.cr.execute(f"SELECT product_id FROM {TABLE} WHERE first_week = %s ORDER BY id", [WEEK])  # noqa: S608
        return [row[0] for row in self.env.cr.fetchall()]

    def _as_role(self, granted):
        """Work as a new role that is no superuser, granted ``SET`` on
        ``session_replication_role`` or not (rolled back with the test)."""
        cr = self.env.cr
        if cr.connection.server_version < 150000:
            self.skipTest("GRANT SET ON PARAMETER needs PostgreSQL 15")
        role = f"prod_planning_copy_{cr.connection.get_backend_pid()}"
        cr.execute(f"CREATE ROLE {role}")
        cr.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}")
        cr.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}")
        if granted:
            cr.execute(f"GRANT SET ON PARAMETER session_replication_role TO {role}")
        cr.execute(f"SET LOCAL ROLE {role}")
        self.addCleanup(cr.execute, "RESET ROLE")

    def _replication_role(self):
        self.env.cr.execute("SELECT current_setting('session_replication_role')")
        return self.env.cr.fetchone()[0]

    def test_granted_role_checks_once_and_turns_the_triggers_back_on(self):
        self._as_role(granted=True)
        self.assertTrue(can_check_once(self.env.cr))
        self._copy(self.product.id, self.other_product.id, self.product.id)
        self.assertEqual(self._copied(), [self.product.id, self.other_product.id, self.product.id])
        self.assertEqual(self._replication_role(), "origin")

    def test_missing_reference_is_refused_and_nothing_is_written(self):
        self._as_role(granted=True)
        self._copy(self.other_product.id)
        # No savepoint of the test's: the check's own rolls the COPY back.
        with self.assertRaisesRegex(
            ValidationError,
            rf"{TABLE}\.product_id refers to product_product rows that do not exist "
            rf"\(ids {NO_PRODUCT}; constraint {TABLE}_product_id_fkey\)",
        ):
            self._copy(self.product.id, NO_PRODUCT)
        self.assertEqual(self._copied(), [self.other_product.id])
        self.assertEqual(self._replication_role(), "origin")

    def test_copy_of_given_ids_checks_them(self):
        self._as_role(granted=True)
        self.env.cr.execute(f"SELECT nextval(pg_get_serial_sequence('{TABLE}', 'id')) FROM generate_series(1, 2)")
        first, second = sorted(row[0] for row in self.env.cr.fetchall())
        columns = ("id", *COLUMNS)

        def copy(*rows):
            lines = [copy_line((i, pid, self.warehouse.id, self.company.id, WEEK, "[]"), "\n") for i, pid in rows]
            copy_lines_checked_once(self.env.cr, TABLE, columns, lines, first_id=rows[0][0])

        with self.assertRaisesRegex(ValidationError, rf"ids {NO_PRODUCT}; constraint {TABLE}_product_id_fkey"):
            copy((first, NO_PRODUCT))
        copy((second, self.product.id))
        self.assertEqual(self._copied(), [self.product.id])

    def test_update_checks_the_columns_it_sets_once(self):
        self._as_role(granted=True)
        self._copy(self.product.id, self.product.id)
        self.env.cr.execute(f"SELECT array_agg(id) FROM {TABLE} WHERE first_week = %s", [WEEK])  # noqa: S608
        ids = self.env.cr.fetchone()[0]

        def set_product(product_id):
            query = SQL(f"UPDATE {TABLE} SET product_id = %s WHERE id = ANY(%s) RETURNING id", product_id, ids)  # noqa: S608
            update_checked_once(self.env.cr, TABLE, query, ("product_id",))

        set_product(self.other_product.id)
        self.assertEqual(self._copied(), [self.other_product.id] * 2)
        with self.assertRaisesRegex(ValidationError, rf"ids {NO_PRODUCT}; constraint {TABLE}_product_id_fkey"):
            set_product(NO_PRODUCT)
        self.assertEqual(self._copied(), [self.other_product.id] * 2)
        self.assertEqual(self._replication_role(), "origin")

    def test_role_without_the_grant_is_checked_row_by_row(self):
        self._as_role(granted=False)
        self.assertFalse(can_check_once(self.env.cr))
        self._copy(self.product.id)
        self.assertEqual(self._copied(), [self.product.id])
        with self.assertRaisesRollback(errors.ForeignKeyViolation, f"{TABLE}_product_id_fkey"):
            self._copy(NO_PRODUCT)
        self.assertEqual(self._copied(), [self.product.id])

    def test_table_with_a_trigger_of_its_own_is_checked_row_by_row(self):
        # Turning the foreign keys off would turn this trigger off too.
        cr = self.env.cr
        cr.execute(
            "CREATE FUNCTION pg_temp.prod_planning_noop() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'"
        )
        cr.execute(
            f"CREATE TRIGGER prod_planning_noop BEFORE INSERT ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION pg_temp.prod_planning_noop()"
        )
        self._as_role(granted=True)
        with self.assertRaisesRollback(errors.ForeignKeyViolation, f"{TABLE}_product_id_fkey"):
            self._copy(NO_PRODUCT)

    def test_referenced_rows_stay_locked_until_the_transaction_ends(self):
        self._as_role(granted=True)
        lock = "SELECT id FROM stock_warehouse WHERE id = %s FOR UPDATE NOWAIT"
        with sql_db.db_connect(self.env.cr.dbname).cursor() as other:
            other.execute(lock, [self.warehouse.id])  # not locked before the COPY
            other.rollback()
            self._copy(self.product.id)
            # Another connection may not delete the warehouse the rows refer to.
            with self.assertRaises(errors.LockNotAvailable):
                other.execute(lock, [self.warehouse.id])
            other.rollback()
