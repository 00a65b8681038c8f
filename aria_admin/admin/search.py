"""The admin's search rule: words and quoted phrases, found by full-text
indexes on the big tables.

What a search finds (the same on every database: only built-in
PostgreSQL text search is used, so PostgreSQL 18 without pg_trgm and
the 15 service with it answer alike):

- The box is split into terms at spaces; a term in double (or single)
  quotes is one phrase. A row is shown when **every** term is found.
- A term is found in the row's *document*: its searched text columns and
  the string and number values of its searched jsonb columns (not the
  keys), read by PostgreSQL's ``simple`` text-search parser, which lowers
  the case and splits at spaces and punctuation. A term matches where
  its words appear in that order, side by side: ``timeout`` finds
  "Timeout after retry", "request_timeout" and "timeout-30s";
  ``"rate limit"`` finds "rate limit exceeded" but not "limit rate";
  ``rate limit`` unquoted finds both. A term matches whole words only:
  ``time`` does not find "timeout", and a term of punctuation alone
  (``%``) finds nothing.
- A term also finds the row whose ``=field`` (ids, hashes) equals it.

Why not ILIKE '%term%' any more: it cannot use an index without pg_trgm,
so a search that finds nothing read the whole table (over a second on
1,000,000 activity_log rows). ``to_tsvector('simple', ...)`` has an
immutable form, so the big log tables carry a GIN expression index on
exactly the document built here (data_app migration 0004, named
``aria_admin_*_search``) and a search that finds nothing reads only the
index. The expression must stay identical to the index's: ``document_sql``
writes both.
"""

from django.contrib.admin.utils import NotRelationField, get_fields_from_path, lookup_spawns_duplicates
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.expressions import Expression, F
from django.utils.text import smart_split, unescape_string_literal

from aria_admin.admin.actions import INT_RANGES

CONFIG = "'simple'::regconfig"
# Longer searches are refused with a message: a phrase of thousands of
# words exhausts PostgreSQL's stack when it builds the query.
MAX_SEARCH_CHARS = 500
JSON_VALUES = """'["string", "numeric"]'::jsonb"""


def document_sql(texts, jsons):
    """The tsvector of a row: ``texts`` (SQL of text columns, NULL read as
    empty) and the string and number values of ``jsons`` (SQL of jsonb
    columns). The migration builds its index on this, with bare column
    names, and the search matches it with qualified ones."""
    parts = []
    if texts:
        joined = " || ' ' || ".join(f"COALESCE({sql}, '')" for sql in texts)
        parts.append(f"to_tsvector({CONFIG}, {joined})")
    parts += [f"jsonb_to_tsvector({CONFIG}, COALESCE({sql}, '{{}}'::jsonb), {JSON_VALUES})" for sql in jsons]
    return " || ".join(parts) if len(parts) == 1 else "(" + " || ".join(parts) + ")"


def search_terms(query):
    """The terms of a search box, quotes removed: 'a "b c"' -> ['a', 'b c']."""
    terms = []
    for bit in smart_split(query or ""):
        if len(bit) >= 2 and bit[0] in "\"'" and bit[-1] == bit[0]:
            bit = unescape_string_literal(bit)
        bit = bit.strip()
        if bit:
            terms.append(bit)
    return terms


class Document(Expression):
    """``document_sql`` over model fields (paths like ``from_entity__name``
    join as any lookup would)."""

    def __init__(self, texts, jsons):
        super().__init__(output_field=models.TextField())
        self.texts, self.jsons = [F(n) for n in texts], [F(n) for n in jsons]

    def get_source_expressions(self):
        return [*self.texts, *self.jsons]

    def set_source_expressions(self, exprs):
        self.texts, self.jsons = exprs[: len(self.texts)], exprs[len(self.texts) :]

    def as_sql(self, compiler, connection):
        params = []

        def compiled(expressions, cast):
            out = []
            for expression in expressions:
                sql, sql_params = compiler.compile(expression)
                out.append(f"({sql})::{cast}" if cast and not _is_text(expression) else sql)
                params.extend(sql_params)
            return out

        texts = compiled(self.texts, "text")
        jsons = compiled(self.jsons, None)
        return document_sql(texts, jsons), params


def _is_text(expression):
    field = getattr(expression, "output_field", None)
    return isinstance(field, (models.CharField, models.TextField))


class SearchSpec:
    """What one admin's ``search_fields`` declare, sorted by how each is
    matched: full-text document (text and jsonb), exact (``=field``) or
    as Django's prefix (``^field``)."""

    def __init__(self, model, search_fields):
        self.model = model
        self.texts, self.jsons, self.exact, self.other = [], [], [], []
        for name in search_fields:
            if name.startswith("="):
                self.exact.append(name[1:])
            elif name[:1] in "^@":  # "@" (Django's full-text) is read as "^"
                self.other.append(name)
            elif isinstance(self.field(name), models.JSONField):
                self.jsons.append(name)
            else:
                self.texts.append(name)

    def field(self, path):
        try:
            return get_fields_from_path(self.model, path)[-1]
        except (FieldDoesNotExist, NotRelationField):
            return None

    def document(self):
        return Document(self.texts, self.jsons) if self.texts or self.jsons else None

    def labels(self):
        """The searched columns as a person reads them: 'error message'."""
        def label(path):
            field = self.field(path)
            return str(getattr(field, "verbose_name", path.replace("__", " ").replace("_", " ")))

        words = [label(p) for p in (*self.texts, *self.jsons, *(o[1:] for o in self.other))]
        exact = [label(p) for p in self.exact]
        return words, exact

    def help_text(self):
        words, exact = self.labels()
        parts = []
        if words:
            parts.append(f"Finds words in {_join(words)}; \"a quoted phrase\" as a phrase; case is ignored.")
        if exact:
            parts.append(f"Matches {_join(exact)} exactly.")
        return " ".join(parts)

    def term_condition(self, term, document):
        """Q for one term: in the document, or an exact field equal to it."""
        condition = Q()
        if document is not None:
            condition |= Q(_Matches(document, term))
        for name in self.exact:
            value = self.exact_value(name, term)
            if value is not None:
                condition |= Q(**{f"{name}__exact": value})
        for name in self.other:
            condition |= Q(**{f"{name[1:]}__istartswith": term})
        # A term no declared field can hold (a word, only ids declared) finds nothing.
        return condition or Q(pk__in=[])

    def exact_value(self, name, term):
        """``term`` as a value of field ``name``, or None when it cannot be
        one (PostgreSQL would refuse 'abc' as a uuid or an integer)."""
        field = self.field(name)
        if field is None:
            return None
        try:
            value = field.to_python(term)
            if isinstance(field, models.CharField) and field.max_length and len(term) > field.max_length:
                return None
            limit = next((size for kind, size in INT_RANGES.items() if type(field) is kind), None)
            if limit and not -limit <= value < limit:
                return None
        except (ValidationError, ValueError, TypeError, OverflowError):
            return None
        return value

    def filter(self, queryset, query):
        """``queryset`` narrowed to the rows every term of ``query`` finds
        (call only with len(query) <= MAX_SEARCH_CHARS)."""
        terms = search_terms(query)
        if not terms:
            return queryset, False
        document = self.document()
        for term in terms:
            queryset = queryset.filter(self.term_condition(term, document))
        paths = [*self.texts, *self.jsons, *self.exact, *(o[1:] for o in self.other)]
        return queryset, any(lookup_spawns_duplicates(self.model._meta, p) for p in paths)


class _Matches(Expression):
    """``document @@ phraseto_tsquery('simple', term)``: a boolean."""

    output_field = models.BooleanField()
    conditional = True

    def __init__(self, document, term):
        super().__init__()
        self.document, self.term = document, term

    def get_source_expressions(self):
        return [self.document]

    def set_source_expressions(self, exprs):
        (self.document,) = exprs

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.document)
        return f"{sql} @@ phraseto_tsquery({CONFIG}, %s)", (*params, self.term)


def _join(names):
    names = list(dict.fromkeys(names))
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
