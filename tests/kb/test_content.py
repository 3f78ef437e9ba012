"""kb_load / kb_dump: idempotence, removal, round trip, and refusal of bad files."""

import textwrap
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kb.content.load import load_files
from kb.models import Category, Cause, ErrorCode, Fix, Provider

pytestmark = pytest.mark.django_db

CATEGORIES = """\
categories:
- slug: rate_limit
  name: Rate limiting
- slug: validation
  name: Validation
"""

PROVIDER = """\
provider:
  slug: acme
  name: Acme
  layer: api
  position: 5
  api_hosts:
  - api.acme.test
errors:
- code: bad_input
  http_status: 400
  title: Bad input
  summary: A field is wrong.
  category: validation
  fixable_by: caller_code
  retry:
    policy: never
- code: '429'
  http_status: 429
  title: 429 Slow down
  summary: Too many requests.
  category: rate_limit
  fixable_by: caller_code
  retry:
    policy: always
    base_delay: 2.0
    notes: |
      Wait for `Retry-After`.
  related:
  - acme/bad_input
  verified_on: 2026-11-21
  playbook_minutes:
  - 5
  - 15
  causes:
  - likelihood: high
    text: A burst.
  - likelihood: low
    text: A loop.
  fixes:
  - difficulty: easy
    text: Back off.
    cause: 1
  steps:
  - title: Look
    body: At the headers.
    tip: Log them.
  faqs:
  - question: Retry?
    answer: Yes.
  notes:
  - kind: warning
    text: Careful.
  signatures:
  - status: 429
    code: slow_down
    weight: 2.0
  examples:
  - status: 429
    headers:
      Retry-After: '3'
    body: '{"error": "slow_down"}'
    source: https://acme.test/docs
    expect_action: retry
    expect_after_seconds: 3.0
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path):
    return [
        write(tmp_path, "categories.yaml", CATEGORIES),
        write(tmp_path, "acme.yaml", PROVIDER),
    ]


def load(*paths, **kwargs):
    out = StringIO()
    call_command("kb_load", *[str(p) for p in paths], stdout=out, **kwargs)
    return out.getvalue()


class LoadTests:
    def test_loads_everything_nested(self, files):
        load(*files)
        error = ErrorCode.objects.get(provider__slug="acme", code="429")
        assert error.category.slug == "rate_limit"
        assert error.retry_base_delay == 2.0
        assert [c.text for c in error.causes.all()] == ["A burst.", "A loop."]
        fix = error.fixes.get()
        assert fix.cause.text == "A burst."
        assert error.steps.get().tip_html == "<p>Log them.</p>"
        assert error.related.get().code == "bad_input"
        assert error.examples.get().headers == {"Retry-After": "3"}
        assert error.signatures.get().code_key == "slow_down"

    def test_loading_twice_changes_nothing(self, files):
        load(*files)
        before = {e.pk: e.updated_at for e in ErrorCode.objects.all()}
        history = ErrorCode.history.count() + Cause.history.count()
        report = load_files(files)
        assert not report.changed
        assert {e.pk: e.updated_at for e in ErrorCode.objects.all()} == before
        assert ErrorCode.history.count() + Cause.history.count() == history

    def test_reports_counts(self, files):
        output = load(*files)
        assert "error: 2 created" in output
        assert "Loaded 2 file(s)" in output

    def test_an_item_removed_from_the_file_is_removed(self, files, tmp_path):
        load(*files)
        fix_id = Fix.objects.get().pk
        trimmed = PROVIDER.replace("  - likelihood: low\n    text: A loop.\n", "")
        start, end = trimmed.index("- code: bad_input"), trimmed.index("- code: '429'")
        trimmed = (trimmed[:start] + trimmed[end:]).replace(
            "  related:\n  - acme/bad_input\n", ""
        )
        load(write(tmp_path, "acme.yaml", trimmed))
        assert list(ErrorCode.objects.values_list("code", flat=True)) == ["429"]
        assert Cause.objects.count() == 1
        assert Fix.objects.get().pk == fix_id  # matched by position, not recreated

    def test_an_edit_updates_in_place(self, files, tmp_path):
        load(*files)
        pk = ErrorCode.objects.get(code="429").pk
        load(
            write(
                tmp_path, "acme.yaml", PROVIDER.replace("429 Slow down", "429 Too many")
            )
        )
        error = ErrorCode.objects.get(code="429")
        assert (error.pk, error.title) == (pk, "429 Too many")
        assert error.history.count() == 2

    def test_a_part_edit_moves_the_entry_updated_at(self, files, tmp_path):
        load(*files)
        before = ErrorCode.objects.get(code="429").updated_at
        load(write(tmp_path, "acme.yaml", PROVIDER.replace("A loop.", "A retry loop.")))
        assert ErrorCode.objects.get(code="429").updated_at > before

    def test_loading_the_directory_removes_providers_no_file_names(
        self, files, settings
    ):
        load(*files)
        Provider.objects.create(slug="gone", name="Gone")
        settings.BASE_DIR = files[0].parent.parent
        (files[0].parent.parent / "fixtures").mkdir()
        for path in files:
            (path.parent.parent / "fixtures" / path.name).write_text(path.read_text())
        load()
        assert not Provider.objects.filter(slug="gone").exists()


class RoundTripTests:
    def test_dump_reproduces_the_files_byte_for_byte(self, files, tmp_path):
        load(*files)
        out = tmp_path / "out"
        call_command("kb_dump", str(out), stdout=StringIO())
        for path in files:
            assert (out / path.name).read_bytes() == path.read_bytes(), path.name


BAD_FILES = {
    "unknown field": (PROVIDER.replace("  title: Bad input", "  titel: Bad input"),
                      "errors[0] (bad_input): titel: unknown field"),
    "bad choice": (PROVIDER.replace("likelihood: low", "likelihood: sometimes"),
                   "causes[1].likelihood: must be one of"),
    "status out of range": (PROVIDER.replace("http_status: 400", "http_status: 1000"),
                            "http_status: must be an HTTP status"),
    "duplicate code": (PROVIDER.replace("- code: bad_input", "- code: '429'"),
                       "appears twice"),
    "bad regex": (PROVIDER.replace("    code: slow_down\n", "    body_regex: '(unclosed'\n"),
                  "not a valid RE2 pattern"),
    "empty signature": (PROVIDER.replace("  - status: 429\n    code: slow_down\n", "  - weight: 2.0\n"),
                        "must constrain"),
    "unknown cause": (PROVIDER.replace("cause: 1", "cause: 7"), "no cause number 7"),
    "missing summary": (PROVIDER.replace("  summary: A field is wrong.\n", ""),
                        "summary: is required"),
    "not yaml": ("provider: [unclosed", "not YAML"),
    "no kind": ("something: else\n", "needs a top-level"),
    "unknown category": (PROVIDER.replace("category: validation", "category: nope"),
                         "no category 'nope'"),
    "unknown related": (PROVIDER.replace("acme/bad_input\n  verified", "acme/missing\n  verified"),
                        "no error 'acme/missing'"),
}  # fmt: skip


class BadFileTests:
    @pytest.mark.parametrize("case", list(BAD_FILES))
    def test_rejected_with_file_entry_and_reason_and_nothing_written(
        self, case, tmp_path
    ):
        text, reason = BAD_FILES[case]
        paths = [
            write(tmp_path, "categories.yaml", CATEGORIES),
            write(tmp_path, "acme.yaml", text),
        ]
        err = StringIO()
        with pytest.raises(CommandError, match="nothing was written"):
            call_command("kb_load", *map(str, paths), stdout=StringIO(), stderr=err)
        assert "acme.yaml" in err.getvalue()
        assert reason in err.getvalue()
        assert not Category.objects.exists() and not ErrorCode.objects.exists()

    def test_invalid_utf8_is_rejected(self, tmp_path):
        path = tmp_path / "x.yaml"
        path.write_bytes(b"provider:\n  name: \xff\xfe\n")
        with pytest.raises(CommandError):
            call_command("kb_load", str(path), stdout=StringIO(), stderr=StringIO())
