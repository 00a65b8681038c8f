"""Reads of the data_app tables that several views need: they return data and never write."""
