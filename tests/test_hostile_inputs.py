"""The hostile-input battery: no input a person can send answers 5xx.

Generated from one list of hostile values (NUL, invalid UTF-8, a lone
surrogate, 100 KB text, deeply nested JSON, 1e999, NaN, 5,000 digits,
negative and huge numbers, dates out of range, SQL and HTML payloads,
nothing), sent to every changelist (search, page, ordering, every shown
filter), every change and add form (every value in all fields at once,
then each field in turn, the rest of the form as its page offers it, with
the values its kind refuses),
every bulk action, the goals board, the cron schedule preview, a session's
message pages, every list's export (the list's parameters again, and its
format), the import pages of goals, cron jobs and LLM models (hostile files
and cells), the Insights pages and the login and recent-changes pages.

Values are kept percent-encoded, so invalid UTF-8 reaches the server as the
raw bytes a hostile client sends. To keep the run short each field gets the
values that matter for its kind, and each changelist parameter a few; every
endpoint is covered.
"""

import csv
import io
import uuid
from urllib.parse import quote, unquote, urlencode

import pytest
from django import forms
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from aria_admin.admin.forms import JSONTextField
from aria_admin.forms import EmbeddingFormField
from data_app.models import Goal
from engine_app.models import EngineCronJob, LlmModelEntry
from tests.html_forms import form_data
from tests.test_admin_support import ARIA_MODELS, READ_ONLY_MODELS, admin_url, aria_rows, model_id, superuser_client  # noqa: F401

# name -> the value as it travels in a query string or form body (percent-encoded).
HOSTILE = {
    "nul": quote("a\x00b"),
    "invalid_utf8": "caf%e9%ff",
    "lone_surrogate": "%ed%a0%80",
    "long": "x" * 100_000,
    "deep_json": "[" * 5000 + "]" * 5000,
    "deep_object": quote('{"a":' * 3000 + "1" + "}" * 3000),
    "inf": "1e999",
    "json_inf": quote("[1e999]"),
    "nan": "NaN",
    "json_nan": quote('{"x": NaN, "y": Infinity}'),
    "digits": "9" * 5000,
    "json_digits": quote("[" + "9" * 5000 + "]"),
    "negative": "-1",
    "huge_int": "99999999999999999999",
    "sql": quote("' OR 1=1; DROP TABLE goals; --"),
    "html": quote('<script>alert(1)</script>"><img src=x onerror=alert(1)>'),
    "empty": "",
    "far_date": quote("9999-12-31T23:59:59+14:00"),
    "zero_date": "0000-00-00",
}
# What must never be stored, whatever the field.
NEVER_STORED = {"nul", "invalid_utf8", "lone_surrogate"}
# Every value goes into every field of a form at once; then, per kind of
# field, one field at a time gets the values it must refuse itself.
BY_KIND = {
    "json": ["deep_json", "deep_object", "inf", "json_inf", "json_nan", "json_digits"],
    "embedding": ["deep_json", "json_inf", "json_nan", "json_digits"],
    "number": ["nul", "inf", "nan", "digits", "huge_int"],
    "other": ["nul", "long"],
}
# Sent into all fields at once (the JSON and number values also go field by field).
ALL_FIELDS = [
    "nul", "invalid_utf8", "lone_surrogate", "long", "deep_json", "inf", "digits", "negative", "sql", "html", "empty",
    "far_date", "zero_date",
]
# Changelist parameters get a short list each, and every value once with all parameters at once.
PARAM_VALUES = ["digits", "negative", "huge_int"]  # NUL and bad UTF-8 never reach a view
# _selected_action values that are not keys of any row.
BAD_KEYS = ["not-a-key", quote("a\x00b"), "x" * 10_000, "99999999999999999999", "-1", "caf%e9%ff"]


def query(pairs):
    """A query string / form body from (name, already-encoded value) pairs."""
    return "&".join(f"{quote(name)}={value}" for name, value in pairs)


def pairs_of(data, skip=()):
    """(name, encoded value) pairs of a form_data() dict."""
    out = []
    for name, value in data.items():
        if name in skip:
            continue
        for item in value if isinstance(value, list) else [value]:
            out.append((name, quote(item, safe="")))
    return out


def assert_no_5xx(response, what):
    assert response.status_code < 500, (what, response.status_code)


def post_raw(client, url, pairs):
    return client.post(url, query(pairs), content_type="application/x-www-form-urlencoded")


def kind_of(formfield):
    if isinstance(formfield, EmbeddingFormField):
        return "embedding"
    if isinstance(formfield, JSONTextField):
        return "json"
    if isinstance(formfield, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
        return "number"
    return "other"


@pytest.fixture
def hostile_client(superuser_client):
    superuser_client.raise_request_exception = False
    return superuser_client


@pytest.mark.parametrize("model", ARIA_MODELS, ids=model_id)
def test_changelist_parameters(hostile_client, aria_rows, model):
    aria_rows(model)
    url = admin_url(model, "changelist")
    first = hostile_client.get(url)
    assert first.status_code == 200
    params = ["q", "p", "o", "all", "_to_field"]
    for spec in first.context["cl"].filter_specs:
        params += spec.expected_parameters()
    for name in params:
        for key in PARAM_VALUES:
            assert_no_5xx(hostile_client.get(url, QUERY_STRING=query([(name, HOSTILE[key])])), (name, key))
    for key in ALL_FIELDS:
        assert_no_5xx(hostile_client.get(url, QUERY_STRING=query([(n, HOSTILE[key]) for n in params])), key)


# Search box (full-text, aria_admin.admin.search) and time-filter values:
# tsquery syntax, unbalanced quotes, punctuation alone, a phrase too long
# for PostgreSQL's stack, and dates and ranges the filter cannot read.
SEARCH_VALUES = [
    '"', "'", '"unbalanced phrase', "a & b | !c", "x <-> y :* (z)", "\\", "%_%", "-", "word:*",
    '"' + "ab " * 5000 + '"', '"' + "ab " * 165 + '"', "ab " * 166, "ab," * 3000, "\u00e9" * 400, "' OR 1=1; --", '""', "(", "!!",
]
READABLE_DATES = {"9999-12-31", "0001-01-01"}  # until 9999-12-31 overflows: named too
TIME_VALUES = ["now", "2026-13-01", "2026-02-30 25:00", "9999-12-31", "0001-01-01", "-1", "1h; DROP", "24H", "7 d"]


@pytest.mark.parametrize("model", ARIA_MODELS, ids=model_id)
def test_search_and_time_filter_values(hostile_client, aria_rows, model):
    aria_rows(model)
    url = admin_url(model, "changelist")
    first = hostile_client.get(url)
    for value in SEARCH_VALUES:
        response = hostile_client.get(url, {"q": value})
        assert response.status_code == 200, (value[:40], response.status_code)
    time_params = [
        name
        for spec in first.context["cl"].filter_specs
        for name in spec.expected_parameters()
        if name.endswith(("__since", "__until", "__last"))
    ]
    for name in time_params:
        for value in TIME_VALUES:
            response = hostile_client.get(url, {name: value})
            assert response.status_code == 200, (name, value, response.status_code)
            if value not in READABLE_DATES or name.endswith("__last"):  # named on the page, no row shown
                assert response.context["cl"].result_count == 0 and response.context["messages"], (name, value)


def consumed(response):
    """The response, its stream read to the end (a failure midway raises here)."""
    if response.streaming:
        b"".join(response.streaming_content)
    return response


@pytest.mark.parametrize("model", ARIA_MODELS, ids=model_id)
def test_export_parameters(hostile_client, aria_rows, model):
    aria_rows(model)
    page = hostile_client.get(admin_url(model, "changelist"))
    params = ["q", "p", "o", "all", "e", "_to_field", "unknown__regex"]
    for spec in page.context["cl"].filter_specs:
        params += spec.expected_parameters()
    url = admin_url(model, "export")
    for name in params:
        for key in PARAM_VALUES:
            response = consumed(hostile_client.get(url, QUERY_STRING=query([(name, HOSTILE[key]), ("format", "csv")])))
            assert_no_5xx(response, (name, key))
    for key in ALL_FIELDS:
        pairs = [(n, HOSTILE[key]) for n in params] + [("format", "jsonl")]
        assert_no_5xx(consumed(hostile_client.get(url, QUERY_STRING=query(pairs))), key)
        assert_no_5xx(consumed(hostile_client.get(url, QUERY_STRING=query([("format", HOSTILE[key])]))), key)


IMPORT_MODELS = [Goal, EngineCronJob, LlmModelEntry]
# Whole files that are not an export: bad encodings, broken CSV, odd shapes.
HOSTILE_FILES = [
    b"\xff\xfe\x00", b"\x00", b"id\r\n\x00", b'id,name\r\n"unterminated', b"id,id\r\n1,2", b"\r\n\r\n",
    b"a" * 100_000, b",".join([b"c"] * 10_000), b"id\r\n" + b"x\r\n" * 10_001,
]


@pytest.mark.parametrize("model", IMPORT_MODELS, ids=model_id)
def test_import_files_and_cells(hostile_client, aria_rows, model):
    aria_rows(model)
    url = admin_url(model, "import")
    for content in HOSTILE_FILES:
        upload = SimpleUploadedFile("x.csv", content, content_type="text/csv")
        assert_no_5xx(hostile_client.post(url, {"file": upload, "preview": "Preview"}), content[:20])
    for key, value in HOSTILE.items():
        assert_no_5xx(post_raw(hostile_client, url, [("csv_text", value), ("import", "Import")]), key)
    exported = b"".join(hostile_client.get(admin_url(model, "export"), {"format": "csv"}).streaming_content)
    header, row = list(csv.reader(io.StringIO(exported.decode(), newline="")))[:2]

    def send(cells, what, *, commit):
        text = csv_text([header, cells]).encode("utf-8", "surrogateescape")
        if commit:
            response = post_raw(hostile_client, url, [("csv_text", quote(text)), ("import", "Import")])
        else:
            data = {"file": SimpleUploadedFile("x.csv", text, content_type="text/csv"), "preview": "Preview"}
            response = hostile_client.post(url, data)
        assert_no_5xx(response, what)
        assert response.status_code != 302, what  # no hostile file is imported

    # Every value in every cell at once (but the key and the row's version,
    # so that the form sees them), previewed and imported...
    kept = {0, header.index("updated_at")}
    for key in HOSTILE:
        value = unquote(HOSTILE[key], errors="surrogateescape")
        cells = [cell if i in kept else value for i, cell in enumerate(row)]
        send(cells, key, commit=key in ("nul", "deep_json", "far_date"))
    # ...then in each cell alone, a value each kind of column must refuse.
    for index, column in enumerate(header):
        if index not in kept:
            cells = list(row)
            cells[index] = unquote(HOSTILE["deep_json"] if index % 2 else HOSTILE["far_date"])
            send(cells, column, commit=False)


def csv_text(rows):
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue()


def row_values(model, pk):
    return model._default_manager.filter(pk=pk).values().get()


class HostileForm:
    """The add or change form at ``url``, posted with hostile values."""

    def __init__(self, client, model, url, pk):
        self.client, self.model, self.url, self.pk = client, model, url, pk
        self.form_id = f"{model._meta.model_name}_form"
        self.reload()

    def reload(self):
        page = self.client.get(self.url)
        assert page.status_code == 200
        self.fields = page.context["adminform"].form.fields
        self.data = form_data(page.content.decode(), self.form_id)

    def names(self, name):
        if isinstance(self.fields[name], forms.SplitDateTimeField):
            return [f"{name}_0", f"{name}_1"]
        return [name]

    def editable(self):
        return [
            name for name, field in self.fields.items()
            if not field.disabled and (name in self.data or f"{name}_0" in self.data or isinstance(field, EmbeddingFormField))
        ]

    def state(self):
        if self.pk is not None:
            return row_values(self.model, self.pk)
        return self.model._default_manager.count()

    def post(self, fields, key, *, refused):
        """Post HOSTILE[key] into ``fields``; a refused value leaves the row as it was."""
        names = [n for name in fields for n in self.names(name)]
        before = self.state()
        pairs = pairs_of(self.data, skip=names) + [(n, HOSTILE[key]) for n in names]
        response = post_raw(self.client, self.url, pairs)
        assert_no_5xx(response, (fields, key))
        if refused:
            shown = response.status_code == 200 and response.context and response.context["adminform"].form.errors
            assert response.status_code == 400 or shown, (fields, key, response.status_code)
            assert self.state() == before, (fields, key)
        if response.status_code == 302:  # saved: the next post needs the new row version
            self.reload()


def post_hostile_values(client, model, url, pk, *, field_by_field=True):
    form = HostileForm(client, model, url, pk)
    editable = form.editable()
    assert editable
    for key in ALL_FIELDS:
        form.post(editable, key, refused=key in NEVER_STORED)
    for name in editable if field_by_field else []:
        kind = kind_of(form.fields[name])
        for key in BY_KIND[kind]:
            form.post([name], key, refused=key in NEVER_STORED or kind != "other" and key != "huge_int")


def post_to_read_only(client, model, url, pk):
    """A read-only table (an archive) has no form: every post is refused
    whole, whatever it carries, and nothing is written."""
    fields = [f.name for f in model._meta.concrete_fields]
    before = row_values(model, pk) if pk is not None else model._default_manager.count()
    for key in ALL_FIELDS:
        response = post_raw(client, url, [(name, HOSTILE[key]) for name in fields])
        assert_no_5xx(response, key)
        assert response.status_code in (400, 403), (key, response.status_code)
    after = row_values(model, pk) if pk is not None else model._default_manager.count()
    assert after == before


EDITABLE = [m for m in ARIA_MODELS if m not in READ_ONLY_MODELS]


@pytest.mark.parametrize("model", EDITABLE, ids=model_id)
def test_change_form_fields(hostile_client, aria_rows, model):
    pk = aria_rows(model)
    post_hostile_values(hostile_client, model, admin_url(model, "change", pk), pk)


@pytest.mark.parametrize("model", EDITABLE, ids=model_id)
def test_add_form_fields(hostile_client, aria_rows, model):
    # The add form's fields are the change form's: their values one by one were sent there.
    post_hostile_values(hostile_client, model, admin_url(model, "add"), None, field_by_field=False)


@pytest.mark.parametrize("model", READ_ONLY_MODELS, ids=model_id)
def test_read_only_pages_refuse_every_post(hostile_client, aria_rows, model):
    pk = aria_rows(model)
    post_to_read_only(hostile_client, model, admin_url(model, "change", pk), pk)
    post_to_read_only(hostile_client, model, admin_url(model, "add"), None)


def key_kind(model):
    internal = model._meta.pk.get_internal_type()
    return "uuid" if internal == "UUIDField" else "int" if internal.endswith("AutoField") else "text"


# Well-formed keys naming no row (simply not matched), per kind of primary key.
MISSING_KEYS = {
    "uuid": [str(uuid.uuid4())],
    "int": ["2147483646", "-1"],
    "text": ["not-a-key", "-1", "99999999999999999999"],  # all within the key's max_length
}


@pytest.mark.parametrize("model", ARIA_MODELS, ids=model_id)
def test_bulk_actions_with_keys_that_name_no_row(hostile_client, aria_rows, model, rf):
    """A selection holding a value that cannot be a key runs no action at all."""
    pk = str(aria_rows(model))
    before = row_values(model, pk)
    url = admin_url(model, "changelist")
    request = rf.get(url)
    request.user = User.objects.get(username="boss")
    actions = list(hostile_client.get(url).context["cl"].model_admin.get_actions(request))
    # A read-only table offers no action: a hand-made delete must still run nothing.
    assert actions or model in READ_ONLY_MODELS
    actions = actions or ["delete_selected"]
    missing = MISSING_KEYS[key_kind(model)]
    # An action the list does not offer is Django's "no action selected": the list again.
    answers = (302, 400) if model not in READ_ONLY_MODELS else (200, 400)
    for action in actions:
        for bad in dict.fromkeys(BAD_KEYS + missing):
            pairs = [("action", action), ("index", "0"), (ACTION_CHECKBOX_NAME, quote(pk)), (ACTION_CHECKBOX_NAME, bad)]
            response = post_raw(hostile_client, url, pairs)
            assert_no_5xx(response, (action, bad[:20]))
            if bad in missing:  # the row itself was selected too: the action ran
                before = row_values(model, pk)
            else:
                assert response.status_code in answers, (action, bad[:20])
                assert row_values(model, pk) == before, (action, bad[:20])


def test_board_filters_and_moves(hostile_client, aria_rows):
    goal = Goal.objects.get(pk=aria_rows(Goal, sprint="sprint-1"))
    board = "/admin/data_app/goal/board/"
    for name in ("sprint", "q", "tag", "assignee", "priority"):
        for key, value in HOSTILE.items():
            assert_no_5xx(hostile_client.get(board, QUERY_STRING=query([(name, value)])), (name, key))
    fields = {"goal": quote(str(goal.pk)), "version": quote(goal.updated_at.isoformat()), "column": "doing", "position": "0"}
    confirmed = {**fields, "confirmed": "yes"}  # archiving: the confirmation page, then its "Yes"
    targets = [("move", fields), ("unarchive", fields), ("archive", fields), ("archive", confirmed),
               ("archive-goal", fields), ("archive-goal", confirmed)]
    for target, sent in targets:
        url = f"{board}{target}/"
        for name in (*sent, "sprint", "q", "tag", "assignee", "priority"):
            for key, value in HOSTILE.items():
                pairs = [(n, v) for n, v in sent.items() if n != name] + [(name, value)]
                assert_no_5xx(post_raw(hostile_client, url, pairs), (target, name, key))


def test_login_and_recent_changes(db, superuser_client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # a failed login costs a hash
    superuser_client.raise_request_exception = False
    for key, value in HOSTILE.items():
        for name in ("user", "table", "since", "until", "page"):
            response = superuser_client.get("/admin/recent-changes/", QUERY_STRING=query([(name, value)]))
            assert_no_5xx(response, (name, key))
    anonymous = Client(raise_request_exception=False)
    for key, value in HOSTILE.items():
        for name in ("username", "password", "next"):
            pairs = [("username", "boss"), ("password", "wrong")]
            pairs = [(n, v) for n, v in pairs if n != name] + [(name, value)]
            assert_no_5xx(post_raw(anonymous, "/admin/login/", pairs), (name, key))


def test_cron_schedule_preview(hostile_client):
    url = "/admin/engine_app/enginecronjob/schedule-preview/"
    for key, value in HOSTILE.items():
        response = hostile_client.get(url, QUERY_STRING=query([("schedule", value)]))
        assert_no_5xx(response, key)
        assert response.status_code in (200, 400), key
    for key, value in HOSTILE.items():  # the parameter twice, or under another name
        pairs = [("schedule", value), ("schedule", "15m"), ("other", value)]
        assert_no_5xx(hostile_client.get(url, QUERY_STRING=query(pairs)), key)


def test_session_messages_page_number(hostile_client, aria_rows):
    from data_app.models import AgentSession

    url = admin_url(AgentSession, "change", aria_rows(AgentSession))
    for key, value in HOSTILE.items():
        response = hostile_client.get(url, QUERY_STRING=query([("messages_page", value)]))
        assert_no_5xx(response, key)


# Every Insights page (issue 12), every parameter it reads, alone and all at once.
INSIGHTS_PAGES = {
    "/admin/insights/": (),
    "/admin/insights/llm/": ("provider", "model"),
    "/admin/insights/cron/": ("job",),
    "/admin/insights/activity/": ("skill", "action"),
    "/admin/insights/goals/": ("sprint",),
    "/admin/insights/sentiment/": (),
}


@pytest.mark.parametrize("url", INSIGHTS_PAGES)
def test_insights_pages(hostile_client, url, settings):
    settings.INSIGHTS_REFRESH_SECONDS = 0
    names = ("range", "since", "until", "format", *INSIGHTS_PAGES[url])
    for key, value in HOSTILE.items():
        for name in names:
            assert_no_5xx(hostile_client.get(url, QUERY_STRING=query([(name, value)])), (url, name, key))
        pairs = [(name, value) for name in names if name != "format"]
        assert_no_5xx(hostile_client.get(url, QUERY_STRING=query(pairs)), (url, "all", key))
    for since, until in (("9999-12-31", ""), ("0001-01-01", "0001-01-02"), ("2026-01-01", "0001-01-01"),
                         ("2026-13-45", "2026-01-01"), ("0001-01-01T00:00+14:00", "2026-01-01")):
        response = hostile_client.get(url, {"since": since, "until": until})
        assert_no_5xx(response, (url, since, until))


# The jsonb and embedding limits, each named on its field with the input kept.
JSON_REFUSALS = {
    "deep": ("[" * 101 + "]" * 101, "more than 100 levels deep"),
    "deeper than Python recurses": ("[" * 5000 + "]" * 5000, "more than 100 levels deep"),
    "over 1 MB": ('{"k": "' + "x" * 1_000_000 + '"}', "too large: at most 1,000,000 bytes"),
    "5,000 digits": ('{"n": ' + "9" * 5000 + "}", "Not valid JSON"),
    "NaN": ('{"n": NaN}', "NaN is not allowed"),
    "Infinity": ('{"n": -Infinity}', "-Infinity is not allowed"),
    "1e999": ('{"n": 1e999}', "out of range"),
}


@pytest.mark.parametrize("case", list(JSON_REFUSALS))
def test_jsonb_limits_are_errors_on_the_field_with_the_input_kept(superuser_client, aria_rows, case):
    from data_app.models import ActivityLog

    text, message = JSON_REFUSALS[case]
    pk = aria_rows(ActivityLog, details='{"from": "aria"}')
    url = admin_url(ActivityLog, "change", pk)
    data = form_data(superuser_client.get(url).content.decode(), "activitylog_form")
    response = superuser_client.post(url, {**data, "details": text})
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert message in str(form.errors["details"]), form.errors
    assert form["details"].value() == text  # re-shown as typed
    assert ActivityLog.objects.get(pk=pk).details == {"from": "aria"}


@pytest.mark.parametrize("case", ["deeper than Python recurses", "5,000 digits", "NaN", "1e999", "over 1 MB"])
def test_embedding_limits_are_errors_on_the_field(superuser_client, aria_rows, case):
    from data_app.models import SemanticMemory

    text = JSON_REFUSALS[case][0].replace('{"n": ', "[").replace('{"k": ', "[").replace("}", "]")
    pk = aria_rows(SemanticMemory)
    before = row_values(SemanticMemory, pk)
    url = admin_url(SemanticMemory, "change", pk)
    data = form_data(superuser_client.get(url).content.decode(), "semanticmemory_form")
    response = superuser_client.post(url, {**data, "embedding": text})
    assert response.status_code == 200
    assert "embedding" in response.context["adminform"].form.errors
    assert row_values(SemanticMemory, pk) == before
