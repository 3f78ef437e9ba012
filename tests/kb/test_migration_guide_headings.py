"""Guides stored before headings were kept get their HTML rendered again."""

import importlib

import pytest
from django.apps import apps

from kb.models import Guide

migration = importlib.import_module("kb.migrations.0012_guide_headings")


@pytest.mark.django_db
def test_guides_stored_without_headings_are_rendered_again():
    guide = Guide.objects.create(slug="g", title="G", summary="s",
                                 body="## The problem\n\nText.")  # fmt: skip
    Guide.objects.filter(pk=guide.pk).update(body_html="<p>## The problem</p>")
    migration.render_guides_again(apps, None)
    guide.refresh_from_db()
    assert "<h2" in guide.body_html and "The problem</h2>" in guide.body_html
