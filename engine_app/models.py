"""The 13 aria_engine tables, column for column as Aria main (2026-02-28) creates them.

The reference schema dumps in shared/reference are the contract: names,
types, nullability, server defaults (db_default), keys, ON DELETE rules and
index names all match them, and tests/test_schema_parity.py proves it.
Foreign keys carry db_index=False because each indexed FK column already has
a reference index of its own (declared in Meta.indexes).
"""

from decimal import Decimal

from django.contrib.postgres.functions import RandomUUID
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Now

from aria_admin.fields import EmbeddingField
from aria_admin.text import truncate

from . import domain
from .domain import choices


class ScheduledJob(models.Model):
    id = models.CharField(primary_key=True, max_length=50)
    agent_id = models.CharField(max_length=50, db_default='aria')
    name = models.CharField(max_length=100)
    enabled = models.BooleanField(db_default=True)
    schedule_kind = models.CharField(max_length=20, db_default='cron')
    schedule_expr = models.CharField(max_length=50)
    session_target = models.CharField(max_length=50, null=True, blank=True)
    wake_mode = models.CharField(max_length=50, null=True, blank=True)
    payload_kind = models.CharField(max_length=50, null=True, blank=True)
    payload_text = models.TextField(null=True, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=20, null=True, blank=True)
    last_duration_ms = models.IntegerField(null=True, blank=True)
    run_count = models.IntegerField(db_default=0)
    success_count = models.IntegerField(db_default=0)
    fail_count = models.IntegerField(db_default=0)
    created_at_ms = models.IntegerField(null=True, blank=True)
    updated_at_ms = models.IntegerField(null=True, blank=True)
    synced_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = '"aria_engine"."scheduled_jobs"'
        verbose_name = 'scheduled job (legacy)'
        verbose_name_plural = 'scheduled jobs (legacy)'
        ordering = ['-synced_at']
        indexes = [
            models.Index(fields=['enabled'], name='idx_jobs_enabled'),
            models.Index(fields=['name'], name='idx_jobs_name'),
            models.Index(fields=['next_run_at'], name='idx_jobs_next_run'),
        ]

    def __str__(self):
        return f"{self.name} ({self.schedule_expr})"


class ScheduleTick(models.Model):
    id = models.AutoField(primary_key=True)
    last_tick = models.DateTimeField(null=True, blank=True)
    tick_count = models.IntegerField(db_default=0)
    heartbeat_interval = models.IntegerField(db_default=3600)
    enabled = models.BooleanField(db_default=True)
    jobs_total = models.IntegerField(db_default=0)
    jobs_successful = models.IntegerField(db_default=0)
    jobs_failed = models.IntegerField(db_default=0)
    last_job_name = models.CharField(max_length=255, null=True, blank=True)
    last_job_status = models.CharField(max_length=50, null=True, blank=True)
    next_job_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(db_default=Now(), null=True, blank=True, auto_now=True)

    class Meta:
        db_table = '"aria_engine"."schedule_tick"'
        verbose_name = 'schedule tick'
        verbose_name_plural = 'schedule ticks'
        ordering = ['-updated_at']

    def __str__(self):
        return f"Tick #{self.tick_count}"


class RateLimit(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, db_default=RandomUUID())
    skill = models.CharField(max_length=100)
    last_action = models.DateTimeField(null=True, blank=True)
    action_count = models.IntegerField(db_default=0)
    window_start = models.DateTimeField(db_default=Now())
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    last_post = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(db_default=Now(), auto_now=True)

    class Meta:
        db_table = '"aria_engine"."rate_limits"'
        verbose_name = 'rate limit'
        verbose_name_plural = 'rate limits'
        ordering = ['-updated_at']
        indexes = [
            models.Index(fields=['skill'], name='idx_rate_limits_skill'),
        ]
        constraints = [
            models.UniqueConstraint(fields=['skill'], name='rate_limits_skill_key'),
        ]

    def __str__(self):
        return f"{self.skill}: {self.action_count} actions"


class ApiKeyRotation(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, db_default=RandomUUID())
    service = models.CharField(max_length=100)
    rotated_at = models.DateTimeField(db_default=Now())
    reason = models.TextField(null=True, blank=True)
    rotated_by = models.CharField(max_length=100, db_default='system')
    metadata_json = models.JSONField(db_column='metadata', db_default={}, blank=True)

    class Meta:
        db_table = '"aria_engine"."api_key_rotations"'
        verbose_name = 'API key rotation'
        verbose_name_plural = 'API key rotations'
        ordering = ['-rotated_at']
        indexes = [
            models.Index(fields=['-rotated_at'], name='idx_akr_rotated'),
            models.Index(fields=['service'], name='idx_akr_service'),
        ]

    def __str__(self):
        return f"{self.service} rotated {self.rotated_at:%Y-%m-%d}"


class EngineChatSession(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, db_default=RandomUUID())
    agent_id = models.CharField(max_length=100, db_default='aria')
    session_type = models.CharField(max_length=50, db_default='interactive', choices=choices(domain.CHAT_SESSION_TYPES))
    title = models.CharField(max_length=500, null=True, blank=True)
    system_prompt = models.TextField(null=True, blank=True)
    model = models.CharField(max_length=200, null=True, blank=True)
    temperature = models.FloatField(db_default=0.7)
    max_tokens = models.IntegerField(db_default=4096)
    context_window = models.IntegerField(db_default=50)
    status = models.CharField(max_length=20, db_default='active', choices=choices(domain.CHAT_SESSION_STATUSES))
    message_count = models.IntegerField(db_default=0)
    total_tokens = models.IntegerField(db_default=0)
    total_cost = models.DecimalField(max_digits=10, decimal_places=6, db_default=Decimal('0'))
    metadata_json = models.JSONField(db_column='metadata', db_default={}, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    updated_at = models.DateTimeField(db_default=Now(), auto_now=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = '"aria_engine"."chat_sessions"'
        verbose_name = 'chat session'
        verbose_name_plural = 'chat sessions'
        ordering = ['-updated_at']
        indexes = [
            models.Index(fields=['agent_id'], name='idx_ecs_agent'),
            models.Index(fields=['created_at'], name='idx_ecs_created'),
            models.Index(fields=['session_type'], name='idx_ecs_session_type'),
            models.Index(fields=['status'], name='idx_ecs_status'),
            models.Index(fields=['status', '-updated_at'], name='idx_ecs_status_updated'),
            models.Index(fields=['-updated_at'], name='idx_ecs_updated_desc'),
        ]

    def __str__(self):
        return self.title or f"{self.agent_id} chat {str(self.pk)[:8]}"


class EngineChatMessage(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, db_default=RandomUUID())
    session = models.ForeignKey('EngineChatSession', on_delete=models.DB_CASCADE, db_column='session_id', db_index=False, related_name='messages')
    agent_id = models.CharField(max_length=100, null=True, blank=True)
    role = models.CharField(max_length=20)
    content = models.TextField()
    thinking = models.TextField(null=True, blank=True)
    tool_calls = models.JSONField(null=True, blank=True)
    tool_results = models.JSONField(null=True, blank=True)
    model = models.CharField(max_length=200, null=True, blank=True)
    tokens_input = models.IntegerField(null=True, blank=True)
    tokens_output = models.IntegerField(null=True, blank=True)
    cost = models.DecimalField(max_digits=10, decimal_places=6, null=True, blank=True)
    latency_ms = models.IntegerField(null=True, blank=True)
    embedding = EmbeddingField(dimensions=1536, null=True, blank=True)
    metadata_json = models.JSONField(db_column='metadata', db_default={}, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        db_table = '"aria_engine"."chat_messages"'
        verbose_name = 'chat message'
        verbose_name_plural = 'chat messages'
        ordering = ['-created_at']
        indexes = [
            models.Index(fields=['created_at'], name='idx_ecm_created'),
            models.Index(fields=['role'], name='idx_ecm_role'),
            models.Index(fields=['session'], name='idx_ecm_session'),
            models.Index(fields=['session', 'created_at'], name='idx_ecm_session_created'),
        ]

    def __str__(self):
        return f"{self.role}: {truncate(self.content)}"


class EngineCronJob(models.Model):
    id = models.CharField(primary_key=True, max_length=100)
    name = models.CharField(max_length=200)
    schedule = models.CharField(max_length=100, validators=[domain.validate_schedule])
    agent_id = models.CharField(max_length=100, db_default='aria')
    enabled = models.BooleanField(db_default=True)
    payload_type = models.CharField(max_length=50, db_default='prompt', choices=choices(domain.PAYLOAD_TYPES))
    payload = models.TextField()
    session_mode = models.CharField(max_length=50, db_default='isolated', choices=choices(domain.SESSION_MODES))
    model = models.CharField(max_length=200, null=True, blank=True)
    max_duration_seconds = models.IntegerField(db_default=300, validators=[MinValueValidator(10), MaxValueValidator(3600)])
    retry_count = models.IntegerField(db_default=0, validators=[MinValueValidator(0), MaxValueValidator(5)])
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=20, null=True, blank=True)
    last_duration_ms = models.IntegerField(null=True, blank=True)
    last_error = models.TextField(null=True, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True)
    run_count = models.IntegerField(db_default=0)
    success_count = models.IntegerField(db_default=0)
    fail_count = models.IntegerField(db_default=0)
    metadata_json = models.JSONField(db_column='metadata', db_default={}, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    updated_at = models.DateTimeField(db_default=Now(), auto_now=True)

    class Meta:
        db_table = '"aria_engine"."cron_jobs"'
        verbose_name = 'cron job'
        verbose_name_plural = 'cron jobs'
        ordering = ['name']
        indexes = [
            models.Index(fields=['enabled'], name='idx_ecj_enabled'),
            models.Index(fields=['next_run_at'], name='idx_ecj_next_run'),
        ]

    def __str__(self):
        return f"{self.name} ({self.schedule})"


class EngineAgentState(models.Model):
    agent_id = models.CharField(primary_key=True, max_length=100)
    display_name = models.CharField(max_length=200, null=True, blank=True)
    agent_type = models.CharField(max_length=30, db_default='agent', choices=choices(domain.AGENT_TYPES))
    parent_agent_id = models.CharField(max_length=100, null=True, blank=True)
    model = models.CharField(max_length=200)
    fallback_model = models.CharField(max_length=200, null=True, blank=True)
    temperature = models.FloatField(db_default=0.7)
    max_tokens = models.IntegerField(db_default=4096)
    system_prompt = models.TextField(null=True, blank=True)
    focus_type = models.CharField(max_length=50, null=True, blank=True)
    status = models.CharField(max_length=20, db_default='idle', choices=choices(domain.AGENT_STATUSES))
    enabled = models.BooleanField(db_default=True)
    skills = models.JSONField(db_default=[], blank=True)
    capabilities = models.JSONField(db_default=[], blank=True)
    current_session_id = models.UUIDField(null=True, blank=True)
    current_task = models.TextField(null=True, blank=True)
    consecutive_failures = models.IntegerField(db_default=0)
    pheromone_score = models.DecimalField(max_digits=5, decimal_places=3, db_default=Decimal('0.500'), validators=[MinValueValidator(0), MaxValueValidator(1)])
    timeout_seconds = models.IntegerField(db_default=600)
    rate_limit = models.JSONField(db_default={}, blank=True)
    last_active_at = models.DateTimeField(null=True, blank=True)
    metadata_json = models.JSONField(db_column='metadata', db_default={}, blank=True)
    app_managed = models.BooleanField(db_default=False)
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    updated_at = models.DateTimeField(db_default=Now(), auto_now=True)

    class Meta:
        db_table = '"aria_engine"."agent_state"'
        verbose_name = 'agent'
        verbose_name_plural = 'agents'
        ordering = ['agent_id']

    def __str__(self):
        return self.display_name or self.agent_id


class EngineConfigEntry(models.Model):
    key = models.CharField(primary_key=True, max_length=200)
    value = models.JSONField()
    description = models.TextField(null=True, blank=True)
    updated_at = models.DateTimeField(db_default=Now(), auto_now=True)
    updated_by = models.CharField(max_length=100, db_default='system')

    class Meta:
        db_table = '"aria_engine"."config"'
        verbose_name = 'config entry'
        verbose_name_plural = 'config'
        ordering = ['key']

    def __str__(self):
        return self.key


class EngineAgentTool(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, db_default=RandomUUID())
    agent_id = models.CharField(max_length=100)
    skill_name = models.CharField(max_length=100)
    function_name = models.CharField(max_length=100)
    description = models.TextField(null=True, blank=True)
    parameters = models.JSONField(db_default={}, blank=True)
    enabled = models.BooleanField(db_default=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        db_table = '"aria_engine"."agent_tools"'
        verbose_name = 'agent tool'
        verbose_name_plural = 'agent tools'
        ordering = ['agent_id', 'skill_name']
        indexes = [
            models.Index(fields=['agent_id'], name='idx_eat_agent'),
        ]

    def __str__(self):
        return f"{self.agent_id}: {self.skill_name}.{self.function_name}"


class LlmModelEntry(models.Model):
    id = models.CharField(primary_key=True, max_length=100)
    name = models.CharField(max_length=300)
    provider = models.CharField(max_length=50, db_default='litellm')
    tier = models.CharField(max_length=30, db_default='free', choices=choices(domain.TIERS))
    reasoning = models.BooleanField(db_default=False)
    vision = models.BooleanField(db_default=False)
    tool_calling = models.BooleanField(db_default=False)
    input_types = models.JSONField(db_default=['text'], blank=True)
    context_window = models.IntegerField(db_default=8192)
    max_tokens = models.IntegerField(db_default=4096)
    cost_input = models.DecimalField(max_digits=12, decimal_places=6, db_default=Decimal('0'))
    cost_output = models.DecimalField(max_digits=12, decimal_places=6, db_default=Decimal('0'))
    cost_cache_read = models.DecimalField(max_digits=12, decimal_places=6, db_default=Decimal('0'))
    litellm_model = models.CharField(max_length=300, null=True, blank=True)
    litellm_api_key = models.CharField(max_length=500, null=True, blank=True)
    litellm_api_base = models.CharField(max_length=500, null=True, blank=True)
    route_skill = models.CharField(max_length=100, null=True, blank=True)
    aliases = models.JSONField(db_default=[], blank=True)
    enabled = models.BooleanField(db_default=True)
    sort_order = models.IntegerField(db_default=100)
    extra = models.JSONField(db_default={}, blank=True)
    app_managed = models.BooleanField(db_default=False)
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    updated_at = models.DateTimeField(db_default=Now(), auto_now=True)

    class Meta:
        db_table = '"aria_engine"."llm_models"'
        verbose_name = 'LLM model'
        verbose_name_plural = 'LLM models'
        ordering = ['sort_order', 'name']
        indexes = [
            models.Index(fields=['enabled'], name='idx_llm_models_enabled'),
            models.Index(fields=['provider'], name='idx_llm_models_provider'),
            models.Index(fields=['tier'], name='idx_llm_models_tier'),
        ]

    def __str__(self):
        return f"{self.name} ({self.id})"


class EngineChatSessionArchive(models.Model):
    """An ended chat session that Aria moved out of ``chat_sessions``.

    Aria copies the row as it was, so nothing here has a server default but
    ``archived_at``: the copy carries the original's values.
    """

    id = models.UUIDField(primary_key=True)
    agent_id = models.CharField(max_length=100)
    session_type = models.CharField(max_length=50, choices=choices(domain.CHAT_SESSION_TYPES))
    title = models.CharField(max_length=500, null=True, blank=True)
    system_prompt = models.TextField(null=True, blank=True)
    model = models.CharField(max_length=200, null=True, blank=True)
    temperature = models.FloatField(db_default=0.7)
    max_tokens = models.IntegerField(db_default=4096)
    context_window = models.IntegerField(db_default=50)
    status = models.CharField(max_length=20, choices=choices(domain.CHAT_SESSION_STATUSES))
    message_count = models.IntegerField(db_default=0)
    total_tokens = models.IntegerField(db_default=0)
    total_cost = models.DecimalField(max_digits=10, decimal_places=6, db_default=Decimal('0'))
    metadata_json = models.JSONField(db_column='metadata', db_default={}, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = '"aria_engine"."chat_sessions_archive"'
        verbose_name = 'archived chat session'
        verbose_name_plural = 'archived chat sessions'
        ordering = ['-archived_at']
        indexes = [
            models.Index(fields=['-archived_at'], name='idx_ecsa_archived'),
            models.Index(fields=['session_type'], name='idx_ecsa_session_type'),
            models.Index(fields=['status'], name='idx_ecsa_status'),
            models.Index(fields=['-updated_at'], name='idx_ecsa_updated'),
        ]

    def __str__(self):
        return self.title or f"{self.agent_id} chat {str(self.pk)[:8]}"


class EngineChatMessageArchive(models.Model):
    """A message of an archived chat session, copied as it was."""

    id = models.UUIDField(primary_key=True)
    session = models.ForeignKey('EngineChatSessionArchive', on_delete=models.DB_CASCADE, db_column='session_id', db_index=False, related_name='messages')
    agent_id = models.CharField(max_length=100, null=True, blank=True)
    role = models.CharField(max_length=20)
    content = models.TextField()
    thinking = models.TextField(null=True, blank=True)
    tool_calls = models.JSONField(null=True, blank=True)
    tool_results = models.JSONField(null=True, blank=True)
    model = models.CharField(max_length=200, null=True, blank=True)
    tokens_input = models.IntegerField(null=True, blank=True)
    tokens_output = models.IntegerField(null=True, blank=True)
    cost = models.DecimalField(max_digits=10, decimal_places=6, null=True, blank=True)
    latency_ms = models.IntegerField(null=True, blank=True)
    embedding = EmbeddingField(dimensions=1536, null=True, blank=True)
    metadata_json = models.JSONField(db_column='metadata', db_default={}, blank=True)
    created_at = models.DateTimeField()
    archived_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = '"aria_engine"."chat_messages_archive"'
        verbose_name = 'archived chat message'
        verbose_name_plural = 'archived chat messages'
        ordering = ['-archived_at']
        indexes = [
            models.Index(fields=['-archived_at'], name='idx_ecma_archived'),
            models.Index(fields=['created_at'], name='idx_ecma_created'),
            models.Index(fields=['role'], name='idx_ecma_role'),
            models.Index(fields=['session'], name='idx_ecma_session'),
            models.Index(fields=['session', 'created_at'], name='idx_ecma_session_created'),
        ]

    def __str__(self):
        return f"{self.role}: {truncate(self.content)}"
