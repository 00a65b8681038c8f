"""Writes of the aria_data tables that are more than one UPDATE of a form's fields."""
