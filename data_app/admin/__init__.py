"""Admin for the 26 aria_data tables, one module per concern."""
