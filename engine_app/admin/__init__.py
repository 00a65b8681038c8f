"""Admin for the 11 aria_engine tables, one module per concern."""
