"""Export: the Export links of every changelist stream exactly the list's
rows (filters, search, ordering, all pages) as CSV or JSON lines, with
secrets masked, embeddings as dimension and norm, an audit entry each."""

import csv
import io
import json
import math

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.urls import reverse
from psycopg import pq

from aria_admin.audit import EXPORT
from data_app.models import ActivityLog, SemanticMemory
from engine_app.models import EngineAgentState, EngineConfigEntry, LlmModelEntry
from tests.sample_rows import orm_values

RAW = "sk-live-0123456789abcdefWXYZ"
NESTED_RAW = "ghp_nestedtokenvalue9876"


@pytest.fixture
def superuser_client(client, db):
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.org", "x-Strong-pass-1"))
    return client


def export_url(model, query=""):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_export") + "?" + query


def changelist_url(model):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


def body(response):
    return b"".join(response.streaming_content).decode()


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(body(response), newline="")))


@pytest.fixture
def activity(db):
    """60 rows: 21 failed, 8 mentioning "timeout" (3 of them failed), one a second apart."""
    rows = []
    for i in range(60):
        failed = i % 3 == 0
        action = "cron.run timeout" if i % 7 == 0 else f"action {i}"
        rows.append(ActivityLog(action=action, skill="s", success=not failed, details={"i": i}))
    ActivityLog.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        # Distinct times, so the list's ordering (newest first) is one order.
        cursor.execute(
            "UPDATE aria_data.activity_log SET created_at = now() - ((details->>'i')::int * interval '1 second')"
        )
    return rows


def test_the_list_shows_export_links_with_its_query(superuser_client, activity):
    page = superuser_client.get(changelist_url(ActivityLog) + "?success__exact=0&q=timeout&p=1").content.decode()
    assert f'{export_url(ActivityLog)}success__exact=0&amp;q=timeout&amp;format=csv"' in page
    assert "format=jsonl" in page


@pytest.mark.parametrize(
    "query, expected",
    [("", 60), ("success__exact=0", 20), ("q=timeout", 9), ("success__exact=0&q=timeout", 3)],
)
def test_csv_has_exactly_the_rows_of_the_list(superuser_client, activity, query, expected):
    rows = csv_rows(superuser_client.get(export_url(ActivityLog, f"{query}&format=csv")))
    assert len(rows) == expected
    listed = superuser_client.get(changelist_url(ActivityLog) + "?" + query + "&all=").context["cl"]
    assert [r["id"] for r in rows] == [str(obj.pk) for obj in listed.result_list]
    assert len(rows) == ActivityLog.objects.filter(
        **({"success": False} if "success" in query else {}),
        **({"action__icontains": "timeout"} if "timeout" in query else {}),
    ).count()


def test_export_keeps_the_lists_ordering_over_all_pages(superuser_client, activity):
    rows = csv_rows(superuser_client.get(export_url(ActivityLog, "o=1&format=csv")))  # by action, ascending
    assert len(rows) == 60  # the list shows 50 a page
    assert [r["action"] for r in rows] == sorted(r["action"] for r in rows)


def test_csv_columns_are_the_tables_in_iso_utc(superuser_client, activity):
    rows = csv_rows(superuser_client.get(export_url(ActivityLog, "format=csv")))
    assert list(rows[0]) == ["id", "action", "skill", "details", "success", "error_message", "created_at"]
    assert rows[0]["created_at"].endswith("Z") and "T" in rows[0]["created_at"]
    assert json.loads(rows[0]["details"]) == {"i": 0}
    assert rows[0]["success"] == "false" and rows[1]["success"] == "true"
    assert rows[0]["error_message"] == ""  # NULL


def test_csv_quotes_commas_quotes_newlines_and_nul_escapes(superuser_client, db):
    tricky = 'a, "quoted"\nsecond line\r\nthird; and a tab\t'
    ActivityLog.objects.create(action="tricky", error_message=tricky, details={"text": tricky, "nul": "x\\u0000y"})
    content = body(superuser_client.get(export_url(ActivityLog, "format=csv")))
    assert '"a, ""quoted""\nsecond line\r\nthird; and a tab\t"' in content
    (row,) = list(csv.DictReader(io.StringIO(content, newline="")))
    assert row["error_message"] == tricky
    assert json.loads(row["details"]) == {"text": tricky, "nul": "x\\u0000y"}
    assert "\x00" not in content


def test_jsonb_nul_escape_is_refused_by_postgresql_so_none_reaches_a_file(db):
    """PostgreSQL's jsonb refuses \\u0000 (it cannot be text): no NUL can be exported."""
    from django.db import DataError, transaction

    with pytest.raises(DataError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("""SELECT '{"a": "x\\u0000y"}'::jsonb""")


def test_json_lines_are_json_objects_with_jsonb_nested(superuser_client, activity):
    response = superuser_client.get(export_url(ActivityLog, "success__exact=0&format=jsonl"))
    assert response["Content-Type"].startswith("application/jsonl")
    lines = body(response).splitlines()
    assert len(lines) == 20
    first = json.loads(lines[0])
    assert first["details"] == {"i": 0} and first["success"] is False and first["error_message"] is None


def test_export_is_streamed_before_the_query_is_read(superuser_client, db):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO aria_data.activity_log (action, details, success) "
            "SELECT 'bulk ' || i, jsonb_build_object('i', i, 'pad', repeat('x', 200)), true "
            "FROM generate_series(1, 30000) i"
        )
    response = superuser_client.get(export_url(ActivityLog, "format=csv"))
    assert response.streaming
    chunks = iter(response.streaming_content)
    header = next(chunks)
    assert header.startswith(b"id,action,")
    first_rows = next(chunks)
    assert 0 < first_rows.count(b"\n") < 30000
    # The COPY is still running: PostgreSQL has more rows to send.
    assert connection.connection.pgconn.transaction_status == pq.TransactionStatus.ACTIVE
    rest = b"".join(chunks)
    assert (header + first_rows + rest).count(b"bulk ") == 30000
    response.close()


def test_export_needs_the_view_permission(client, db, activity):
    url = export_url(ActivityLog, "format=csv")
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    user = get_user_model().objects.create_user("staff", password="x-Strong-pass-1", is_staff=True)
    client.force_login(user)
    assert client.get(url).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="view_activitylog"))
    client.force_login(get_user_model().objects.get(pk=user.pk))
    assert len(csv_rows(client.get(url))) == 60


def test_each_export_is_in_the_audit_with_who_what_and_how_many(superuser_client, activity):
    body(superuser_client.get(export_url(ActivityLog, "success__exact=0&format=csv")))
    entry = LogEntry.objects.get(action_flag=EXPORT)
    assert entry.user.username == "root"
    assert entry.content_type.model_class() is ActivityLog
    assert "Exported 20 rows as csv" in entry.change_message
    assert "success__exact=0" in entry.change_message
    page = superuser_client.get(reverse("recent-changes")).content.decode()
    assert "Exported" in page and "Exported 20 rows as csv" in page


@pytest.mark.django_db(transaction=True)
def test_an_interrupted_download_is_still_in_the_audit(client):
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.org", "x-Strong-pass-1"))
    ActivityLog.objects.bulk_create(ActivityLog(action=f"a{i}", details={"pad": "x" * 500}) for i in range(3000))
    response = client.get(export_url(ActivityLog, "format=jsonl"))
    chunks = iter(response.streaming_content)
    next(chunks), next(chunks)
    response.close()  # what the WSGI server does when the client goes away
    entry = LogEntry.objects.get(action_flag=EXPORT)
    assert "interrupted" in entry.change_message
    assert 0 < int(entry.change_message.split()[1]) < 3000
    assert ActivityLog.objects.count() == 3000  # the connection works on


@pytest.fixture
def secret_rows(db):
    EngineConfigEntry.objects.create(key="openai_api_key", value=RAW, description="the key")
    EngineConfigEntry.objects.create(key="max_tokens", value=4096)
    LlmModelEntry.objects.create(
        **{**orm_values(LlmModelEntry), "id": "m1", "litellm_api_key": RAW, "extra": {"api_key": RAW, "region": "eu"}}
    )
    EngineAgentState.objects.create(
        **{**orm_values(EngineAgentState), "agent_id": "a1", "metadata_json": {"tools": {"github": {"token": NESTED_RAW}}}}
    )


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_secrets_stay_masked_in_the_file(superuser_client, secret_rows, fmt):
    files = {
        model: body(superuser_client.get(export_url(model, f"format={fmt}")))
        for model in (EngineConfigEntry, LlmModelEntry, EngineAgentState)
    }
    for content in files.values():
        assert RAW not in content and RAW[:12] not in content
        assert NESTED_RAW not in content and NESTED_RAW[:10] not in content
    assert "set (ends ...WXYZ)" in files[EngineConfigEntry] and "4096" in files[EngineConfigEntry]
    assert files[LlmModelEntry].count("set (ends ...WXYZ)") == 2 and "eu" in files[LlmModelEntry]
    assert "set (ends ...9876)" in files[EngineAgentState]


def test_embeddings_are_exported_as_dimension_and_norm(superuser_client, db):
    vector = [0.0] * 768
    vector[0], vector[1] = 3.0, 4.0
    SemanticMemory.objects.create(content="c", embedding=vector)
    (row,) = csv_rows(superuser_client.get(export_url(SemanticMemory, "format=csv")))
    assert "embedding" not in row
    assert row["embedding_dims"] == "768"
    assert math.isclose(float(row["embedding_norm"]), 5.0)
    (line,) = body(superuser_client.get(export_url(SemanticMemory, "format=jsonl"))).splitlines()
    assert json.loads(line)["embedding_dims"] == 768


def test_bad_export_queries_answer_as_the_list_does(superuser_client, activity):
    superuser_client.raise_request_exception = False
    # A lookup the list does not offer: the list's 400.
    assert superuser_client.get(changelist_url(ActivityLog) + "?details__regex=(").status_code == 400
    assert superuser_client.get(export_url(ActivityLog, "details__regex=(&format=csv")).status_code == 400
    # A date the list cannot read: named, as the list names it, and no file.
    bad = superuser_client.get(export_url(ActivityLog, "created_at__since=notadate&format=csv"))
    assert bad.status_code == 400 and "notadate" in bad.content.decode()
    listed = superuser_client.get(changelist_url(ActivityLog) + "?created_at__since=notadate")
    # The export's refusal is not carried over to the next page: the list says it once.
    assert sum("notadate" in str(m) for m in listed.context["messages"]) == 1
    assert superuser_client.get(export_url(ActivityLog, "format=xml")).status_code == 400
    assert superuser_client.get(export_url(ActivityLog)).status_code == 400
    # Secret columns are no filter either.
    assert superuser_client.get(export_url(LlmModelEntry, "litellm_api_key__startswith=sk&format=csv")).status_code == 400


def test_secret_keys_anywhere_in_any_jsonb_are_masked(superuser_client, db):
    """The SQL hint that spares parsing clean JSON lets every secret name
    through to the rule: each name alone in its row, at any depth, with
    quotes and backslashes around it; secret words in values are no hint."""
    from aria_admin.secrets import is_secret_name

    names = ["clientSecret", "db_password", "Authorization", "access_token", "privateKey", "credentials", "passwd",
             "API-KEY", "passphrase", 'the "api key"', 'api_key"x', "secret\\path", "x_TOKEN", "Bearer-Token"]
    assert all(is_secret_name(name) for name in names)
    for i, name in enumerate(names):
        details = {"max_tokens": 77, "note": 'a key\\": value', "outer": [{"deep": {name: f"{RAW}-{i}"}}][: i % 2 + 1]}
        ActivityLog.objects.create(action=f"config {i}", details=details if i % 3 else {name: f"{RAW}-{i}"})
    clean = {"note": "key findings: the secret passphrase of the credentials", "tokens": 5, "k": 'x\\": key'}
    ActivityLog.objects.create(action="clean", details=clean)
    for fmt in ("csv", "jsonl"):
        content = body(superuser_client.get(export_url(ActivityLog, f"format={fmt}")))
        assert RAW[:12] not in content
        assert content.count("77") >= len(names) * 2 // 3
        assert "key findings: the secret passphrase" in content


def test_filters_that_match_nothing_in_sql_give_the_header_alone(db):
    """Django answers an empty ``__in`` without SQL (EmptyResultSet): the file is the header."""
    from aria_admin.export.columns import export_columns
    from aria_admin.export.stream import stream

    ended = []
    chunks = stream(
        ActivityLog.objects.filter(pk__in=[]), export_columns(ActivityLog, connection, False), "csv",
        on_end=lambda rows, complete: ended.append((rows, complete)),
    )
    assert b"".join(chunks).decode() == "id,action,skill,details,success,error_message,created_at\n"
    assert ended == [(0, True)]


def test_postgresql_writes_the_csv_of_tables_whose_only_masks_are_jsonb_ones(db):
    """The fast path (COPY ... (FORMAT csv) passed through) serves the log
    tables; a table with a secret column is parsed and masked row by row."""
    from aria_admin.export.columns import export_columns
    from aria_admin.export.stream import passes_through
    from aria_admin.fields import vector_available

    vector = vector_available(connection)
    assert passes_through(export_columns(ActivityLog, connection, vector))
    assert not passes_through(export_columns(LlmModelEntry, connection, vector))


TRICKY_TEXT = 'a, "q" \\ back\nline\r\ttab \x01\x02\x1f\x7f é 😀 \u2028 {"k": 1} \'s %s %%'


def tricky_rows(model):
    """Two realistic rows, the second with every text, jsonb and number column
    it accepts set to a hostile value (NaN where a number may be one)."""
    from django.db import DatabaseError, transaction

    from tests.sample_rows import realistic_row

    realistic_row(model, 1)
    row = realistic_row(model, 2)
    table = model._meta.db_table
    tricky = {
        "CharField": TRICKY_TEXT, "TextField": TRICKY_TEXT,
        "JSONField": json.dumps({"t": TRICKY_TEXT, "n": [1.50, 1e100, -0.0, None, True], "": {}}),
        "FloatField": "NaN", "DecimalField": "NaN",
    }
    for field in model._meta.concrete_fields:
        value = tricky.get(field.get_internal_type())
        if value is None or field.primary_key or field.is_relation:
            continue
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f'UPDATE {table} SET "{field.column}" = %s::{field.db_type(connection)} WHERE {model._meta.pk.column} = %s',
                    [value[: field.max_length] if field.max_length else value, row.pk],
                )
        except DatabaseError:  # a CHECK or a length the value does not meet: the column keeps its own
            pass


def test_postgresql_writes_the_same_files_as_python_for_every_table(db):
    """Every table PostgreSQL writes the lines of: its JSON lines are Python's
    byte for byte, its CSV rows read back the same, on hostile values."""
    from aria_admin.export.columns import export_columns
    from aria_admin.export.stream import passes_through, stream
    from aria_admin.fields import vector_available
    from tests.sample_rows import aria_models

    vector = vector_available(connection)
    written = 0
    for model in aria_models():
        columns = export_columns(model, connection, vector)
        if not passes_through(columns):
            continue
        tricky_rows(model)
        files = {}
        for fmt in ("csv", "jsonl"):
            for by_postgres in (False, True):
                chunks = stream(model.objects.order_by("pk"), columns, fmt, on_end=lambda *a: None,
                                postgres_writes=by_postgres)
                files[fmt, by_postgres] = b"".join(chunks).decode()
        assert files["jsonl", True] == files["jsonl", False], model
        lines = files["jsonl", True].split("\n")  # JSON lines end in \n only (not at U+2028)
        assert lines.pop() == "" and len(lines) == model.objects.count() >= 2
        for line in lines:
            json.loads(line)
        read = {p: list(csv.reader(io.StringIO(files["csv", p], newline=""))) for p in (False, True)}
        assert read[True] == read[False], model
        written += 1
    assert written >= 30


def generated_json_texts(count, seed=5):
    """JSON texts (as jsonb and json.dumps print them), with secret words in keys, in values, around
    escaped quotes and backslashes, at depths: the inputs of the secret-key hint."""
    import random

    rng = random.Random(seed)
    words = ["key", "secret", "passw", "passphrase", "credential", "authoriz", "token", "tokens", "note", "x"]
    glue = ["", "_", '"', "\\", ": ", ", ", " ", "é", "K"]

    def name():
        return "".join(rng.choice(words + glue) for _ in range(rng.randint(0, 4)))

    def value(depth):
        kind = rng.random()
        if depth < 3 and kind < 0.3:
            return {name(): value(depth + 1) for _ in range(rng.randint(0, 3))}
        if depth < 3 and kind < 0.45:
            return [value(depth + 1) for _ in range(rng.randint(0, 3))]
        return name() if kind < 0.85 else rng.randint(0, 9)

    return [json.dumps(value(0), ensure_ascii=False) for _ in range(count)]


def test_the_secret_key_hint_is_one_rule_in_python_and_in_postgresql(db):
    """Python's linear expression, PostgreSQL's and the plain one (the rule as written) agree."""
    import re

    from aria_admin.export.columns import SECRET_KEY_HINT, SECRET_KEY_PATTERN

    texts = [t.lower() for t in generated_json_texts(4000)]
    plain = re.compile(SECRET_KEY_PATTERN)
    python = [bool(SECRET_KEY_HINT.search(t)) for t in texts]
    assert python == [bool(plain.search(t)) for t in texts]
    assert 200 < sum(python) < len(texts) - 200  # both answers are well represented
    with connection.cursor() as cursor:
        cursor.execute("SELECT t ~ %s FROM unnest(%s::text[]) WITH ORDINALITY AS u(t, n) ORDER BY n",
                       [SECRET_KEY_PATTERN, texts])
        assert [row[0] for row in cursor.fetchall()] == python


@pytest.mark.parametrize("text", ['{"note": "' + "key" * 40_000 + '", "x": 1}', '{"' + "secret" * 20_000 + '": 1}',
                                  '["' + 'key\\\\"' * 30_000 + '"]'])
def test_the_secret_key_hint_reads_long_agent_text_once(text):
    """Agent-written jsonb of 100 KB of secret words: the hint answers (the plain expression in Python took
    100 s on the first)."""
    import threading

    from aria_admin.export.columns import SECRET_KEY_HINT

    result = []
    worker = threading.Thread(target=lambda: result.append(bool(SECRET_KEY_HINT.search(text))), daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert result == [text.startswith('{"secret')]
