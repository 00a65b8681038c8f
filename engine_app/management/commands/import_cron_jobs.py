"""Upsert Aria's cron_jobs.yaml into aria_engine.cron_jobs, as Aria's start-up sync does."""

from engine_app import domain
from engine_app.models import EngineCronJob

from ._yaml_upsert import YamlUpsertCommand


class Command(YamlUpsertCommand):
    help = (
        "Upsert the `jobs` list of cron_jobs.yaml into cron_jobs with Aria's mapping, "
        "keeping the runtime state of existing jobs and never deleting rows."
    )
    model = EngineCronJob
    noun = "job"

    def entries(self, data):
        if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
            raise ValueError("needs a top-level 'jobs' list")
        for number, entry in enumerate(data["jobs"], start=1):
            name = entry.get("name") if isinstance(entry, dict) else None
            yield (name if isinstance(name, str) and name else f"#{number}"), entry

    def map_entry(self, key, entry):
        return domain.cron_job_from_yaml(entry)
