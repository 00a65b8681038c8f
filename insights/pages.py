"""The Insights pages: what each shows, who may see it, and the admin section.

A page may be seen by staff with view (or change) permission on every table
it reads; the overview by staff who may see any of the other pages (it shows
only the items of the tables they may view).
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, path, reverse


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    models: tuple  # "app_label.ModelName" read by the page
    filters: tuple = ()  # query parameters besides range/since/until/format
    sources: tuple = ()  # rollups.SOURCES keys refreshed before reading
    description: str = ""

    @property
    def url_name(self):
        return f"insights_{self.slug or 'overview'}"

    def allowed(self, user):
        return user.is_active and user.is_staff and all(can_view(user, m) for m in self.models)


def can_view(user, label):
    app_label, model = label.split(".")
    model = model.lower()
    return user.has_perm(f"{app_label}.view_{model}") or user.has_perm(f"{app_label}.change_{model}")


OVERVIEW = Page("", "Insights", (), sources=("llm", "cron", "activity"),
                description="What needs attention now.")
LLM = Page("llm", "LLM usage", ("data_app.ModelUsage",), ("provider", "model"), ("llm",),
           "Calls, tokens, cost, latency and errors per model.")
CRON = Page("cron", "Cron jobs", ("data_app.HeartbeatLog", "engine_app.EngineCronJob"), ("job",), ("cron",),
            "Runs, failures, durations and lateness per job.")
ACTIVITY = Page("activity", "Activity", ("data_app.ActivityLog",), ("skill", "action"), ("activity",),
                "Actions and failures per skill; frequent errors.")
GOALS = Page("goals", "Goals", ("data_app.Goal",), ("sprint",), (),
             "Created vs completed, cards per column, burn-down, overdue.")
SENTIMENT = Page("sentiment", "Sentiment", ("data_app.SentimentEvent",), (), (),
                 "Valence over time by speaker; labels; most negative events.")
PAGES = [LLM, CRON, ACTIVITY, GOALS, SENTIMENT]


def visible_pages(user):
    return [page for page in PAGES if page.allowed(user)]


def overview_allowed(user):
    return bool(visible_pages(user))


class Section:
    """The admin site's Insights section (aria_admin.admin_site.register_pages)."""

    app_label = "insights"
    name = "Insights"

    def get_urls(self, site):
        from insights import views

        return [
            path(f"insights/{page.slug + '/' if page.slug else ''}", site.admin_view(views.page_view),
                 {"page": page}, name=page.url_name)
            for page in [OVERVIEW, *PAGES]
        ]

    def app_entry(self, request, site):
        pages = visible_pages(request.user)
        if not pages:
            return None
        try:
            home = reverse(f"{site.name}:{OVERVIEW.url_name}", current_app=site.name)
        except NoReverseMatch:
            return None
        models = [{
            "name": "Overview", "object_name": "InsightsOverview", "admin_url": home, "add_url": None,
            "view_only": True, "perms": {"view": True}, "model": None,
        }] + [{
            "name": page.title, "object_name": f"Insights{page.slug.title()}",
            "admin_url": reverse(f"{site.name}:{page.url_name}", current_app=site.name),
            "add_url": None, "view_only": True, "perms": {"view": True}, "model": None,
        } for page in pages]
        return {"name": self.name, "app_label": self.app_label, "app_url": home,
                "has_module_perms": True, "models": models}


SECTION = Section()
