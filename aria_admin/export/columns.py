"""What an export writes for each column of a table: SQL that reads it as
text, and what Python still has to do to it.

Every value leaves PostgreSQL already as the text the file holds (the
formatting is done where the data is, in C): times as ISO 8601 UTC,
booleans as true/false, jsonb and arrays as JSON text, embeddings as two
columns, dimension and norm, never their floats. Python touches a value
only to mask a secret, with the one rule of aria_admin.secrets:

- a secret-named column (``litellm_api_key``) and the value column of a
  row whose name column names a secret (NAMED_SECRETS) are masked whole;
- a jsonb value is parsed and masked only when its text holds a key with
  a word of SECRET_WORDS, which every secret name contains
  (SECRET_KEY_HINT): JSON without one leaves as PostgreSQL printed it. (A jsonpath asking the same in SQL
  doubled the time of a million-row export; a regex search here costs
  about a microsecond a row.)
"""

import json
import re
from dataclasses import dataclass
from datetime import UTC
from typing import Callable

from django.contrib.postgres.fields import ArrayField
from django.db import models

from aria_admin.fields import EmbeddingField
from aria_admin.secrets import NAMED_SECRETS, is_secret_name, mask_secrets

# Every word of secrets.SECRET_KEYS contains one of these (in the lower-cased
# name, as secrets.snake_case reads it; "token" only as the name's end).
SECRET_WORDS = ("key", "secret", "passw", "passphrase", "credential", "authoriz")
# JSON text holds a secret-named key only where such a word is followed,
# inside the same string (no unescaped quote between), by the string's end
# and ': ', which in jsonb's text (and json.dumps') ends a key and never a
# value: JSON without a match needs no parsing. A word in a value ("key
# findings") or Aria's counts ("tokens": 257) do not match. As PostgreSQL's
# regular expression (its engine reads the text once):
_WORDS = "|".join(SECRET_WORDS)
SECRET_KEY_PATTERN = f'({_WORDS})([^"\\\\]|\\\\.)*": |token": '
# The same rule for Python's backtracking engine, which took quadratic time
# on the pattern above ("keykey..." of 90 KB: 100 s): each string is read
# from its opening quote to the first word, atomically, then to its end.
SECRET_KEY_HINT = re.compile(f'"(?>(?:[^"\\\\]|\\\\.)*?(?:{_WORDS}))(?:[^"\\\\]|\\\\.)*+": |token": ')
ISO_UTC = 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'

# How a value is written into a JSON line: as a string, as it is (numbers,
# true/false) or as the JSON text it already is.
TEXT, LITERAL, JSON = "text", "literal", "json"


def iso_utc(moment):
    """A time as ISO_UTC writes it (what an import compares with the file)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class Column:
    header: str
    sql: str
    kind: str = TEXT
    # (value, row) -> value shown; ``row`` is the tuple of the table's values.
    mask: Callable | None = None

    def json_sql(self, text):
        """SQL of the value's JSON text, 'null' for NULL, from ``text`` (SQL
        of the value's text): what stream.json_value makes of it."""
        if self.kind == JSON:
            value = text
        elif self.kind == TEXT:
            value = f"to_json({text})::text"
        else:  # a number's text (or true/false), quoted where JSON has no literal for it
            value = f"CASE WHEN {text} IN ('NaN', 'Infinity', '-Infinity') THEN to_json({text})::text ELSE {text} END"
        return f"coalesce({value}, 'null')"


def quoted(connection, field):
    return connection.ops.quote_name(field.column)


def embedding_columns(field, col, vector):
    """Dimension and norm, the same numbers the list's summary shows."""
    if vector:
        dims, norm = f"vector_dims({col})", f"vector_norm({col})"
    else:
        array = f"CASE WHEN jsonb_typeof({col}) = 'array' THEN {col} ELSE '[]'::jsonb END"
        dims = f"CASE WHEN jsonb_typeof({col}) = 'array' THEN jsonb_array_length({col}) END"
        norm = (
            f"(SELECT sqrt(sum((x #>> '{{}}')::float8 ^ 2)) FROM jsonb_array_elements({array}) x "
            "WHERE jsonb_typeof(x) = 'number')"
        )
    return [
        Column(f"{field.column}_dims", f"({dims})::text", LITERAL),
        Column(f"{field.column}_norm", f"({norm})::text", LITERAL),
    ]


def mask_whole(value, row):
    return mask_secrets(value, secret=True)


def mask_json(value, row):
    """JSON text with its secret-named keys masked (parsed only if it may hold one)."""
    if value is None or not SECRET_KEY_HINT.search(value.lower()):
        return value
    return json.dumps(mask_secrets(json.loads(value)), ensure_ascii=False)


def named_secret_mask(name_index):
    """The (jsonb) value column of NAMED_SECRETS tables: masked whole when
    the row's name is secret, else its secret-named keys as any jsonb."""

    def mask(value, row):
        if value is not None and is_secret_name(row[name_index]):
            return json.dumps(mask_secrets(json.loads(value), secret=True), ensure_ascii=False)
        return mask_json(value, row)

    return mask


def field_columns(field, col, vector):
    if isinstance(field, EmbeddingField):
        return embedding_columns(field, col, vector)
    if is_secret_name(field.name):
        return [Column(field.column, f"{col}::text", TEXT, mask_whole)]
    if isinstance(field, models.JSONField):
        return [Column(field.column, f"{col}::text", JSON, mask_json)]
    if isinstance(field, ArrayField):
        return [Column(field.column, f"to_json({col})::text", JSON)]
    if isinstance(field, models.DateTimeField):
        return [Column(field.column, f"to_char({col} AT TIME ZONE 'UTC', '{ISO_UTC}')")]
    if isinstance(field, models.DateField):
        return [Column(field.column, f"to_char({col}, 'YYYY-MM-DD')")]
    if isinstance(field, (models.BooleanField, models.IntegerField, models.FloatField, models.DecimalField)):
        return [Column(field.column, f"{col}::text", LITERAL)]
    return [Column(field.column, f"{col}::text")]


def export_columns(model, connection, vector):
    """The Columns of ``model``'s table, in the table's order."""
    table = connection.ops.quote_name(model._meta.db_table)
    fields = model._meta.concrete_fields
    columns = []
    for field in fields:
        columns.extend(field_columns(field, f"{table}.{quoted(connection, field)}", vector))
    named = NAMED_SECRETS.get(model._meta.label_lower)
    if named:
        name_column = model._meta.get_field(named[0]).column
        value_column = model._meta.get_field(named[1]).column
        headers = [c.header for c in columns]
        for column in columns:
            if column.header == value_column:
                column.mask = named_secret_mask(headers.index(name_column))
    return columns
