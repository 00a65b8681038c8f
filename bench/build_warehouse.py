"""Build a bench warehouse: the real migrations, then set-based SQL only.

    python -m bench.build_warehouse [--db aria_bench] [--rows 1000000] [--rebuild]

``--rows`` is the size of each big log table (activity_log, session_messages,
model_usage, heartbeat_log); the others follow from it (thoughts rows/5,
agent sessions rows/50 so each has 50 messages, semantic memories rows/10
with 768-d embeddings, engine chat messages rows/10 with 1536-d embeddings in
engine chat sessions of 50), except the goals (2,000 in the current sprint
plus 10,000 for the bulk action, in an older sprint so that they stay off
the board), 500 cron jobs and 300 LLM models. Every random() follows
``setseed(0.42)`` and ids are md5-derived, so two builds are identical.

Embeddings are what real ones look like to PostgreSQL: a distinct vector of
random floats of both signs per row, which does not compress, so a 768-d
vector (3 KB) and a 1536-d one (6 KB) are stored out of line (TOAST), and
Aria's HNSW indexes are rebuilt over them after the load.

A marker table (public.bench_marker) records what was built; a database that
already holds the same build is left alone unless --rebuild.
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

from bench import db

BUILD_VERSION = "4"  # 3: realistic embeddings, engine chat messages; 4: log tables in time order
# Aria appends its logs as they happen, so their rows lie in time order; rows
# generated in random time order made every read of a time range a random
# read. Each is stored in the order of Aria's index on its time (newest first).
TIME_ORDERED = {
    "aria_data.activity_log": "idx_activity_created",
    "aria_data.model_usage": "idx_model_usage_created",
    "aria_data.heartbeat_log": "idx_heartbeat_created",
    "aria_data.session_messages": "idx_session_messages_created",
    "aria_data.thoughts": "idx_thoughts_created",
}
SEED = 0.42
ANCHOR = "2026-11-25 00:00:00+00"  # "now" for the generated timestamps
BOARD_SPRINT = "sprint-42"  # the current sprint: its 2,000 goals are the board's cards
BULK_SPRINT = "sprint-41"  # the 10,000 goals the bulk action changes
BASE_DIR = Path(__file__).resolve().parent.parent


def sql_array(values):
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


WORDS = sql_array(
    """the a of to and in for on with memory goal sprint agent session skill
    model token error timeout retry postgres vector embedding search cron job
    heartbeat deploy backup user assistant reply summary plan review
    reflection learn lesson proposal schedule queue latency cost budget
    moltbook post thread reply channel telegram discord webhook api key rotate
    cache index query slow fast success failure warning healthy degraded
    knowledge graph entity relation sentiment positive negative neutral
    context window prompt completion stream tool call result file code test
    weekly daily hourly report metric dashboard""".split()
)
ACTIONS = sql_array(
    """skill_invoke chat_message memory_store memory_search heartbeat
    goal_update api_call web_search thought_logged cron_run knowledge_query
    session_start session_end model_switch social_post file_read file_write
    code_execute sentiment_analyze security_scan goal_create reflection
    plan_created task_delegated email_send calendar_sync rate_limited
    backup deploy lesson_learned proposal_created config_change
    agent_spawn agent_retire embedding_refresh index_rebuild""".split()
)
SKILLS = sql_array(
    """api_client moltbook memory goals knowledge_graph web_search browser
    python_exec file_ops scheduler social health llm_router sentiment
    security pipeline calendar email telegram discord research summarizer
    planner reflector""".split()
)
AGENTS = sql_array("aria aria-dev analyst researcher coder social_bot planner sentinel".split())
LLM_MODELS = sql_array(
    """kimi-k2 qwen3-coder glm-4.6 deepseek-v3 llama-3.3-70b gpt-oss-120b
    claude-sonnet-4 gemini-2.5-flash mistral-large phi-4 qwen3-32b
    nemotron-70b gemma-3-27b command-r-plus grok-3-mini""".split()
)
PROVIDERS = sql_array("litellm ollama openrouter moonshot".split())
JOBS = sql_array(
    """work_cycle moltbook_check memory_consolidation goal_review
    health_check social_digest knowledge_sync backup_db cost_report
    lesson_review sentiment_rollup""".split()
)
CATEGORIES = sql_array(
    "general reflection planning observation insight decision error social research".split()
)


def text_table(conn):
    """2,000 paragraphs of 3 to ~300 words that the big tables draw from."""
    conn.execute("DROP TABLE IF EXISTS pg_temp.bench_text")
    conn.execute(
        f"""
        CREATE TEMP TABLE bench_text AS
        SELECT p.id,
               array_to_string(ARRAY(
                   SELECT ({WORDS})[1 + floor(random() * array_length({WORDS}, 1))::int]
                   FROM generate_series(1, p.len) WHERE p.id > 0), ' ') AS body
        FROM (SELECT id, 3 + floor(power(random(), 3) * 300)::int AS len
              FROM generate_series(0, 1999) id OFFSET 0) p
        """
    )
    conn.execute("CREATE UNIQUE INDEX ON bench_text (id)")
    conn.execute("ANALYZE bench_text")


def pick(array, r):
    """SQL: an element of ``array`` chosen by the random number ``r``."""
    return f"({array})[1 + floor({r} * array_length({array}, 1))::int]"


def skewed(array, r, power=2.5):
    """SQL: like pick() but the first elements much more often (Zipf-like)."""
    return pick(array, f"power({r}, {power})")


def randoms(n, count, start=1):
    """SQL: generate_series with ``count`` random columns r1..rN per row.

    OFFSET 0 keeps the planner from inlining the subquery, so each random()
    runs once per row and the values can be used twice.
    """
    columns = ", ".join(f"random() AS r{k}" for k in range(1, count + 1))
    return f"(SELECT i, {columns} FROM generate_series({start}, {n}) i OFFSET 0) g"


def spread(r, days=365):
    """SQL: a timestamp up to ``days`` before the anchor."""
    return f"(TIMESTAMPTZ '{ANCHOR}' - {r} * INTERVAL '{days} days')"


def embedding(dimensions, vector):
    """SQL: a new random embedding for each row of the generate_series ``g``
    (the correlation ``g.i > 0`` makes PostgreSQL compute it per row): floats
    in [-1, 1) at full precision, as Aria writes them, which no compression
    shrinks."""
    values = f"FROM generate_series(1, {dimensions}) WHERE g.i > 0"
    if vector:
        return f"(SELECT array_agg((random() * 2 - 1)::real)::vector {values})"
    return f"(SELECT jsonb_agg(random() * 2 - 1) {values})"


def statements(rows, vector):
    """The INSERTs, in dependency order, as (table, sql) pairs."""
    sessions = max(1, rows // 50)
    thoughts = max(1, rows // 5)
    memories = max(1, rows // 10)
    chat_messages = max(50, rows // 10)
    chat_sessions = chat_messages // 50
    text_join = "JOIN bench_text t ON t.id = g.i % 2000"
    return [
        ("aria_data.activity_log", f"""
        INSERT INTO aria_data.activity_log
            (id, action, skill, details, success, error_message, created_at)
        SELECT md5('activity' || g.i)::uuid,
               {skewed(ACTIONS, 'g.r1')},
               CASE WHEN g.r2 < 0.12 THEN NULL ELSE {pick(SKILLS, 'g.r2')} END,
               jsonb_build_object('duration_ms', floor(g.r3 * 8000)::int,
                                  'tokens', floor(g.r4 * 4000)::int,
                                  'agent', {pick(AGENTS, 'g.r4')},
                                  'note', left(t.body, 80)),
               g.r5 >= 0.06,
               CASE WHEN g.r5 < 0.06 THEN 'timeout after retry: ' || t.body END,
               {spread('g.r6')}
        FROM {randoms(rows, 6)} {text_join}"""),
        ("aria_data.agent_sessions", f"""
        INSERT INTO aria_data.agent_sessions
            (id, agent_id, session_type, started_at, ended_at, messages_count,
             tokens_used, cost_usd, status, metadata)
        SELECT md5('session' || g.i)::uuid,
               {skewed(AGENTS, 'g.r1', 2)},
               {pick(sql_array(['interactive', 'cron', 'skill_exec', 'roundtable']), 'g.r2')},
               {spread('g.r3')},
               CASE WHEN g.r4 < 0.9 THEN {spread('g.r3')} + INTERVAL '40 minutes' END,
               50, floor(g.r5 * 200000)::int, round((g.r5 * 3)::numeric, 6),
               CASE WHEN g.r4 < 0.9 THEN 'completed' WHEN g.r4 < 0.97 THEN 'active' ELSE 'error' END,
               jsonb_build_object('channel', {pick(sql_array(['telegram', 'discord', 'web', 'cli']), 'g.r2')})
        FROM {randoms(sessions - 1, 5, start=0)}"""),
        ("aria_data.session_messages", f"""
        INSERT INTO aria_data.session_messages
            (id, session_id, external_session_id, agent_id, role, content,
             content_hash, source_channel, metadata, created_at)
        SELECT md5('message' || g.i)::uuid,
               s.id,
               'ext-' || (g.i % {sessions}),
               s.agent_id,
               CASE WHEN g.r1 < 0.04 THEN 'system' WHEN g.r1 < 0.08 THEN 'tool'
                    WHEN (g.i / {sessions}) % 2 = 0 THEN 'user' ELSE 'assistant' END,
               t.body,
               md5(t.body || g.i),
               CASE WHEN g.r2 < 0.2 THEN NULL ELSE s.metadata ->> 'channel' END,
               jsonb_build_object('tokens', floor(g.r3 * 2000)::int),
               s.started_at + (g.i / {sessions}) * INTERVAL '47 seconds'
        FROM {randoms(rows, 3)} {text_join}
        JOIN aria_data.agent_sessions s ON s.id = md5('session' || (g.i % {sessions}))::uuid"""),
        ("aria_data.model_usage", f"""
        INSERT INTO aria_data.model_usage
            (id, model, provider, input_tokens, output_tokens, cost_usd,
             latency_ms, success, error_message, session_id, created_at)
        SELECT md5('usage' || g.i)::uuid,
               {skewed(LLM_MODELS, 'g.r1', 2)},
               CASE WHEN g.r2 < 0.1 THEN NULL ELSE {pick(PROVIDERS, 'g.r2')} END,
               floor(g.r3 * 30000)::int, floor(g.r4 * 4000)::int,
               round((g.r3 * 0.05)::numeric, 6),
               CASE WHEN g.r5 < 0.05 THEN NULL ELSE 80 + floor(g.r5 * 20000)::int END,
               g.r6 >= 0.04,
               CASE WHEN g.r6 < 0.04 THEN 'rate limit exceeded: ' || left(t.body, 120) END,
               CASE WHEN g.r7 < 0.7 THEN NULL
                    ELSE md5('session' || floor(g.r7 * {sessions})::int)::uuid END,
               {spread('g.r8')}
        FROM {randoms(rows, 8)} {text_join}"""),
        ("aria_data.heartbeat_log", f"""
        INSERT INTO aria_data.heartbeat_log
            (id, beat_number, job_name, status, details, executed_at, duration_ms, created_at)
        SELECT md5('beat' || g.i)::uuid, g.i,
               CASE WHEN g.r1 < 0.1 THEN NULL ELSE {pick(JOBS, 'g.r1')} END,
               CASE WHEN g.r2 < 0.85 THEN 'healthy' WHEN g.r2 < 0.95 THEN 'success' ELSE 'error' END,
               CASE WHEN g.r3 < 0.05 THEN NULL
                    ELSE jsonb_build_object('cpu', round(g.r3::numeric * 100, 1),
                                            'queue', floor(g.r4 * 40)::int) END,
               CASE WHEN g.r4 < 0.02 THEN NULL ELSE {spread('g.r5')} END,
               CASE WHEN g.r4 < 0.02 THEN NULL ELSE floor(g.r4 * 30000)::int END,
               {spread('g.r5')}
        FROM {randoms(rows, 5)}"""),
        ("aria_data.thoughts", f"""
        INSERT INTO aria_data.thoughts (id, content, category, metadata, created_at)
        SELECT md5('thought' || g.i)::uuid, t.body, {skewed(CATEGORIES, 'g.r1', 2)},
               jsonb_build_object('mood', {pick(sql_array(['calm', 'curious', 'focused', 'tired']), 'g.r2')}),
               {spread('g.r3')}
        FROM {randoms(thoughts, 3)} {text_join}"""),
        ("aria_data.semantic_memories", f"""
        INSERT INTO aria_data.semantic_memories
            (id, content, summary, category, embedding, metadata, importance,
             source, created_at, accessed_at, access_count)
        SELECT md5('semantic' || g.i)::uuid, t.body,
               CASE WHEN g.r1 < 0.3 THEN NULL ELSE left(t.body, 120) END,
               {skewed(CATEGORIES, 'g.r2', 2)},
               {embedding(768, vector)},
               '{{}}'::jsonb, round(g.r3::numeric, 3)::float,
               CASE WHEN g.r4 < 0.2 THEN NULL ELSE {pick(SKILLS, 'g.r4')} END,
               {spread('g.r5')},
               CASE WHEN g.r1 < 0.5 THEN NULL ELSE {spread('g.r1', 30)} END,
               floor(g.r1 * 50)::int
        FROM {randoms(memories, 5)} {text_join}"""),
        ("aria_engine.chat_sessions", f"""
        INSERT INTO aria_engine.chat_sessions
            (id, agent_id, session_type, title, model, status, message_count,
             total_tokens, total_cost, created_at, updated_at)
        SELECT md5('chat' || g.i)::uuid,
               {skewed(AGENTS, 'g.r1', 2)},
               {pick(sql_array(['interactive', 'chat', 'cron', 'skill_exec']), 'g.r2')},
               initcap(left(t.body, 60)),
               {skewed(LLM_MODELS, 'g.r3', 2)},
               CASE WHEN g.r4 < 0.8 THEN 'ended' ELSE 'active' END,
               50, floor(g.r5 * 100000)::int, round((g.r5 * 2)::numeric, 6),
               {spread('g.r4')}, {spread('g.r4')} + INTERVAL '40 minutes'
        FROM {randoms(chat_sessions - 1, 5, start=0)} {text_join}"""),
        ("aria_engine.chat_messages", f"""
        INSERT INTO aria_engine.chat_messages
            (id, session_id, agent_id, role, content, model, tokens_input,
             tokens_output, cost, latency_ms, embedding, created_at)
        SELECT md5('chat-message' || g.i)::uuid,
               s.id, s.agent_id,
               CASE WHEN (g.i / {chat_sessions}) % 2 = 0 THEN 'user' ELSE 'assistant' END,
               t.body, s.model,
               floor(g.r1 * 8000)::int, floor(g.r2 * 2000)::int,
               round((g.r1 * 0.02)::numeric, 6), 200 + floor(g.r2 * 9000)::int,
               {embedding(1536, vector)},
               s.created_at + (g.i / {chat_sessions}) * INTERVAL '47 seconds'
        FROM {randoms(chat_messages, 2)} {text_join}
        JOIN aria_engine.chat_sessions s ON s.id = md5('chat' || (g.i % {chat_sessions}))::uuid"""),
        ("aria_data.goals", f"""
        INSERT INTO aria_data.goals
            (id, goal_id, title, description, status, priority, progress,
             due_date, created_at, completed_at, sprint, board_column, position,
             assigned_to, tags, updated_at)
        SELECT md5('goal' || g.i)::uuid, 'goal-' || g.i,
               initcap(left(t.body, 60)),
               CASE WHEN g.r1 < 0.2 THEN NULL ELSE t.body END,
               c.status, 1 + floor(g.r2 * 5)::int,
               CASE WHEN c.col = 'done' THEN 100 ELSE round((g.r3 * 90)::numeric, 2) END,
               CASE WHEN g.r4 < 0.5 THEN NULL ELSE {spread('g.r4', -30)} END,
               TIMESTAMPTZ '{ANCHOR}' - g.i * INTERVAL '1 minute',
               CASE WHEN c.col = 'done' THEN TIMESTAMPTZ '{ANCHOR}' - g.r3 * INTERVAL '2 days' END,
               '{BOARD_SPRINT}', c.col, g.i,
               CASE WHEN g.r5 < 0.3 THEN NULL ELSE {pick(AGENTS, 'g.r5')} END,
               to_jsonb(ARRAY[{pick(SKILLS, 'g.r2')}]),
               TIMESTAMPTZ '{ANCHOR}'
        FROM {randoms(2000, 5)} {text_join}
        CROSS JOIN LATERAL (
            SELECT col, CASE col WHEN 'doing' THEN 'active' WHEN 'on_hold' THEN 'paused'
                                 WHEN 'done' THEN 'completed' ELSE 'pending' END AS status
            FROM (SELECT {pick(sql_array(['backlog', 'todo', 'doing', 'on_hold', 'done']), 'g.r1')} AS col) x
        ) c"""),
        ("aria_data.goals", f"""
        INSERT INTO aria_data.goals
            (id, goal_id, title, description, status, priority, created_at,
             sprint, board_column, position)
        SELECT md5('bulk-goal' || g.i)::uuid, 'bulk-' || g.i,
               initcap(left(t.body, 60)), t.body, 'pending', 3,
               TIMESTAMPTZ '{ANCHOR}' - INTERVAL '30 days' - g.i * INTERVAL '1 minute',
               '{BULK_SPRINT}', 'todo', g.i
        FROM {randoms(10000, 1)} {text_join}"""),
        ("aria_engine.cron_jobs", f"""
        INSERT INTO aria_engine.cron_jobs
            (id, name, schedule, agent_id, enabled, payload_type, payload,
             session_mode, max_duration_seconds, retry_count, last_run_at,
             last_status, last_duration_ms, next_run_at, run_count,
             success_count, fail_count, metadata)
        SELECT 'job-' || g.i, {pick(JOBS, 'g.r1')} || '_' || g.i,
               {pick(sql_array(['*/5 * * * *', '0 * * * *', '15m', '2h', '30s', '0 9 * * 1-5', '0 0 */2 * * *']), 'g.r2')},
               {pick(AGENTS, 'g.r3')}, g.r4 < 0.8,
               {pick(sql_array(['prompt', 'skill', 'pipeline']), 'g.r3')},
               left(t.body, 400),
               {pick(sql_array(['isolated', 'shared', 'persistent']), 'g.r2')},
               10 + floor(g.r1 * 3590)::int, floor(g.r2 * 6)::int,
               CASE WHEN g.r4 < 0.1 THEN NULL ELSE {spread('g.r4', 2)} END,
               CASE WHEN g.r4 < 0.1 THEN NULL WHEN g.r3 < 0.9 THEN 'success' ELSE 'failed' END,
               CASE WHEN g.r4 < 0.1 THEN NULL ELSE floor(g.r3 * 90000)::int END,
               TIMESTAMPTZ '{ANCHOR}' + g.r1 * INTERVAL '1 day',
               floor(g.r2 * 5000)::int, floor(g.r2 * 4500)::int, floor(g.r2 * 500)::int,
               '{{}}'::jsonb
        FROM {randoms(500, 4)} {text_join}"""),
        ("aria_engine.llm_models", f"""
        INSERT INTO aria_engine.llm_models
            (id, name, provider, tier, reasoning, vision, tool_calling,
             input_types, context_window, max_tokens, cost_input, cost_output,
             cost_cache_read, litellm_model, litellm_api_key, route_skill,
             aliases, enabled, sort_order, extra)
        SELECT {pick(LLM_MODELS, 'g.r1')} || '-' || g.i,
               initcap(replace({pick(LLM_MODELS, 'g.r1')}, '-', ' ')) || ' #' || g.i,
               {pick(PROVIDERS, 'g.r2')},
               {pick(sql_array(['local', 'free', 'paid']), 'g.r3')},
               g.r1 < 0.3, g.r2 < 0.2, g.r3 < 0.6,
               '["text"]'::jsonb, (ARRAY[8192, 32768, 131072, 262144])[1 + floor(g.r4 * 4)::int],
               4096, round((g.r3 * 10)::numeric, 6), round((g.r3 * 30)::numeric, 6), 0,
               'openrouter/' || {pick(LLM_MODELS, 'g.r1')},
               CASE WHEN g.r2 < 0.5 THEN 'os.environ/OPENROUTER_API_KEY' ELSE 'not-needed' END,
               CASE WHEN g.r4 < 0.7 THEN NULL ELSE {pick(SKILLS, 'g.r4')} END,
               '[]'::jsonb, g.r4 < 0.9, g.i, '{{}}'::jsonb
        FROM {randoms(300, 4)}"""),
    ]


def loadable_indexes(conn, table):
    """(name, definition) of ``table``'s indexes not backing a constraint.

    They are dropped during the load and rebuilt after it: one sort per index
    instead of 1M random insertions.
    """
    return conn.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid
        WHERE i.indrelid = %s::regclass AND c.oid IS NULL
        """,
        [table],
    ).fetchall()


def migrate(dbname):
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=BASE_DIR, env=db.child_env(dbname), check=True,
    )


def marker(conn):
    exists = conn.execute("SELECT to_regclass('public.bench_marker')").fetchone()[0]
    if not exists:
        return None
    return conn.execute("SELECT rows, version FROM public.bench_marker").fetchone()


def build(dbname, rows, *, rebuild=False, tables=None, log=print):
    """Build (or keep) bench database ``dbname`` with ``rows`` per big table
    (only ``tables``, a list of 'schema.table', when given: a partial build
    is marked as such, so a full run rebuilds it)."""
    version = BUILD_VERSION if not tables else f"{BUILD_VERSION}:{','.join(sorted(tables))}"
    db.ensure_database(dbname)
    with db.connect(dbname, autocommit=True) as conn:
        kept = marker(conn) == (rows, version) and not rebuild
    if kept:
        log(f"{dbname}: already built with {rows:,} rows per big table (--rebuild to redo); migrating")
        migrate(dbname)  # the schema the project has now (a no-op when current)
        return False
    db.ensure_database(dbname, recreate=True)
    log(f"{dbname}: migrating")
    migrate(dbname)
    with db.connect(dbname, autocommit=True) as conn:
        conn.execute("SET max_parallel_workers_per_gather = 0")  # one random() stream
        # Enough for an HNSW graph of 100,000 1536-d vectors to be built in
        # memory (beyond it pgvector builds on disk, many times slower).
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute("SET synchronous_commit = off")
        vector = conn.execute("SELECT to_regtype('vector') IS NOT NULL").fetchone()[0]
        conn.execute("SELECT setseed(%s)", [SEED])
        text_table(conn)
        for table, sql in statements(rows, vector):
            if tables and table not in tables:
                continue
            started = time.monotonic()
            indexes = loadable_indexes(conn, table)
            with conn.transaction():
                for name, _ in indexes:
                    conn.execute(f"DROP INDEX {name}")
                conn.execute("SELECT setseed(%s)", [SEED])
                count = conn.execute(sql).rowcount
                loaded = time.monotonic()
                for _, definition in indexes:
                    conn.execute(definition)
                if table in TIME_ORDERED:
                    conn.execute(f"CLUSTER {table} USING {TIME_ORDERED[table]}")
            log(f"{dbname}: {table} +{count:,} rows in {loaded - started:.1f}s, "
                f"indexes in {time.monotonic() - loaded:.1f}s")
        conn.execute("ANALYZE")
        conn.execute(
            "CREATE TABLE public.bench_marker AS "
            "SELECT %s::int AS rows, %s::text AS version, now() AS built_at",
            [rows, version],
        )
    log(f"{dbname}: built and analyzed")
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=db.BENCH_DB)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--tables", type=lambda v: v.split(","), default=None,
                        help="only these tables, comma-separated 'schema.table' (in build order)")
    args = parser.parse_args(argv)
    if args.rows < 100:
        parser.error("--rows must be at least 100")
    build(args.db, args.rows, rebuild=args.rebuild, tables=args.tables)


if __name__ == "__main__":
    main()
