"""Upsert Aria's models.yaml into aria_engine.llm_models, as Aria's start-up sync does."""

from engine_app import domain
from engine_app.models import LlmModelEntry

from ._yaml_upsert import YamlUpsertCommand


class Command(YamlUpsertCommand):
    help = (
        "Upsert the `models` mapping of models.yaml into llm_models with Aria's "
        "mapping (enabled set true; sort_order and extra left alone), skipping models "
        "managed by the dashboard (app_managed) unless --force."
    )
    model = LlmModelEntry
    noun = "model"
    skip_marked = domain.APP_MANAGED_MARK

    def entries(self, data):
        return domain.llm_models_in_yaml(data)

    def map_entry(self, key, entry):
        return domain.llm_model_from_yaml(key, entry)
