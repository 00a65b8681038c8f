"""An import through the admin's own change and add forms.

django-import-export runs the import: one transaction for the whole file,
a savepoint per row, rolled back on a dry run or on any bad row, and a
result per row (new, update, skip, invalid). What a row means is left to
the table's admin, not to import-export's widgets: each row is posted to
the same form a person would fill in (ModelAdmin.get_form), so every rule
of that form holds, written once:

- its validation (e.g. the cron schedule rule of engine_app.domain), the
  stale-row check of aria_admin.concurrency and the "Aria's file owns this
  row" confirmation of engine_app.admin.file_owned;
- the secrets round trip: a masked value from the export comes back as the
  mask and keeps the stored secret (aria_admin.secrets); a secret column
  with its own replace field (``litellm_api_key``) is not in the form, so
  the file's mask is never written;
- the save is ModelAdmin.save_model (``writes_mark`` such as
  ``app_managed``, the goals' status <-> column rule) and each saved row
  gets a history entry.

A row counts as stale when the table has ``updated_at`` and the row's value
differs from the file's: someone changed it after the export.
"""

from django.contrib.admin.models import ADDITION, CHANGE
from django.contrib.admin.utils import construct_change_message
from django.core.exceptions import ValidationError
from django.forms import MultiWidget
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from import_export import resources

from aria_admin.bulk_update import log_history
from aria_admin.concurrency import VERSION_FIELD, current_row, fingerprint, sign
from aria_admin.export.columns import iso_utc
from aria_admin.secrets import mask_field

CONFIRM_FIELD = "confirm_file_reset"  # engine_app.admin.file_owned's checkbox
STALE_COLUMN = "updated_at"


def widget_data(name, widget, text):
    """What the browser would post for ``text`` in this form field."""
    if isinstance(widget, MultiWidget):  # the admin's split date / time
        moment = parse_datetime(text) if text else None
        if moment is None:
            return {f"{name}_0": text, f"{name}_1": ""}
        moment = timezone.localtime(moment) if timezone.is_aware(moment) else moment
        return {f"{name}_0": moment.date().isoformat(), f"{name}_1": moment.strftime("%H:%M:%S")}
    return {name: text}


class AdminFormResource(resources.ModelResource):
    """Build with ``for_admin(model_admin)``, then ``resource(request=...)``."""

    model_admin = None

    def __init__(self, *, request, confirm_file=False):
        super().__init__()
        self.request = request
        self.confirm_file = confirm_file
        self.forms = {}  # row number -> the bound, valid form

    @classmethod
    def for_admin(cls, model_admin):
        model = model_admin.model
        meta = type("Meta", (), {
            "model": model,
            "import_id_fields": [model._meta.pk.name],
            "skip_diff": True,
            "report_skipped": True,
            "use_transactions": True,
        })
        return type(f"{model.__name__}ImportResource", (cls,), {"Meta": meta, "model_admin": model_admin})

    # Loading -----------------------------------------------------------
    def get_instance(self, instance_loader, row):
        if not row.get(self._meta.model._meta.pk.name):
            return None  # no key: a new row
        return super().get_instance(instance_loader, row)

    def init_instance(self, row=None):
        instance = super().init_instance(row)
        pk = self._meta.model._meta.pk
        if row and row.get(pk.name) and not pk.editable:
            instance.pk = pk.to_python(row[pk.name])  # keeps the file's id
        return instance

    # The admin's form ----------------------------------------------------
    def import_instance(self, instance, row, **kwargs):
        new = instance._state.adding
        admin, request = self.model_admin, self.request
        if new and not admin.has_add_permission(request):
            raise ValidationError(f"You may not add {self._meta.model._meta.verbose_name_plural}.")
        if not new:
            self.check_not_stale(instance, row)
        form_class = admin.get_form(request, None if new else instance, change=not new)
        form = form_class(data=self.form_data(form_class, row, instance, new), instance=instance)
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        self.forms[kwargs["row_number"]] = form

    def form_data(self, form_class, row, instance, new):
        data = QueryDict(mutable=True)
        for name, field in form_class.base_fields.items():
            if name == VERSION_FIELD and not new:
                data[name] = sign(fingerprint(current_row(instance)))
            elif name == CONFIRM_FIELD:
                data[name] = "on" if self.confirm_file else ""
            elif name in row:
                text = row[name]
                if text is None:
                    text = ""
                data.update(widget_data(name, field.widget, text))
        return data

    def check_not_stale(self, instance, row):
        names = {f.name for f in instance._meta.concrete_fields}
        if STALE_COLUMN not in names or STALE_COLUMN not in row:
            return
        now = getattr(instance, STALE_COLUMN)
        if now is not None and row[STALE_COLUMN] != iso_utc(now):
            raise ValidationError(
                f"This row was changed after the export (updated_at now {iso_utc(now)}, "
                f"in the file {row[STALE_COLUMN] or 'empty'}); export again and redo the edit."
            )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        form = self.forms.get(self.current_row_number)
        return form is not None and not instance._state.adding and not form.has_changed()

    def import_row(self, row, instance_loader, **kwargs):
        self.current_row_number = kwargs["row_number"]
        return super().import_row(row, instance_loader, **kwargs)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    # Saving --------------------------------------------------------------
    def save_instance(self, instance, is_create, row, **kwargs):
        form = self.forms[kwargs["row_number"]]
        obj = form.save(commit=False)
        self.model_admin.save_model(self.request, obj, form, not is_create)
        message = construct_change_message(form, [], is_create)
        log_history(self.request.user.pk, [obj], ADDITION if is_create else CHANGE, message)

    def preview(self, row_number):
        """[(field label, old, new)] of what the row changes (secrets masked by the form)."""
        form = self.forms.get(row_number)
        if form is None:
            return []
        changes = []
        for name in form.changed_data:
            if name in (CONFIRM_FIELD, VERSION_FIELD):
                continue
            old, new = form.initial.get(name), form.cleaned_data.get(name)
            changes.append(
                (form.fields[name].label or name, mask_field(form.instance, name, old), mask_field(form.instance, name, new))
            )
        return changes
