import json
import re

import pytest

from tests.factories import make_category, make_error, make_provider


def json_ld(html: str) -> list[dict]:
    """The JSON-LD documents of a page."""
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', html, re.S
    )
    return [json.loads(block) for block in blocks]


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    client.force_login(user)
    return client


@pytest.fixture
def small_kb(db):
    """Two providers, two categories, a handful of errors and one draft."""
    http = make_provider(slug="http", name="HTTP", position=0)
    stripe = make_provider(slug="stripe", name="Stripe", position=10)
    rate = make_category(slug="rate_limit", name="Rate limiting")
    payment = make_category(slug="payment", name="Payment")
    errors = {
        "429": make_error(provider=http, code="429", http_status=429, category=rate,
                          title="429 Too Many Requests", retryable="always"),
        "503": make_error(provider=http, code="503", http_status=503,
                          title="503 Service Unavailable"),
        "400": make_error(provider=http, code="400", http_status=400,
                          title="400 Bad Request", retryable="never"),
        "card_declined": make_error(provider=stripe, code="card_declined",
                                    http_status=402, category=payment,
                                    title="card_declined — The card was declined"),
        "rate_limit": make_error(provider=stripe, code="rate_limit", http_status=429,
                                 category=rate, title="rate_limit — Too many requests"),
        "no_status": make_error(provider=stripe, code="idempotency_key_in_use",
                                title="idempotency_key_in_use — Key in use"),
        "draft": make_error(provider=stripe, code="secret_draft", http_status=402,
                            category=payment, title="A draft entry", state="draft"),
    }  # fmt: skip
    return {"http": http, "stripe": stripe, "rate": rate, "payment": payment, **errors}
