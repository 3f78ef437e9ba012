"""PayPal: the REST APIs' error names (``name``) and issues (``details[].issue``)
with their HTTP statuses, from a facts-only data file (``data/paypal.yaml``) read
from PayPal's OpenAPI specifications (github.com/paypal/paypal-rest-api-
specifications, Apache-2.0), PayPal's API responses page and PayPal's error pages
for the v1 APIs.

An issue's status is that of the error response whose schema lists it (an issue
that several responses list takes the commonest); its product names the APIs that
list it, and its link is the information link PayPal's own error responses carry
(``<API reference>#error-<ISSUE>``). A v1 name links to its error page; where
PayPal states no status for it, the data file's status is marked derived. No
package carries these lists.
"""

from kb.importers.base import Reference, load_data
from kb.lookup.classes import rules

DOCS_URL = "https://developer.paypal.com/api/rest/responses/"
MAX_PRODUCTS = 3


def product_of(apis: list[str]) -> str:
    product = ", ".join(apis[:MAX_PRODUCTS])
    if len(apis) > MAX_PRODUCTS:
        product += f" and {len(apis) - MAX_PRODUCTS} more"
    return product


def build() -> Reference:
    data = load_data("paypal.yaml")
    sdk = rules()
    facts = []
    seen: set[str] = set()
    for item in data["names"] + data["issues"] + data["v1_names"]:
        code = item["code"]
        if code.lower() in seen:  # a name that is also an issue or v1 name: one entry
            continue
        seen.add(code.lower())
        facts.append(
            {
                "code": code,
                "status": item["status"],
                "status_derived": item.get("status_derived") or None,
                "product": product_of(item.get("apis") or []),
                "class": sdk.class_of("paypal", code, item["status"]),
                "link": item.get("link"),
            }
        )
    return Reference(
        provider="paypal",
        source="PayPal's OpenAPI specifications, its API responses reference and "
        "its v1 API error pages",
        version=data["version"],
        licence="PayPal REST API specifications: Apache-2.0; PayPal documentation: "
        "facts only, no text copied",
        docs_url=DOCS_URL,
        facts=facts,
    )
