"""The Import page of a table's list: upload the exported CSV, see what it
would change row by row (a dry run), then import it in one transaction.

A bad row is named with its line in the file and the problem, and nothing
is written; the preview and the import run the same code (resource.py),
the dry run rolled back. Needs the change permission (the add permission
for rows the table does not have yet).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.text import capfirst
from import_export.results import RowResult

from aria_admin.admin.urls import cached_reverse
from aria_admin.imports.csvfile import FileProblem, decode, read_dataset
from aria_admin.imports.resource import CONFIRM_FIELD, AdminFormResource
from aria_admin.secrets import mask_text
from aria_admin.text import truncate

IMPORT_URL_SUFFIX = "_import"
PROBLEM_CHARS = 300
ACTIONS = {RowResult.IMPORT_TYPE_NEW: "add", RowResult.IMPORT_TYPE_UPDATE: "change", RowResult.IMPORT_TYPE_SKIP: "unchanged"}


class ImportFileForm(forms.Form):
    file = forms.FileField(required=False, label="Exported CSV file")
    # The file's text again, from the preview page to the import.
    csv_text = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)
    confirm_file_reset = forms.BooleanField(required=False)

    def __init__(self, *args, file_owned_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if file_owned_label:
            self.fields[CONFIRM_FIELD].label = file_owned_label
        else:
            del self.fields[CONFIRM_FIELD]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None and not cleaned.get("csv_text"):
            raise forms.ValidationError("Choose the CSV file to import.")
        try:
            cleaned["text"] = decode(upload.read()) if upload is not None else decode(cleaned["csv_text"].encode())
        except FileProblem as problem:
            raise forms.ValidationError(str(problem)) from None
        return cleaned


def row_problems(result, lines):
    """["Line 7: schedule: Not a cron expression ..."] for every bad row, in file order."""
    found = [(0, f"The file: {error.error}") for error in result.base_errors]
    for invalid in result.invalid_rows:
        for name, errors in invalid.error_dict.items():
            field = "" if name == NON_FIELD_ERRORS else f"{name}: "
            found += [(lines[invalid.number - 1], f"{field}{message}") for message in errors]
    for number, errors in result.row_errors():
        found += [(lines[number - 1], str(error.error)) for error in errors]
    found.sort(key=lambda item: item[0])
    # Cut first: an error may quote the cell (a 100 KB value), and masking
    # reads the whole text.
    return [mask_text(truncate(text if line == 0 else f"Line {line}: {text}", PROBLEM_CHARS)) for line, text in found]


class ImportAdminMixin:
    """ModelAdmin mixin for an AriaModelAdmin: the Import page and link."""

    import_resource = AdminFormResource

    def get_urls(self):
        opts = self.model._meta
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name=f"{opts.app_label}_{opts.model_name}{IMPORT_URL_SUFFIX}"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {})}
        if self.has_change_permission(request):
            opts = self.model._meta
            url = cached_reverse(f"admin:{opts.app_label}_{opts.model_name}{IMPORT_URL_SUFFIX}")
            extra_context.setdefault("import_links", [("Import CSV", url)])
        return super().changelist_view(request, extra_context)

    def file_owned_label(self):
        aria_file = getattr(self, "aria_file", None)
        if aria_file is None:
            return None
        return f"Also change rows {aria_file().label} owns (its values are shown on each row's change form)"

    def import_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        opts = self.model._meta
        form = ImportFileForm(
            request.POST if request.method == "POST" else None,
            request.FILES if request.method == "POST" else None,
            file_owned_label=self.file_owned_label(),
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Import {opts.verbose_name_plural} from CSV",
            "opts": opts,
            "form": form,
            "changelist_url": cached_reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        }
        if form.is_bound and form.is_valid():
            commit = "import" in request.POST and not form.cleaned_data.get("file")
            outcome = self.run_import(request, form.cleaned_data, dry_run=not commit)
            if commit and outcome.get("problems") == []:
                counts = outcome["counts"]
                self.message_user(
                    request,
                    f"Imported {opts.verbose_name_plural}: {counts['add']} added, {counts['change']} changed, "
                    f"{counts['unchanged']} unchanged.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(context["changelist_url"])
            context.update(outcome, csv_text=form.cleaned_data["text"], committed=False)
        return TemplateResponse(request, "admin/aria_admin/import.html", context)

    def run_import(self, request, cleaned, *, dry_run):
        """The preview rows (or the problems) of importing the file."""
        resource_class = self.import_resource.for_admin(self)
        resource = resource_class(request=request, confirm_file=bool(cleaned.get(CONFIRM_FIELD)))
        required = [
            name for name in self.get_form(request, None, change=False).base_fields
            if name in {f.name for f in self.model._meta.concrete_fields}
        ]
        try:
            dataset, lines, ignored = read_dataset(cleaned["text"], self.model, required=required)
        except FileProblem as problem:
            return {"problems": [str(problem)]}
        result = resource.import_data(dataset, dry_run=dry_run, rollback_on_validation_errors=True)
        problems = row_problems(result, lines)
        rows, counts = [], {"add": 0, "change": 0, "unchanged": 0}
        pk_name = self.model._meta.pk.name
        keys = dataset[pk_name] if pk_name in dataset.headers else [""] * len(dataset)
        for number, row_result in enumerate(result.rows, 1):
            action = ACTIONS.get(row_result.import_type)
            if action:
                counts[action] += 1
            rows.append({
                "line": lines[number - 1],
                "key": keys[number - 1] or row_result.object_id or "(new)",
                "action": action or "refused",
                "changes": resource.preview(number),
            })
        return {
            "problems": problems,
            "rows": rows,
            "counts": counts,
            "ignored": ignored,
            "noun": capfirst(self.model._meta.verbose_name),
        }
