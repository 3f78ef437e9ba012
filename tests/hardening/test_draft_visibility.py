"""Drafts stay with the people who may see them: the parts endpoints and the page
cache apply the same rule as ErrorCode.objects.visible_to."""

import pytest
from django.contrib.auth.models import Permission, User
from rest_framework.authtoken.models import Token

from kb.models import Example
from tests.factories import (
    make_cause,
    make_error,
    make_faq,
    make_fix,
    make_note,
    make_provider,
    make_signature,
    make_step,
)

PARTS = ["causes", "fixes", "steps", "faqs", "notes", "signatures", "examples"]


def make_parts(error) -> dict[str, int]:
    """One part of every kind, by endpoint, with the draft's marker in its text."""
    marker = error.code
    return {
        "causes": make_cause(error, text=f"cause of {marker}").pk,
        "fixes": make_fix(error, text=f"fix of {marker}").pk,
        "steps": make_step(error, title=f"step of {marker}").pk,
        "faqs": make_faq(error, question=f"faq of {marker}?").pk,
        "notes": make_note(error, text=f"note of {marker}").pk,
        "signatures": make_signature(error, code=marker).pk,
        "examples": Example.objects.create(
            error=error, http_status=402, body=f'{{"code": "{marker}"}}',
            source="https://docs.example.com/errors",
        ).pk,
    }  # fmt: skip


@pytest.fixture
def entries(db):
    acme = make_provider(slug="acme", name="Acme")
    published = make_error(provider=acme, code="public_code", http_status=402)
    draft = make_error(
        provider=acme, code="secret_draft", http_status=402, state="draft",
        title="Secret draft title",
    )  # fmt: skip
    return {
        "published": published,
        "draft": draft,
        "published_parts": make_parts(published),
        "draft_parts": make_parts(draft),
    }


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


def user_with(*codenames, **fields) -> User:
    user = User.objects.create_user(fields.pop("username", "someone"), **fields)
    for codename in codenames:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


class AnonymousPartsTests:
    @pytest.mark.parametrize("part", PARTS)
    def test_the_list_holds_no_part_of_a_draft(self, client, entries, part):
        listed = ids(client.get(f"/api/v1/{part}/"))
        assert entries["published_parts"][part] in listed
        assert entries["draft_parts"][part] not in listed
        assert b"secret_draft" not in client.get(f"/api/v1/{part}/").content

    @pytest.mark.parametrize("part", PARTS)
    def test_filtering_by_a_draft_finds_nothing(self, client, entries, part):
        draft, published = entries["draft"], entries["published"]
        assert ids(client.get(f"/api/v1/{part}/?error={draft.pk}")) == set()
        assert ids(client.get(f"/api/v1/{part}/?error={published.pk}")) == {
            entries["published_parts"][part]
        }

    @pytest.mark.parametrize("part", PARTS)
    def test_a_draft_part_is_not_found(self, client, entries, part):
        draft_part = entries["draft_parts"][part]
        response = client.get(f"/api/v1/{part}/{draft_part}/")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        published_part = entries["published_parts"][part]
        assert client.get(f"/api/v1/{part}/{published_part}/").status_code == 200

    @pytest.mark.parametrize("part", PARTS)
    def test_a_token_without_editor_rights_sees_no_draft(self, client, entries, part):
        token = Token.objects.create(user=user_with(username="reader"))
        headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
        draft = entries["draft"]
        assert ids(client.get(f"/api/v1/{part}/?error={draft.pk}", **headers)) == set()


class EditorPartsTests:
    @pytest.mark.parametrize("part", PARTS)
    def test_staff_see_the_parts_of_drafts(self, client, entries, part):
        client.force_login(user_with(username="staff", is_staff=True))
        draft, draft_part = entries["draft"], entries["draft_parts"][part]
        assert ids(client.get(f"/api/v1/{part}/?error={draft.pk}")) == {draft_part}
        assert client.get(f"/api/v1/{part}/{draft_part}/").status_code == 200

    @pytest.mark.parametrize("part", PARTS)
    def test_an_editor_token_sees_the_parts_of_drafts(self, client, entries, part):
        token = Token.objects.create(user=user_with("change_errorcode"))
        headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
        listed = ids(client.get(f"/api/v1/{part}/", **headers))
        assert entries["draft_parts"][part] in listed


class PageCacheTests:
    """An editor who is not staff may see drafts (visible_to says so): the pages
    they are shown must not be cached for everyone else."""

    @pytest.fixture
    def editor(self, db):
        return user_with("change_errorcode", username="editor")

    def test_a_page_an_editor_saw_is_not_served_to_visitors(
        self, client, entries, editor
    ):
        client.force_login(editor)
        seen = client.get("/providers/acme/")
        assert b"Secret draft title" in seen.content
        client.logout()
        public = client.get("/providers/acme/")
        assert public.status_code == 200
        assert b"Secret draft title" not in public.content

    def test_an_editor_does_not_get_the_visitors_copy(self, client, entries, editor):
        assert b"Secret draft title" not in client.get("/providers/acme/").content
        client.force_login(editor)
        response = client.get("/providers/acme/")
        assert b"Secret draft title" in response.content
        assert "private" in response["Cache-Control"]

    def test_an_editor_and_a_visitor_get_different_etags(self, client, entries, editor):
        public = client.get("/errors/acme/public_code/")["ETag"]
        client.force_login(editor)
        assert client.get("/errors/acme/public_code/")["ETag"] != public

    def test_an_editor_sees_a_draft_guide(self, client, entries, editor):
        from kb.models import Guide

        Guide.objects.create(
            slug="drafty", title="Draft guide", summary="S.", body="B.", state="draft"
        )
        assert client.get("/guides/drafty/").status_code == 404
        client.force_login(editor)
        assert client.get("/guides/drafty/").status_code == 200
