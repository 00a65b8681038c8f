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
        return domain.cron_jobs_in_yaml(data)

    def map_entry(self, key, entry):
        return domain.cron_job_from_yaml(entry)
