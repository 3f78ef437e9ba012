"""No markdown field lets script, event handlers or javascript: URLs reach a page."""

import pytest

from kb.markdown import render_inline_markdown, render_markdown
from kb.models import FAQ, Category, Cause, ErrorCode, Fix, Guide, Note, Provider, Step
from tests.factories import make_error

pytestmark = pytest.mark.django_db

HOSTILE = (
    "Hello <script>alert(1)</script> [click](javascript:alert(2)) "
    '<img src=x onerror="alert(3)"> <a href="https://ok.test" onclick="alert(4)">ok</a> '
    "<iframe src=https://evil.test></iframe> [data](data:text/html;base64,PHNjcmlwdD4=)"
)


def assert_safe(html: str):
    lowered = html.lower()
    for bad in ("<script", "javascript:", "onerror", "onclick", "<iframe", "data:text"):
        assert bad not in lowered, (bad, html)


class RenderTests:
    def test_hostile_markdown_is_sanitised(self):
        html = render_markdown(HOSTILE)
        assert_safe(html)
        assert "Hello" in html
        assert 'href="https://ok.test"' in html

    def test_ordinary_markdown_renders(self):
        html = render_markdown("Use `Retry-After`.\n\n```\ncurl -v\n```")
        assert "<code>Retry-After</code>" in html
        assert "<pre><code>curl -v" in html

    def test_empty(self):
        assert render_markdown("  ") == ""


class EveryFieldTests:
    def test_every_markdown_field_is_sanitised_on_save(self):
        error = make_error(meaning=HOSTILE, symptoms=HOSTILE, retry_notes=HOSTILE)
        parts = [
            Cause.objects.create(error=error, text=HOSTILE),
            Fix.objects.create(error=error, text=HOSTILE),
            Step.objects.create(error=error, title="t", body=HOSTILE, tip=HOSTILE),
            FAQ.objects.create(error=error, question="q", answer=HOSTILE),
            Note.objects.create(error=error, text=HOSTILE),
            Category.objects.create(slug="c", name="C", guide=HOSTILE),
            Provider.objects.create(slug="p", name="P", description=HOSTILE),
            Guide.objects.create(slug="g", title="G", summary="s", body=HOSTILE),
            ErrorCode.objects.get(pk=error.pk),
        ]
        checked = 0
        for obj in parts:
            for name in obj.markdown_fields:
                html = getattr(obj, f"{name}_html")
                assert html, (obj, name)
                assert_safe(html)
                checked += 1
        assert checked == 12


class InlineMarkdownTests:
    def test_code_spans_without_a_paragraph(self):
        html = render_inline_markdown("Wait for `Retry-After`, then *retry*.")
        assert html == "Wait for <code>Retry-After</code>, then <em>retry</em>."

    def test_blocks_and_script_are_dropped(self):
        from kb.markdown import render_inline_markdown

        html = render_inline_markdown(
            "# Title\n\n<script>alert(1)</script> [x](javascript:y)"
        )
        assert "<h1" not in html and "<script" not in html and "javascript:" not in html
