"""The sentiment page, from sentiment_events itself (thousands of rows)."""

from datetime import UTC

from django.db.models import Avg, Count
from django.db.models.functions import Trunc

from data_app.models import SentimentEvent
from insights.charts import Chart
from insights.selectors.sql import admin_url, iso

MOST_NEGATIVE = 10


def sentiment_charts(rng, filters, user=None):
    events = SentimentEvent.objects.filter(created_at__gte=rng.since, created_at__lt=rng.until)
    per_bucket = (events.annotate(bucket=Trunc("created_at", rng.bucket_name, tzinfo=UTC))
                  .values("bucket", "speaker").annotate(valence=Avg("valence"), events=Count("pk"))
                  .order_by("bucket", "speaker"))
    charts = [Chart(
        "sentiment-valence", f"Average valence per {rng.bucket_name} by speaker",
        [("bucket", "Bucket (UTC)"), ("speaker", "Speaker"), ("valence", "Valence"), ("events", "Events")],
        [{"bucket": iso(r["bucket"]), "speaker": r["speaker"], "valence": r["valence"], "events": r["events"]}
         for r in per_bucket],
        kind="line", x="bucket", y="valence", series="speaker", x_values=[iso(b) for b in rng.buckets()],
    )]
    labels = events.values("sentiment_label").annotate(events=Count("pk")).order_by("-events", "sentiment_label")
    charts.append(Chart(
        "sentiment-labels", "Labels", [("label", "Label"), ("events", "Events")],
        [{"label": r["sentiment_label"], "events": r["events"]} for r in labels], kind="bars", x="label", y="events",
    ))
    worst = events.order_by("valence", "-created_at").only("valence", "speaker", "sentiment_label", "primary_emotion", "created_at", "message_id")[:MOST_NEGATIVE]
    charts.append(Chart(
        "sentiment-most-negative", f"The {MOST_NEGATIVE} most negative events",
        [("created_at", "When"), ("speaker", "Speaker"), ("label", "Label"), ("emotion", "Emotion"), ("valence", "Valence")],
        [{"created_at": e.created_at, "speaker": e.speaker, "label": e.sentiment_label, "emotion": e.primary_emotion,
          "valence": e.valence, "message_id": str(e.message_id),
          "_url": admin_url("data_app_sessionmessage_change", e.message_id)} for e in worst],
        link="_url",
    ))
    return charts
