"""Bulk inserts with PostgreSQL's COPY, streamed from Python iterators."""

import io

import psycopg2.extensions

from odoo.tools import SQL

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
