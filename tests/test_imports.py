"""The YAML import commands: upserts like Aria's sync, and bad files write nothing."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.management import CommandError, call_command

from engine_app.models import EngineCronJob, LlmModelEntry
from tests.refdb import REFERENCE

pytestmark = pytest.mark.django_db


def run(command, path, *args):
    out = StringIO()
    call_command(command, str(path), *args, stdout=out)
    return out.getvalue().strip()


def snapshot():
    return (
        list(EngineCronJob.objects.order_by("pk").values()),
        list(LlmModelEntry.objects.order_by("pk").values()),
        LogEntry.objects.count(),
    )


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def cron_yaml(*jobs):
    return yaml.safe_dump({"jobs": list(jobs)})


GOOD_JOB = {"name": "good_job", "every": "5m", "text": "hi"}
BAD_CRON_FILES = {
    "not yaml": ("jobs: [\n  - {name: x", "not valid YAML/JSON"),
    "binary": ("\udcff", "not valid YAML/JSON"),
    "no jobs list": ("models: {}\n", "needs a top-level 'jobs' list"),
    "jobs not a list": ("jobs: {a: 1}\n", "needs a top-level 'jobs' list"),
    "missing schedule": (cron_yaml(GOOD_JOB, {"name": "no_schedule", "text": "x"}),
                         "job 'no_schedule': needs 'every' or 'cron'"),
    "missing text": (cron_yaml(GOOD_JOB, {"name": "no_text", "every": "5m"}), "job 'no_text': missing 'text'"),
    "missing name": (cron_yaml(GOOD_JOB, {"every": "5m", "text": "x"}), "job '#2': missing 'name'"),
    "invalid schedule": (cron_yaml(GOOD_JOB, {"name": "daily", "cron": "@daily", "text": "x"}),
                         "job 'daily': invalid schedule '@daily'"),
    "five fields shifted": (cron_yaml(GOOD_JOB, {"name": "seven", "cron": "0 0 0 * * * *", "text": "x"}),
                            "job 'seven': invalid schedule"),
    "wrong type enabled": (cron_yaml(GOOD_JOB, {"name": "t", "every": "5m", "text": "x", "enabled": "maybe"}),
                           "job 't': 'enabled' must be true or false"),
    "wrong type schedule": (cron_yaml(GOOD_JOB, {"name": "n", "every": 5, "text": "x"}),
                            "job 'n': 'every'/'cron' must be a string"),
    "unknown session": (cron_yaml(GOOD_JOB, {"name": "s", "every": "5m", "text": "x", "session": "forever"}),
                        "job 's': 'session' must be one of"),
    "id too long": (cron_yaml(GOOD_JOB, {"name": "x" * 101, "every": "5m", "text": "x"}), "id: Ensure this value"),
    "duplicate": (cron_yaml(GOOD_JOB, GOOD_JOB), "job 'good_job': duplicate id 'good_job'"),
}
BAD_MODEL_FILES = {
    "not json": ('{"models": {', "not valid YAML/JSON"),
    "no models": ('{"schema_version": 3}', "needs a top-level 'models' mapping"),
    "missing name": ('{"models": {"ok": {"name": "OK"}, "m": {"tier": "free"}}}', "model 'm': missing 'name'"),
    "wrong type": ('{"models": {"ok": {"name": "OK"}, "m": {"name": "M", "contextWindow": "256k"}}}',
                   "model 'm': 'contextWindow' must be an integer"),
    "wrong cost": ('{"models": {"m": {"name": "M", "cost": {"input": "cheap"}}}}', "'cost.input' must be a number"),
    "bool as int": ('{"models": {"m": {"name": "M", "maxTokens": true}}}', "'maxTokens' must be an integer"),
    "too precise": ('{"models": {"m": {"name": "M", "cost": {"input": 12345678.5}}}}', "model 'm': cost_input"),
    "unknown tier": ('{"models": {"m": {"name": "M", "tier": "premium"}}}', "model 'm': tier"),
}


@pytest.fixture
def loaded():
    """Both tables as the real reference files leave them, plus some runtime state."""
    run("import_cron_jobs", REFERENCE / "cron_jobs.yaml")
    run("import_llm_models", REFERENCE / "models.yaml")
    EngineCronJob.objects.filter(pk="work_cycle").update(run_count=9, success_count=8, fail_count=1,
                                                         last_status="success")
    return snapshot()


def test_real_cron_jobs_yaml_maps_like_aria(loaded):
    assert EngineCronJob.objects.count() == 16  # the commented-out job is not a job
    job = EngineCronJob.objects.get(pk="memeothy_prophecy")
    assert (job.name, job.schedule, job.agent_id, job.enabled) == (
        "Memeothy Prophecy", "0 0 18 */2 * *", "aria-memeothy", False)
    assert (job.payload_type, job.session_mode, job.retry_count, job.max_duration_seconds) == (
        "prompt", "isolated", 0, 300)
    assert job.payload.startswith("You are Aria Memeothy.") and '\\"content\\"' not in job.payload
    work = EngineCronJob.objects.get(pk="work_cycle")
    assert (work.schedule, work.retry_count, work.enabled) == ("15m", 1, True)
    assert run("import_cron_jobs", REFERENCE / "cron_jobs.yaml") == "inserted 0, updated 0, unchanged 16"


def test_cron_import_updates_config_and_keeps_runtime_state(loaded, tmp_path):
    data = yaml.safe_load((REFERENCE / "cron_jobs.yaml").read_text())
    data["jobs"][0]["every"] = "30m"
    data["jobs"] = data["jobs"][:5] + [{"name": "brand_new", "cron": "0 */5 * * *", "text": "new"}]
    path = write(tmp_path, "cron.yaml", yaml.safe_dump(data))
    dry = run("import_cron_jobs", path, "--dry-run")
    assert "would update work_cycle (schedule)" in dry and "would insert brand_new" in dry
    assert snapshot() == loaded
    assert run("import_cron_jobs", path) == "inserted 1, updated 1, unchanged 4"
    work = EngineCronJob.objects.get(pk="work_cycle")
    assert work.schedule == "30m"
    assert (work.run_count, work.success_count, work.fail_count, work.last_status) == (9, 8, 1, "success")
    assert EngineCronJob.objects.count() == 17  # jobs missing from the file are kept
    entries = LogEntry.objects.filter(user__username="aria-import")
    assert entries.get(object_id="work_cycle", action_flag=CHANGE).get_change_message() == "Changed Schedule."
    assert entries.filter(object_id="brand_new", action_flag=ADDITION).count() == 1
    assert entries.first().user.is_active is False and not entries.first().user.has_usable_password()


@pytest.mark.parametrize("case", list(BAD_CRON_FILES))
def test_bad_cron_files_write_nothing_and_say_why_in_one_line(loaded, tmp_path, case, capsys):
    text, problem = BAD_CRON_FILES[case]
    path = tmp_path / "cron_jobs.yaml"
    if text == "\udcff":
        path.write_bytes(b"jobs:\n  - name: \xff\xfe\n")
    else:
        path.write_text(text)
    assert_refused("import_cron_jobs", path, problem, capsys)
    assert snapshot() == loaded


@pytest.mark.parametrize("case", list(BAD_MODEL_FILES))
def test_bad_model_files_write_nothing_and_say_why_in_one_line(loaded, tmp_path, case, capsys):
    text, problem = BAD_MODEL_FILES[case]
    path = write(tmp_path, "models.yaml", text)
    assert_refused("import_llm_models", path, problem, capsys)
    assert snapshot() == loaded


def test_missing_file_is_one_line_too(loaded, tmp_path, capsys):
    assert_refused("import_llm_models", tmp_path / "nowhere.yaml", "cannot read the file", capsys)


@pytest.mark.parametrize("command", ["import_cron_jobs", "import_llm_models"])
def test_files_over_the_size_or_entry_limits_write_nothing_and_say_why(loaded, tmp_path, command, capsys):
    if command == "import_cron_jobs":
        entries = {"jobs": [{"name": f"job{n}", "cron": "0 * * * *", "text": "x"} for n in range(1001)]}
    else:
        entries = {"models": {f"m{n}": {"litellm": {"model": f"openai/m{n}"}} for n in range(1001)}}
    path = write(tmp_path, "many.yaml", yaml.safe_dump(entries))
    assert_refused(command, path, "1,001", capsys)
    assert "at most 1,000 are imported" in str(pytest.raises(CommandError, call_command, command, str(path)).value)
    big = write(tmp_path, "big.yaml", "# padding\n" * 110_000)
    assert_refused(command, big, "at most 1,000,000 are imported", capsys)
    assert snapshot() == loaded


def assert_refused(command, path, problem, capsys):
    """CommandError (exit status 1 under manage.py) with one line naming file and entry."""
    with pytest.raises(CommandError) as error:
        call_command(command, str(path), stdout=StringIO())
    assert error.value.returncode == 1
    message = str(error.value)
    assert "\n" not in message and message.startswith(f"{path}:") and problem in message, message


def test_manage_py_exits_non_zero_with_one_line(tmp_path):
    """The real command line; the file is refused before any database query."""
    path = write(tmp_path, "cron_jobs.yaml", "jobs: [\n  - {name: x")
    done = subprocess.run([sys.executable, "manage.py", "import_cron_jobs", str(path)],
                          cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(f"CommandError: {path}: not valid YAML/JSON")


def test_models_json_written_as_yaml_imports_too(db, tmp_path):
    data = json.loads((REFERENCE / "models.yaml").read_text())
    path = write(tmp_path, "models.yaml", yaml.safe_dump({"models": {"kimi": data["models"]["kimi"]}}))
    assert run("import_llm_models", path) == "inserted 1, updated 0, unchanged 0"
    assert LlmModelEntry.objects.get(pk="kimi").aliases == ["kimi-k2.5", "kimi-local"]
