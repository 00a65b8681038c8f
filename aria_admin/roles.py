"""The two staff roles Aria Admin ships: viewers and operators.

``ensure_groups()`` creates or updates the groups with exactly the
permissions below (aria_bootstrap calls it, so running it again repairs a
group someone edited by hand):

- "Aria viewers": view every Aria table, nothing else;
- "Aria operators": view and change every Aria table; add and delete only
  the tables people curate (goals, hourly goals, memories, working memory,
  cron jobs, LLM models, agent tools); never delete log rows.
"""

from django.apps import apps
from django.contrib.admin.options import ActionLocation
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from aria_admin.aria_tables import ARIA_APPS, aria_models

VIEWERS = "Aria viewers"
OPERATORS = "Aria operators"

# Tables operators may add rows to and delete rows from, as app_label.ModelName.
CURATED_MODELS = (
    "data_app.Goal",
    "data_app.HourlyGoal",
    "data_app.Memory",
    "data_app.WorkingMemory",
    "engine_app.EngineCronJob",
    "engine_app.LlmModelEntry",
    "engine_app.EngineAgentTool",
)


def _permissions(models, actions):
    """The Permission rows for ``actions`` on ``models``, created if missing."""
    from django.contrib.auth.management import create_permissions

    for label in ARIA_APPS:
        create_permissions(apps.get_app_config(label), verbosity=0)
    content_types = ContentType.objects.get_for_models(*models, for_concrete_models=False)
    codenames = {
        (content_types[model].pk, f"{action}_{model._meta.model_name}")
        for model in models
        for action in actions
    }
    found = Permission.objects.filter(content_type__in=content_types.values())
    return [perm for perm in found if (perm.content_type_id, perm.codename) in codenames]


def ensure_groups():
    """Create or update both groups; return them as (viewers, operators)."""
    everything = aria_models()
    curated = [apps.get_model(label) for label in CURATED_MODELS]

    viewers, _ = Group.objects.get_or_create(name=VIEWERS)
    viewers.permissions.set(_permissions(everything, ("view",)))

    operators, _ = Group.objects.get_or_create(name=OPERATORS)
    operators.permissions.set(
        _permissions(everything, ("view", "change")) + _permissions(curated, ("add", "delete"))
    )
    return viewers, operators


class ViewerSafeActionsMixin:
    """ModelAdmin mixin: people who cannot change a table run no bulk action
    on it, except actions that declare they need only ``view``.

    Django already hides "delete selected" without the delete permission;
    this covers custom actions that declare no ``allowed_permissions``.
    """

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if self.has_change_permission(request):
            return actions
        return {
            name: action
            for name, action in actions.items()
            if getattr(action.func, "allowed_permissions", None)
        }
