"""Finding code values and the message in a response body, by its real format.

Every walk here is bounded (depth, nodes, characters) so that hostile bodies (deep
nesting, huge arrays, entity bombs, megabyte HTML pages) cost little.
"""

import json
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import re2
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as xml_fromstring

from kb.lookup.types import Signal

# Keys whose scalar values are codes, wherever they sit in a JSON error body
# (compared in lower case): error.code, error.type, error.status, errors[].reason,
# __type (AWS JSON), decline_code (Stripe), name and details[].issue (PayPal),
# reason (Kubernetes, Google), error with ok:false (Slack), errortype, subcode,
# .tag (Dropbox's tagged unions).
CODE_KEYS = frozenset(
    {"code", "type", "status", "reason", "__type", "decline_code", "error",
     "error_code", "errorcode", "name", "issue", "errortype", "subcode",
     "error_type", "resultcode", "refusalreason", "reject_reason", "error_subcode",
     "errorsubcode", "sub_code", "detailed_error_code", "errorkey", "error_key",
     "err_code", "errcode", "fault_code", "faultcode", "error_name", ".tag"}
)  # fmt: skip
# "name" is a code in PayPal's errors ({"name": "VALIDATION_ERROR"}) and in
# JavaScript error objects ({"name": "ValidationError"}), but a person's or a
# resource's name elsewhere in a body ("Jane Doe", "my-pod"): under that key only an
# upper-case code (FORBIDDEN, INSTRUMENT_DECLINED), a snake_case one or a class
# name ending in Error or Exception is taken, so free text is never stored or
# echoed as a code.
CODE_NAME = re2.compile(
    r"^(?:[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*"
    r"|[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+"
    r"|[A-Z][A-Za-z0-9]*(?:Error|Exception))$"
)
# Objects whose every value is a code, whatever its key: Google Ads' errorCode
# ({"quotaError": "RESOURCE_EXHAUSTED"}).
CODE_HOLDERS = frozenset({"errorcode", "error_code"})
MESSAGE_KEYS = frozenset(
    {"message", "error_description", "detail", "description", "title",
     "error_message", "errormessage", "errormessages", "msg", "errmsg",
     "error_msg", "error_user_msg", "reason_phrase", "details", "localizedmessage",
     "message_text", "userMessage".lower(), "developermessage", "summary"}
)  # fmt: skip
MESSAGE_RANK = {"message": 0, "error_description": 1, "detail": 1, "error_message": 1,
                "description": 2}  # fmt: skip
NOISE = frozenset(
    {"error", "errors", "failure", "fail", "false", "true", "ok", "status"}
)

MAX_DEPTH = 8
MAX_NODES = 2_000
MAX_ARRAY_ITEMS = 25
MAX_CODE_LENGTH = 200  # Google Ads codes reach 150 characters
MAX_XML_ELEMENTS = 500
# Elements of XML error bodies: AWS and Azure Storage <Code>, Salesforce
# <errorCode>, SOAP <faultcode>; their messages likewise.
XML_CODE_TAGS = frozenset({"code", "errorcode", "error_code", "faultcode"})
XML_MESSAGE_TAGS = frozenset({"message", "errormessage", "faultstring"})

HTML_HINT = re2.compile(r"(?i)<!doctype html|<html|<head|<body|<title")
HTML_TITLE = re2.compile(r"(?is)<title[^>]*>([^<]{0,300})</title>")
HTML_HEADING = re2.compile(r"(?is)<h[12][^>]*>([^<]{0,300})</h[12]>")
HTML_ERROR_NUMBER = re2.compile(r"(?i)\berror(?:\s+code)?:?\s*([0-9]{3,4})\b")
LEADING_STATUS = re2.compile(r"^\s*([1-9][0-9]{2})\b")
TEXT_CODE = re2.compile(r"\bcode=([A-Za-z][A-Za-z0-9_.\-]{0,60})")
TEXT_TOKEN = re2.compile(
    r"\b([A-Z][0-9]{2}|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z][a-z]+(?:[A-Z][a-z0-9]*)*Exception)\b"
)
TEXT_SCAN_CHARS = 4_096
WORD_ID = re2.compile(r"^[a-z]+(?:_[a-z]+)+$|^[a-z]{4,}$")
TEXT_ERROR_CODE = re2.compile(r"(?i)\berror code:?\s*([0-9]{3,5})\b")
WHOLE_CODE = re2.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[_.\-][A-Za-z0-9]+)+$")


@dataclass
class BodySignals:
    kind: str  # json | xml | html | text | empty
    codes: list[Signal] = field(default_factory=list)
    message: str = ""
    notes: list[str] = field(default_factory=list)
    value: Any = None  # the parsed JSON document, for fields such as retry_after
    fault: str | None = None  # AWS: "Sender" or "Receiver", where the body says


def clean_code(value: Any) -> str | None:
    """A scalar as a code string, or None if it cannot be one."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > MAX_CODE_LENGTH or "\n" in value:
        return None
    # AWS JSON: "com.amazon.coral.service#ThrottlingException" or "Code:http://..."
    if "#" in value and not value.startswith(("http://", "https://")):
        value = value.rsplit("#", 1)[1]
    if ":" in value and not value.startswith(("http://", "https://", "urn:")):
        value = value.split(":", 1)[0]
    return value or None


def from_json(value: Any, status: int) -> BodySignals:
    found = BodySignals("json", value=value)
    ok_false = isinstance(value, dict) and value.get("ok") is False
    stack: list[tuple[Any, str, int]] = [(value, "body", 0)]
    nodes = 0
    best_message = (99, 99)  # (rank, depth) of the message kept so far
    while stack and nodes < MAX_NODES:
        node, path, depth = stack.pop()
        nodes += 1
        if isinstance(node, dict):
            items = list(node.items())[:MAX_NODES]
            path_key = path.rsplit(".", 1)[-1].lower()
            for key, child in items:
                if not isinstance(key, str):
                    continue
                child_path = f"{path}.{key.lstrip('.')}"
                lower = key.lower()
                if (
                    isinstance(child, list)
                    and lower in MESSAGE_KEYS
                    and child
                    and isinstance(child[0], str)
                ):
                    child = child[0]  # Jira's errorMessages: a list of sentences
                if isinstance(child, (dict, list)):
                    if depth < MAX_DEPTH:
                        stack.append((child, child_path, depth + 1))
                    continue
                if (
                    lower in CODE_KEYS
                    or path_key in CODE_HOLDERS
                    or (lower == "id" and path == "body" and is_word_id(child))
                ):
                    add_code(
                        found, child_path, child, status, ok_false and path == "body"
                    )
                rank = message_rank(lower, child)
                if rank is not None and (rank, depth) < best_message:
                    best_message = (rank, depth)
                    found.message = child[:500]
            if len(node) > MAX_NODES:
                found.notes.append(f"{path}: only the first {MAX_NODES} keys were read")
        elif isinstance(node, list):
            if len(node) > MAX_ARRAY_ITEMS:
                found.notes.append(
                    f"{path}: {len(node)} items, only the first {MAX_ARRAY_ITEMS} were read"
                )
            for child in reversed(node[:MAX_ARRAY_ITEMS]):
                if isinstance(child, (dict, list)) and depth < MAX_DEPTH:
                    stack.append((child, f"{path}[]", depth + 1))
    found.codes.sort(key=lambda s: s.where.count("."))  # shallow fields first
    return found


def is_word_id(value: Any) -> bool:
    """A top-level "id" that is a code, not an object's id: Heroku's errors read
    {"id": "two_factor", "message": …}."""
    return isinstance(value, str) and bool(WORD_ID.match(value))


def message_rank(key: str, value: Any) -> int | None:
    """How good a field is as the error's message (lower is better), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    if key in MESSAGE_KEYS:
        return MESSAGE_RANK.get(key, 3)
    if key in ("reason", "error") and " " in value.strip():
        return 4  # Elasticsearch's reason, an OAuth-style error sentence
    return None


def add_code(
    found: BodySignals, where: str, raw: Any, status: int, slack: bool
) -> None:
    key = where.rsplit(".", 1)[-1].lower()
    if key == "type" and raw in ("Sender", "Receiver"):
        found.fault = raw  # AWS query protocols in JSON: who is at fault
        return
    if key == "status" and isinstance(raw, int):
        return  # a numeric status field repeats the HTTP status
    if (
        key == "type"
        and isinstance(raw, str)
        and raw.startswith(("http://", "https://"))
    ):
        # RFC 9457: the problem type URI, and its last path segment as a code.
        found.codes.append(Signal(where, raw[:MAX_CODE_LENGTH]))
        tail = raw.rstrip("/").rsplit("/", 1)[-1]
        if tail and tail != raw:
            found.codes.append(Signal(where, tail[:MAX_CODE_LENGTH]))
        return
    code = clean_code(raw)
    if code is None or code.lower() in NOISE:
        return
    if key == "name" and not CODE_NAME.match(code):
        return
    if key == "status" and code == str(status):
        return  # "status": "401" repeats the HTTP status
    if isinstance(raw, int) and code == str(status) and not slack:
        return  # so does a numeric "code": 429 (Google); a string code is kept
    found.codes.append(Signal(where, code))


def from_xml(text: str) -> BodySignals:
    found = BodySignals("xml")
    try:
        root = xml_fromstring(text, forbid_dtd=True)
    except DefusedXmlException:
        found.notes.append(
            "XML with a DTD or entity declarations was refused, not parsed"
        )
        return found
    except Exception:  # noqa: BLE001 - any parse error just means "not XML"
        found.kind = "text"
        return found
    for count, element in enumerate(root.iter()):
        if count >= MAX_XML_ELEMENTS:
            break
        tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        text_value = (element.text or "").strip()
        lowered = tag.lower()
        if lowered in XML_CODE_TAGS and (
            code := clean_code(text_value.rsplit(":", 1)[-1])  # SOAP's "sf:CODE"
        ):
            found.codes.append(Signal(f"body.{root_tag(root)}.{tag}", code))
        elif lowered in XML_MESSAGE_TAGS and not found.message:
            found.message = text_value[:500]
        elif tag == "Type" and text_value in ("Sender", "Receiver"):
            # AWS query and EC2 protocols: who is at fault.
            found.fault = text_value
    return found


def root_tag(root) -> str:
    return root.tag.rsplit("}", 1)[-1] if isinstance(root.tag, str) else "Error"


def from_html(text: str, status: int) -> BodySignals:
    found = BodySignals("html")
    for where, pattern in (("html.title", HTML_TITLE), ("html.h1", HTML_HEADING)):
        match = pattern.search(text)
        if not match:
            continue
        heading = " ".join(match.group(1).split())
        if not found.message:
            found.message = heading[:300]
        for number in HTML_ERROR_NUMBER.findall(heading):
            found.codes.append(Signal(where, number))
        if leading := LEADING_STATUS.search(heading):
            found.codes.append(Signal(where, leading.group(1)))
        # Cloudflare's titles read "example.com | 522: Connection timed out".
        for part in heading.split("|")[1:]:
            if leading := LEADING_STATUS.search(part):
                found.codes.append(Signal(where, leading.group(1)))
    for number in HTML_ERROR_NUMBER.findall(text[: TEXT_SCAN_CHARS * 4]):
        found.codes.append(Signal("html.text", number))
    found.codes = unique(found.codes)
    return found


def from_text(text: str) -> BodySignals:
    found = BodySignals("text")
    head = text[:TEXT_SCAN_CHARS]
    if WHOLE_CODE.match(head.strip()):
        # A body that is one code and nothing else ("expired_token").
        found.codes.append(Signal("text.whole", head.strip()))
    for code in TEXT_CODE.findall(head):
        found.codes.append(Signal("text.code", code))
    for code in TEXT_ERROR_CODE.findall(head):  # Cloudflare's "error code: 1015"
        found.codes.append(Signal("text.code", code))
    for token in TEXT_TOKEN.findall(head)[:20]:
        found.codes.append(Signal("text.token", token))
    found.codes = unique(found.codes)
    found.message = " ".join(head[:300].split())
    return found


def unique(signals: list[Signal]) -> list[Signal]:
    seen: set[str] = set()
    result = []
    for signal in signals:
        if signal.value.lower() not in seen:
            seen.add(signal.value.lower())
            result.append(signal)
    return result


FORM_BODY = re2.compile(r"^[A-Za-z0-9_.\-]+=[^&\s]*(?:&[A-Za-z0-9_.\-]+=[^&\s]*)*$")


def parse_form(text: str) -> dict[str, str] | None:
    """A form-encoded error body (OAuth token endpoints, GitHub's device flow:
    ``error=authorization_pending&error_description=…``) as a map, if it is one
    and names an error."""
    stripped = text.strip()
    if len(stripped) > 4096 or not FORM_BODY.match(stripped):
        return None
    form = dict(urllib.parse.parse_qsl(stripped, keep_blank_values=True))
    return form if any(key.lower() in CODE_KEYS for key in form) else None


def parse_json_text(text: str) -> tuple[bool, Any]:
    """(True, value) if ``text`` is a JSON document, else (False, None)."""
    stripped = text.lstrip()
    if not stripped or stripped[0] not in "{[":
        return False, None
    try:
        return True, json.loads(stripped)
    except (ValueError, RecursionError):
        return json_lines(stripped)


def json_lines(text: str) -> tuple[bool, Any]:
    """JSON Lines (one object a line, as bulk import APIs answer) as a list."""
    lines = [line for line in text.splitlines()[: MAX_ARRAY_ITEMS * 4] if line.strip()]
    if len(lines) < 2:
        return False, None
    try:
        values = [json.loads(line) for line in lines]
    except (ValueError, RecursionError):
        return False, None
    return (True, values) if all(isinstance(v, dict) for v in values) else (False, None)


def extract(text: str, parsed: Any, status: int) -> BodySignals:
    """Signals from a body given as text (and, when the caller sent JSON, its value)."""
    if parsed is not None:
        return from_json(parsed, status)
    if not text.strip():
        return BodySignals("empty")
    is_json, value = parse_json_text(text)
    if is_json:
        return from_json(value, status)
    if (form := parse_form(text)) is not None:
        return from_json(form, status)
    stripped = text.lstrip()
    if stripped.startswith("<") and not HTML_HINT.search(stripped[:1024]):
        found = from_xml(stripped)
        if found.kind == "xml":
            return found
    if HTML_HINT.search(text[:2048]):
        return from_html(text, status)
    return from_text(text)
