"""Admin for the 26 aria_data tables, one module per concern."""
from data_app.admin import goals  # noqa: F401
from data_app.admin import knowledge  # noqa: F401
from data_app.admin import logs  # noqa: F401
from data_app.admin import memory  # noqa: F401
from data_app.admin import sessions  # noqa: F401
from data_app.admin import skills  # noqa: F401
from data_app.admin import social  # noqa: F401
from data_app.admin import tasks  # noqa: F401
