"""kb_lint's rules on examples' sources and on retry labels."""

import pytest

from kb.models import Example
from kb.quality import problems_of
from tests.factories import make_category, make_publishable_error

pytestmark = pytest.mark.django_db

NOT_A_URL = "its source is not an http(s) URL"
ALWAYS_BUT_IDEMPOTENT = "retry label 'always' but idempotent_only is true"
GATEWAY_NOT_IDEMPOTENT = "on a gateway or timeout 5xx needs idempotent_only true"


def example(error, source, **kwargs):
    return Example.objects.create(error=error, http_status=429, source=source,
                                  title="A published response", **kwargs)  # fmt: skip


def matching(error, text):
    return [problem for problem in problems_of(error) if text in problem]


def test_an_example_must_cite_a_url():
    error = make_publishable_error()
    example(error, "stripe/stripe-python tests/test_api_requestor.py (a fixture)")
    example(error, "")
    assert matching(error, NOT_A_URL) == [
        f"example 1 (A published response): {NOT_A_URL}",
        f"example 2 (A published response): {NOT_A_URL}",
    ]


def test_an_example_with_a_url_passes():
    error = make_publishable_error()
    example(error, "https://github.com/stripe/stripe-python/issues/1 (a comment)")
    example(
        error, "RFC 6585 section 4, https://www.rfc-editor.org/rfc/rfc6585#section-4"
    )
    assert matching(error, NOT_A_URL) == []


def test_always_must_not_be_limited_to_idempotent_requests():
    error = make_publishable_error(retryable="always", retry_idempotent_only=True)
    assert len(matching(error, ALWAYS_BUT_IDEMPOTENT)) == 1


def test_always_for_any_request_passes():
    error = make_publishable_error(retryable="always", retry_idempotent_only=False)
    assert matching(error, "retry label") == []


@pytest.mark.parametrize(
    ("status", "category"),
    [(502, "server"), (504, "server"), (503, "upstream"), (524, "timeout")],
)
def test_conditional_gateway_errors_must_be_limited(status, category):
    error = make_publishable_error(
        http_status=status,
        category=make_category(slug=category),
        retryable="conditional",
        retry_idempotent_only=False,
    )
    assert len(matching(error, GATEWAY_NOT_IDEMPOTENT)) == 1


@pytest.mark.parametrize(
    ("status", "category", "idempotent_only"),
    [
        (504, "timeout", True),  # the gateway case, limited
        (429, "rate_limit", False),  # not a 5xx
        (500, "server", False),  # a 5xx, but neither a gateway status nor category
        (409, "timeout", False),  # the category, but not a 5xx
    ],
)
def test_conditional_passes_elsewhere(status, category, idempotent_only):
    error = make_publishable_error(
        http_status=status,
        category=make_category(slug=category),
        retryable="conditional",
        retry_idempotent_only=idempotent_only,
    )
    assert matching(error, "retry label") == []
