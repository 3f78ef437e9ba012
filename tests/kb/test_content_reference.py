"""Reference entries: generated files in fixtures/reference/ loaded next to the
curated ones, written from facts, and never overwriting an editor's entry."""

import textwrap

import pytest

from kb.content import reference
from kb.content.load import load_files
from kb.content.schema import ContentInvalid
from kb.importers.base import Reference
from kb.models import ErrorCode

pytestmark = pytest.mark.django_db

CATEGORIES = """\
categories:
- slug: conflict
  name: Conflict
  general_entry: acme/busy
- slug: rate_limit
  name: Rate limiting
- slug: not_found
  name: Not found
"""
PROVIDER = """\
provider:
  slug: acme
  name: Acme
  layer: api
errors:
- code: busy
  http_status: 409
  title: busy — Curated
  summary: Written by an editor.
  category: conflict
  fixable_by: caller_code
  retry:
    policy: conditional
    action: refresh_and_retry
  causes:
  - likelihood: high
    text: Someone else wrote first.
"""
REFERENCE = """\
reference:
  provider: acme
  source: Acme's error model
  version: acme-models 1.0
  licence: MIT; facts only
  link_template: https://docs.acme.test/errors/{code}
errors:
- {code: busy, status: 409, class: conflict}
- {code: FileSystemAlreadyExists, status: 409, product: Files, fault: sender}
- {code: ThrottledThing, status: 400, class: throttling}
- {code: '20404', status: 404, name: Resource not found}
"""


def write(tmp_path, **files):
    paths = []
    for name, text in files.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture
def files(tmp_path):
    return write(tmp_path, categories=CATEGORIES, acme=PROVIDER, acme_ref=REFERENCE)


class LoadTests:
    def test_reference_entries_are_written_from_facts(self, files):
        load_files(files)
        error = ErrorCode.objects.get(code="FileSystemAlreadyExists")
        assert (error.tier, error.http_status, error.product) == (
            "reference",
            409,
            "Files",
        )
        assert error.title == "FileSystemAlreadyExists — File system already exists"
        assert error.category.slug == "conflict"
        assert error.retryable == "never" and error.fixable_by == "caller_code"
        assert error.sources == [
            "https://docs.acme.test/errors/FileSystemAlreadyExists"
        ]
        assert "caller's fault" in error.summary
        throttled = ErrorCode.objects.get(code="ThrottledThing")
        assert (throttled.retryable, throttled.category.slug) == (
            "always",
            "rate_limit",
        )
        numbered = ErrorCode.objects.get(code="20404")
        assert numbered.title == "20404 — Resource not found"

    def test_a_curated_entry_wins(self, files):
        load_files(files)
        busy = ErrorCode.objects.get(code="busy")
        assert (busy.tier, busy.title) == ("curated", "busy — Curated")

    def test_loading_again_writes_nothing(self, files):
        load_files(files)
        assert not load_files(files).changed

    def test_codes_the_file_drops_are_removed_but_curated_ones_stay(
        self, files, tmp_path
    ):
        load_files(files)
        shorter = REFERENCE.split("- {code: FileSystem")[0]
        load_files(
            write(tmp_path, categories=CATEGORIES, acme=PROVIDER, acme_ref=shorter)
        )
        assert not ErrorCode.objects.filter(code="ThrottledThing").exists()
        assert ErrorCode.objects.filter(code="busy").exists()

    def test_the_curated_file_does_not_delete_reference_entries(self, files):
        load_files(files)
        load_files(files[:2])  # the curated files alone
        assert ErrorCode.objects.filter(tier="reference").count() == 3

    def test_a_category_names_its_general_entry(self, files):
        load_files(files)
        error = ErrorCode.objects.get(code="FileSystemAlreadyExists")
        assert error.category.general_entry.code == "busy"

    @pytest.mark.parametrize(
        "line, reason",
        [
            ("- {code: x, class: sometimes}", "class: must be one of"),
            ("- {code: x, fault: caller}", "fault: must be one of"),
            ("- {code: x, name: " + "word " * 20 + "}", "a short name"),
            ("- {code: x}\n- {code: X}", "appears twice"),
            # Refused on SQLite too, which would store it where PostgreSQL fails.
            ("- {code: " + "LONG_" * 41 + "}", "longer than the database allows"),
        ],
    )
    def test_a_bad_fact_is_refused(self, tmp_path, line, reason):
        head = REFERENCE.split("errors:")[0] + "errors:\n" + line + "\n"
        paths = write(tmp_path, categories=CATEGORIES, acme=PROVIDER, acme_ref=head)
        with pytest.raises(ContentInvalid) as refused:
            load_files(paths)
        assert reason in str(refused.value)


class TemplateTests:
    def test_phrase_from_the_code(self):
        assert reference.phrase_of("VersionConflictEngineException") == (
            "Version conflict engine exception"
        )
        assert reference.phrase_of("20404") == ""

    def test_no_class_falls_back_to_the_words_then_the_status(self):
        assert reference.family_of(reference.Facts("QuotaExceeded", 400))[0] == "quota"
        assert (
            reference.family_of(reference.Facts("Frobnicated", 503))[0] == "transient"
        )
        assert reference.family_of(reference.Facts("Frobnicated", 404)) == (
            "never", "not_found")  # fmt: skip


class RenderTests:
    def test_one_line_a_code_sorted(self):
        text = Reference("acme", "s", "1", "MIT", facts=[
            {"code": "b", "status": 400}, {"code": "A", "class": "never"}]).render()  # fmt: skip
        assert text.splitlines()[-2:] == [
            "- {code: A, class: never}", "- {code: b, status: 400}"]  # fmt: skip
