"""Read and compare the PostgreSQL catalog of Aria's two schemas.

The schema parity tests and ``manage.py aria_bootstrap`` both use this: a
database our migrations built and one Aria built must read the same, apart
from the equivalences listed in ACCEPTED_EQUIVALENCES.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from aria_admin.aria_tables import ARIA_SCHEMAS

# Our own indexes on Aria's tables (the admin's search) carry this prefix:
# present or not, they are never a difference (aria_admin.search_indexes).
OUR_INDEX_PREFIX = "aria_admin_"

# The only differences that are not differences. Each maps both spellings to
# one normal form before comparing.
ACCEPTED_EQUIVALENCES = [
    "serial integer keys (nextval of an owned sequence) == identity columns",
    "uuid_generate_v4() (uuid-ossp, or Aria's stand-in function) == gen_random_uuid()",
    "now() == statement_timestamp() == transaction_timestamp() == CURRENT_TIMESTAMP",
]
_UUID_DEFAULTS = re.compile(r"^(public\.)?(uuid_generate_v4|gen_random_uuid)\(\)$")
_NOW_DEFAULTS = re.compile(
    r"^(now\(\)|statement_timestamp\(\)|transaction_timestamp\(\)|CURRENT_TIMESTAMP)$",
    re.IGNORECASE,
)
_SERIAL_DEFAULT = re.compile(r"^nextval\('[\w.\"]+'::regclass\)$")


@dataclass
class Catalog:
    tables: set = field(default_factory=set)
    columns: dict = field(default_factory=dict)  # (table, column) -> (type, notnull, default)
    constraints: dict = field(default_factory=dict)  # (table, name) -> (kind, definition)
    indexes: dict = field(default_factory=dict)  # (table, name) -> definition


def normalise_default(default, identity):
    if identity in ("a", "d") or (default and _SERIAL_DEFAULT.match(default)):
        return "<autoincrement>"
    if default is None:
        return None
    if _UUID_DEFAULTS.match(default):
        return "<random uuid>"
    if _NOW_DEFAULTS.match(default):
        return "<current timestamp>"
    return default


def read_catalog(cursor, schemas=ARIA_SCHEMAS):
    """Read tables, columns, keys and indexes with any DB-API cursor."""
    cursor.execute("SET search_path TO public")
    catalog = Catalog()
    cursor.execute(
        """
        SELECT n.nspname || '.' || c.relname, a.attname,
               format_type(a.atttypid, a.atttypmod), a.attnotnull,
               pg_get_expr(d.adbin, d.adrelid), a.attidentity
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p')
          AND a.attnum > 0 AND NOT a.attisdropped
        """,
        [list(schemas)],
    )
    for table, column, type_, notnull, default, identity in cursor.fetchall():
        catalog.tables.add(table)
        catalog.columns[(table, column)] = (
            type_,
            notnull,
            normalise_default(default, identity),
        )
    cursor.execute(
        """
        SELECT n.nspname || '.' || c.relname, co.conname, co.contype,
               pg_get_constraintdef(co.oid), co.condeferrable, co.condeferred
        FROM pg_constraint co
        JOIN pg_class c ON c.oid = co.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY(%s) AND co.contype IN ('p', 'u', 'f', 'c', 'x')
        """,
        [list(schemas)],
    )
    kinds = {"p": "primary key", "u": "unique", "f": "foreign key", "c": "check", "x": "exclusion"}
    for table, name, kind, definition, deferrable, deferred in cursor.fetchall():
        if deferrable:
            definition += " DEFERRABLE" + (" INITIALLY DEFERRED" if deferred else "")
        catalog.constraints[(table, name)] = (kinds[kind], definition)
    cursor.execute(
        """
        SELECT n.nspname || '.' || t.relname, i.relname, pg_get_indexdef(i.oid)
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = ANY(%s)
        """,
        [list(schemas)],
    )
    for table, name, definition in cursor.fetchall():
        if not name.startswith(OUR_INDEX_PREFIX):
            catalog.indexes[(table, name)] = definition
    return catalog


def _index_body(definition):
    """An index definition without its name: two names, one body = duplicate."""
    return re.sub(r"^CREATE (UNIQUE )?INDEX \S+ ON ", r"CREATE \1INDEX ON ", definition)


@dataclass(frozen=True)
class Difference:
    """One difference between the expected catalog and the live one.

    ``drift`` is True when the dashboard or Aria would break on it (see
    ``classify``); ``missing`` names the piece the live catalog lacks, as
    ("table", table), ("column", table, column), ("constraint", table, name)
    or ("index", table, name), so that an upgrade can add exactly it.
    """

    line: str
    drift: bool
    missing: tuple = None


def differences(expected, actual):
    """Every difference from ``expected`` (the contract) to ``actual``.

    Keys and indexes are compared only when ``expected`` lists some: a
    catalog holding only tables and columns (built from the models) checks
    just those.
    """
    found = []
    for table in sorted(expected.tables - actual.tables):
        found.append(Difference(f"missing table {table}", True, ("table", table)))
    for table in sorted(actual.tables - expected.tables):
        found.append(Difference(f"extra table {table}", False))
    common = expected.tables & actual.tables
    found += _column_differences(expected.columns, actual.columns, common)
    if expected.constraints:
        found += _named_differences(
            expected.constraints, actual.constraints, "constraint", common,
            is_key=lambda value: True,
        )
    if expected.indexes:
        found += _named_differences(
            expected.indexes, actual.indexes, "index", common,
            is_key=lambda definition: definition.startswith("CREATE UNIQUE"),
        )
        want_bodies = Counter(_index_body(d) for d in expected.indexes.values())
        have_bodies = Counter(_index_body(d) for d in actual.indexes.values())
        for body, count in sorted(have_bodies.items()):
            if count > 1 and count > want_bodies.get(body, 0):
                found.append(Difference(f"index body present {count} times: {body}", False))
    return found


def compare(expected, actual):
    """Differences from ``expected`` (the contract) to ``actual``, one line each."""
    return [difference.line for difference in differences(expected, actual)]


def classify(expected, actual):
    """Split the differences into (drift, warnings), two lists of lines.

    The one rule for what a warehouse may differ in. Drift is what breaks
    the dashboard or Aria's writes: a missing table or column, a column of
    another type or nullability, a NOT NULL column without a default (ours
    that lost it, or one we do not know, which our inserts would omit), a
    missing or changed key (primary, unique, foreign, check, or unique
    index). Warnings are what a later Aria may add and our ORM never names
    (a table, a nullable or defaulted column, an index, a constraint), plus
    other default changes and missing or redundant plain indexes, which
    cost speed but not correctness.
    """
    found = differences(expected, actual)
    return (
        [d.line for d in found if d.drift],
        [d.line for d in found if not d.drift],
    )


def _column_differences(expected, actual, tables):
    found = []
    labels = ("type", "nullability", "default")
    for key in sorted(expected):
        table, column = key
        if table not in tables:
            continue
        if key not in actual:
            found.append(
                Difference(f"missing column {table}.{column}", True, ("column", table, column))
            )
            continue
        want, have = expected[key], actual[key]
        for label, w, h in zip(labels, want, have):
            if w == h:
                continue
            # A lost default breaks only inserts that omit a NOT NULL column.
            drift = label != "default" or (h is None and have[1])
            if label == "nullability":
                w, h = ("NOT NULL" if w else "NULL"), ("NOT NULL" if h else "NULL")
            found.append(Difference(f"column {table}.{column}: {label} is {h}, expected {w}", drift))
    for key in sorted(set(actual) - set(expected)):
        if key[0] in tables:
            _, notnull, default = actual[key]
            if notnull and default is None:
                line = (
                    f"extra column {key[0]}.{key[1]} is NOT NULL without a default: "
                    "inserts that do not name it fail"
                )
                found.append(Difference(line, True))
            else:
                found.append(Difference(f"extra column {key[0]}.{key[1]}", False))
    return found


def _named_differences(expected, actual, what, tables, is_key):
    found = []
    for key in sorted(expected):
        if key[0] not in tables:
            continue
        if key not in actual:
            found.append(
                Difference(
                    f"missing {what} {key[1]} on {key[0]}: {_show(expected[key])}",
                    is_key(expected[key]),
                    (what, key[0], key[1]),
                )
            )
        elif expected[key] != actual[key]:
            found.append(
                Difference(
                    f"{what} {key[1]} on {key[0]} is {_show(actual[key])}, "
                    f"expected {_show(expected[key])}",
                    is_key(expected[key]) or is_key(actual[key]),
                )
            )
    for key in sorted(set(actual) - set(expected)):
        if key[0] in tables:
            found.append(Difference(f"extra {what} {key[1]} on {key[0]}: {_show(actual[key])}", False))
    return found


def _show(value):
    return " ".join(value) if isinstance(value, tuple) else value

