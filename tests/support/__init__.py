"""Helpers for the tests only: they are not part of the layout package."""
