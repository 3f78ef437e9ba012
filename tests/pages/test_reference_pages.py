"""Reference entries on pages, in search, in the API and in the admin."""

import pytest

from kb.models import LookupEvent
from tests.factories import make_category, make_error, make_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    acme = make_provider(slug="acme", name="Acme")
    conflict = make_category(slug="conflict", name="Conflict")
    general = make_error(provider=acme, code="busy", http_status=409, category=conflict,
                         title="busy — Curated conflict")  # fmt: skip
    general.causes.create(likelihood=3, text="Another writer won.")
    general.fixes.create(difficulty=1, text="Re-read and apply again.")
    conflict.general_entry = general
    conflict.save()
    refs = [
        make_error(provider=acme, code=f"Ref{n:03}Exists", http_status=409,
                   category=conflict, tier="reference", title=f"Ref{n:03}Exists — x",
                   sources=["https://docs.acme.test/e"])
        for n in range(120)
    ]  # fmt: skip
    return {"acme": acme, "general": general, "refs": refs}


class AllCodesTests:
    def test_the_provider_page_lists_every_code_a_page_at_a_time(
        self, client, catalogue, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(8):
            html = client.get("/providers/acme/").content.decode()
        assert "All codes" in html and "Page 1 of 2" in html
        table = html.split('id="all-codes"')[1]
        assert table.count("<tr><td>") == 100  # busy and the first 99 reference codes
        second = client.get("/providers/acme/", {"page": 2}).content.decode()
        assert second.split('id="all-codes"')[1].count("<tr><td>") == 21

    def test_the_table_filters(self, client, catalogue):
        html = client.get("/providers/acme/", {"q": "ref007", "tier": "reference"})
        assert html.content.decode().count("/errors/acme/Ref") == 1

    def test_curated_entries_keep_their_own_list(self, client, catalogue):
        html = client.get("/providers/acme/").content.decode()
        curated = html.split('id="all-codes"')[0]
        assert "busy — Curated conflict" in curated and "Ref000Exists" not in curated


class ReferencePageTests:
    def test_short_with_the_family_advice_and_the_source(self, client, catalogue):
        html = client.get("/errors/acme/Ref001Exists/").content.decode()
        assert "General advice for conflict" in html
        assert "Another writer won." in html
        assert 'href="https://docs.acme.test/e"' in html


class SearchTests:
    def test_curated_entries_rank_above_reference_ones(self, catalogue):
        from kb.models import ErrorCode

        make_error(provider=catalogue["acme"], code="quota_alpha", title="Quota alpha",
                   tier="reference")  # fmt: skip
        make_error(provider=catalogue["acme"], code="quota_beta", title="Quota beta")
        found = list(ErrorCode.objects.published().search("quota"))
        assert [e.code for e in found][:2] == ["quota_beta", "quota_alpha"]


class ApiTests:
    def test_filter_by_tier(self, client, catalogue):
        data = client.get("/api/v1/errors/", {"provider": "acme", "tier": "curated"})
        assert [e["code"] for e in data.json()["results"]] == ["busy"]


class AdminTests:
    def test_editing_a_reference_entry_makes_it_curated(self, admin_client, catalogue):
        error = catalogue["refs"][0]
        page = admin_client.get(f"/admin/kb/errorcode/{error.pk}/change/")
        assert page.status_code == 200
        form = page.context["adminform"].form
        data = {k: v for k, v in form.initial.items() if v is not None}
        data.update({"provider": error.provider_id, "category": error.category_id,
                     "title": "Ref000Exists — Deepened", "summary": "Now curated.",
                     "aliases": "", "sources": "https://docs.acme.test/e",
                     "related": []})  # fmt: skip
        for prefix in ("causes", "fixes", "steps", "faqs", "notes", "signatures",
                       "examples"):  # fmt: skip
            data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
        response = admin_client.post(f"/admin/kb/errorcode/{error.pk}/change/", data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        error.refresh_from_db()
        assert (error.tier, error.title) == ("curated", "Ref000Exists — Deepened")

    def test_the_curation_worklist_ranks_matched_reference_entries(
        self, admin_client, catalogue
    ):
        refs = catalogue["refs"]
        for error, times in ((refs[5], 3), (refs[9], 1)):
            for _ in range(times):
                LookupEvent.objects.create(http_status=409, matched=error,
                                           fingerprint="f", confidence=0.5)  # fmt: skip
        html = admin_client.get("/admin/kb/errorcode/curation/").content.decode()
        assert html.index("Ref005Exists") < html.index("Ref009Exists")
