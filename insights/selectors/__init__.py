"""Selectors: each page's charts read from the rollups (or, for small
tables, from Aria's rows), as plain data. They never write."""
