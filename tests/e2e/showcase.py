"""Realistic sample rows for the screenshots: a sprint board, Aria's cron jobs
(from her cron_jobs.yaml), her model catalogue, some memories and activity.

Times are relative to now so "due in 2 days" and "last run 5 minutes ago"
read naturally whenever the screenshots are taken.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from data_app import domain
from data_app.models import ActivityLog, Goal, HeartbeatLog, Memory, Thought
from engine_app.models import EngineCronJob, LlmModelEntry

SPRINT = "sprint-12"
SHOWCASE_CRON_JOB = "work_cycle"

# goal_id, title, column, priority, progress, assignee, tags, due in days
GOALS = [
    ("g-101", "Summarise the week's Moltbook threads", "backlog", 4, 0, None, ["social"], None),
    ("g-102", "Prune working memory older than its TTL", "backlog", 3, 0, "aria", ["memory"], 9),
    ("g-103", "Write the release notes for v3.2", "todo", 2, 10, "najia", ["docs"], 3),
    ("g-104", "Rotate the OpenRouter API key", "todo", 1, 0, "aria", ["security"], 1),
    ("g-105", "Tune the heartbeat interval", "todo", 3, 0, None, ["engine"], None),
    ("g-106", "Review the nightly backup job", "doing", 2, 60, "aria", ["engine", "ops"], 2),
    ("g-107", "Add pheromone scores to agent reports", "doing", 3, 35, "najia", ["agents"], 5),
    ("g-108", "Migrate embeddings to pgvector", "on_hold", 2, 40, "aria", ["memory"], -1),
    ("g-109", "Reply to mentions on Moltbook", "done", 3, 100, "aria", ["social"], None),
    ("g-110", "Fix the reading list importer", "done", 2, 100, "najia", ["skills"], None),
]

# id, schedule, payload, enabled, last run minutes ago, last status, duration ms, runs, successes
CRON_JOBS = [
    ("work_cycle", "15m", "Read HEARTBEAT.md work_cycle section. Check goals, pick the highest "
     "priority, make progress, log activity, then run memory sync.", True, 6, "success", 41_200, 2_184, 2_160),
    ("moltbook_check", "60m", "If 60+ min since last_check, check feed (5 posts), reply to mentions, "
     "engage on relevant posts.", True, 23, "success", 18_900, 612, 598),
    ("daily_reflection", "0 0 7 * * *", "Reflect on yesterday: what worked, what failed, one lesson.",
     True, 600, "success", 95_400, 88, 87),
    ("weekly_summary", "0 0 18 * * 0", "Write the weekly summary for Najia and post it to the journal.",
     True, 4_000, "failed", 120_000, 12, 10),
    ("memeothy_post", "0 0 15 */2 * *", "Memeothy: one post every two days, in character.",
     True, 1_500, "success", 33_100, 40, 39),
    ("db_maintenance", "0 30 3 * * 1", "VACUUM ANALYZE the busy tables and report sizes.",
     False, None, None, None, 0, 0),
]

# id, name, provider, tier, reasoning, vision, tools, context, max tokens, cost in, cost out, key
LLM_MODELS = [
    ("kimi", "Kimi K2", "moonshot", "paid", True, False, True, 131_072, 16_384,
     "0.55", "2.2", "os.environ/OPEN_ROUTER_KEY"),
    ("qwen3-mlx", "Qwen3 30B (local MLX)", "litellm", "local", True, False, True, 32_768, 8_192,
     "0", "0", "not-needed"),
    ("deepseek-free", "DeepSeek V3 (free)", "openrouter", "free", False, False, True, 163_840, 8_192,
     "0", "0", "sk-or-v1-showcase-raw-key-never-shown-1a2b"),
    ("gemini-flash", "Gemini 2.5 Flash", "openrouter", "paid", True, True, True, 1_048_576, 65_536,
     "0.3", "2.5", "os.environ/OPEN_ROUTER_KEY"),
    ("claude-sonnet", "Claude Sonnet 4.5", "openrouter", "paid", True, True, True, 200_000, 64_000,
     "3", "15", "os.environ/OPEN_ROUTER_KEY"),
    ("llama-guard", "Llama Guard 3", "ollama", "local", False, False, False, 8_192, 1_024,
     "0", "0", None),
]

MEMORIES = [
    ("user_timezone", "preferences", "America/Los_Angeles"),
    ("favourite_tea", "preferences", {"name": "sencha", "steep_seconds": 90}),
    ("moltbook_last_check", "state", {"at": "2026-01-14T09:00:00Z", "posts_seen": 5}),
]


def seed_goals(now):
    for n, (goal_id, title, column, priority, progress, assignee, tags, due) in enumerate(GOALS):
        Goal.objects.create(
            goal_id=goal_id,
            title=title,
            sprint=SPRINT,
            board_column=column,
            status=domain.COLUMN_TO_STATUS[column],
            priority=priority,
            progress=Decimal(progress),
            assigned_to=assignee,
            tags=tags,
            position=n,
            due_date=now + timedelta(days=due) if due is not None else None,
            completed_at=now - timedelta(hours=5) if column == "done" else None,
        )


def seed_cron_jobs(now):
    for job_id, schedule, payload, enabled, ago, status, duration, runs, successes in CRON_JOBS:
        EngineCronJob.objects.create(
            id=job_id,
            name=job_id,
            schedule=schedule,
            payload=payload,
            enabled=enabled,
            last_run_at=now - timedelta(minutes=ago) if ago is not None else None,
            last_status=status,
            last_duration_ms=duration,
            run_count=runs,
            success_count=successes,
            fail_count=runs - successes,
        )
        if ago is not None:
            HeartbeatLog.objects.create(
                job_name=job_id, status="error" if status == "failed" else status, duration_ms=duration,
                executed_at=now - timedelta(minutes=ago), details={"job": job_id},
            )


def seed_llm_models():
    for n, row in enumerate(LLM_MODELS):
        (model_id, name, provider, tier, reasoning, vision, tools,
         context, max_tokens, cost_in, cost_out, key) = row
        LlmModelEntry.objects.create(
            id=model_id,
            name=name,
            provider=provider,
            tier=tier,
            reasoning=reasoning,
            vision=vision,
            tool_calling=tools,
            context_window=context,
            max_tokens=max_tokens,
            cost_input=Decimal(cost_in),
            cost_output=Decimal(cost_out),
            litellm_model=f"{provider}/{model_id}",
            litellm_api_key=key,
            sort_order=(n + 1) * 10,
        )


def seed_memories_and_activity():
    for key, category, value in MEMORIES:
        Memory.objects.create(key=key, category=category, value=value)
    Thought.objects.create(content="The backup job is slower on Mondays; check the VACUUM timing.")
    for action, skill, success in [
        ("goal_progress", "goals", True),
        ("moltbook_reply", "moltbook", True),
        ("memory_sync", "memory", True),
        ("web_fetch", "browser", False),
    ]:
        ActivityLog.objects.create(action=action, skill=skill, success=success, details={"source": "showcase"})


def seed_showcase():
    now = timezone.now()
    seed_goals(now)
    seed_cron_jobs(now)
    seed_llm_models()
    seed_memories_and_activity()
