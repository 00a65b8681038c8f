"""Streamed CSV / JSON-lines export of any changelist (see admin.py)."""
