"""Stripe: every error code of the API (the ``code`` of an error) and every decline
code (the ``decline_code`` of a card error).

The error codes are the enum of ``code`` in Stripe's OpenAPI spec, which the stripe
package for Python carries as the type of ``PaymentIntent.LastPaymentError.code``
(and of the other error objects); the decline codes come from a facts-only data file
(``data/stripe_declines.yaml``, stripe-go's list). Both are MIT; only the codes are
taken.

Statuses, from the table of Stripe's API reference (https://docs.stripe.com/api/errors):
a declined card is answered with 402 (Request Failed), a reused idempotency key with
409 (Conflict) and too many requests with 429; stripe-go's retry rule adds that lock
timeouts arrive as 429. Every other code is taken as an invalid request error (the
list does not say which error type each code comes with), which the same table
answers with 404 for a missing resource, 401 for an API key that is not valid and
400 (Bad Request) otherwise: derived, so marked.
"""

import typing

import stripe

from kb.importers.base import Reference, load_data
from kb.lookup.classes import rules

DOCS_URL = "https://docs.stripe.com/error-codes"
# A code's page: its dashes for underscores (Stripe's own doc_url of an error).
ERROR_PAGE = "https://docs.stripe.com/error-codes/{page}"
DECLINE_PAGE = "https://docs.stripe.com/declines/codes#{code}"

# The error objects whose ``code`` Stripe's spec types with the enum of codes.
ERROR_OBJECTS = (
    stripe.PaymentIntent.LastPaymentError,
    stripe.SetupIntent.LastSetupError,
    stripe.Invoice.LastFinalizationError,
    stripe.SetupAttempt.SetupError,
)
CARD_DECLINED = "card_declined"  # the code of every issuer decline
DOCUMENTED = {
    "rate_limit": 429,  # the table's row 429 Too Many Requests
    "idempotency_key_in_use": 409,  # row 409 Conflict, named for idempotency keys
    "lock_timeout": 429,  # stripe-go Error.canRetry: a lock timeout is a 429
}
# Invalid request errors whose row of the table is not 400 Bad Request.
DERIVED = {
    "resource_missing": 404,  # row 404 Not Found
    "api_key_expired": 401,  # row 401 Unauthorized (no valid API key)
    "platform_api_key_expired": 401,
}
INVALID_REQUEST = 400


def literals(annotation) -> list[str]:
    """The string values of a (nested) Literal in a type annotation."""
    found = []
    for arg in typing.get_args(annotation):
        if isinstance(arg, str):
            found.append(arg)
        else:
            found += literals(arg)
    return found


def error_codes() -> list[str]:
    codes: set[str] = set()
    for cls in ERROR_OBJECTS:
        codes.update(literals(cls.__annotations__["code"]))
    return sorted(codes)


def decline_codes() -> tuple[list[str], str]:
    data = load_data("stripe_declines.yaml")
    return sorted(data["decline_codes"]), data["version"]


def status_of(code: str, declines: set[str]) -> tuple[int, bool]:
    """(status, derived) for one code."""
    if code in declines or code == CARD_DECLINED:
        return 402, False
    if code in DOCUMENTED:
        return DOCUMENTED[code], False
    return DERIVED.get(code, INVALID_REQUEST), True


def build() -> Reference:
    codes = error_codes()
    declines, declines_version = decline_codes()
    decline_set = set(declines)
    sdk = rules()
    facts = []
    for code in sorted(set(codes) | decline_set):
        status, derived = status_of(code, decline_set)
        if code in codes:
            link = ERROR_PAGE.format(page=code.replace("_", "-"))
        else:
            link = DECLINE_PAGE.format(code=code)
        facts.append(
            {
                "code": code,
                "status": status,
                "status_derived": derived or None,
                "class": sdk.class_of("stripe", code, status),
                "link": link,
            }
        )
    return Reference(
        provider="stripe",
        source="the error codes of Stripe's OpenAPI spec (as typed in the stripe "
        "package for Python) and stripe-go's list of decline codes",
        version=f"stripe {stripe.VERSION}; {declines_version}",
        licence="stripe-python and stripe-go: MIT; facts only, no text copied",
        docs_url=DOCS_URL,
        facts=facts,
    )
