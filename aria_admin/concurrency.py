"""No lost updates: refuse to save a change form over someone else's change.

When a change form is opened, it carries a signed fingerprint of the row (one
short hash per column, ``updated_at`` included). On save, the row is read
again under a row lock. If a column the form edits was changed meanwhile (by
Aria or another user) and the form would put back a different value, the
save is refused with a message naming every changed column and the new
values; the user's input stays on the page, and the form now carries the new
fingerprint, so saving again deliberately overwrites. Columns the form does
not edit are saved with the locked row's current values, so changes Aria
makes to them (run counters, timestamps) are never lost either.

Works for every table: those with ``updated_at`` (goals, cron jobs, LLM
models, agent state, ...) and those without one alike.

Why the goal board checks ``updated_at`` instead (data_app.services.goals
.is_stale), and why the two stay two:
- they answer different questions. A form knows which columns it writes
  and with which values, so a change to any other column is no conflict
  (the form is saved over it, keeping it). A board move is one drag whose
  writes (status, column, completed_at, position) follow from the card as
  the user saw it; any change to that goal since the board was read means
  the card they moved is not what they saw, so the move is refused
  whichever column changed. Per-column leniency would be wrong there.
- cost: this fingerprint reads the whole row and computes one HMAC per
  column; a board of 2,000 cards would pay ~40,000 HMACs and carry 2,000
  signed fingerprints in the page, against its 150 ms budget, while every
  card already holds its ``updated_at`` (every goal has one; all our
  writes stamp it). The limit of that choice: a writer that changes a goal
  without stamping ``updated_at`` goes unseen by the board, not by forms.
What they share: the re-read under a row lock (select_for_update) in the
saving transaction, and nothing written on a conflict.
"""

import copy
import json

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac
from django.db import connections, router

from aria_admin.text import truncate

VERSION_FIELD = "aria_row_version"
SIGNING_SALT = "aria_admin.concurrency.row_version"


def sign(prints):
    # No timestamp: the same row always signs the same, whenever it is read.
    return signing.Signer(salt=SIGNING_SALT).sign_object(prints, compress=True)


def unsign(value):
    return signing.Signer(salt=SIGNING_SALT).unsign_object(value)


class RowVersionField(forms.CharField):
    """The hidden fingerprint: bookkeeping, never a "changed field" in history."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def has_changed(self, initial, data):
        return False


def _plain(value):
    """A JSON-friendly form of a column value (vectors, dates, decimals...)."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


FINGERPRINT_SALT = "aria_admin.concurrency.fingerprint"


def fingerprint(obj):
    """{column attname: short hash of its value} for every column of ``obj``."""
    prints = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key:
            continue
        value = json.dumps(field.value_from_object(obj), sort_keys=True, default=_plain)
        # Keyed with SECRET_KEY: the signed (not encrypted) fingerprint must not
        # let anyone test a guess of a secret column such as litellm_api_key.
        prints[field.attname] = salted_hmac(FINGERPRINT_SALT, value, algorithm="sha256").hexdigest()[:12]
    return prints


def current_row(instance):
    """The row as it is in the database now, locked until the save commits."""
    model = type(instance)
    using = router.db_for_write(model, instance=instance)
    rows = model._base_manager.using(using).filter(pk=instance.pk).order_by()
    if connections[using].in_atomic_block:
        rows = rows.select_for_update()
    return rows.first()


class RowVersionFormMixin:
    """Form mixin carrying and checking the row fingerprint (see module doc)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # On GET, and on POST before the input is applied, self.instance is
        # the row as just read from the database.
        self.fields[VERSION_FIELD].initial = sign(fingerprint(self.instance))

    def clean(self):
        # First, so that the form's own clean() sees the current row.
        self.check_row_version()
        return super().clean()

    def check_row_version(self):
        posted = self.data.get(VERSION_FIELD)
        if not posted:
            # Without its version the form cannot tell what changed since it
            # was opened: refused like a stale form (scripts use the ORM).
            self.offer_current_version()
            raise ValidationError(
                "This form was sent without the version of the row it was opened on, so it "
                "could not be checked for changes made meanwhile; nothing was saved. Your input "
                "is kept below; compare it with the saved row, then save again.",
                code="missing_row_version",
            )
        try:
            opened = unsign(posted)
        except signing.BadSignature:
            raise ValidationError(
                "This form could not be checked against the saved row; reload the page and try again.",
                code="bad_row_version",
            ) from None
        row = current_row(self.instance)
        if row is None:
            raise ValidationError(
                "This row was deleted by someone else after you opened it; nothing was saved.",
                code="row_deleted",
            )
        self.keep_columns_outside_the_form(row)
        now = fingerprint(row)
        changed = [attname for attname, digest in now.items() if opened.get(attname) != digest]
        if not all(self.survives_save(row, attname) for attname in changed):
            # Keep the input; the next save knowingly overwrites the new values.
            self.offer_current_version(now)
            raise ValidationError(self.conflict_message(row, changed), code="row_changed")

    def offer_current_version(self, prints=None):
        """Re-show the form carrying the saved row's version: saving it again
        is then a deliberate overwrite."""
        if prints is None:
            row = current_row(self.instance)
            prints = fingerprint(row if row is not None else self.instance)
        self.data = self.data.copy()
        self.data[VERSION_FIELD] = sign(prints)

    def keep_columns_outside_the_form(self, row):
        """Save the locked row's own values for every column the form lacks.

        The instance was read before the lock; whatever Aria wrote since to
        columns nobody edits here (run counters, timestamps) is kept.
        """
        for field in row._meta.concrete_fields:
            if not field.primary_key and field.name not in self.fields:
                setattr(self.instance, field.attname, getattr(row, field.attname))

    def survives_save(self, row, attname):
        """Whether another person's change to this column outlives this save.

        Yes for columns the form lacks (kept above), for ``auto_now`` stamps
        (every save renews them) and for a column the form submits with
        exactly its new value (as when re-posting one's own saved form).
        No when the form would put back another value: a lost update.
        """
        field = next(f for f in row._meta.concrete_fields if f.attname == attname)
        if getattr(field, "auto_now", False) or field.name not in self.fields:
            return True
        if field.name not in self.cleaned_data:
            return False
        submitted = copy.copy(row)
        field.save_form_data(submitted, self.cleaned_data[field.name])
        return fingerprint(submitted)[attname] == fingerprint(row)[attname]

    def conflict_message(self, row, changed):
        """Names the changed columns, with the new value of those on the form."""
        by_attname = {field.attname: field for field in row._meta.concrete_fields}
        parts = []
        for attname in changed:
            field = by_attname[attname]
            if field.name in self.fields and not field.is_relation:
                value = field.value_from_object(row)
                parts.append(f"{field.verbose_name} (now “{truncate(value, 80)}”)")
            else:
                parts.append(str(field.verbose_name))
        return (
            f"Someone else changed this {row._meta.verbose_name} after you opened it: "
            f"{', '.join(parts)}. Nothing was saved. Your input is kept below; "
            "compare it with the new values, then save again to overwrite them."
        )


class OptimisticLockAdminMixin:
    """ModelAdmin mixin: change forms refuse to overwrite a newer row."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not change or obj is None:
            return form
        return type(
            form.__name__,
            (RowVersionFormMixin, form),
            {VERSION_FIELD: RowVersionField()},
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        adminform = context.get("adminform")
        if (
            change
            and adminform is not None
            and VERSION_FIELD in adminform.form.fields
            and self.has_change_permission(request, obj)
        ):
            # A hidden fieldset renders the fingerprint inside the form.
            adminform.fieldsets = [
                *adminform.fieldsets,
                (None, {"fields": [VERSION_FIELD], "classes": ["hidden"]}),
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)
