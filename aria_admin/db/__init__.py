"""PostgreSQL backend that builds Aria's tables the way Aria builds them.

Two differences from Django's own postgresql backend, both only for tables in
Aria's schemas: foreign keys are named ``<table>_<column>_fkey`` and are not
DEFERRABLE (as PostgreSQL and SQLAlchemy create them), and no extra
``*_like`` pattern-ops index is added next to unique or indexed text columns
(Aria's writes would pay for an index the reference does not have).
"""
