"""Shared machinery of the YAML import commands (import_llm_models, import_cron_jobs).

Aria upserts llm_models and cron_jobs from its YAML files at start-up; these
commands do the same on demand. Everything is read and validated before the
first write, so a bad file exits with one line and leaves the tables as they
were; the writes happen in one transaction and are recorded in the admin
history under the inactive user ``aria-import``.
"""

import os

import yaml
from django.contrib.admin.models import ADDITION, CHANGE
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from aria_admin.history import changed_message, log_history

IMPORT_USERNAME = "aria-import"
# Aria's own files are a few KB with a few dozen entries; past these limits a
# file is refused before it is parsed (size) or validated (entries).
MAX_FILE_BYTES = 1_000_000
MAX_ENTRIES = 1_000


def one_line(text):
    return " ".join(str(text).split())


def import_user():
    """The user admin history names for imports: inactive, cannot log in."""
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(
        username=IMPORT_USERNAME, defaults={"is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


class YamlUpsertCommand(BaseCommand):
    """Upsert rows of ``model`` from a YAML (or JSON) file, all or nothing.

    Subclasses say how to find the entries in the file (``entries``) and how
    one entry maps to column values (``map_entry``, raising ValueError).
    """

    model = None
    noun = "entry"
    # Column values marking rows the import leaves alone unless --force, as
    # Aria's own sync skips rows edited elsewhere (e.g. {"app_managed": True}).
    skip_marked = None

    def add_arguments(self, parser):
        parser.add_argument("path", help="the YAML or JSON file to import")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="print what would be inserted, updated or unchanged; write nothing",
        )
        if self.skip_marked:
            parser.add_argument(
                "--force",
                action="store_true",
                help="also overwrite rows managed by the dashboard (skipped otherwise, as Aria's sync does)",
            )

    def entries(self, data):
        """(key, entry) pairs of the parsed file; raise ValueError if misshapen."""
        raise NotImplementedError

    def map_entry(self, key, entry):
        raise NotImplementedError

    # Reading and validating ------------------------------------------------
    def fail(self, problem, key=None):
        where = f" {self.noun} {key!r}:" if key is not None else ""
        raise CommandError(f"{self.path}:{where} {one_line(problem)}")

    def load(self):
        try:
            size = os.path.getsize(self.path)
            if size > MAX_FILE_BYTES:
                self.fail(f"the file is {size:,} bytes; at most {MAX_FILE_BYTES:,} are imported")
            with open(self.path, encoding="utf-8") as handle:
                return yaml.safe_load(handle)
        except OSError as exc:
            self.fail(f"cannot read the file ({exc.strerror})")
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            self.fail(f"not valid YAML/JSON ({exc})")

    def validated_rows(self):
        """Column values per id for every entry, or CommandError on the first bad one."""
        data = self.load()
        try:
            pairs = list(self.entries(data))
        except ValueError as exc:
            self.fail(exc)
        if len(pairs) > MAX_ENTRIES:
            self.fail(f"{len(pairs):,} {self.noun} entries; at most {MAX_ENTRIES:,} are imported")
        rows = {}
        for key, entry in pairs:
            try:
                values = self.map_entry(key, entry)
            except ValueError as exc:
                self.fail(exc, key)
            if values["id"] in rows:
                self.fail(f"duplicate id {values['id']!r}", key)
            self.check_columns(key, values)
            rows[values["id"]] = values
        return rows

    def check_columns(self, key, values):
        """The values fit the table (lengths, ranges, precision, schedule)."""
        try:
            self.model(**values).clean_fields()
        except ValidationError as exc:
            field, messages = next(iter(exc.message_dict.items()))
            self.fail(f"{field}: {' '.join(messages)}", key)

    # Comparing and writing ---------------------------------------------------
    def is_skipped(self, row):
        marks = self.skip_marked or {}
        return bool(marks) and all(getattr(row, name) == value for name, value in marks.items())

    def handle(self, *args, path, dry_run=False, force=False, **options):
        self.path = path
        rows = self.validated_rows()
        existing = self.model.objects.in_bulk(list(rows))
        inserts, updates, unchanged, skipped = [], [], [], []
        for pk, values in rows.items():
            current = existing.get(pk)
            if current is None:
                inserts.append(self.model(**values))
                continue
            if not force and self.is_skipped(current):
                skipped.append(current)
                continue
            changed = [f for f, v in values.items() if getattr(current, f) != v]
            if changed:
                for field in changed:
                    setattr(current, field, values[field])
                updates.append((current, changed))
            else:
                unchanged.append(current)
        if dry_run:
            for obj in inserts:
                self.stdout.write(f"would insert {obj.pk}")
            for obj, changed in updates:
                self.stdout.write(f"would update {obj.pk} ({', '.join(changed)})")
            for obj in unchanged:
                self.stdout.write(f"unchanged {obj.pk}")
            for obj in skipped:
                self.stdout.write(f"would skip {obj.pk} (managed by the dashboard)")
        else:
            self.write(inserts, updates)
        prefix = "dry run, nothing written: " if dry_run else ""
        summary = f"{prefix}inserted {len(inserts)}, updated {len(updates)}, unchanged {len(unchanged)}"
        if skipped:
            summary += f", skipped {len(skipped)} managed by the dashboard (--force overwrites them)"
        self.stdout.write(summary)

    @transaction.atomic
    def write(self, inserts, updates):
        if inserts:
            self.model.objects.bulk_create(inserts)
        now = timezone.now()
        for obj, changed in updates:
            obj.updated_at = now
            obj.save(update_fields=[*changed, "updated_at"])
        if inserts or updates:
            self.record_history(inserts, updates)

    def record_history(self, inserts, updates):
        """An "added" entry per new row, a "changed <fields>" entry per
        updated row (rows with the same changed fields written together)."""
        user_id = import_user().pk
        log_history(user_id, inserts, ADDITION, [{"added": {}}])
        by_fields = {}
        for obj, changed in updates:
            by_fields.setdefault(tuple(changed), []).append(obj)
        for changed, rows in by_fields.items():
            log_history(user_id, rows, CHANGE, changed_message(self.model, changed))
