"""Rows of a queryset streamed out as CSV or JSON lines, memory flat.

The rows are read with ``COPY (SELECT ...) TO STDOUT`` (psycopg 3's copy):
PostgreSQL sends them as the query produces them and the socket's back
pressure holds it when the client reads slowly, so neither side buffers
the result. The COPY runs inside one transaction that ends with the
stream: no cursor outlives its transaction, so the export works behind a
pooler in transaction mode (PgBouncer ``pool_mode = transaction``), where a
WITH HOLD cursor or a named cursor across transactions would not.

The file is written in chunks of about CHUNK_BYTES; the header goes out
before the query runs, so the first bytes never wait for PostgreSQL.

For a table whose only masks are jsonb ones (mask_json), PostgreSQL writes
the file's lines itself, CSV by ``COPY ... (FORMAT csv)`` and a JSON line by
json_line_sql, and they are passed through a row at a time: parsing each
row into Python values and writing it again cost three quarters of a
million-row export. A row whose jsonb may hold a secret-named key
(columns.SECRET_KEY_HINT, tested by PostgreSQL: hint_sql) comes as its
values instead, and is masked and written in Python, as every row of the
other tables is.
"""

import csv
import io
import json

from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import TextField
from django.db.models.expressions import RawSQL

from aria_admin.export.columns import JSON, LITERAL, SECRET_KEY_PATTERN, SECRET_WORDS, mask_json

CHUNK_BYTES = 64 * 1024
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl; charset=utf-8"}
# Values PostgreSQL prints for floats that JSON has no literal for.
NOT_JSON_NUMBERS = {"NaN", "Infinity", "-Infinity"}


ALIAS = "aria_export_"


def select_sql(queryset, columns):
    """The SQL and parameters of ``queryset`` (filters, search, ordering
    kept) selecting each column's text."""
    exprs = [c.sql for c in columns]
    names = [f"{ALIAS}{i}" for i in range(len(exprs))]
    queryset = queryset.annotate(
        **{name: RawSQL(expr, (), output_field=TextField()) for name, expr in zip(names, exprs)}
    ).values_list(*names)
    return queryset.query.get_compiler(using=queryset.db).as_sql()


def copy_rows(using, sql, params):
    """Each row of ``sql`` as a tuple of text (or None), in one transaction."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT", params) as copy:
            yield from copy.rows()


def shown_rows(rows, columns):
    """The rows with every mask applied (values stay text)."""
    masked = [(i, c.mask) for i, c in enumerate(columns) if c.mask]
    if not masked:
        yield from rows
        return
    for row in rows:
        shown = list(row)
        for i, mask in masked:
            shown[i] = mask(row[i], row)
        yield shown


def json_value(value, kind):
    if value is None:
        return "null"
    if kind == JSON or (kind == LITERAL and value not in NOT_JSON_NUMBERS):
        return value
    return json.dumps(value, ensure_ascii=False)


# PostgreSQL's COPY ends CSV lines with a bare newline; so does every line
# written here, so that a file has one line ending.
LINE_END = "\n"
class CsvWriter:
    def __init__(self, columns):
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator=LINE_END)
        self.writer.writerow([c.header for c in columns])

    def write(self, rows):
        self.writer.writerows(rows)

    def size(self):
        return self.buffer.tell()

    def take(self):
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text.encode()


class JsonLinesWriter:
    def __init__(self, columns):
        self.keys = [json.dumps(c.header) + ": " for c in columns]
        self.kinds = [c.kind for c in columns]
        self.lines = []
        self.chars = 0

    def write(self, rows):
        keys, kinds = self.keys, self.kinds
        for row in rows:
            line = "{" + ", ".join(k + json_value(v, t) for k, v, t in zip(keys, row, kinds)) + "}\n"
            self.lines.append(line)
            self.chars += len(line)

    def size(self):
        return self.chars

    def take(self):
        text = "".join(self.lines)
        self.lines.clear()
        self.chars = 0
        return text.encode()


WRITERS = {"csv": CsvWriter, "jsonl": JsonLinesWriter}
BATCH_ROWS = 500


def batches(rows, size=BATCH_ROWS):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def passes_through(columns):
    """Whether PostgreSQL may write the file's lines (see the module docstring)."""
    return all(c.mask in (None, mask_json) for c in columns)


def sql_text(text):
    """``text`` as an SQL string literal (% doubled: psycopg binds the parameters)."""
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"


def hint_sql(columns, refs):
    """Whether a masked (jsonb) column's text (``refs``: each column's text
    as SQL) holds a secret-named key (columns.SECRET_KEY_PATTERN), as SQL, or
    None when nothing is masked. PostgreSQL tests it while it reads the row,
    in its own process (a Python test of every row's bytes took a third of
    the export's time); the LIKEs first, as the regular expression alone
    costs twice as much."""
    likes = ", ".join([*(sql_text(f"%{word}%") for word in SECRET_WORDS), sql_text('%token": %')])
    pattern = sql_text(SECRET_KEY_PATTERN)
    tests = [
        f"(lower({ref}) LIKE ANY (ARRAY[{likes}]) AND lower({ref}) ~ {pattern})"
        for column, ref in zip(columns, refs) if column.mask
    ]
    return " OR ".join(tests) or None


def json_line_sql(columns, refs):
    """SQL of the JSON line JsonLinesWriter writes for a row, byte for byte
    (PostgreSQL's to_json escapes a string as json.dumps does)."""
    parts = []
    for i, (column, ref) in enumerate(zip(columns, refs)):
        key = ("{" if i == 0 else ", ") + json.dumps(column.header) + ": "
        parts += [sql_text(key), column.json_sql(ref)]
    return " || ".join([*parts, "'}'"])


# A JSON line leaves COPY's CSV format untouched when no byte of it is special:
# JSON text holds no raw control character, so these two never occur.
JSON_LINES_COPY = "FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02'"


def postgres_sql(queryset, columns, fmt):
    """The query whose rows PostgreSQL writes as the file's lines, and
    COPY's options. Where anything is masked, a row that may hold a secret
    (hint_sql) is marked: in CSV, a first column t (else f); in JSON lines,
    the row's values as a JSON array instead of its line. The list's query, in a
    subquery, reads each value's text once; its ORDER BY keeps the rows'
    order (PostgreSQL leaves a sorted subquery as it is)."""
    sql, params = select_sql(queryset, columns)
    refs = [f'rows."{ALIAS}{i}"' for i in range(len(columns))]
    hint = hint_sql(columns, refs)
    if fmt == "csv":
        if hint is None:
            return sql, params, "FORMAT csv"
        line = f"CASE WHEN {hint} THEN 't' ELSE 'f' END, {', '.join(refs)}"
        return f"SELECT {line} FROM ({sql}) rows", params, "FORMAT csv"
    line = json_line_sql(columns, refs)
    if hint is not None:
        line = f"CASE WHEN {hint} THEN to_json(ARRAY[{', '.join(refs)}]::text[])::text ELSE {line} END"
    return f"SELECT {line} FROM ({sql}) rows", params, JSON_LINES_COPY


def copy_lines(using, sql, params, options):
    """Each row of ``sql`` as PostgreSQL wrote it (one row a buffer), in one transaction."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT ({options})", params) as copy:
            for data in copy:
                yield bytes(data)


def checked_lines(lines, columns, fmt):
    """(bytes, 1) per line: as PostgreSQL wrote it, or masked and written
    again where postgres_sql marked the row (CSV: t before it, else f;
    JSON lines: its values as an array, [..., else the line, {...)."""
    if not any(c.mask for c in columns):
        for data in lines:
            yield data, 1
        return
    masked = [(i, c.mask) for i, c in enumerate(columns) if c.mask]
    writer = WRITERS[fmt](columns)
    writer.take()  # the header went out already
    for data in lines:
        if fmt == "jsonl":
            if data[0] == 0x7B:  # {
                yield data, 1
                continue
            row = json.loads(data)
        else:
            if data[0] == 0x66:  # f
                yield data[2:], 1
                continue
            (row,) = csv.reader(io.StringIO(data[2:].decode(), newline=""))
            row = [value or None for value in row]  # only masked (jsonb) values are read: never ''
        for i, mask in masked:
            row[i] = mask(row[i], row)
        writer.write([row])
        yield writer.take(), 1


def written_batches(rows, columns, fmt):
    """(bytes, rows) per BATCH_ROWS rows, written by Python."""
    writer = WRITERS[fmt](columns)
    writer.take()  # the header went out already
    for batch in batches(rows):
        writer.write(batch)
        yield writer.take(), len(batch)


def file_rows(queryset, columns, fmt, postgres_writes=None):
    """The COPY's rows, and the file's rows made of them as (bytes, rows) pieces."""
    if postgres_writes is None:
        postgres_writes = passes_through(columns)
    if postgres_writes:
        sql, params, options = postgres_sql(queryset, columns, fmt)
        rows = copy_lines(queryset.db, sql, params, options)
        return rows, checked_lines(rows, columns, fmt)
    sql, params = select_sql(queryset, columns)
    rows = copy_rows(queryset.db, sql, params)
    return rows, written_batches(shown_rows(rows, columns), columns, fmt)


def stream(queryset, columns, fmt, *, on_end, postgres_writes=None):
    """The file's bytes, chunk by chunk; ``on_end(rows, complete)`` runs
    once the stream ends, also when the client went away midway."""
    count = 0
    complete = False
    rows = None
    try:
        yield WRITERS[fmt](columns).take()  # the header, before the query runs
        try:
            rows, pieces = file_rows(queryset, columns, fmt, postgres_writes)
        except EmptyResultSet:  # the list's filters match nothing (e.g. an empty __in)
            pieces = ()
        chunk, size = [], 0
        for data, n in pieces:
            chunk.append(data)
            size += len(data)
            count += n
            if count == n or size >= CHUNK_BYTES:  # the first rows at once
                yield b"".join(chunk)
                chunk, size = [], 0
        if chunk:
            yield b"".join(chunk)
        complete = True
    finally:
        if rows is not None:
            rows.close()  # ends the COPY and its transaction before on_end writes
        on_end(count, complete)
