"""A JSON parser that refuses what would hurt: oversized, undecodable or absurdly
nested documents become 4xx answers instead of 500s."""

import json

from django.conf import settings
from rest_framework import exceptions
from rest_framework.parsers import JSONParser


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The request body is too large."
    default_code = "too_large"


def reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > limit:
            raise RequestTooLarge(f"The request body is larger than {limit} bytes.")
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestTooLarge(f"The request body is larger than {limit} bytes.")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise exceptions.ParseError(
                f"The request body is not valid UTF-8: {exc}"
            ) from None
        try:
            return json.loads(text, parse_constant=reject_constant)
        except RecursionError:
            raise exceptions.ParseError(
                "The JSON document is nested too deeply."
            ) from None
        except ValueError as exc:
            raise exceptions.ParseError(
                f"The request body is not valid JSON: {exc}"
            ) from None
