"""Aria's own cron_jobs.yaml and models.yaml, read where the dashboard can see them.

At every start Aria's sync rewrites, from these files, the config fields of
each cron job they list and the mapped fields of each LLM model they list
(unless it is app_managed). With ARIA_CRON_JOBS_YAML / ARIA_MODELS_YAML set,
the pages show which rows the files own and what the file says, so staff
know what Aria will reset. The files are parsed with the import commands'
mapping (engine_app.domain), and only again when their mtime or size
changes: a page view costs one stat(). A missing, unreadable or invalid file
is reported as a ``problem``, never raised.
"""

import os
import threading
from dataclasses import dataclass, field

import yaml
from django.conf import settings

from engine_app import domain



def _mapped_fields(mapped):
    return tuple(name for name in mapped if name != "id")


# The columns Aria's sync rewrites from each file: exactly what the mapping
# in engine_app.domain produces (for cron jobs, DOMAIN.md's list: name,
# schedule, agent_id, enabled, payload_type, payload, session_mode,
# max_duration_seconds, retry_count).
CRON_FILE_FIELDS = _mapped_fields(domain.cron_job_from_yaml({"name": "x", "every": "1h", "text": ""}))
MODELS_FILE_FIELDS = _mapped_fields(domain.llm_model_from_yaml("x", {"name": "x"}))


@dataclass(frozen=True)
class AriaFile:
    """One of Aria's files as the pages see it."""

    label: str  # "cron_jobs.yaml"
    path: str = ""  # "" when the setting is unset
    rows: dict = field(default_factory=dict)  # id -> column values, Aria's mapping
    problem: str = ""  # why the file could not be used

    @property
    def configured(self):
        return bool(self.path)

    @property
    def usable(self):
        return self.configured and not self.problem

    def owns(self, pk):
        return pk in self.rows


_cache = {}
_lock = threading.Lock()


def _parse(label, path, entries, map_entry):
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except OSError as exc:
        return {}, f"cannot read {path} ({exc.strerror})"
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return {}, f"{path} is not valid YAML ({' '.join(str(exc).split())})"
    rows = {}
    try:
        for key, entry in entries(data):
            try:
                values = map_entry(key, entry)
            except ValueError as exc:
                return {}, f"{path}: entry {key!r}: {exc}"
            rows[values["id"]] = values
    except ValueError as exc:
        return {}, f"{path}: {exc}"
    return rows, ""


def _read(label, path, entries, map_entry):
    if not path:
        return AriaFile(label)
    try:
        stat = os.stat(path)
    except OSError as exc:
        return AriaFile(label, path, problem=f"cannot read {path} ({exc.strerror})")
    version = (path, stat.st_mtime_ns, stat.st_size)
    with _lock:
        cached = _cache.get(label)
        if cached and cached[0] == version:
            return cached[1]
    rows, problem = _parse(label, path, entries, map_entry)
    result = AriaFile(label, path, rows, problem)
    with _lock:
        _cache[label] = (version, result)
    return result


def cron_jobs_file():
    """cron_jobs.yaml as ARIA_CRON_JOBS_YAML names it."""
    return _read(
        "cron_jobs.yaml",
        settings.ARIA_CRON_JOBS_YAML,
        domain.cron_jobs_in_yaml,
        lambda key, entry: domain.cron_job_from_yaml(entry),
    )


def models_file():
    """models.yaml as ARIA_MODELS_YAML names it."""
    return _read(
        "models.yaml", settings.ARIA_MODELS_YAML, domain.llm_models_in_yaml, domain.llm_model_from_yaml
    )

