"""Admin search on text columns is ILIKE (aria_admin.lookups): it finds
what icontains finds, takes % and _ literally, and PostgreSQL can estimate
it, which is what lets a time-ordered list stop after one page."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from data_app.models import KnowledgeEntity, KnowledgeRelation, Thought
from tests.sample_rows import orm_values
from tests.test_admin_support import admin_url, superuser_client  # noqa: F401


def search(client, model, term):
    response = client.get(admin_url(model, "changelist"), {"q": term})
    assert response.status_code == 200
    return response


def found(client, model, term):
    return sorted(str(obj) for obj in search(client, model, term).context["cl"].result_list)


@pytest.fixture
def thoughts(db):
    texts = ["Sprint review at noon", "sprint planning", "ÉTÉ summer notes", "50% done_now", "500 done-now", "other"]
    return {text: Thought.objects.create(content=text, category="general") for text in texts}


def test_search_matches_any_case_and_is_written_as_ilike(superuser_client, thoughts):
    with CaptureQueriesContext(connection) as queries:
        response = search(superuser_client, Thought, "SPRINT")

    contents = {t.content for t in response.context["cl"].result_list}
    assert contents == {"Sprint review at noon", "sprint planning"}
    sql = "\n".join(q["sql"] for q in queries.captured_queries if "thoughts" in q["sql"])
    assert "ILIKE" in sql and "UPPER(" not in sql


def test_search_terms_all_match_and_non_ascii_case_folds(superuser_client, thoughts):
    assert {t.content for t in search(superuser_client, Thought, "sprint review").context["cl"].result_list} == {
        "Sprint review at noon"
    }
    assert {t.content for t in search(superuser_client, Thought, "été").context["cl"].result_list} == {
        "ÉTÉ summer notes"
    }


def test_percent_and_underscore_are_literal(superuser_client, thoughts):
    assert {t.content for t in search(superuser_client, Thought, "50%").context["cl"].result_list} == {"50% done_now"}
    assert {t.content for t in search(superuser_client, Thought, "done_now").context["cl"].result_list} == {
        "50% done_now"
    }


def test_search_through_a_relation(superuser_client, db):
    alpha = KnowledgeEntity.objects.create(**{**orm_values(KnowledgeEntity), "name": "Alpha Centauri"})
    beta = KnowledgeEntity.objects.create(**{**orm_values(KnowledgeEntity), "name": "Beta"})
    relation = KnowledgeRelation.objects.create(
        **{**orm_values(KnowledgeRelation), "from_entity": alpha, "to_entity": beta}
    )

    result = search(superuser_client, KnowledgeRelation, "centauri").context["cl"].result_list

    assert [r.pk for r in result] == [relation.pk]


def test_planner_estimates_a_common_word_search(db):
    """UPPER(content) LIKE was estimated at ~1 row whatever matched, so a
    time-ordered page read the whole table; ILIKE is estimated from the
    column's statistics."""
    Thought.objects.bulk_create(
        Thought(content=("weekly sprint notes " if i % 10 < 4 else "quiet day ") + str(i), category="general")
        for i in range(5000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE aria_data.thoughts")
    queryset = Thought.objects.filter(content__ilike="sprint")

    plan = json.loads(queryset.explain(format="json"))[0]["Plan"]

    actual = queryset.count()
    assert actual == 2000
    assert plan["Plan Rows"] >= actual / 5
