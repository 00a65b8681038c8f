"""What ``aria_bootstrap`` did to this warehouse, and the level it found.

A table of ours in ``public`` (never in Aria's schemas), written by the
command and read by the dashboard through ``latest_level()``.
"""
