"""Insights: charts of what Aria is doing and costing (issue 12).

Read from Aria's log tables through rollups kept in our own tables in the
``public`` schema (models.py, rollups.py); the pages live under
/admin/insights/ (pages.py, views.py).
"""
