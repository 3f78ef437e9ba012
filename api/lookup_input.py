"""The lookup's input, validated by plain code.

``LookupInputSerializer`` documents the schema (OpenAPI) and stays the reference
for what is accepted; this module applies the same rules without building a
serializer per request, which cost more than the lookup itself. A test holds the
two to the same answers on every kind of value. Errors are raised as DRF's
``ValidationError`` with the same field keys, so they become the same
problem+json.
"""

import math
import re
from typing import Any

from rest_framework.exceptions import ValidationError

from api.serializers import LOOKUP_URL

MAX_HEADERS = 200
MAX_HEADER_VALUE = 8192
MAX_PROVIDER = 50
MAX_URL = 2048
MAX_CODE = 120
MAX_WAIT = 86400.0
DEFAULT_MAX_WAIT = 60.0

WHOLE_NUMBER = re.compile(r"^\s*-?[0-9]+(?:\.0*)?\s*$")
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
URL = re.compile(LOOKUP_URL)  # the serializer's pattern, which the schema shows


def lookup_input(data: dict, query: bool = False) -> dict[str, Any]:
    """The validated fields of a lookup request (a JSON object, or the query
    parameters of the GET form when ``query``), as the serializer would give them."""
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    fields = QUERY_FIELDS if query else BODY_FIELDS
    for name, (read, default) in fields.items():
        if name not in data:
            if default is REQUIRED:
                errors[name] = ["This field is required."]
            elif default is not OMIT:
                values[name] = default() if callable(default) else default
            continue
        try:
            values[name] = read(data[name])
        except FieldError as exc:
            errors[name] = exc.detail
    if errors:
        raise ValidationError(errors)
    return values


class FieldError(Exception):
    def __init__(self, detail):
        self.detail = detail if isinstance(detail, dict) else [detail]


def read_status(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise FieldError("A valid integer is required.")
    if isinstance(value, str):
        if not WHOLE_NUMBER.match(value):
            raise FieldError("A valid integer is required.")
        value = int(float(value))
    if value < 100:
        raise FieldError("Ensure this value is greater than or equal to 100.")
    if value > 999:
        raise FieldError("Ensure this value is less than or equal to 999.")
    return value


def read_headers(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise FieldError(
            f'Expected a dictionary of items but got type "{type(value).__name__}".'
        )
    problems = {}
    for key, item in value.items():
        if not isinstance(item, str):
            problems[str(key)] = ["Not a valid string."]
        elif len(item) > MAX_HEADER_VALUE:
            problems[str(key)] = [
                f"Ensure this field has no more than {MAX_HEADER_VALUE} characters."
            ]
    if problems:
        raise FieldError(problems)
    if len(value) > MAX_HEADERS:
        raise FieldError(f"at most {MAX_HEADERS} headers")
    return {str(key): item for key, item in value.items()}


def read_body(value: Any) -> str | dict | list:
    if value is None:
        raise FieldError("This field may not be null.")
    if not isinstance(value, (str, dict, list)):
        raise FieldError("must be a string or a JSON object or array")
    return value


def read_text(value: Any, limit: int) -> str:
    """A CharField's reading: numbers become text, whitespace is trimmed."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise FieldError("Not a valid string.")
    text = str(value).strip()
    if len(text) > limit:
        raise FieldError(f"Ensure this field has no more than {limit} characters.")
    return text


def read_provider(value: Any) -> str:
    text = read_text(value, MAX_PROVIDER)
    if text and not SLUG.match(text):
        raise FieldError(
            'Enter a valid "slug" consisting of letters, numbers, underscores or '
            "hyphens."
        )
    return text


def read_url(value: Any) -> str:
    text = read_text(value, MAX_URL)
    if text and not URL.search(text):
        raise FieldError("This value does not match the required pattern.")
    return text


def read_code(value: Any) -> str:
    return read_text(value, MAX_CODE)


def read_max_wait(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise FieldError("A valid number is required.")
    try:
        number = float(value)
    except ValueError as exc:
        raise FieldError("A valid number is required.") from exc
    if not math.isfinite(number):
        raise FieldError("A valid number is required.")
    if number < 0:
        raise FieldError("Ensure this value is greater than or equal to 0.")
    if number > MAX_WAIT:
        raise FieldError(f"Ensure this value is less than or equal to {MAX_WAIT:g}.")
    return number


REQUIRED = object()
OMIT = object()
BODY_FIELDS = {
    "status": (read_status, REQUIRED),
    "headers": (read_headers, dict),
    "body": (read_body, ""),
    "provider": (read_provider, OMIT),
    "url": (read_url, OMIT),
    "max_wait": (read_max_wait, DEFAULT_MAX_WAIT),
    "code": (read_code, OMIT),
}
QUERY_FIELDS = {
    name: BODY_FIELDS[name] for name in ("status", "provider", "max_wait", "code")
}
