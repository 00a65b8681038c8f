"""The LLM model catalog (aria_engine.llm_models).

``litellm_api_key`` may hold a raw provider secret. It is never rendered: the
form shows only what describe_api_key allows (not set, a reference, or the
last four characters) and offers an explicit replace and clear; untouched, the
stored key is kept.
"""

from decimal import Decimal

from django import forms
from django.contrib import admin

from aria_admin.admin.filters import values_filter
from aria_admin.admin_base import AriaModelAdmin, enable_disable_actions
from aria_admin.imports.admin import ImportAdminMixin
from engine_app import domain
from engine_app.admin.managed import AppManagedAdminMixin
from engine_app.admin.models_file import ModelsFileAdminMixin
from engine_app.models import LlmModelEntry


def context_size(tokens):
    """256000 -> '256K', 131072 -> '128K', 1048576 -> '1M' (whichever unit is exact)."""
    if tokens is None:
        return "-"
    for units in (((1_000_000, "M"), (1000, "K")), ((1024 * 1024, "M"), (1024, "K"))):
        for size, suffix in units:
            if tokens >= size and tokens % size == 0:
                return f"{tokens // size}{suffix}"
    for size, suffix in ((1_000_000, "M"), (1000, "K")):
        if tokens >= size:
            return f"{tokens / size:.3g}{suffix}"
    return str(tokens)


def cost_per_million(value):
    if not value:
        return "free"
    return f"${Decimal(value).normalize():f}"


class LlmModelForm(forms.ModelForm):
    """Every column but the key; the key only through replace / clear."""

    replace_api_key = forms.CharField(
        label="Replace API key",
        required=False,
        max_length=LlmModelEntry._meta.get_field("litellm_api_key").max_length,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="A raw key, or a reference such as os.environ/OPEN_ROUTER_KEY or not-needed. "
        "Leave empty to keep the current key.",
    )
    clear_api_key = forms.BooleanField(
        label="Clear API key", required=False, help_text="Remove the key from this model."
    )

    class Meta:
        model = LlmModelEntry
        exclude = ["litellm_api_key"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("replace_api_key") and cleaned.get("clear_api_key"):
            self.add_error("clear_api_key", "Either replace the key or clear it, not both.")
        return cleaned

    def save(self, commit=True):
        if self.cleaned_data.get("clear_api_key"):
            self.instance.litellm_api_key = None
        elif self.cleaned_data.get("replace_api_key"):
            self.instance.litellm_api_key = self.cleaned_data["replace_api_key"]
        return super().save(commit)


@admin.register(LlmModelEntry)
class LlmModelEntryAdmin(ImportAdminMixin, AppManagedAdminMixin, ModelsFileAdminMixin, AriaModelAdmin):
    form = LlmModelForm
    sync_source = "models.yaml"
    list_display = [
        "id",
        "name",
        "provider",
        "tier",
        "reasoning",
        "vision",
        "tool_calling",
        "context",
        "max_tokens",
        "cost_in",
        "cost_out",
        "enabled",
        "sort_order",
    ]
    list_display_links = ["id", "name"]
    list_editable = ["sort_order"]
    list_filter = [("provider", values_filter(domain.PROVIDERS)), "tier", "enabled", "reasoning", "vision", "tool_calling"]
    search_fields = ["id", "name", "provider", "litellm_model", "route_skill", "aliases", "extra"]
    ordering = ["sort_order", "name"]
    readonly_fields = ["api_key", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "description": "Aria's start-up sync from models.yaml overwrites the mapped "
                "fields of every model listed there and enables it again (sort order and "
                "extra are kept), unless the model is managed by the dashboard: saving here "
                "makes it so.",
                "fields": ["id", "name", "provider", "tier", "enabled", "sort_order", "managed_by"],
            },
        ),
        (
            "Capabilities",
            {
                "fields": [
                    ("reasoning", "vision", "tool_calling"),
                    "input_types",
                    ("context_window", "max_tokens"),
                ]
            },
        ),
        ("Cost (USD per 1M tokens)", {"fields": [("cost_input", "cost_output", "cost_cache_read")]}),
        (
            "LiteLLM",
            {
                "fields": [
                    "litellm_model",
                    "litellm_api_base",
                    "api_key",
                    "replace_api_key",
                    "clear_api_key",
                    "route_skill",
                    "aliases",
                ]
            },
        ),
        ("More", {"fields": ["extra", ("created_at", "updated_at")]}),
    ]
    actions = enable_disable_actions("selected LLM models")

    @admin.display(description="API key")
    def api_key(self, model):
        return domain.describe_api_key(model.litellm_api_key if model else None)

    @admin.display(description="context", ordering="context_window")
    def context(self, model):
        return context_size(model.context_window)

    @admin.display(description="in / 1M", ordering="cost_input")
    def cost_in(self, model):
        return cost_per_million(model.cost_input)

    @admin.display(description="out / 1M", ordering="cost_output")
    def cost_out(self, model):
        return cost_per_million(model.cost_output)
