"""The lookup's plain-code validation gives the same answers as the serializer
that documents it, on every kind of value."""

import pytest
from rest_framework.exceptions import ValidationError

from api.lookup_input import lookup_input
from api.serializers import LookupInputSerializer, LookupQuerySerializer

STATUSES = [429, 100, 999, 99, 1000, 0, -5, "429", " 503 ", "42.0", "42.5", "x", "",
            42.5, True, False, None, [], {}]  # fmt: skip
HEADERS = [{}, {"a": "b"}, {"A": ""}, {"a": " padded "}, {"a": "x" * 8192},
           {"a": "x" * 8193}, {"a": 1}, {"a": None}, {"a": ["b"]}, ["a"], "x", None,
           {f"h{i}": "v" for i in range(200)}, {f"h{i}": "v" for i in range(201)}]  # fmt: skip
BODIES = ["", "text", {"a": 1}, [1, 2], None, 5, 2.5, True]
PROVIDERS = ["stripe", "", " stripe ", "no pe!", "a" * 50, "a" * 51, 5, True, None,
             ["x"], "ünïcode", "a-b_c"]  # fmt: skip
URLS = ["", "https://api.stripe.com/v1/charges", "http://localhost:8000/x", "nope",
        "ftp://example.com", "x" * 2049, 5, None, "  https://example.com  "]  # fmt: skip
WAITS = [0, 60, 86400, 86401, -1, 1.5, "10", "x", None, True, [], "nan", "inf"]
CODES = ["", "card_declined", " padded ", "x" * 120, "x" * 121, 42, True, None, {}]


def serializer_answer(serializer_class, data):
    serializer = serializer_class(data=data)
    if serializer.is_valid():
        return "valid", dict(serializer.validated_data)
    return "invalid", set(serializer.errors)


def plain_answer(data, query=False):
    try:
        return "valid", lookup_input(data, query=query)
    except ValidationError as exc:
        return "invalid", set(exc.detail)


def cases():
    for status in STATUSES:
        yield {"status": status}
    for field, values in [("headers", HEADERS), ("body", BODIES),
                          ("provider", PROVIDERS), ("url", URLS),
                          ("max_wait", WAITS), ("code", CODES)]:  # fmt: skip
        for value in values:
            yield {"status": 400, field: value}
    yield {}
    yield {"status": "x", "provider": "no pe!", "headers": "x"}
    yield {"status": 400, "unknown": "ignored"}


# Where the plain code is deliberately stricter than DRF's fields: infinities, NaN
# and booleans are not waits.
STRICTER = [{"status": 400, "max_wait": "nan"}, {"status": 400, "max_wait": "inf"},
            {"status": 400, "max_wait": True}]  # fmt: skip


@pytest.mark.parametrize("data", list(cases()), ids=repr)
def test_the_same_answer_as_the_serializer(data):
    plain = plain_answer(data)
    if data in STRICTER:
        assert plain[0] == "invalid" and plain[1] == {"max_wait"}
        return
    assert plain == serializer_answer(LookupInputSerializer, data)


@pytest.mark.parametrize(
    "params",
    [
        {"status": "429"},
        {
            "status": "429",
            "code": "insufficient_quota",
            "provider": "openai",
            "max_wait": "5",
        },
        {"status": "abc"},
        {},
        {"status": "429", "provider": "bad slug"},
        {"status": "429", "headers": "ignored", "body": "ignored"},
    ],  # fmt: skip
    ids=repr,
)
def test_the_query_form_matches_its_serializer(params):
    assert plain_answer(params, query=True) == serializer_answer(
        LookupQuerySerializer, params
    )
