"""Aria main (2026-02-28): the three new columns and the two archive tables.

On a v3.0.0 warehouse this is the additive upgrade: the columns come with
their server defaults (no table rewrite) and the archive tables are new, so
Aria v3.0.0, whose ORM never names them, goes on working.
"""

import aria_admin.fields
import django.db.models.deletion
import django.db.models.functions.datetime
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('engine_app', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='engineagentstate',
            name='app_managed',
            field=models.BooleanField(db_default=False),
        ),
        migrations.AddField(
            model_name='enginecronjob',
            name='model',
            field=models.CharField(blank=True, max_length=200, null=True),
        ),
        migrations.AddField(
            model_name='llmmodelentry',
            name='app_managed',
            field=models.BooleanField(db_default=False),
        ),
        migrations.CreateModel(
            name='EngineChatSessionArchive',
            fields=[
                ('id', models.UUIDField(primary_key=True, serialize=False)),
                ('agent_id', models.CharField(max_length=100)),
                ('session_type', models.CharField(choices=[('interactive', 'Interactive'), ('chat', 'Chat'), ('cron', 'Cron'), ('skill_exec', 'Skill exec'), ('roundtable', 'Roundtable'), ('swarm', 'Swarm')], max_length=50)),
                ('title', models.CharField(blank=True, max_length=500, null=True)),
                ('system_prompt', models.TextField(blank=True, null=True)),
                ('model', models.CharField(blank=True, max_length=200, null=True)),
                ('temperature', models.FloatField(db_default=0.7)),
                ('max_tokens', models.IntegerField(db_default=4096)),
                ('context_window', models.IntegerField(db_default=50)),
                ('status', models.CharField(choices=[('active', 'Active'), ('ended', 'Ended'), ('archived', 'Archived')], max_length=20)),
                ('message_count', models.IntegerField(db_default=0)),
                ('total_tokens', models.IntegerField(db_default=0)),
                ('total_cost', models.DecimalField(db_default=Decimal('0'), decimal_places=6, max_digits=10)),
                ('metadata_json', models.JSONField(blank=True, db_column='metadata', db_default={})),
                ('created_at', models.DateTimeField()),
                ('updated_at', models.DateTimeField()),
                ('ended_at', models.DateTimeField(blank=True, null=True)),
                ('archived_at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
            ],
            options={
                'verbose_name': 'archived chat session',
                'verbose_name_plural': 'archived chat sessions',
                'db_table': '"aria_engine"."chat_sessions_archive"',
                'ordering': ['-archived_at'],
                'indexes': [models.Index(fields=['-archived_at'], name='idx_ecsa_archived'), models.Index(fields=['session_type'], name='idx_ecsa_session_type'), models.Index(fields=['status'], name='idx_ecsa_status'), models.Index(fields=['-updated_at'], name='idx_ecsa_updated')],
            },
        ),
        migrations.CreateModel(
            name='EngineChatMessageArchive',
            fields=[
                ('id', models.UUIDField(primary_key=True, serialize=False)),
                ('agent_id', models.CharField(blank=True, max_length=100, null=True)),
                ('role', models.CharField(max_length=20)),
                ('content', models.TextField()),
                ('thinking', models.TextField(blank=True, null=True)),
                ('tool_calls', models.JSONField(blank=True, null=True)),
                ('tool_results', models.JSONField(blank=True, null=True)),
                ('model', models.CharField(blank=True, max_length=200, null=True)),
                ('tokens_input', models.IntegerField(blank=True, null=True)),
                ('tokens_output', models.IntegerField(blank=True, null=True)),
                ('cost', models.DecimalField(blank=True, decimal_places=6, max_digits=10, null=True)),
                ('latency_ms', models.IntegerField(blank=True, null=True)),
                ('embedding', aria_admin.fields.EmbeddingField(blank=True, dimensions=1536, null=True)),
                ('metadata_json', models.JSONField(blank=True, db_column='metadata', db_default={})),
                ('created_at', models.DateTimeField()),
                ('archived_at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
                ('session', models.ForeignKey(db_column='session_id', db_index=False, on_delete=django.db.models.deletion.DB_CASCADE, related_name='messages', to='engine_app.enginechatsessionarchive')),
            ],
            options={
                'verbose_name': 'archived chat message',
                'verbose_name_plural': 'archived chat messages',
                'db_table': '"aria_engine"."chat_messages_archive"',
                'ordering': ['-archived_at'],
                'indexes': [models.Index(fields=['-archived_at'], name='idx_ecma_archived'), models.Index(fields=['created_at'], name='idx_ecma_created'), models.Index(fields=['role'], name='idx_ecma_role'), models.Index(fields=['session'], name='idx_ecma_session'), models.Index(fields=['session', 'created_at'], name='idx_ecma_session_created')],
            },
        ),
    ]
