"""Secrets (one SECRET_KEYS rule) are shown masked everywhere: config values,
jsonb keys at any depth, lists, read-only record pages, history; editors
round-trip the mask and a save never writes a mask over a secret."""

import re

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from aria_admin.secrets import describe_secret, is_secret_name, mask_secrets, mask_text, restore_secrets
from engine_app.models import EngineAgentState, EngineConfigEntry, LlmModelEntry
from tests.html_forms import form_data
from tests.sample_rows import orm_values

RAW = "sk-live-0123456789abcdefWXYZ"
NESTED_RAW = "ghp_nestedtokenvalue9876"


@pytest.mark.parametrize(
    "name, secret",
    [
        ("api_key", True), ("litellm_api_key", True), ("OPENAI_API_KEY", True), ("apiKey", True),
        ("X-Api-Key", True), ("client_secret", True), ("db_password", True), ("private_key", True),
        ("credentials", True), ("token", True), ("access_token", True), ("authToken", True),
        ("authorization", True),
        ("max_tokens", False), ("tokens_input", False), ("total_tokens", False), ("tokens_used", False),
        ("token_count", False), ("key", False), ("value", False), ("name", False), ("monkey", False),
    ],
)
def test_the_secret_rule_names_secrets_and_not_token_counts(name, secret):
    assert is_secret_name(name) is secret


def test_masks_show_at_most_the_last_four_characters():
    assert describe_secret(RAW) == "set (ends ...WXYZ)"
    assert describe_secret("short") == "set"
    assert describe_secret("") == "not set" and describe_secret(None) == "not set"
    assert describe_secret("os.environ/OPENAI_KEY") == "os.environ/OPENAI_KEY"  # a reference


def test_mask_secrets_masks_keys_at_any_depth_and_restores_untouched_masks():
    value = {"model": "x", "max_tokens": 9, "auth": [{"api_key": RAW}], "deep": {"token": NESTED_RAW}}

    masked = mask_secrets(value)

    assert masked == {
        "model": "x",
        "max_tokens": 9,
        "auth": [{"api_key": "set (ends ...WXYZ)"}],
        "deep": {"token": "set (ends ...9876)"},
    }
    assert restore_secrets(masked, value) == value
    assert restore_secrets({**masked, "deep": {"token": "new"}}, value)["deep"] == {"token": "new"}


@pytest.fixture
def superuser_client(client, db):
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.org", "x-Strong-pass-1"))
    return client


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def secret_rows(db):
    config = EngineConfigEntry.objects.create(key="openai_api_key", value=RAW, description="the key")
    plain = EngineConfigEntry.objects.create(key="max_tokens", value=4096)
    llm = LlmModelEntry.objects.create(
        **{**orm_values(LlmModelEntry), "id": "m1", "extra": {"api_key": RAW, "region": "eu"}}
    )
    agent = EngineAgentState.objects.create(
        **{**orm_values(EngineAgentState), "agent_id": "a1", "metadata_json": {"tools": {"github": {"token": NESTED_RAW}}}}
    )
    return config, plain, llm, agent


def assert_masked(page):
    assert RAW not in page and RAW[:12] not in page
    assert NESTED_RAW not in page and NESTED_RAW[:10] not in page


@pytest.mark.parametrize("who", ["superuser_client", "viewer_client"])
def test_lists_show_secrets_masked(request, who, secret_rows):
    client = request.getfixturevalue(who)
    for model in (EngineConfigEntry, LlmModelEntry, EngineAgentState):
        page = client.get(url(model, "changelist")).content.decode()
        assert_masked(page)
    config_list = client.get(url(EngineConfigEntry, "changelist")).content.decode()
    assert "set (ends ...WXYZ)" in config_list
    assert "4096" in config_list  # max_tokens is a count, not a secret


def test_read_only_record_pages_show_secrets_masked(viewer_client, secret_rows):
    config, _, llm, agent = secret_rows
    pages = {
        obj: viewer_client.get(url(type(obj), "change", obj.pk)).content.decode() for obj in (config, llm, agent)
    }

    for page in pages.values():
        assert_masked(page)
    assert "set (ends ...WXYZ)" in pages[config]
    assert "set (ends ...WXYZ)" in pages[llm] and "eu" in pages[llm]
    assert "set (ends ...9876)" in pages[agent]
    assert EngineConfigEntry.objects.get(pk=config.pk).value == RAW  # nothing was saved


def open_form(client, model, pk):
    page = client.get(url(model, "change", pk))
    assert_masked(page.content.decode())
    return form_data(page.content, f"{model._meta.model_name}_form")


def test_editing_another_field_of_a_secret_config_row_keeps_the_secret(superuser_client, secret_rows):
    config = secret_rows[0]
    data = open_form(superuser_client, EngineConfigEntry, config.pk)
    assert data["value"] == '"set (ends ...WXYZ)"'

    response = superuser_client.post(url(EngineConfigEntry, "change", config.pk), {**data, "description": "new"})

    assert response.status_code == 302
    config.refresh_from_db()
    assert (config.value, config.description) == (RAW, "new")
    entry = LogEntry.objects.get(object_id=config.pk)
    assert "Value" not in entry.get_change_message()  # the untouched value is not a change


def test_editing_another_field_of_a_row_keeps_its_jsonb_secrets(superuser_client, secret_rows):
    _, _, llm, agent = secret_rows
    data = open_form(superuser_client, LlmModelEntry, llm.pk)
    assert superuser_client.post(url(LlmModelEntry, "change", llm.pk), {**data, "name": "Renamed"}).status_code == 302
    data = open_form(superuser_client, EngineAgentState, agent.pk)
    assert (
        superuser_client.post(url(EngineAgentState, "change", agent.pk), {**data, "display_name": "A"}).status_code
        == 302
    )

    llm.refresh_from_db()
    agent.refresh_from_db()
    assert llm.name == "Renamed" and llm.extra == {"api_key": RAW, "region": "eu"}
    assert agent.display_name == "A" and agent.metadata_json == {"tools": {"github": {"token": NESTED_RAW}}}


def test_an_editor_can_replace_a_jsonb_secret_and_a_config_secret(superuser_client, secret_rows):
    config, _, llm, _ = secret_rows
    data = open_form(superuser_client, LlmModelEntry, llm.pk)
    superuser_client.post(url(LlmModelEntry, "change", llm.pk), {**data, "extra": '{"api_key": "sk-new"}'})
    data = open_form(superuser_client, EngineConfigEntry, config.pk)
    superuser_client.post(url(EngineConfigEntry, "change", config.pk), {**data, "value": '"sk-other"'})

    llm.refresh_from_db()
    config.refresh_from_db()
    assert llm.extra == {"api_key": "sk-new"}
    assert config.value == "sk-other"


def test_a_mask_that_matches_no_stored_secret_is_refused(superuser_client, secret_rows):
    config, _, llm, _ = secret_rows
    data = open_form(superuser_client, LlmModelEntry, llm.pk)
    wrong = superuser_client.post(
        url(LlmModelEntry, "change", llm.pk), {**data, "extra": '{"api_key": "set (ends ...0000)"}'}
    )
    data = open_form(superuser_client, EngineConfigEntry, config.pk)
    other = superuser_client.post(url(EngineConfigEntry, "change", config.pk), {**data, "value": '"set"'})

    assert wrong.status_code == 200 and "a hidden value&#x27;s mask" in wrong.content.decode()
    assert other.status_code == 200 and "a hidden value&#x27;s mask" in other.content.decode()
    llm.refresh_from_db()
    config.refresh_from_db()
    assert llm.extra["api_key"] == RAW and config.value == RAW


def test_history_entries_show_secrets_masked(superuser_client, secret_rows):
    config = secret_rows[0]
    LogEntry.objects.create(
        user=get_user_model().objects.get(username="root"),
        content_type=ContentType.objects.get_for_model(EngineConfigEntry),
        object_id=config.pk,
        object_repr=f"openai_api_key={RAW}",
        action_flag=CHANGE,
        change_message=f'Set by a script: {{"token": "{NESTED_RAW}"}}',
    )

    recent, dashboard, history = (
        superuser_client.get(page).content.decode()
        for page in (reverse("recent-changes"), reverse("admin:index"), url(EngineConfigEntry, "history", config.pk))
    )

    for text in (recent, dashboard, history):
        assert_masked(text)
    assert "openai_api_key=set (ends ...WXYZ)" in recent and "openai_api_key=set (ends ...WXYZ)" in dashboard
    assert "set (ends ...9876)" in recent and "set (ends ...9876)" in history


# The pattern mask_text used before it was made linear: the reference for its results.
QUADRATIC_SECRET_IN_TEXT = re.compile(
    r"""(?P<name>[A-Za-z][A-Za-z0-9_-]*)(?P<sep>["']?\s*[:=]\s*["']?)(?P<value>[^"'\s,;&}]+)"""
)


def reference_mask_text(text):
    def mask(match):
        if not is_secret_name(match["name"]):
            return match[0]
        return f"{match['name']}{match['sep']}{describe_secret(match['value'])}"

    return QUADRATIC_SECRET_IN_TEXT.sub(mask, text)


def test_mask_text_masks_as_before_on_generated_text():
    """Runs of names, separators, quotes and values in every order, masked
    exactly as the former (quadratic) pattern masked them."""
    import random

    rng = random.Random(12)
    pieces = ["api_key", "password", "9token", "_secret", "Authorization", "note", "x-api-key", "a1", "-", "_",
              "=", ":", " = ", '"', "'", " ", ",", ";", "&", "}", "sk-live-123456", "value", "\n", "é", "0"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        assert mask_text(text) == reference_mask_text(text), text


@pytest.mark.parametrize("text", ["a" * 300_000, "a1" * 150_000, "a_" * 150_000, "x" * 300_000 + "=",
                                  "a " * 150_000, 'a"' * 150_000, "-" * 300_000 + "a"])
def test_mask_text_of_long_agent_text_answers(text):
    """Error messages and history are agent-written: a long word must not
    take quadratic time (300,000 letters took hours with the former pattern)."""
    import threading

    result = []
    worker = threading.Thread(target=lambda: result.append(mask_text(text)), daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert result == [text]
