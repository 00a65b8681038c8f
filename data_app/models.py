"""The 26 aria_data tables, column for column as Aria creates them.

The reference schema dumps in shared/reference are the contract: names,
types, nullability, server defaults (db_default), keys, ON DELETE rules and
index names all match them, and tests/test_schema_parity.py proves it.
Foreign keys carry db_index=False because each indexed FK column already has
a reference index of its own (declared in Meta.indexes).
"""

from decimal import Decimal

from django.contrib.postgres.functions import RandomUUID
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F
from django.db.models.functions import Now

from aria_admin.fields import EmbeddingField
from aria_admin.text import truncate
from aria_admin.times import show_time

from . import domain
from .domain import choices


class Memory(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, db_default=RandomUUID())
    key = models.CharField(max_length=255)
    value = models.JSONField()
    category = models.CharField(max_length=100, db_default='general')
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    updated_at = models.DateTimeField(db_default=Now(), auto_now=True)

    class Meta:
        db_table = '"aria_data"."memories"'
        verbose_name = 'memory'
        verbose_name_plural = 'memories'
        ordering = ['-updated_at']
        indexes = [
            models.Index(fields=['category'], name='idx_memories_category'),
            models.Index(fields=['-created_at'], name='idx_memories_created'),
            models.Index(fields=['key'], name='idx_memories_key'),
            models.Index(fields=['-updated_at'], name='idx_memories_updated'),
            GinIndex(fields=['value'], name='idx_memories_value_gin'),
        ]
        constraints = [
            models.UniqueConstraint(fields=['key'], name='memories_key_key'),
        ]

    def __str__(self):
        return self.key


class Thought(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, db_default=RandomUUID())
    content = models.TextField()
    category = models.CharField(max_length=100, db_default='general')
    metadata_json = models.JSONField(db_column='metadata', db_default={}, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        db_table = '"aria_data"."thoughts"'
        verbose_name = 'thought'
        verbose_name_plural = 'thoughts'
        ordering = ['-created_at']
        indexes = [
            models.Index(fields=['category'], name='idx_thoughts_category'),
            models.Index(fields=['-created_at'], name='idx_thoughts_created'),
        ]

    def __str__(self):
        return f"{self.category}: {truncate(self.content)}"


class Goal(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, db_default=RandomUUID())
    goal_id = models.CharField(max_length=100)
    title = models.CharField(max_length=255)
    description = models.TextField(null=True, blank=True)
    status = models.CharField(max_length=50, db_default='pending', choices=choices(domain.GOAL_STATUSES))
    priority = models.IntegerField(db_default=2, choices=list(domain.PRIORITIES.items()), validators=[MinValueValidator(1), MaxValueValidator(5)])
    progress = models.DecimalField(max_digits=5, decimal_places=2, db_default=Decimal('0'), validators=[MinValueValidator(0), MaxValueValidator(100)])
    due_date = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    sprint = models.CharField(max_length=100, db_default='backlog', null=True, blank=True)
    board_column = models.CharField(max_length=50, db_default='backlog', null=True, blank=True, choices=choices(domain.BOARD_COLUMNS + [domain.ARCHIVED_COLUMN]))
    position = models.IntegerField(db_default=0)
    assigned_to = models.CharField(max_length=100, null=True, blank=True)
    tags = models.JSONField(db_default=[], null=True, blank=True)
    updated_at = models.DateTimeField(db_default=Now(), auto_now=True)

    class Meta:
        db_table = '"aria_data"."goals"'
        verbose_name = 'goal'
        verbose_name_plural = 'goals'
        ordering = ['-created_at']
        indexes = [
            models.Index(fields=['board_column'], name='idx_goals_board_column'),
            models.Index(fields=['-created_at'], name='idx_goals_created'),
            models.Index(fields=['-priority'], name='idx_goals_priority'),
            models.Index(fields=['sprint'], name='idx_goals_sprint'),
            models.Index(fields=['sprint', 'board_column', 'position'], name='idx_goals_sprint_column_position'),
            models.Index(fields=['status'], name='idx_goals_status'),
            models.Index(fields=['status', '-priority', '-created_at'], name='idx_goals_status_priority_created'),
        ]
        constraints = [
            models.UniqueConstraint(fields=['goal_id'], name='goals_goal_id_key'),
        ]

    def __str__(self):
        return f"{self.goal_id}: {self.title}"


class ActivityLog(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, db_default=RandomUUID())
    action = models.CharField(max_length=100)
    skill = models.CharField(max_length=100, null=True, blank=True)
    details = models.JSONField(db_default={}, blank=True)
    success = models.BooleanField(db_default=True)
    error_message = models.TextField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        db_table = '"aria_data"."activity_log"'
        verbose_name = 'activity log entry'
        verbose_name_plural = 'activity log'
        ordering = ['-created_at']
        indexes = [
            models.Index(fields=['action'], name='idx_activity_action'),
            models.Index(fields=['action', '-created_at'], name='idx_activity_action_created'),
            models.Index(fields=['-created_at'], name='idx_activity_created'),
            GinIndex(fields=['details'], name='idx_activity_details_gin'),
            models.Index(fields=['skill'], name='idx_activity_skill'),
            models.Index(fields=['skill', '-created_at'], name='idx_activity_skill_created'),
        ]

    def __str__(self):
        return f"{self.action} ({self.skill or '-'}) at {show_time(self.created_at)}"


class SocialPost(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, db_default=RandomUUID())
    platform = models.CharField(max_length=50, db_default='moltbook')
    post_id = models.CharField(max_length=100, null=True, blank=True)
    content = models.TextField()
    visibility = models.CharField(max_length=50, db_default='public')
    reply_to = models.ForeignKey("self", on_delete=models.DB_SET_NULL, to_field='post_id', db_column='reply_to', db_index=False, null=True, blank=True, related_name='replies')
    url = models.TextField(null=True, blank=True)
    posted_at = models.DateTimeField(db_default=Now())
    metadata_json = models.JSONField(db_column='metadata', db_default={}, blank=True)

    class Meta:
        db_table = '"aria_data"."social_posts"'
        verbose_name = 'social post'
        verbose_name_plural = 'social posts'
        ordering = ['-posted_at']
        indexes = [
            models.Index(fields=['platform'], name='idx_posts_platform'),
            models.Index(fields=['post_id'], name='idx_posts_post_id'),
            models.Index(fields=['-posted_at'], name='idx_posts_posted'),
        ]
        constraints = [
            models.UniqueConstraint(fields=['post_id'], name='social_posts_post_id_key'),
        ]

    def __str__(self):
        return f"{self.platform}/{self.post_id or self.pk}: {truncate(self.content)}"


class HourlyGoal(models.Model):
    id = models.AutoField(primary_key=True)
    hour_slot = models.IntegerField(validators=[MinValueValidator(0), MaxValueValidator(23)])
    goal_type = models.CharField(max_length=50)
    description = models.TextField()
    status = models.CharField(max_length=20, db_default='pending', choices=choices(domain.HOURLY_GOAL_STATUSES))
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        db_table = '"aria_data"."hourly_goals"'
        verbose_name = 'hourly goal'
        verbose_name_plural = 'hourly goals'
        ordering = ['-created_at']
        indexes = [
            models.Index(fields=['-created_at'], name='idx_hourly_created'),
            models.Index(fields=['hour_slot'], name='idx_hourly_hour_slot'),
            models.Index(fields=['status'], name='idx_hourly_status'),
        ]

    def __str__(self):
        return f"{self.hour_slot:02d}h {self.goal_type}: {truncate(self.description)}"


class KnowledgeEntity(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, db_default=RandomUUID())
    name = models.TextField()
    type = models.TextField()
    properties = models.JSONField(db_default={}, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    updated_at = models.DateTimeField(db_default=Now(), auto_now=True)

    class Meta:
        db_table = '"aria_data"."knowledge_entities"'
        verbose_name = 'knowledge entity'
        verbose_name_plural = 'knowledge entities'
        ordering = ['-updated_at']
        indexes = [
            models.Index(fields=['name'], name='idx_kg_entity_name'),
            models.Index(fields=['type'], name='idx_kg_entity_type'),
            GinIndex(fields=['properties'], name='idx_kg_properties_gin'),
        ]

    def __str__(self):
        return f"{self.name} ({self.type})"


class KnowledgeRelation(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, db_default=RandomUUID())
    from_entity = models.ForeignKey('KnowledgeEntity', on_delete=models.DB_CASCADE, db_column='from_entity', db_index=False, related_name='outgoing_relations')
    to_entity = models.ForeignKey('KnowledgeEntity', on_delete=models.DB_CASCADE, db_column='to_entity', db_index=False, related_name='incoming_relations')
    relation_type = models.TextField()
    properties = models.JSONField(db_default={}, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        db_table = '"aria_data"."knowledge_relations"'
        verbose_name = 'knowledge relation'
        verbose_name_plural = 'knowledge relations'
        ordering = ['-created_at']
        indexes = [
            models.Index(fields=['from_entity'], name='idx_kg_relation_from'),
            models.Index(fields=['to_entity'], name='idx_kg_relation_to'),
            models.Index(fields=['relation_type'], name='idx_kg_relation_type'),
        ]

    def __str__(self):
        return f"{self.from_entity_id} -[{self.relation_type}]-> {self.to_entity_id}"


class SkillGraphEntity(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, db_default=RandomUUID())
    name = models.CharField(max_length=500)
    type = models.CharField(max_length=100)
    properties = models.JSONField(db_default={}, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        db_table = '"aria_data"."skill_graph_entities"'
        verbose_name = 'skill-graph entity'
        verbose_name_plural = 'skill-graph entities'
        ordering = ['-created_at']
        indexes = [
            models.Index(fields=['name'], name='idx_sg_entity_name'),
            models.Index(fields=['type'], name='idx_sg_entity_type'),
        ]
        constraints = [
            models.UniqueConstraint(fields=['name', 'type'], name='uq_sg_entity_name_type'),
        ]

    def __str__(self):
        return f"{self.name} ({self.type})"


class SkillGraphRelation(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, db_default=RandomUUID())
    from_entity = models.ForeignKey('SkillGraphEntity', on_delete=models.DB_CASCADE, db_column='from_entity', db_index=False, related_name='outgoing_relations')
    to_entity = models.ForeignKey('SkillGraphEntity', on_delete=models.DB_CASCADE, db_column='to_entity', db_index=False, related_name='incoming_relations')
    relation_type = models.CharField(max_length=100)
    properties = models.JSONField(db_default={}, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        db_table = '"aria_data"."skill_graph_relations"'
        verbose_name = 'skill-graph relation'
        verbose_name_plural = 'skill-graph relations'
        ordering = ['-created_at']
        indexes = [
            models.Index(fields=['from_entity'], name='idx_sg_relation_from'),
            models.Index(fields=['to_entity'], name='idx_sg_relation_to'),
            models.Index(fields=['relation_type'], name='idx_sg_relation_type'),
        ]

    def __str__(self):
        return f"{self.from_entity_id} -[{self.relation_type}]-> {self.to_entity_id}"


class KnowledgeQueryLog(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, db_default=RandomUUID())
    query_type = models.CharField(max_length=50)
    params = models.JSONField(db_default={}, blank=True)
    result_count = models.IntegerField(db_default=0)
    tokens_saved = models.IntegerField(null=True, blank=True)
    used_result = models.BooleanField(db_default=False)
    source = models.CharField(max_length=100, null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        db_table = '"aria_data"."knowledge_query_log"'
        verbose_name = 'knowledge query'
        verbose_name_plural = 'knowledge query log'
        ordering = ['-created_at']
        indexes = [
            models.Index(fields=['-created_at'], name='idx_kql_created'),
            models.Index(fields=['query_type'], name='idx_kql_query_type'),
            models.Index(fields=['source'], name='idx_kql_source'),
        ]

    def __str__(self):
        return f"{self.query_type} ({self.result_count} results)"


class PerformanceLog(models.Model):
    id = models.AutoField(primary_key=True)
    review_period = models.CharField(max_length=20)
    successes = models.TextField(null=True, blank=True)
    failures = models.TextField(null=True, blank=True)
    improvements = models.TextField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        db_table = '"aria_data"."performance_log"'
        verbose_name = 'performance review'
        verbose_name_plural = 'performance log'
        ordering = ['-created_at']
        indexes = [
            models.Index(fields=['-created_at'], name='idx_perflog_created'),
        ]

    def __str__(self):
        return f"{self.review_period} review #{self.pk}"


class PendingComplexTask(models.Model):
    id = models.AutoField(primary_key=True)
    task_id = models.CharField(max_length=50)
    task_type = models.CharField(max_length=50)
    description = models.TextField()
    agent_type = models.CharField(max_length=50)
    priority = models.CharField(max_length=20, db_default='medium')
    status = models.CharField(max_length=20, db_default='pending', choices=choices(domain.PENDING_TASK_STATUSES))
    result = models.TextField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = '"aria_data"."pending_complex_tasks"'
        verbose_name = 'pending complex task'
        verbose_name_plural = 'pending complex tasks'
        ordering = ['-created_at']
        indexes = [
            models.Index(fields=['-created_at'], name='idx_pct_created'),
            models.Index(fields=['status'], name='idx_pct_status'),
            models.Index(fields=['task_id'], name='idx_pct_task_id'),
        ]
        constraints = [
            models.UniqueConstraint(fields=['task_id'], name='pending_complex_tasks_task_id_key'),
        ]

    def __str__(self):
        return f"{self.task_id} ({self.status})"


class HeartbeatLog(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, db_default=RandomUUID())
    beat_number = models.IntegerField(db_default=0)
    job_name = models.CharField(max_length=100, null=True, blank=True)
    status = models.CharField(max_length=50, db_default='healthy', choices=choices(domain.HEARTBEAT_STATUSES))
    details = models.JSONField(db_default={}, null=True, blank=True)
    executed_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        db_table = '"aria_data"."heartbeat_log"'
        verbose_name = 'heartbeat'
        verbose_name_plural = 'heartbeat log'
        ordering = ['-created_at']
        indexes = [
            models.Index(fields=['-created_at'], name='idx_heartbeat_created'),
        ]

    def __str__(self):
        return f"#{self.beat_number} {self.job_name or 'heartbeat'}: {self.status}"


class AgentSession(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, db_default=RandomUUID())
    agent_id = models.CharField(max_length=100)
    session_type = models.CharField(max_length=50, db_default='interactive')
    started_at = models.DateTimeField(db_default=Now())
    ended_at = models.DateTimeField(null=True, blank=True)
    messages_count = models.IntegerField(db_default=0)
    tokens_used = models.IntegerField(db_default=0)
    cost_usd = models.DecimalField(max_digits=10, decimal_places=6, db_default=Decimal('0'))
    status = models.CharField(max_length=50, db_default='active', choices=choices(domain.AGENT_SESSION_STATUSES))
    metadata_json = models.JSONField(db_column='metadata', db_default={}, blank=True)

    class Meta:
        db_table = '"aria_data"."agent_sessions"'
        verbose_name = 'agent session'
        verbose_name_plural = 'agent sessions'
        ordering = ['-started_at']
        indexes = [
            models.Index(fields=['agent_id'], name='idx_agent_sessions_agent'),
            models.Index(fields=['agent_id', '-started_at'], name='idx_agent_sessions_agent_started'),
            GinIndex(fields=['metadata_json'], name='idx_agent_sessions_metadata_gin'),
            models.Index(fields=['-started_at'], name='idx_agent_sessions_started'),
            models.Index(fields=['status'], name='idx_agent_sessions_status'),
            models.Index(fields=['session_type'], name='idx_agent_sessions_type'),
        ]

    def __str__(self):
        return f"{self.agent_id} {self.session_type} session {str(self.pk)[:8]}"


class SessionMessage(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, db_default=RandomUUID())
    session = models.ForeignKey('AgentSession', on_delete=models.DB_SET_NULL, db_column='session_id', db_index=False, null=True, blank=True, related_name='messages')
    external_session_id = models.CharField(max_length=120, null=True, blank=True)
    agent_id = models.CharField(max_length=100, null=True, blank=True)
    role = models.CharField(max_length=20)
    content = models.TextField()
    content_hash = models.CharField(max_length=64)
    source_channel = models.CharField(max_length=50, null=True, blank=True)
    metadata_json = models.JSONField(db_column='metadata', db_default={}, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        db_table = '"aria_data"."session_messages"'
        verbose_name = 'session message'
        verbose_name_plural = 'session messages'
        ordering = ['-created_at']
        indexes = [
            models.Index(fields=['-created_at'], name='idx_session_messages_created'),
            models.Index(fields=['external_session_id', '-created_at'], name='idx_session_messages_ext_created'),
            models.Index(fields=['external_session_id'], name='idx_session_messages_external'),
            models.Index(fields=['role'], name='idx_session_messages_role'),
            models.Index(fields=['session'], name='idx_session_messages_session'),
            models.Index(fields=['session', '-created_at'], name='idx_session_messages_session_created'),
        ]
        constraints = [
            models.UniqueConstraint(fields=['external_session_id', 'role', 'content_hash'], name='uq_session_message_ext_role_hash'),
        ]

    def __str__(self):
        return f"{self.role}: {truncate(self.content)}"


class SentimentEvent(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, db_default=RandomUUID())
    message = models.ForeignKey('SessionMessage', on_delete=models.DB_CASCADE, db_column='message_id', db_index=False, related_name='sentiment_events')
    session = models.ForeignKey('AgentSession', on_delete=models.DB_SET_NULL, db_column='session_id', db_index=False, null=True, blank=True, related_name='sentiment_events')
    external_session_id = models.CharField(max_length=120, null=True, blank=True)
    speaker = models.CharField(max_length=20, null=True, blank=True, choices=choices(domain.SPEAKERS))
    agent_id = models.CharField(max_length=100, null=True, blank=True)
    sentiment_label = models.CharField(max_length=20, choices=choices(domain.SENTIMENT_LABELS))
    primary_emotion = models.CharField(max_length=50, null=True, blank=True)
    valence = models.FloatField()
    arousal = models.FloatField()
    dominance = models.FloatField()
    confidence = models.FloatField()
    importance = models.FloatField(db_default=0.3)
    metadata_json = models.JSONField(db_column='metadata', db_default={}, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        db_table = '"aria_data"."sentiment_events"'
        verbose_name = 'sentiment event'
        verbose_name_plural = 'sentiment events'
        ordering = ['-created_at']
        indexes = [
            models.Index(fields=['agent_id'], name='idx_sentiment_events_agent_id'),
            models.Index(fields=['-created_at'], name='idx_sentiment_events_created'),
            models.Index(fields=['external_session_id'], name='idx_sentiment_events_external'),
            models.Index(fields=['sentiment_label'], name='idx_sentiment_events_label'),
            models.Index(fields=['sentiment_label', '-created_at'], name='idx_sentiment_events_label_created'),
            models.Index(fields=['message'], name='idx_sentiment_events_message'),
            models.Index(fields=['session'], name='idx_sentiment_events_session'),
            models.Index(fields=['session', '-created_at'], name='idx_sentiment_events_session_created'),
            models.Index(fields=['speaker'], name='idx_sentiment_events_speaker'),
        ]
        constraints = [
            models.UniqueConstraint(fields=['message'], name='uq_sentiment_event_message'),
        ]

    def __str__(self):
        return f"{self.sentiment_label} ({self.primary_emotion or '-'})"


class ModelUsage(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, db_default=RandomUUID())
    model = models.CharField(max_length=100)
    provider = models.CharField(max_length=50, null=True, blank=True)
    input_tokens = models.IntegerField(db_default=0)
    output_tokens = models.IntegerField(db_default=0)
    cost_usd = models.DecimalField(max_digits=10, decimal_places=6, db_default=Decimal('0'))
    latency_ms = models.IntegerField(null=True, blank=True)
    success = models.BooleanField(db_default=True)
    error_message = models.TextField(null=True, blank=True)
    session = models.ForeignKey('AgentSession', on_delete=models.DB_SET_NULL, db_column='session_id', db_index=False, null=True, blank=True, related_name='model_usage')
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        db_table = '"aria_data"."model_usage"'
        verbose_name = 'model usage'
        verbose_name_plural = 'model usage'
        ordering = ['-created_at']
        indexes = [
            models.Index(fields=['-created_at'], name='idx_model_usage_created'),
            models.Index(fields=['model'], name='idx_model_usage_model'),
            models.Index(fields=['model', '-created_at'], name='idx_model_usage_model_created'),
            models.Index(fields=['model', 'provider'], name='idx_model_usage_model_provider'),
            models.Index(fields=['provider'], name='idx_model_usage_provider'),
            models.Index(fields=['session'], name='idx_model_usage_session'),
            models.Index(fields=['success'], name='idx_model_usage_success'),
        ]

    def __str__(self):
        return f"{self.model}: {self.input_tokens}+{self.output_tokens} tokens"


class SecurityEvent(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, db_default=RandomUUID())
    threat_level = models.CharField(max_length=20)
    threat_type = models.CharField(max_length=100)
    threat_patterns = models.JSONField(db_default=[], blank=True)
    input_preview = models.TextField(null=True, blank=True)
    source = models.CharField(max_length=100, null=True, blank=True)
    user_id = models.CharField(max_length=100, null=True, blank=True)
    blocked = models.BooleanField(db_default=False)
    details = models.JSONField(db_default={}, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        db_table = '"aria_data"."security_events"'
        verbose_name = 'security event'
        verbose_name_plural = 'security events'
        ordering = ['-created_at']
        indexes = [
            models.Index(fields=['blocked'], name='idx_security_blocked'),
            models.Index(fields=['-created_at'], name='idx_security_created'),
            models.Index(fields=['threat_level', '-created_at'], name='idx_security_threat_created'),
            models.Index(fields=['threat_level'], name='idx_security_threat_level'),
            models.Index(fields=['threat_type'], name='idx_security_threat_type'),
        ]

    def __str__(self):
        return f"{self.threat_level} {self.threat_type}"


class AgentPerformance(models.Model):
    id = models.AutoField(primary_key=True)
    agent_id = models.CharField(max_length=100)
    task_type = models.CharField(max_length=100)
    success = models.BooleanField()
    duration_ms = models.IntegerField(null=True, blank=True)
    token_cost = models.DecimalField(max_digits=10, decimal_places=6, null=True, blank=True)
    pheromone_score = models.DecimalField(max_digits=5, decimal_places=3, db_default=Decimal('0.500'), validators=[MinValueValidator(0), MaxValueValidator(1)])
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        db_table = '"aria_data"."agent_performance"'
        verbose_name = 'agent performance record'
        verbose_name_plural = 'agent performance'
        ordering = ['-created_at']
        indexes = [
            models.Index(fields=['agent_id'], name='idx_agent_perf_agent'),
            models.Index(fields=['-created_at'], name='idx_agent_perf_created'),
            models.Index(fields=['task_type'], name='idx_agent_perf_task'),
        ]

    def __str__(self):
        return f"{self.agent_id} {self.task_type}: {'ok' if self.success else 'failed'}"


class WorkingMemory(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, db_default=RandomUUID())
    category = models.CharField(max_length=50, choices=choices(domain.WORKING_MEMORY_CATEGORIES))
    key = models.CharField(max_length=200)
    value = models.JSONField()
    importance = models.FloatField(db_default=0.5)
    ttl_hours = models.IntegerField(null=True, blank=True)
    source = models.CharField(max_length=100, null=True, blank=True)
    checkpoint_id = models.CharField(max_length=100, null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    updated_at = models.DateTimeField(db_default=Now(), null=True, blank=True, auto_now=True)
    accessed_at = models.DateTimeField(null=True, blank=True)
    access_count = models.IntegerField(db_default=0)

    class Meta:
        db_table = '"aria_data"."working_memory"'
        verbose_name = 'working memory item'
        verbose_name_plural = 'working memory'
        ordering = ['-created_at']
        indexes = [
            models.Index(fields=['category'], name='idx_wm_category'),
            models.Index(fields=['checkpoint_id'], name='idx_wm_checkpoint'),
            models.Index(fields=['-importance'], name='idx_wm_importance'),
            models.Index(fields=['-importance', '-created_at'], name='idx_wm_importance_created'),
            models.Index(fields=['key'], name='idx_wm_key'),
        ]
        constraints = [
            models.UniqueConstraint(F('category'), F('key'), name='uq_wm_category_key'),
        ]

    def __str__(self):
        return f"{self.category}/{self.key}"


class SkillStatusRecord(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, db_default=RandomUUID())
    skill_name = models.CharField(max_length=100)
    canonical_name = models.CharField(max_length=100)
    layer = models.CharField(max_length=20, null=True, blank=True)
    status = models.CharField(max_length=20, db_default='unavailable')
    last_health_check = models.DateTimeField(null=True, blank=True)
    last_execution = models.DateTimeField(null=True, blank=True)
    use_count = models.IntegerField(db_default=0)
    error_count = models.IntegerField(db_default=0)
    metadata_json = models.JSONField(db_column='metadata', null=True, blank=True)
    updated_at = models.DateTimeField(db_default=Now(), null=True, blank=True, auto_now=True)

    class Meta:
        db_table = '"aria_data"."skill_status"'
        verbose_name = 'skill status'
        verbose_name_plural = 'skill status'
        ordering = ['-updated_at']
        indexes = [
            models.Index(fields=['layer'], name='idx_skill_status_layer'),
            models.Index(fields=['skill_name'], name='idx_skill_status_name'),
            models.Index(fields=['status'], name='idx_skill_status_status'),
        ]
        constraints = [
            models.UniqueConstraint(F('skill_name'), name='ix_aria_data_skill_status_skill_name'),
        ]

    def __str__(self):
        return f"{self.skill_name}: {self.status}"


class SemanticMemory(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, db_default=RandomUUID())
    content = models.TextField()
    summary = models.TextField(null=True, blank=True)
    category = models.CharField(max_length=50, db_default='general')
    embedding = EmbeddingField(dimensions=768)
    metadata_json = models.JSONField(db_column='metadata', db_default={}, blank=True)
    importance = models.FloatField(db_default=0.5)
    source = models.CharField(max_length=100, null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    accessed_at = models.DateTimeField(null=True, blank=True)
    access_count = models.IntegerField(db_default=0)

    class Meta:
        db_table = '"aria_data"."semantic_memories"'
        verbose_name = 'semantic memory'
        verbose_name_plural = 'semantic memories'
        ordering = ['-created_at']
        indexes = [
            models.Index(fields=['category'], name='idx_semantic_category'),
            models.Index(fields=['-created_at'], name='idx_semantic_created'),
            models.Index(fields=['importance'], name='idx_semantic_importance'),
            models.Index(fields=['source'], name='idx_semantic_source'),
        ]

    def __str__(self):
        return f"{self.category}: {truncate(self.summary or self.content)}"


class LessonLearned(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, db_default=RandomUUID())
    error_pattern = models.CharField(max_length=200)
    error_type = models.CharField(max_length=100)
    skill_name = models.CharField(max_length=100, null=True, blank=True)
    context = models.JSONField(db_default={}, blank=True)
    resolution = models.TextField()
    resolution_code = models.TextField(null=True, blank=True)
    occurrences = models.IntegerField(db_default=1)
    last_occurred = models.DateTimeField(db_default=Now())
    effectiveness = models.FloatField(db_default=1.0)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        db_table = '"aria_data"."lessons_learned"'
        verbose_name = 'lesson learned'
        verbose_name_plural = 'lessons learned'
        ordering = ['-created_at']
        indexes = [
            models.Index(fields=['error_pattern'], name='idx_lesson_pattern'),
            models.Index(fields=['skill_name'], name='idx_lesson_skill'),
            models.Index(fields=['error_type'], name='idx_lesson_type'),
        ]
        constraints = [
            models.UniqueConstraint(fields=['error_pattern'], name='uq_lesson_pattern'),
        ]

    def __str__(self):
        return self.error_pattern


class ImprovementProposal(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, db_default=RandomUUID())
    title = models.CharField(max_length=200)
    description = models.TextField()
    category = models.CharField(max_length=50, null=True, blank=True)
    risk_level = models.CharField(max_length=20, db_default='low')
    file_path = models.CharField(max_length=500, null=True, blank=True)
    current_code = models.TextField(null=True, blank=True)
    proposed_code = models.TextField(null=True, blank=True)
    rationale = models.TextField(null=True, blank=True)
    status = models.CharField(max_length=20, db_default='proposed', choices=choices(domain.PROPOSAL_STATUSES))
    reviewed_by = models.CharField(max_length=100, null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        db_table = '"aria_data"."improvement_proposals"'
        verbose_name = 'improvement proposal'
        verbose_name_plural = 'improvement proposals'
        ordering = ['-created_at']
        indexes = [
            models.Index(fields=['category'], name='idx_proposal_category'),
            models.Index(fields=['risk_level'], name='idx_proposal_risk'),
            models.Index(fields=['status'], name='idx_proposal_status'),
        ]

    def __str__(self):
        return f"{self.title} ({self.status})"


class SkillInvocation(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, db_default=RandomUUID())
    skill_name = models.CharField(max_length=100)
    tool_name = models.CharField(max_length=100)
    duration_ms = models.IntegerField(null=True, blank=True)
    success = models.BooleanField(db_default=True)
    error_type = models.CharField(max_length=100, null=True, blank=True)
    tokens_used = models.IntegerField(null=True, blank=True)
    model_used = models.CharField(max_length=100, null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        db_table = '"aria_data"."skill_invocations"'
        verbose_name = 'skill invocation'
        verbose_name_plural = 'skill invocations'
        ordering = ['-created_at']
        indexes = [
            models.Index(fields=['-created_at'], name='idx_invocation_created'),
            models.Index(fields=['skill_name'], name='idx_invocation_skill'),
            models.Index(fields=['success'], name='idx_invocation_success'),
        ]

    def __str__(self):
        return f"{self.skill_name}.{self.tool_name}"
