"""Bulk inserts with PostgreSQL's COPY, streamed from Python iterators."""

import io
from contextlib import contextmanager

import psycopg2.extensions

from odoo.exceptions import ValidationError
from odoo.tools import SQL
from odoo.tools.translate import _

# Characters sent to PostgreSQL per COPY chunk.
COPY_CHUNK = 1 << 18

# COPY's text format: backslash escapes for the characters it gives a meaning.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def escape_text(text):
    """``text`` as a value of a line in COPY's text format."""
    return text.translate(_COPY_ESCAPES)


def copy_line(row, tail):
    """One row in COPY's text format: None is NULL, text is escaped, numbers,
    booleans and ISO dates are written as ``str()`` writes them."""
    return (
        "\t".join(
            [
                "\\N" if value is None else value.translate(_COPY_ESCAPES) if value.__class__ is str else str(value)
                for value in row
            ]
        )
        + tail
    )


class LineReader(io.TextIOBase):
    """A read-only text file over an iterator of lines, for COPY FROM STDIN.

    COPY reads it chunk by chunk, so the lines are made while PostgreSQL
    inserts the previous chunk (Python and the server work at the same time).
    """

    def __init__(self, lines):
        super().__init__()
        self._lines = iter(lines)
        self._rest = ""

    def readable(self):
        return True

    def read(self, size=-1):  # pylint: disable=method-required-super
        # A file's read (TextIOBase's would only raise), not an Odoo model's.
        chunks = [self._rest]
        length = len(self._rest)
        for line in self._lines:
            chunks.append(line)
            length += len(line)
            if 0 <= size <= length:
                break
        data = "".join(chunks)
        if size < 0 or len(data) <= size:
            self._rest = ""
            return data
        self._rest = data[size:]
        return data[:size]


def copy_lines(cr, table, columns, lines):
    """COPY the text lines of the iterable ``lines`` (COPY's text format, see
    ``copy_line``) into ``columns`` of ``table``. Lines are made lazily while
    the server inserts the previous chunk (see ``LineReader``)."""
    query = SQL(
        "COPY %s (%s) FROM STDIN", SQL.identifier(table), SQL(", ").join(SQL.identifier(column) for column in columns)
    )
    reader = LineReader(lines)
    # As Odoo's own COPY (models.py): no asynchronous wait callback meanwhile.
    callback = psycopg2.extensions.get_wait_callback()
    psycopg2.extensions.set_wait_callback(None)
    try:
        cr.copy_expert(query.code, reader, size=COPY_CHUNK)
    finally:
        psycopg2.extensions.set_wait_callback(callback)


def copy_lines_checked_once(cr, table, columns, lines, first_id=None):
    """``copy_lines``, with the foreign keys of ``table`` checked once for all
    the rows instead of row by row, when the role may do so (see
    ``can_check_once``); else PostgreSQL checks each row, with the same result.

    A per-row check is an index lookup and a row lock for each foreign key of
    each row: most of the time of a large COPY. Here the rows are copied with
    the foreign-key triggers off (``session_replication_role`` set to
    ``replica`` for the COPY alone), then each foreign key is checked by one
    query over the distinct values copied, which takes the ``FOR KEY SHARE``
    locks the per-row checks take: a referenced row deleted meanwhile makes
    the check fail, one deleted afterwards waits for this transaction. The
    referenced tables' own triggers (ON DELETE actions) are not affected.

    ``first_id``: the smallest id the lines give, when they give ids (drawn
    from the table's sequence beforehand); else the rows take ids from the
    sequence during the COPY.
    """
    foreign_keys = _foreign_keys_checked_once(cr, table)
    start = None
    if foreign_keys is not None and (first_id is not None or "id" not in columns):
        # Our backend draws increasing ids: the rows copied now have greater ones.
        cr.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attname = 'id' AND NOT attisdropped",
            [table, table],
        )
        start = (cr.fetchone() or (None,))[0]
    if start is None:  # no id sequence, or ids given but not told: nothing would tell the rows copied
        copy_lines(cr, table, columns, lines)
        return
    if first_id is not None:
        start = min(start, first_id)
    # A refused check rolls the rows back, whatever the caller does with the error.
    with cr.savepoint(flush=False):
        with _row_triggers_off(cr):
            copy_lines(cr, table, columns, lines)
        check_foreign_keys(cr, table, foreign_keys, SQL("id >= %s", start))


def update_checked_once(cr, table, query, columns):
    """Run ``query``, an UPDATE of ``table`` setting ``columns`` (never ``id``)
    and ``RETURNING`` the id of each row it updates, with the foreign keys
    among ``columns`` checked once for all the rows, as
    ``copy_lines_checked_once`` does; else row by row."""
    foreign_keys = _foreign_keys_checked_once(cr, table)
    if foreign_keys is None:
        cr.execute(query)
        return
    with cr.savepoint(flush=False):
        with _row_triggers_off(cr):
            cr.execute(query)
            ids = [row[0] for row in cr.fetchall()]
        foreign_keys = [foreign_key for foreign_key in foreign_keys if foreign_key[0] in columns]
        if foreign_keys and ids:
            check_foreign_keys(cr, table, foreign_keys, SQL("id = ANY(%s)", ids))


@contextmanager
def _row_triggers_off(cr):
    """Inside: this session's statements fire no trigger but those enabled
    ``ALWAYS`` or ``REPLICA`` (``session_replication_role`` = ``replica``)."""
    cr.execute("SELECT current_setting('session_replication_role')")
    role = cr.fetchone()[0]
    cr.execute("SELECT set_config('session_replication_role', 'replica', true)")
    # On an error, the transaction (or savepoint) rolls back, and the setting with it.
    yield
    cr.execute("SELECT set_config('session_replication_role', %s, true)", [role])


def can_check_once(cr):
    """Whether this role may turn the per-row foreign-key triggers off for its
    own statements: a superuser, or (PostgreSQL 15 and newer) a role granted
    ``SET ON PARAMETER session_replication_role``."""
    if cr.connection.server_version >= 150000:
        cr.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
    else:
        cr.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    return bool(cr.fetchone()[0])


def _foreign_keys_checked_once(cr, table):
    """[(column, referenced table, referenced column, constraint)] of
    ``table``, when its foreign keys can be checked once per COPY; else None:
    the role may not (``can_check_once``), the table has no foreign key or
    triggers of its own (turned off with the foreign keys), it has
    multi-column or deferrable foreign keys, or the role may not lock a
    referenced table's rows (``FOR KEY SHARE`` needs ``UPDATE``; PostgreSQL's
    own check runs as the table's owner)."""
    cr.execute(
        """
        SELECT a.attname, c.confrelid::regclass::text, fa.attname, c.conname,
               cardinality(c.conkey) = 1 AND NOT c.condeferrable
               AND has_table_privilege(c.confrelid, 'UPDATE')
          FROM pg_constraint c
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
          JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
         WHERE c.conrelid = %s::regclass AND c.contype = 'f'
         ORDER BY c.conname
        """,
        [table],
    )
    rows = cr.fetchall()
    if not rows or not all(row[4] for row in rows):
        return None
    cr.execute("SELECT 1 FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal LIMIT 1", [table])
    if cr.fetchone() or not can_check_once(cr):
        return None
    return [row[:4] for row in rows]


def check_foreign_keys(cr, table, foreign_keys, where):
    """Check the ``foreign_keys`` (see ``_foreign_keys_checked_once``) of the
    rows of ``table`` that match the SQL condition ``where``: one scan of them, then
    one query per foreign key, locking the referenced rows ``FOR KEY SHARE``
    as PostgreSQL's per-row check does. Raise a ValidationError naming the
    constraint and the missing ids."""
    cr.execute(
        SQL(
            "SELECT %s FROM %s WHERE %s",
            SQL(", ").join(SQL("array_agg(DISTINCT %s)", SQL.identifier(column)) for column, *_ in foreign_keys),
            SQL.identifier(table),
            where,
        )
    )
    for (column, referenced, referenced_column, constraint), values in zip(foreign_keys, cr.fetchone(), strict=True):
        wanted = {value for value in values or () if value is not None}
        if not wanted:
            continue
        cr.execute(
            SQL(
                "SELECT %s FROM %s WHERE %s = ANY(%s) FOR KEY SHARE",
                SQL.identifier(referenced_column),
                SQL(referenced),  # regclass text: already quoted where needed
                SQL.identifier(referenced_column),
                sorted(wanted),
            )
        )
        missing = sorted(wanted - {row[0] for row in cr.fetchall()})
        if missing:
            raise ValidationError(
                _(
                    "%(table)s.%(column)s refers to %(referenced)s rows that do not exist "
                    "(ids %(ids)s; constraint %(constraint)s): nothing was written.",
                    table=table,
                    column=column,
                    referenced=referenced,
                    ids=", ".join(map(str, missing[:10])) + (", ..." if len(missing) > 10 else ""),
                    constraint=constraint,
                )
            )
