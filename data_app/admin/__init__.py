"""Admin for the 26 aria_data tables, one module per concern."""
from data_app.admin import goals  # noqa: F401
