"""kb_load never destroys admin work: an entry edited or created in the admin since
the last load survives it, and the report names it."""

import textwrap
from io import StringIO

import pytest
from django.core.management import call_command

from kb.content.load import load_files
from kb.models import Cause, ErrorCode, Provider, Revision
from tests.kb.test_content import CATEGORIES, PROVIDER

pytestmark = pytest.mark.django_db


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path):
    paths = [write(tmp_path, "categories.yaml", CATEGORIES),
             write(tmp_path, "acme.yaml", PROVIDER)]  # fmt: skip
    load_files(paths)
    return paths


def edit_in_admin(code="429", summary="Edited in the admin."):
    error = ErrorCode.objects.get(provider__slug="acme", code=code)
    error.summary = summary
    error.save()
    cause = error.causes.first()
    if cause is not None:
        cause.text = "An edited cause."
        cause.save()
    return error


class SafeLoadTests:
    def test_an_admin_edit_survives_a_load_and_is_reported(self, files):
        edit_in_admin()
        report = load_files(files)
        error = ErrorCode.objects.get(provider__slug="acme", code="429")
        assert error.summary == "Edited in the admin."
        assert error.causes.filter(text="An edited cause.").exists()
        assert report.kept == [
            "acme/429: edited in the admin since the last load (kept; the files did "
            "not change it)"
        ]
        assert report.conflicts == []

    def test_an_entry_created_in_the_admin_survives_a_load(self, files):
        ErrorCode.objects.create(provider=Provider.objects.get(slug="acme"),
                                 code="new_one", title="New", summary="s")  # fmt: skip
        report = load_files(files)
        assert ErrorCode.objects.filter(code="new_one").exists()
        assert report.kept[0].startswith("acme/new_one: created in the admin")

    def test_edited_in_both_is_a_conflict(self, files, tmp_path):
        edit_in_admin()
        changed = PROVIDER.replace("summary: Too many requests.", "summary: Changed.")
        write(tmp_path, "acme.yaml", changed)
        report = load_files(files)
        assert ErrorCode.objects.get(code="429").summary == "Edited in the admin."
        assert report.conflicts and report.conflicts[0].startswith("acme/429: edited")

    def test_prefer_files_takes_the_files(self, files):
        edit_in_admin()
        load_files(files, prefer="files")
        error = ErrorCode.objects.get(code="429")
        assert error.summary == "Too many requests."
        assert not Cause.objects.filter(text="An edited cause.").exists()

    def test_prefer_db_keeps_quietly(self, files):
        edit_in_admin()
        report = load_files(files, prefer="db")
        assert ErrorCode.objects.get(code="429").summary == "Edited in the admin."
        assert (report.kept, report.conflicts) == ([], [])

    def test_removed_from_the_files_but_edited_in_the_admin_is_kept(
        self, files, tmp_path
    ):
        edit_in_admin(code="bad_input")
        without_bad_input = PROVIDER.replace(
            PROVIDER[PROVIDER.index("- code: bad_input"):PROVIDER.index("- code: '429'")], ""
        ).replace("  related:\n  - acme/bad_input\n", "")  # fmt: skip
        write(tmp_path, "acme.yaml", without_bad_input)
        report = load_files(files)
        assert ErrorCode.objects.filter(code="bad_input").exists()
        assert report.kept[0].startswith("acme/bad_input: edited in the admin")

    def test_removed_from_the_files_and_untouched_is_deleted(self, files, tmp_path):
        without_bad_input = PROVIDER.replace(
            PROVIDER[PROVIDER.index("- code: bad_input"):PROVIDER.index("- code: '429'")], ""
        ).replace("  related:\n  - acme/bad_input\n", "")  # fmt: skip
        write(tmp_path, "acme.yaml", without_bad_input)
        load_files(files)
        assert not ErrorCode.objects.filter(code="bad_input").exists()

    def test_after_kb_dump_the_edit_is_in_the_files_and_loads_quietly(
        self, files, tmp_path
    ):
        edit_in_admin()
        out = tmp_path / "dumped"
        call_command("kb_dump", str(out), stdout=StringIO())
        report = load_files([out / "categories.yaml", out / "acme.yaml"])
        assert (report.kept, report.conflicts) == ([], [])
        assert ErrorCode.objects.get(code="429").summary == "Edited in the admin."

    def test_the_command_prints_kept_and_conflicts(self, files, tmp_path):
        edit_in_admin()
        write(
            tmp_path,
            "acme.yaml",
            PROVIDER.replace("title: 429 Slow down", "title: New"),
        )
        out, err = StringIO(), StringIO()
        call_command("kb_load", *map(str, files), stdout=out, stderr=err)
        assert "CONFLICT: acme/429" in err.getvalue()


class LoadRecordsVersionsTests:
    def test_a_load_that_changes_an_entry_records_a_version(self, files, tmp_path):
        before = Revision.objects.filter(natural_key="acme/429").count()
        write(tmp_path, "acme.yaml", PROVIDER.replace("summary: Too many requests.",
                                                      "summary: Slower."))  # fmt: skip
        load_files(files)
        revisions = Revision.objects.filter(natural_key="acme/429")
        assert revisions.count() == before + 1
        assert revisions.first().snapshot["summary"] == "Slower."

    def test_a_load_that_changes_nothing_records_nothing(self, files):
        before = Revision.objects.count()
        load_files(files)
        assert Revision.objects.count() == before
