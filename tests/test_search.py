"""Admin search (aria_admin.admin.search): every term, a word or a quoted
phrase, must be found in some searched column; case is ignored; the box
names what it searches; the big tables' searches use our GIN indexes.

The per-column cases are generated from each admin's ``search_fields``,
so a column added there is tested without anyone writing a test for it.
"""

import itertools
import json

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection, models

from aria_admin.admin.search import SearchSpec, search_terms
from aria_admin.aria_tables import ARIA_SCHEMAS
from aria_admin.catalog import OUR_INDEX_PREFIX, read_catalog
from aria_admin.secrets import is_secret_name
from data_app.models import ActivityLog, KnowledgeEntity, KnowledgeRelation, ModelUsage, Thought
from tests.sample_rows import orm_values
from tests.test_admin_support import ARIA_MODELS, admin_url, superuser_client  # noqa: F401

_words = itertools.count(1)


def searched_columns():
    """(model, search_fields entry) for every Aria admin's declared field."""
    cases = []
    for model in ARIA_MODELS:
        model_admin = admin.site._registry.get(model)
        for name in getattr(model_admin, "search_fields", ()):
            if not is_secret_name(name.lstrip("=^@").split("__")[0]):
                cases.append(pytest.param(model, name, id=f"{model._meta.model_name}.{name}"))
    return cases


def search(client, model, term):
    response = client.get(admin_url(model, "changelist"), {"q": term})
    assert response.status_code == 200
    return response


def found(client, model, term):
    return {obj.pk for obj in search(client, model, term).context["cl"].result_list}


def new_row(model):
    return model._default_manager.create(**orm_values(model))


def put(row, path, value):
    """Write ``value`` into ``row``'s column at ``path`` (one UPDATE, no
    save(): no side effect of the model's own save)."""
    *relations, column = path.split("__")
    target = row
    for relation in relations:
        target = getattr(target, relation)
    type(target)._default_manager.filter(pk=target.pk).update(**{column: value})
    return value if column == target._meta.pk.name and not relations else row.pk


def word_value(field, word):
    """A value of ``field`` holding ``word`` between other words."""
    if isinstance(field, models.JSONField):
        return ["first", {"note": f"it said {word} twice"}]
    if field.choices:
        return None
    text = f"before {word} after"
    return text if not field.max_length or len(text) <= field.max_length else word


@pytest.mark.parametrize("model,name", searched_columns())
def test_search_finds_a_word_in_every_declared_column(superuser_client, model, name):
    target, decoy = new_row(model), new_row(model)
    spec = SearchSpec(model, [name])
    if name.startswith("="):
        term = str(target.pk if name == "=id" else getattr(target, name[1:]) or "")
        if not term:  # a nullable id the sample row left empty
            term = f"ext-{next(_words)}"
            put(target, name[1:], term)
        pk = target.pk
    else:
        field = spec.field(name)
        word = f"Zq{next(_words)}Word"
        value = word_value(field, word)
        if value is None:  # a column with fixed choices: find the row's own value
            term, pk = str(getattr(target, name)), target.pk
        else:
            pk = put(target, name, value)
            term = word.lower()

    response = search(superuser_client, model, term)
    result = {obj.pk for obj in response.context["cl"].result_list}

    assert pk in result
    if not name.startswith("=") and value is not None:
        assert decoy.pk not in result
        assert found(superuser_client, model, word.upper()) == {pk}  # case is ignored
        assert found(superuser_client, model, word[:-2]) == set()  # whole words only
    # The box says what it searches.
    label = str(spec.field(name.lstrip("=")).verbose_name)
    assert label in response.content.decode()
    assert response.context["cl"].search_help_text


@pytest.fixture
def logs(db):
    texts = {
        "limited": ("api_call", "Rate limit exceeded: try later", {"endpoint": "/v1/chat"}),
        "reversed": ("api_call", "limit the rate", {}),
        "details": ("tool_run", None, {"agent": "aria", "note": "Upstream TIMEOUT after 30s", "code": 504}),
        "punctuation": ("api_call", "done_now 50% of it", {}),
    }
    return {
        key: ActivityLog.objects.create(action=action, error_message=error, details=details, success=error is None)
        for key, (action, error, details) in texts.items()
    }


def test_words_match_anywhere_in_any_order_a_quoted_phrase_only_in_order(superuser_client, logs):
    assert found(superuser_client, ActivityLog, "rate limit") == {logs["limited"].pk, logs["reversed"].pk}
    assert found(superuser_client, ActivityLog, '"rate limit"') == {logs["limited"].pk}
    assert found(superuser_client, ActivityLog, "'limit the rate'") == {logs["reversed"].pk}
    assert found(superuser_client, ActivityLog, '"RATE LIMIT" later') == {logs["limited"].pk}


def test_jsonb_values_are_searched_not_their_keys(superuser_client, logs):
    assert found(superuser_client, ActivityLog, "timeout") == {logs["details"].pk}
    assert found(superuser_client, ActivityLog, "504") == {logs["details"].pk}
    assert found(superuser_client, ActivityLog, "endpoint") == set()


def test_punctuation_splits_words_and_alone_finds_nothing(superuser_client, logs):
    assert found(superuser_client, ActivityLog, "done_now") == {logs["punctuation"].pk}
    assert found(superuser_client, ActivityLog, "done") == {logs["punctuation"].pk}
    assert found(superuser_client, ActivityLog, "50%") == {logs["punctuation"].pk}
    assert found(superuser_client, ActivityLog, "%") == set()
    assert found(superuser_client, ActivityLog, "nothing-here") == set()


def test_a_term_matches_an_id_exactly_or_not_at_all(superuser_client, logs):
    row = logs["limited"]
    assert found(superuser_client, ActivityLog, str(row.pk)) == {row.pk}
    assert found(superuser_client, ActivityLog, str(row.pk)[:8]) == set()


def test_a_term_no_declared_field_can_hold_finds_nothing(logs):
    queryset, _ = SearchSpec(ActivityLog, ["=id"]).filter(ActivityLog.objects.all(), "not-a-uuid")
    assert list(queryset) == []


def test_non_ascii_case_folds(superuser_client, db):
    thought = Thought.objects.create(content="ÉTÉ summer notes", category="general")
    assert found(superuser_client, Thought, "été") == {thought.pk}


def test_search_through_a_relation(superuser_client, db):
    alpha = KnowledgeEntity.objects.create(**{**orm_values(KnowledgeEntity), "name": "Alpha Centauri"})
    beta = KnowledgeEntity.objects.create(**{**orm_values(KnowledgeEntity), "name": "Beta"})
    relation = KnowledgeRelation.objects.create(
        **{**orm_values(KnowledgeRelation), "from_entity": alpha, "to_entity": beta}
    )
    assert found(superuser_client, KnowledgeRelation, "centauri") == {relation.pk}


def test_terms_are_split_at_spaces_quotes_keep_a_phrase():
    assert search_terms('rate "limit exceeded"  \'a b\' x') == ["rate", "limit exceeded", "a b", "x"]
    assert search_terms('  ""  ') == []


# The indexes -----------------------------------------------------------------

def our_indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname || '.' || t.relname, i.relname, x.indisvalid"
            "  FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
            "  JOIN pg_namespace n ON n.oid = t.relnamespace"
            " WHERE i.relname LIKE %s AND n.nspname = ANY(%s) ORDER BY 2",
            [OUR_INDEX_PREFIX.replace("_", r"\_") + "%", list(ARIA_SCHEMAS)],
        )
        return cursor.fetchall()


def model_of(table):
    return next(m for m in ARIA_MODELS if m._meta.db_table.replace('"', "") == table)


def test_each_index_serves_its_admins_search(db):
    """The admin's document and the index's expression are one: with
    sequential scans off, the search reads the index (a typo in either
    makes the planner unable to use it, and this fails)."""
    indexes = our_indexes()
    assert {name for _, name, _ in indexes} == SEARCH_INDEX_NAMES
    for table, name, valid in indexes:
        assert valid, name
        model = model_of(table)
        model_admin = admin.site._registry[model]
        queryset, _ = model_admin.get_search_results(None, model._default_manager.all(), 'timeout "rate limit"')
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            plan = json.dumps(json.loads(queryset.order_by().explain(format="json")))
        assert name in plan, (name, plan)


def test_our_indexes_are_not_part_of_the_compared_catalog(db):
    with connection.cursor() as cursor:
        catalog = read_catalog(cursor)
        cursor.execute("SET search_path TO DEFAULT")
    assert our_indexes()
    assert not [key for key in catalog.indexes if key[1].startswith(OUR_INDEX_PREFIX)]


def test_a_search_that_finds_nothing_reads_only_the_index(db):
    ModelUsage.objects.bulk_create(
        ModelUsage(model="gpt", error_message=f"rate limit exceeded {i}" if i % 25 == 0 else None)
        for i in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE aria_data.model_usage")
    model_admin = admin.site._registry[ModelUsage]
    queryset, _ = model_admin.get_search_results(None, ModelUsage.objects.all(), "nosuchword")

    plan = json.dumps(json.loads(queryset.order_by().explain(format="json")))

    assert "aria_admin_model_usage_search" in plan and "Seq Scan" not in plan, plan
    assert queryset.count() == 0
    assert model_admin.get_search_results(None, ModelUsage.objects.all(), "exceeded")[0].count() == 120


SEARCH_INDEX_NAMES = {
    "aria_admin_activity_log_search",
    "aria_admin_model_usage_search",
    "aria_admin_heartbeat_log_search",
    "aria_admin_session_messages_search",
    "aria_admin_thoughts_search",
    "aria_admin_security_events_search",
    "aria_admin_chat_messages_search",
}


@pytest.mark.django_db(transaction=True)
def test_indexes_are_built_concurrently_and_the_reverse_drops_them():
    """Backwards to before them: gone. Forwards: each is one CREATE INDEX
    CONCURRENTLY outside any transaction (PostgreSQL refuses it inside
    one), valid, and the searches use them again."""
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, connection.in_atomic_block))
        return execute(sql, params, many, context)

    call_command("migrate", "data_app", "0003", verbosity=0)
    call_command("migrate", "engine_app", "0003", verbosity=0)
    assert our_indexes() == []
    with connection.execute_wrapper(record):
        call_command("migrate", verbosity=0)

    builds = [(sql, atomic) for sql, atomic in statements if "CREATE INDEX" in sql.upper()]
    assert len(builds) == len(SEARCH_INDEX_NAMES)
    assert all(sql.startswith("CREATE INDEX CONCURRENTLY aria_admin_") and not atomic for sql, atomic in builds)
    assert {(name, valid) for _, name, valid in our_indexes()} == {(name, True) for name in SEARCH_INDEX_NAMES}
