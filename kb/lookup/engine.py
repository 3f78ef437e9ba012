"""The lookup: from a status, headers and body to the matching entry and advice.

Pure Python over the in-memory index; it knows nothing of HTTP requests. Both the
Diagnose page and the API call ``lookup`` and only render its result.
"""

import datetime
import json
from typing import Any

import re2
from django.conf import settings

from kb.lookup import match, retry
from kb.lookup.index import Entry, Index, build_index
from kb.lookup.redact import redact
from kb.lookup.signals import NOISE, clean_code, extract
from kb.lookup.types import LookupInputError, LookupRequest, LookupResult, Match, Signal
from kb.versioning import kb_version

FALLBACK_CONFIDENCE = 0.1
UNRECOGNISED_PENALTY = 0.7
MAX_HEADERS = 200
MAX_HEADER_LENGTH = 8192
STRUCTURED = ("body.", "header:", "query.")
WWW_AUTHENTICATE_ERROR = re2.compile(r'(?i)\berror="?([A-Za-z0-9_.\-]{1,60})')

_current: dict[str, Index] = {}


def current_index() -> Index:
    """This process's index, rebuilt when the knowledge base's version moved."""
    version = kb_version()
    index = _current.get("index")
    if index is None or index.version != version:
        index = build_index(version)
        _current["index"] = index
    return index


def lookup(
    request: LookupRequest,
    index: Index | None = None,
    now: datetime.datetime | None = None,
) -> LookupResult:
    status = validate_status(request.status)
    headers = normalise_headers(request.headers)
    max_wait = validate_max_wait(request.max_wait)
    index = index or current_index()
    text, parsed, notes = body_as_text(request.body)
    found = extract(text, parsed, status)
    notes += found.notes
    codes = found.codes + header_codes(headers)
    if request.code and (code := clean_code(request.code)):
        codes.insert(0, Signal("query.code", code))
    in_play, provider_source = infer_providers(index, request, headers, text)
    response = match.Response(status, headers, text, tuple(codes))
    scored = match.score(index, response, in_play)
    known = index.by_code
    unrecognised = tuple(dict.fromkeys(
        s.value for s in codes
        if s.where.startswith(STRUCTURED) and s.value.lower() not in known
        and s.value.lower() not in NOISE
    ))[:10]  # fmt: skip
    if scored:
        best = to_match(index, scored[0], scored[1] if len(scored) > 1 else None, in_play,
                        found.kind, provider_source)  # fmt: skip
        if unrecognised and not scored[0].rule.code_key:
            best = penalise(best, unrecognised)
        alternatives = tuple(
            to_match(index, s, None, in_play, found.kind, provider_source)
            for s in scored[1:4]
        )
        entry = index.entries[scored[0].error_id]
    else:
        best, entry = class_fallback(index, status)
        alternatives = ()
        notes.append("nothing matched; this is the status class's general entry")
    advice = retry.advise(
        entry.policy if entry else fallback_policy(status),
        headers,
        found.value,
        max_wait,
        now,
    )
    return LookupResult(
        match=best,
        alternatives=alternatives,
        retry=advice,
        provider=in_play[0] if in_play else None,
        provider_source=provider_source,
        codes=tuple(Signal(s.where, redact(s.value)) for s in codes[:20]),
        message=redact(found.message),
        unrecognised_codes=tuple(redact(c) for c in unrecognised),
        notes=tuple(notes),
    )


def validate_status(status: Any) -> int:
    if (
        isinstance(status, bool)
        or not isinstance(status, int)
        or not 100 <= status <= 999
    ):
        raise LookupInputError("status", "must be a whole number from 100 to 999")
    return status


def validate_max_wait(max_wait: Any) -> float:
    if isinstance(max_wait, bool) or not isinstance(max_wait, (int, float)):
        raise LookupInputError("max_wait", "must be a number of seconds")
    if not 0 <= max_wait <= 86_400:
        raise LookupInputError("max_wait", "must be between 0 and 86400 seconds")
    return float(max_wait)


def normalise_headers(headers: Any) -> dict[str, str]:
    if headers is None:
        return {}
    if not isinstance(headers, dict):
        raise LookupInputError("headers", "must be a map of header names to strings")
    if len(headers) > MAX_HEADERS:
        raise LookupInputError("headers", f"at most {MAX_HEADERS} headers")
    result = {}
    for name, value in headers.items():
        if (
            not isinstance(name, str)
            or not isinstance(value, (str, int, float))
            or (isinstance(value, bool))
        ):
            raise LookupInputError(
                "headers", f"header {str(name)[:40]!r} must be a string"
            )
        result[name.strip().lower()] = str(value)[:MAX_HEADER_LENGTH].strip()
    return result


def body_as_text(body: Any) -> tuple[str, Any, list[str]]:
    """The body as text capped at the examined size, and its JSON value if given
    already parsed."""
    limit = settings.KB_LOOKUP_BODY_LIMIT
    notes: list[str] = []
    parsed = None
    if body is None:
        text = ""
    elif isinstance(body, str):
        text = body
    elif isinstance(body, (dict, list)):
        parsed = body
        try:
            text = json.dumps(body, ensure_ascii=False)
        except (ValueError, RecursionError):
            text, parsed = "", None
            notes.append("the body's JSON value is nested too deeply to read")
    else:
        raise LookupInputError("body", "must be a string or a JSON object or array")
    if len(text) > limit:
        notes.append(f"only the first {limit} characters of the body were examined")
        text = text[:limit]
    if "\x00" in text:
        text = text.replace("\x00", "")
        notes.append("NUL characters in the body were dropped")
    # Lone surrogates (from invalid UTF-8 escaped into JSON) cannot be encoded.
    text = text.encode("utf-8", "replace").decode("utf-8")
    return text, parsed, notes


def header_codes(headers: dict[str, str]) -> list[Signal]:
    signals = []
    # AWS JSON protocols may carry the error code only in x-amzn-ErrorType.
    raw = headers.get("x-amzn-errortype")
    if raw and (code := clean_code(raw)):
        signals.append(Signal("header:x-amzn-errortype", code))
    # OAuth bearer errors (RFC 6750 section 3) come in WWW-Authenticate, often with
    # no body at all: Bearer realm="example", error="invalid_token".
    challenge = headers.get("www-authenticate", "")
    if match := WWW_AUTHENTICATE_ERROR.search(challenge[:2048]):
        signals.append(Signal("header:www-authenticate.error", match.group(1)))
    return signals


def infer_providers(
    index: Index, request: LookupRequest, headers: dict[str, str], text: str
) -> tuple[list[str], str]:
    """Providers in play, most authoritative first: given > URL host > identifying
    headers > body shape."""
    found: list[tuple[str, str]] = []
    if request.provider:
        slug = str(request.provider).strip().lower()
        if slug not in index.providers:
            raise LookupInputError(
                "provider",
                f"unknown provider {slug[:50]!r}; GET /api/v1/providers/ lists the valid "
                "slugs (or leave it out to have it inferred)",
            )
        found.append((slug, "given"))
    if request.url:
        found += [(slug, "url") for slug in index.providers_for_host(str(request.url))]
    found += [(slug, "header") for slug in index.providers_for_headers(headers)]
    found += [(slug, "body") for slug in index.providers_for_body(text)]
    in_play = list(dict.fromkeys(slug for slug, _ in found))
    return in_play, found[0][1] if found else "none"


def layer_of(index: Index, entry: Entry, in_play: list[str], kind: str) -> str:
    layer = index.providers[entry.provider].layer
    if layer != "standard":
        return layer
    layers = [index.providers[slug].layer for slug in in_play]
    if kind == "html":
        for candidate in ("edge", "proxy", "origin"):
            if candidate in layers:
                return candidate
    return "api" if "api" in layers else "unknown"


def to_match(index, scored, runner_up, in_play, kind, provider_source) -> Match:
    entry = index.entries[scored.error_id]
    features = list(scored.features)
    if entry.provider in in_play and provider_source != "none":
        features.append(f"provider={entry.provider}")
    return Match(
        error_id=entry.id,
        provider=entry.provider,
        code=entry.code,
        title=entry.title,
        confidence=match.confidence(
            scored.score, runner_up.score if runner_up else None
        ),
        matched_on=tuple(features),
        layer=layer_of(index, entry, in_play, kind),
    )


def penalise(best: Match, unrecognised: tuple[str, ...]) -> Match:
    """A generic status match for a body whose code we do not know yet."""
    return Match(
        best.error_id, best.provider, best.code, best.title,
        round(best.confidence * UNRECOGNISED_PENALTY, 2), best.matched_on, best.layer,
    )  # fmt: skip


def class_code(status: int) -> str:
    return f"{status // 100}xx" if 100 <= status < 600 else "unknown"


def class_fallback(index: Index, status: int) -> tuple[Match, Entry | None]:
    code = class_code(status)
    pk = index.by_natural_key.get(("http", code))
    entry = index.entries.get(pk) if pk else None
    title = entry.title if entry else f"{code} (status class)"
    layer = "unknown"
    return (
        Match(
            pk,
            "http",
            code,
            title,
            FALLBACK_CONFIDENCE,
            (f"status_class={code}",),
            layer,
        ),
        entry,
    )


def fallback_policy(status: int) -> retry.RetryPolicy:
    retryable = "conditional" if status >= 500 else "never"
    return retry.RetryPolicy(retryable, "caller_code", 1.0, 3, True)
