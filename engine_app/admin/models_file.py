"""models.yaml beside the LLM model pages (ARIA_MODELS_YAML).

A model listed in models.yaml whose ``app_managed`` is false follows the
file: Aria's start-up sync resets its mapped fields. Saving a change here
marks it app_managed (the admin's writes_mark), so the sync skips it from
then on; the form says so and asks for a confirmation first. The file's API
key is described as the model's own is (never shown raw).
"""

from engine_app import aria_files, domain
from engine_app.admin.file_owned import FileOwnedAdminMixin, FileOwnedFormMixin

KEY = "litellm_api_key"


class ModelsFileForm(FileOwnedFormMixin):
    """The key column is edited through replace / clear (see LlmModelForm)."""

    def file_field_names(self):
        return {KEY: "replace_api_key"}

    def describe_file_value(self, name, value):
        if name == KEY:
            return domain.describe_api_key(value)
        return super().describe_file_value(name, value)

    def changed_file_fields(self):
        changed = super().changed_file_fields()
        data = self.cleaned_data
        if KEY in self.file_values and (data.get("clear_api_key") or data.get("replace_api_key")):
            new_key = None if data.get("clear_api_key") else data["replace_api_key"]
            if new_key != self.file_values[KEY]:
                changed.append(KEY)
        return changed


class ModelsFileAdminMixin(FileOwnedAdminMixin):
    file_form_mixin = ModelsFileForm
    file_fields = aria_files.MODELS_FILE_FIELDS
    notice_title = "models.yaml"
    confirm_label = "I understand this model will stop following models.yaml"
    confirm_error = (
        "models.yaml owns this model: saving a change here makes it managed by the dashboard, "
        "and Aria's sync skips it from then on (until it is handed back to Aria's files)."
    )

    def aria_file(self):
        return aria_files.models_file()

    def file_owns(self, aria_file, obj):
        return super().file_owns(aria_file, obj) and not obj.app_managed

    def file_notice(self, aria_file, obj):
        if not self.file_owns(aria_file, obj):
            return ""
        return (
            "This model is listed in models.yaml and follows it: at every start Aria's sync resets "
            "its mapped fields to the file's values, shown under each field. Saving a change here "
            "makes it managed by the dashboard, and the sync skips it from then on."
        )
