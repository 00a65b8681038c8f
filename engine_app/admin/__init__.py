"""Admin for the 13 aria_engine tables, one module per concern."""
from engine_app.admin import cron  # noqa: F401
from engine_app.admin import llm  # noqa: F401
from engine_app.admin import agents  # noqa: F401
from engine_app.admin import chat  # noqa: F401
from engine_app.admin import runtime  # noqa: F401
from engine_app.admin import archive  # noqa: F401
