"""Import back into a table from its exported CSV (see admin.py)."""
