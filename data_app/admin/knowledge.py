"""The knowledge graph, the skill graph and the knowledge query log."""

from django.contrib import admin

from aria_admin.admin.display import related_table
from aria_admin.admin_base import AriaModelAdmin, DateRangeFieldListFilter, values_filter
from data_app.models import (
    KnowledgeEntity,
    KnowledgeQueryLog,
    KnowledgeRelation,
    SkillGraphEntity,
    SkillGraphRelation,
)


def relations_table(relations, other, model, lookups):
    """Relations of an entity, each with the entity at its other end."""
    return related_table(
        relations.select_related(other).order_by("-created_at"),
        [
            ("relation", lambda r: r.relation_type),
            (other.replace("_", " "), lambda r: getattr(r, other)),
            ("created", lambda r: r.created_at),
        ],
        see_all=(model, lookups),
    )


class EntityAdmin(AriaModelAdmin):
    """Shared by knowledge and skill-graph entities (name, type, properties)."""

    list_display = ["name", "type", "properties", "created_at"]
    list_filter = [("type", values_filter([]))]
    search_fields = ["name", "type", "properties", "=id"]
    relation_model = None

    change_page_fields = ["outgoing", "incoming"]

    @admin.display(description="outgoing relations (latest 50)")
    def outgoing(self, obj):
        return relations_table(obj.outgoing_relations.all(), "to_entity", self.relation_model, {"from_entity": obj.pk})

    @admin.display(description="incoming relations (latest 50)")
    def incoming(self, obj):
        return relations_table(obj.incoming_relations.all(), "from_entity", self.relation_model, {"to_entity": obj.pk})


@admin.register(KnowledgeEntity)
class KnowledgeEntityAdmin(EntityAdmin):
    list_display = ["name", "type", "properties", "created_at", "updated_at"]
    ordering = ["-updated_at"]
    relation_model = KnowledgeRelation


@admin.register(SkillGraphEntity)
class SkillGraphEntityAdmin(EntityAdmin):
    ordering = ["-created_at"]
    relation_model = SkillGraphRelation


class RelationAdmin(AriaModelAdmin):
    list_display = ["relation_type", "from_entity", "to_entity", "properties", "created_at"]
    list_display_links = ["relation_type"]
    list_filter = [("relation_type", values_filter([]))]
    search_fields = ["relation_type", "from_entity__name", "to_entity__name", "properties", "=id"]
    raw_id_fields = ["from_entity", "to_entity"]
    ordering = ["-created_at"]


@admin.register(KnowledgeRelation)
class KnowledgeRelationAdmin(RelationAdmin):
    pass


@admin.register(SkillGraphRelation)
class SkillGraphRelationAdmin(RelationAdmin):
    pass


@admin.register(KnowledgeQueryLog)
class KnowledgeQueryLogAdmin(AriaModelAdmin):
    list_display = ["query_type", "params", "result_count", "tokens_saved", "used_result", "source", "created_at"]
    list_filter = [
        ("query_type", values_filter([])),
        ("source", values_filter([])),
        "used_result",
        ("created_at", DateRangeFieldListFilter),
    ]
    search_fields = ["query_type", "source", "params", "=id"]
    ordering = ["-created_at"]
