"""The LLM model catalog: models.yaml import, the changelist, and the secret API key."""

import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from engine_app.models import LlmModelEntry
from tests.html_forms import form_data
from tests.refdb import REFERENCE

MODELS_YAML = REFERENCE / "models.yaml"
CHANGELIST = "/admin/engine_app/llmmodelentry/"
RAW_KEY = "sk-or-v1-9f8e7d6c5b4a3210SECRETxyz4"
NEW_KEY = "sk-live-0123456789abcdefNEWSECRET7777"


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser("boss", "boss@example.com", "pw"))
    return client


def import_models(*args):
    from io import StringIO

    out = StringIO()
    call_command("import_llm_models", str(MODELS_YAML), *args, stdout=out)
    return out.getvalue()


def yaml_models():
    return json.loads(MODELS_YAML.read_text())["models"]


@pytest.mark.django_db
def test_real_models_yaml_imports_field_by_field():
    assert import_models().strip() == "inserted 27, updated 0, unchanged 0"
    source = yaml_models()
    kimi, step, mlx = (LlmModelEntry.objects.get(pk=k) for k in ("kimi", "step-35-flash-free", "qwen3-mlx"))
    assert (kimi.name, kimi.provider, kimi.tier) == (source["kimi"]["name"], "litellm", "paid")
    assert (kimi.reasoning, kimi.vision, kimi.tool_calling) == (True, False, False)
    assert kimi.input_types == ["text"] and kimi.aliases == ["kimi-k2.5", "kimi-local"]
    assert (kimi.context_window, kimi.max_tokens) == (256000, 16384)
    assert (kimi.cost_input, kimi.cost_output, kimi.cost_cache_read) == (
        Decimal("0.56"), Decimal("2.94"), Decimal("0.098"))
    assert (kimi.litellm_model, kimi.litellm_api_key, kimi.litellm_api_base) == (
        "moonshot/kimi-k2.5", "os.environ/MOONSHOT_KIMI_KEY", "https://api.moonshot.ai/v1")
    assert kimi.route_skill == "litellm" and kimi.enabled is True
    assert (kimi.sort_order, kimi.extra) == (100, {})  # database defaults, not from the file

    assert step.name == "StepFun Step 3.5 Flash (OpenRouter FREE)" and step.tier == "free"
    assert (step.reasoning, step.tool_calling, step.vision) == (True, True, False)
    assert (step.context_window, step.max_tokens) == (256000, 8192)
    assert (step.cost_input, step.cost_output) == (Decimal("0"), Decimal("0"))
    assert step.litellm_model == "openrouter/stepfun/step-3.5-flash:free"
    assert step.litellm_api_key == "os.environ/OPEN_ROUTER_KEY" and step.litellm_api_base is None
    assert step.aliases == []

    assert (mlx.name, mlx.tier, mlx.reasoning, mlx.tool_calling) == (
        "Qwen3 4B Instruct (MLX Local)", "local", False, False)
    assert (mlx.context_window, mlx.max_tokens) == (32768, 8192)
    assert mlx.litellm_api_key == "not-needed"
    assert mlx.litellm_api_base == "http://host.docker.internal:8080/v1"
    assert LlmModelEntry.objects.get(pk="nomic-embed-text").max_tokens == 0
    assert set(LlmModelEntry.objects.values_list("pk", flat=True)) == set(source)


@pytest.mark.django_db
def test_second_import_is_all_unchanged_and_keeps_sort_order_and_extra():
    import_models()
    assert import_models().strip() == "inserted 0, updated 0, unchanged 27"
    LlmModelEntry.objects.filter(pk="kimi").update(sort_order=5, extra={"note": "ours"}, enabled=False,
                                                   context_window=1)
    dry = import_models("--dry-run")
    assert "would update kimi (context_window, enabled)" in dry
    assert dry.strip().endswith("inserted 0, updated 1, unchanged 26")
    assert LlmModelEntry.objects.get(pk="kimi").enabled is False  # dry run wrote nothing
    assert import_models().strip() == "inserted 0, updated 1, unchanged 26"
    kimi = LlmModelEntry.objects.get(pk="kimi")
    assert (kimi.enabled, kimi.context_window, kimi.sort_order, kimi.extra) == (True, 256000, 5, {"note": "ours"})


@pytest.mark.django_db
def test_changelist_formats_sizes_costs_and_edits_sort_order(admin_client):
    import_models()
    page = admin_client.get(CHANGELIST)
    html = page.content.decode()
    assert "256K" in html and "32K" in html and "free" in html and "$0.56" in html and "$2.94" in html
    assert 'name="form-0-sort_order"' in html
    for query in ("?provider=litellm", "?tier__exact=paid", "?enabled__exact=1", "?reasoning__exact=1",
                  "?vision__exact=0", "?tool_calling__exact=1", "?q=kimi"):
        assert admin_client.get(CHANGELIST + query).status_code == 200
    paid = admin_client.get(CHANGELIST + "?tier__exact=paid").content.decode()
    assert "Kimi K2.5" in paid and "Trinity" not in paid
    data = form_data(admin_client.get(CHANGELIST + "?tier__exact=paid").content.decode(), "changelist-form")
    rows = {data[f"form-{i}-id"]: i for i in range(int(data["form-TOTAL_FORMS"]))}
    data[f"form-{rows['kimi']}-sort_order"] = "1"
    data["_save"] = "Save"
    assert admin_client.post(CHANGELIST + "?tier__exact=paid", data).status_code == 302
    assert LlmModelEntry.objects.get(pk="kimi").sort_order == 1


def secret_model():
    return LlmModelEntry.objects.create(id="secret-model", name="Secret Model", litellm_api_key=RAW_KEY)


def assert_no_raw_key(*pages):
    for html in pages:
        assert RAW_KEY not in html and NEW_KEY not in html
        assert "9f8e7d6c5b4a3210" not in html and "0123456789abcdef" not in html


@pytest.mark.django_db
def test_raw_key_is_never_rendered_and_untouched_key_is_kept(admin_client):
    model = secret_model()
    change = f"{CHANGELIST}{model.pk}/change/"
    form_page = admin_client.get(change).content.decode()
    assert "set (ends ...xyz4)" in form_page
    data = form_data(form_page, "llmmodelentry_form")
    assert data["replace_api_key"] == "" and "litellm_api_key" not in data
    data["name"] = "Secret Model renamed"
    saved = admin_client.post(change, data, follow=True)
    model.refresh_from_db()
    assert model.litellm_api_key == RAW_KEY and model.name == "Secret Model renamed"
    assert_no_raw_key(
        form_page,
        saved.content.decode(),
        admin_client.get(CHANGELIST).content.decode(),
        admin_client.get(f"{CHANGELIST}{model.pk}/history/").content.decode(),
        admin_client.get(f"{CHANGELIST}?q=sk-or").content.decode(),
        admin_client.get(f"{CHANGELIST}{model.pk}/delete/").content.decode(),
    )
    assert "was changed successfully" in saved.content.decode()


@pytest.mark.django_db
def test_replace_and_clear_the_key(admin_client):
    model = secret_model()
    change = f"{CHANGELIST}{model.pk}/change/"

    def form():
        return form_data(admin_client.get(change).content.decode(), "llmmodelentry_form")

    saved = admin_client.post(change, dict(form(), replace_api_key=NEW_KEY), follow=True)
    model.refresh_from_db()
    assert model.litellm_api_key == NEW_KEY
    history = admin_client.get(f"{CHANGELIST}{model.pk}/history/").content.decode()
    assert "Replace API key" in history
    assert_no_raw_key(saved.content.decode(), history, admin_client.get(change).content.decode())
    assert "set (ends ...7777)" in admin_client.get(change).content.decode()

    both = admin_client.post(change, dict(form(), replace_api_key="os.environ/X", clear_api_key="on"))
    assert both.status_code == 200 and "not both" in both.content.decode()
    assert_no_raw_key(both.content.decode())
    model.refresh_from_db()
    assert model.litellm_api_key == NEW_KEY

    assert admin_client.post(change, dict(form(), clear_api_key="on")).status_code == 302
    model.refresh_from_db()
    assert model.litellm_api_key is None
    assert "not set" in admin_client.get(change).content.decode()

    assert admin_client.post(change, dict(form(), replace_api_key="os.environ/OPEN_ROUTER_KEY")).status_code == 302
    model.refresh_from_db()
    assert model.litellm_api_key == "os.environ/OPEN_ROUTER_KEY"
    assert "os.environ/OPEN_ROUTER_KEY" in admin_client.get(change).content.decode()


@pytest.mark.django_db
def test_a_key_changed_meanwhile_is_not_shown_in_the_conflict_message(admin_client):
    model = secret_model()
    change = f"{CHANGELIST}{model.pk}/change/"
    data = form_data(admin_client.get(change).content.decode(), "llmmodelentry_form")
    LlmModelEntry.objects.filter(pk=model.pk).update(litellm_api_key=NEW_KEY, name="Renamed by Aria")
    response = admin_client.post(change, dict(data, max_tokens="1234"))
    assert response.status_code == 200
    assert_no_raw_key(response.content.decode())
    model.refresh_from_db()
    assert model.litellm_api_key == NEW_KEY and model.max_tokens == 4096


@pytest.mark.django_db
def test_a_bad_value_keeps_the_key_out_of_the_redisplayed_form(admin_client):
    model = secret_model()
    change = f"{CHANGELIST}{model.pk}/change/"
    data = form_data(admin_client.get(change).content.decode(), "llmmodelentry_form")
    response = admin_client.post(change, dict(data, replace_api_key=NEW_KEY, context_window="many"))
    assert response.status_code == 200 and "context_window" in response.context["adminform"].form.errors
    assert_no_raw_key(response.content.decode())
    model.refresh_from_db()
    assert model.litellm_api_key == RAW_KEY


@pytest.mark.django_db
def test_enable_and_disable_actions(admin_client):
    import_models()
    selected = ["kimi", "kimi-k2-thinking"]
    response = admin_client.post(CHANGELIST, {"action": "disable_selected", "_selected_action": selected}, follow=True)
    assert any("Disabled 2 LLM models" in str(m) for m in response.context["messages"])
    assert list(LlmModelEntry.objects.filter(enabled=False).values_list("pk", flat=True).order_by("pk")) == selected
    admin_client.post(CHANGELIST, {"action": "enable_selected", "_selected_action": selected})
    assert not LlmModelEntry.objects.filter(enabled=False).exists()


def test_the_editable_sort_order_is_named_for_its_row(admin_client):
    """A list_editable input sits in a table cell with no <label>: its aria-label names it."""
    LlmModelEntry.objects.create(id="kimi", name="Kimi K2.5")

    html = admin_client.get(CHANGELIST).content.decode()

    assert 'aria-label="Sort order of Kimi K2.5 (kimi)"' in html
