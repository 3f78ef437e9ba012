"""Square: the v2 API's error codes (``errors[].code``) and error categories
(``errors[].category``), read from the ``ErrorCode`` and ``ErrorCategory`` types of
the installed squareup package (MIT), with each code's category and the APIs whose
endpoints list it from a facts-only data file (``data/square.yaml``, from Square's
API specification, Apache-2.0).

Square's reference gives no status per code. A status is set only where the code is
the name of an HTTP status (NOT_FOUND, BAD_GATEWAY...), marked as derived, and for
RATE_LIMITED, whose 429 the ErrorCategory reference states. The fault is the one the
category names: API_ERROR is a fault of Square's API (the receiver's), and
INVALID_REQUEST_ERROR and AUTHENTICATION_ERROR are faults of the request (the
sender's).
"""

import ast
import importlib.metadata
import re

from kb.importers.base import Reference, load_data
from kb.lookup.classes import rules

DOCS_URL = "https://developer.squareup.com/reference/square/enums/ErrorCode"
CATEGORY_URL = "https://developer.squareup.com/reference/square/enums/ErrorCategory"
PACKAGE = "squareup"
# Codes that are the names of HTTP statuses (RFC 9110 reason phrases).
HTTP_NAMES = {
    "BAD_REQUEST": 400, "UNAUTHORIZED": 401, "FORBIDDEN": 403, "NOT_FOUND": 404,
    "METHOD_NOT_ALLOWED": 405, "NOT_ACCEPTABLE": 406, "REQUEST_TIMEOUT": 408,
    "CONFLICT": 409, "GONE": 410, "REQUEST_ENTITY_TOO_LARGE": 413,
    "UNSUPPORTED_MEDIA_TYPE": 415, "UNPROCESSABLE_ENTITY": 422,
    "INTERNAL_SERVER_ERROR": 500, "NOT_IMPLEMENTED": 501, "BAD_GATEWAY": 502,
    "SERVICE_UNAVAILABLE": 503, "GATEWAY_TIMEOUT": 504,
}  # fmt: skip
# Stated by the ErrorCategory reference ("429 RATE_LIMITED"); RATE_LIMITED is the
# only code of RATE_LIMIT_ERROR, so the category takes its status, derived.
DOCUMENTED = {"RATE_LIMITED": 429}
CATEGORY_STATUS = {"RATE_LIMIT_ERROR": 429}
FAULTS = {"API_ERROR": "receiver", "INVALID_REQUEST_ERROR": "sender",
          "AUTHENTICATION_ERROR": "sender"}  # fmt: skip
MAX_PRODUCTS = 3
CODE = re.compile(r"[A-Z][A-Z0-9_]*")


def literal_values(module: str) -> list[str]:
    """The string values of the ``typing.Literal`` in one of squareup's generated
    type modules (``square/types/error_code.py``), read without importing the SDK."""
    dist = importlib.metadata.distribution(PACKAGE)
    path = dist.locate_file(f"square/types/{module}.py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and CODE.fullmatch(node.value)
    ]


def product_of(apis: list[str]) -> str:
    """["GiftCards", "Payments"] → "Gift Cards API, Payments API"."""
    names = [re.sub(r"(?<=[a-z])(?=[A-Z])", " ", api) + " API" for api in apis]
    product = ", ".join(names[:MAX_PRODUCTS])
    if len(names) > MAX_PRODUCTS:
        product += f" and {len(names) - MAX_PRODUCTS} more"
    return product


def build() -> Reference:
    codes = literal_values("error_code")
    categories = literal_values("error_category")
    data = load_data("square.yaml")
    spec = {item["code"]: item for item in data["codes"]}
    sdk = rules()
    facts = []
    for code in codes:
        item = spec.get(code, {})
        status = DOCUMENTED.get(code) or HTTP_NAMES.get(code)
        facts.append(
            {
                "code": code,
                "status": status,
                "status_derived": code in HTTP_NAMES or None,
                "product": product_of(item.get("apis") or []),
                "fault": FAULTS.get(item.get("category", "")),
                "class": sdk.class_of("square", code, status),
            }
        )
    for category in categories:
        status = CATEGORY_STATUS.get(category)
        facts.append(
            {
                "code": category,
                "status": status,
                "status_derived": status is not None or None,
                "fault": FAULTS.get(category),
                "class": sdk.class_of("square", category, status),
                "link": CATEGORY_URL,
            }
        )
    version = importlib.metadata.version(PACKAGE)
    return Reference(
        provider="square",
        source="the squareup package's ErrorCode and ErrorCategory, and Square's "
        "API specification",
        version=f"squareup {version}; {data['version']}",
        licence="squareup: MIT; Square API specification: Apache-2.0; facts only, "
        "no text copied",
        docs_url=DOCS_URL,
        facts=facts,
    )
