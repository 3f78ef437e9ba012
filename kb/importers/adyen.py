"""Adyen: the API error codes (``errorCode``, e.g. "130" with HTTP 422) and the refusal
reasons (``refusalReason``, e.g. "CVC Declined", answered with HTTP 200 and resultCode
Refused), from a facts-only data file (``data/adyen.yaml``).

No package carries these lists: Adyen's API libraries and OpenAPI specifications model
the error shape, not its codes. The codes are those of Adyen's error codes page; a
status is the one Adyen's own OpenAPI examples and library mocks send the code with.
Curated entries (fixtures/adyen.yaml) win over these automatically.
"""

from kb.importers.base import Reference, load_data
from kb.lookup.classes import rules

DOCS_URL = "https://docs.adyen.com/development-resources/error-codes"
REFUSALS_URL = "https://docs.adyen.com/development-resources/refusal-reasons"
# Refusals come with HTTP 200: the request was processed, the payment refused.
REFUSAL_STATUS = 200


def build() -> Reference:
    data = load_data("adyen.yaml")
    sdk = rules()
    facts = []
    for item in data["errors"]:
        code, status = item["code"], item.get("status")
        facts.append(
            {
                "code": code,
                "status": status,
                "name": item.get("name"),
                "product": item.get("product"),
                "class": sdk.class_of("adyen", code, status),
            }
        )
    for item in data["refusals"]:
        code, number = item["code"], item["refusal_reason_code"]
        facts.append(
            {
                "code": code,
                "status": REFUSAL_STATUS,
                "product": f"payment refusal (refusalReasonCode {number})",
                "class": sdk.class_of("adyen", code, REFUSAL_STATUS),
                "link": REFUSALS_URL,
            }
        )
    return Reference(
        provider="adyen",
        source="Adyen's error codes and refusal reasons pages, with the statuses of "
        "Adyen's OpenAPI examples and API library mocks",
        version=data["version"],
        licence="Adyen documentation; adyen-openapi and adyen-java-api-library: MIT; "
        "facts only, no text copied",
        docs_url=DOCS_URL,
        facts=facts,
    )
