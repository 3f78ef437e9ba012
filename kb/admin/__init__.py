"""The editors' admin, by concern: the entry editor, its review, the catalogue,
and what the application records."""

from kb.admin import catalogue, errors, events, review

__all__ = ["catalogue", "errors", "events", "review"]
