"""Aria Admin's site: the dashboard index over Aria's two schemas.

The index groups the 39 tables in "Aria data" and "Aria engine", each with
a plain-English name, a one-line description and its row count (exact for
small tables, PostgreSQL's estimate, labelled "about", for big ones), plus
the latest activity and heartbeats and links to the operator views.
"""

from django.contrib import admin
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf

from aria_admin.admin.urls import cached_reverse
from aria_admin.replicas.status import replica_summary

LATEST_ROWS = 8
# Distinct permission sets whose app list is kept (viewers, operators, superusers...).
APP_LIST_CACHE_SIZE = 64

# model label -> (plain-English name, one-line description)
TABLES = {
    # aria_data
    "data_app.memory": ("Memories", "Aria's long-term key/value memories (JSON values by key)."),
    "data_app.thought": ("Thoughts", "Free-text thoughts Aria records while working."),
    "data_app.goal": ("Goals", "Aria's goals and sprint board: status, column, priority, progress."),
    "data_app.activitylog": ("Activity log", "Every action Aria takes, with skill, details and success."),
    "data_app.socialpost": ("Social posts", "Posts and replies Aria published on social platforms."),
    "data_app.hourlygoal": ("Hourly goals", "Short goals Aria sets for an hour slot of the day."),
    "data_app.knowledgeentity": ("Knowledge entities", "Nodes of Aria's knowledge graph (name, type, properties)."),
    "data_app.knowledgerelation": ("Knowledge relations", "Edges between knowledge entities."),
    "data_app.skillgraphentity": ("Skill-graph entities", "Skills, tools and concepts in Aria's skill graph."),
    "data_app.skillgraphrelation": ("Skill-graph relations", "Edges between skill-graph entities."),
    "data_app.knowledgequerylog": ("Knowledge queries", "Queries against the knowledge graph and whether they helped."),
    "data_app.performancelog": ("Performance reviews", "Aria's periodic self-reviews: successes, failures, improvements."),
    "data_app.pendingcomplextask": ("Complex tasks", "Multi-step tasks queued for sub-agents."),
    "data_app.heartbeatlog": ("Heartbeat log", "Heartbeats and cron job runs, with status and duration."),
    "data_app.agentsession": ("Agent sessions", "Sessions of Aria's agents: messages, tokens, cost."),
    "data_app.sessionmessage": ("Session messages", "Messages exchanged in agent sessions."),
    "data_app.sentimentevent": ("Sentiment events", "Sentiment read from session messages (valence, arousal, dominance)."),
    "data_app.modelusage": ("Model usage", "Each LLM call: model, provider, tokens, cost, latency."),
    "data_app.securityevent": ("Security events", "Threats Aria detected in its input (injection, traversal...)."),
    "data_app.agentperformance": ("Agent performance", "Task outcomes per agent, with pheromone scores."),
    "data_app.workingmemory": ("Working memory", "Short-lived context items that expire after their TTL."),
    "data_app.skillstatusrecord": ("Skill status", "Health of each skill: status, use and error counts."),
    "data_app.semanticmemory": ("Semantic memories", "Memories with embeddings for similarity search."),
    "data_app.lessonlearned": ("Lessons learned", "Error patterns Aria met and how it resolved them."),
    "data_app.improvementproposal": ("Improvement proposals", "Code changes Aria proposes to itself, for review."),
    "data_app.skillinvocation": ("Skill invocations", "Each skill tool call: duration, success, tokens."),
    # aria_engine
    "engine_app.scheduledjob": ("Scheduled jobs (legacy)", "The engine's older job table, kept for reference."),
    "engine_app.scheduletick": ("Schedule tick", "The scheduler's heartbeat and job counters."),
    "engine_app.ratelimit": ("Rate limits", "Per-skill action counts in the current window."),
    "engine_app.apikeyrotation": ("API key rotations", "When and why each service's API key was rotated."),
    "engine_app.enginechatsession": ("Chat sessions", "Chat sessions with Aria's agents: model, status, cost."),
    "engine_app.enginechatmessage": ("Chat messages", "Messages of chat sessions, with tool calls and embeddings."),
    "engine_app.enginecronjob": ("Cron jobs", "Aria's scheduled jobs: schedule, payload, last run."),
    "engine_app.engineagentstate": ("Agents", "Each agent's model, status, skills and pheromone score."),
    "engine_app.engineconfigentry": ("Config", "Engine settings as JSON values by key."),
    "engine_app.engineagenttool": ("Agent tools", "Skill functions each agent may call."),
    "engine_app.llmmodelentry": ("LLM models", "The model catalogue: provider, tier, costs, context window."),
    "engine_app.enginechatsessionarchive": ("Archived chat sessions", "Ended chat sessions Aria moved out of the live table (read-only)."),
    "engine_app.enginechatmessagearchive": ("Archived chat messages", "Messages of archived chat sessions (read-only)."),
}

SECTIONS = [("data_app", "Aria data"), ("engine_app", "Aria engine")]

OPERATOR_VIEWS = [
    ("Goals board", "admin:data_app_goal_board", "Drag goals between columns of a sprint."),
    ("Cron jobs", "admin:engine_app_enginecronjob_changelist", "Schedules, next runs, run history."),
    ("LLM models", "admin:engine_app_llmmodelentry_changelist", "Enable, order and price the models."),
]


class AriaAdminSite(admin.AdminSite):
    site_header = "Aria Admin"
    site_title = "Aria Admin"
    index_title = "Dashboard"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.page_sections = []

    def register_pages(self, section):
        """Add a section of pages that are not tables (e.g. Insights).

        ``section`` answers ``get_urls(site)`` (patterns under /admin/, put
        before the tables' own) and ``app_entry(request, site)`` (the app-list
        dict of the pages this user may see, or None). This keeps the shared
        site free of imports from the apps that bring pages.
        """
        self.page_sections.append(section)

    def get_urls(self):
        pages = [url for section in self.page_sections for url in section.get_urls(self)]
        return pages + super().get_urls()

    def each_context(self, request):
        """Django's, plus the page sections for the header's links."""
        context = super().each_context(request)
        context["aria_page_sections"] = [
            entry for entry in self.section_entries(request) if entry["app_url"]
        ]
        return context

    def section_entries(self, request, label=None):
        entries = []
        for section in self.page_sections:
            entry = section.app_entry(request, self)
            if entry and (label is None or entry["app_label"] == label):
                entries.append(entry)
        return entries

    def index(self, request, extra_context=None):
        aria = {label for label, _ in SECTIONS}
        app_list = self.get_app_list(request)
        from aria_admin.warehouse.models import latest_level

        context = {
            "aria_bootstrapped": latest_level(),
            "aria_sections": self.aria_sections(app_list),
            "other_apps": [a for a in app_list if a["app_label"] not in aria],
            "operator_views": self.operator_views(),
            "aria_replicas": replica_summary(),
            **self.latest_rows(request),
            **(extra_context or {}),
        }
        return super().index(request, context)

    def get_app_list(self, request, app_label=None):
        """Django's own list, built once per process for each set of
        permissions: building it reverses three URLs per table, and the nav
        sidebar of every page lists all 39 tables (a tenth of a list page's
        time). The key holds every input Django's build reads (each admin's
        module permission and model permissions, the urlconf, the script
        prefix); each call gets its own copy of the dicts.
        """
        key = (
            app_label,
            get_urlconf(),
            get_script_prefix(),
            tuple(
                (model, model_admin.has_module_permission(request), tuple(model_admin.get_model_perms(request).items()))
                for model, model_admin in self._registry.items()
            ),
        )
        cache = self.__dict__.setdefault("_app_lists", {})
        app_list = cache.get(key)
        if app_list is None:
            if len(cache) >= APP_LIST_CACHE_SIZE:
                cache.clear()
            app_list = cache[key] = super().get_app_list(request, app_label)
        app_list = [{**app, "models": [dict(model) for model in app["models"]]} for app in app_list]
        if request.user.is_active and request.user.is_staff:
            # Registered page sections (Insights) join the list as Django
            # would sort them; they depend on the user, so stay out of the cache.
            app_list += self.section_entries(request, app_label)
            app_list.sort(key=lambda app: app["name"].lower())
        return app_list

    def url_or_none(self, viewname):
        try:
            return cached_reverse(viewname, current_app=self.name)
        except NoReverseMatch:
            return None

    def aria_sections(self, app_list):
        """The two sections of tables the user may see (``app_list``), with
        descriptions and counts."""
        from aria_admin import schema_health
        from aria_admin.admin.counts import dashboard_counts

        apps = {app["app_label"]: app for app in app_list}
        shown = [(label, title, apps[label]["models"]) for label, title in SECTIONS if label in apps]
        state = schema_health.current()
        counts = dashboard_counts(
            [m["model"] for _, _, models in shown for m in models if not state.problems_for(m["model"])]
        )
        sections = []
        for label, title, models in shown:
            tables = []
            for entry in models:
                model = entry["model"]
                name, description = TABLES.get(model._meta.label_lower, (entry["name"], ""))
                rows, estimated = counts.get(model, (None, False))
                tables.append(
                    {
                        "problems": state.problems_for(model),
                        "name": name,
                        "description": description,
                        "table": model._meta.db_table.replace('"', ""),
                        "rows": rows,
                        "estimated": estimated,
                        "url": entry.get("admin_url"),
                        "add_url": entry.get("add_url"),
                    }
                )
            sections.append({"app_label": label, "title": title, "tables": tables})
        return sections

    def operator_views(self):
        return [
            {"title": title, "url": url, "description": description}
            for title, name, description in OPERATOR_VIEWS
            if (url := self.url_or_none(name))
        ]

    def latest_rows(self, request):
        """The latest activity and heartbeat rows, if the user may view them."""
        from data_app.models import ActivityLog, HeartbeatLog

        latest = {}
        for key, model in (("latest_activity", ActivityLog), ("latest_heartbeats", HeartbeatLog)):
            model_admin = self._registry.get(model)
            if model_admin and model_admin.has_view_permission(request):
                latest[key] = list(model.objects.order_by("-created_at")[:LATEST_ROWS])
        return latest
