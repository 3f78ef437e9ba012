"""The lookup: from a status, headers and body to the matching entry and advice.

Pure Python over an ``Index`` it is given; it knows nothing of HTTP requests, the
database, the cache or settings (``kb.indexing`` hands those in). Both the Diagnose
page and the API call it through ``kb.indexing.lookup`` and only render its result.
"""

import datetime
import http
import json
import urllib.parse
from dataclasses import dataclass
from typing import Any

import re2

from kb.lookup import batch, classes, families, match, retry
from kb.lookup.index import Entry, Index
from kb.lookup.redact import redact
from kb.lookup.retry import Verdict
from kb.lookup.signals import NOISE, clean_code, extract
from kb.lookup.types import (
    Decision,
    FixableBy,
    Layer,
    Limits,
    LookupInputError,
    LookupRequest,
    LookupResult,
    Match,
    ProviderGuess,
    ProviderSource,
    Retryable,
    RetryAction,
    RetryPolicy,
    Signal,
    Tier,
)

FALLBACK_CONFIDENCE = 0.1
UNRECOGNISED_PENALTY = 0.7
STRUCTURED = ("body.", "header:", "query.")
WWW_AUTHENTICATE_ERROR = re2.compile(r'(?i)\berror="?([A-Za-z0-9_.\-]{1,60})')
SLUG = re2.compile(r"^[a-z0-9][a-z0-9_\-]{0,49}$")
# How sure the inference of a provider is, by what named it.
SOURCE_CONFIDENCE = {
    ProviderSource.GIVEN: 1.0,
    ProviderSource.URL: 0.95,
    ProviderSource.HEADER: 0.85,
    ProviderSource.BODY: 0.7,
    ProviderSource.CODE: 0.6,
    ProviderSource.NONE: 0.0,
}
# Fields ranked by how well their code names the error, for reading its family:
# a refining reason first, then the code, then coarser types and names.
FAMILY_KEY_RANK = {"reason": 0, "issue": 0, "decline_code": 0, "subcode": 0,
                   "code": 1, "error_code": 1, "errorcode": 1, "__type": 1,
                   "error": 1, "status": 2, "type": 3, "name": 3}  # fmt: skip


# Statuses whose own meaning outweighs a coarse class name in the body.
SELF_EVIDENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504, 529})
COARSE_RANK = 3


def lookup(
    request: LookupRequest,
    index: Index,
    now: datetime.datetime | None = None,
    limits: Limits = Limits(),  # noqa: B008 - frozen, shared safely
) -> LookupResult:
    status = validate_status(request.status)
    headers = normalise_headers(request.headers, limits)
    max_wait = validate_max_wait(request.max_wait)
    text, parsed, notes = body_as_text(request.body, limits)
    found = extract(text, parsed, status)
    notes += found.notes
    if inner := embedded_status(status, found.value):
        notes.append(
            f"the body reports status {inner} inside a {status}; read as {inner}"
        )
        status = inner
        found = extract(text, parsed, status)
    codes = found.codes + header_codes(headers)
    fault = found.fault or header_fault(headers)
    if request.code and (code := clean_code(request.code)):
        codes.insert(0, Signal("query.code", code))
    guess, in_play = infer_provider(
        index, request, headers, text, problem_type(found.value)
    )
    if not guess.given_unknown and all(s in index.standard for s in in_play):
        # Nothing but standards' shapes named the sender: ask the codes.
        pairs = ((s.where, s.value) for s in found.codes)
        if slug := index.provider_for_code(pairs, status, found.message or ""):
            source = ProviderSource.CODE
            guess = ProviderGuess(slug, source, SOURCE_CONFIDENCE[source])
            in_play = [slug, *in_play]
    if guess.given_unknown:
        notes.append(
            f"the provider {guess.given_unknown!r} is not in the catalogue yet; "
            "the answer comes from the response itself and the generic entries"
        )
    answer = Answerer(index, status, headers, found, in_play, guess, max_wait, now)
    items, summary = batch.read(found.value, text, status, answer.item)
    if items:
        result = answer.whole(text, codes, fault)
        worst = batch.most_severe(items)
        return LookupResult(
            match=worst.match,
            alternatives=(),
            retry=worst.retry,
            provider=guess.slug,
            provider_source=guess.source,
            codes=tuple(Signal(s.where, redact(s.value)) for s in codes[:20]),
            message=redact(worst.message or found.message),
            unrecognised_codes=result.unrecognised_codes,
            notes=(*notes, *summary.notes),
            provider_confidence=guess.confidence,
            unknown_provider=guess.given_unknown,
            family=result.family,
            items=items,
            batch=summary,
        )
    result = answer.whole(text, codes, fault)
    return LookupResult(
        match=result.match,
        alternatives=result.alternatives,
        retry=result.retry,
        provider=guess.slug,
        provider_source=guess.source,
        codes=tuple(Signal(s.where, redact(s.value)) for s in codes[:20]),
        message=redact(found.message),
        unrecognised_codes=result.unrecognised_codes,
        notes=(*notes, *result.notes),
        provider_confidence=guess.confidence,
        unknown_provider=guess.given_unknown,
        family=result.family,
    )


class Answerer:
    """Matches one response (or one item of a batch) and advises on it."""

    def __init__(self, index, status, headers, found, in_play, guess, max_wait, now):
        self.index = index
        self.status = status
        self.headers = headers
        self.found = found
        self.in_play = in_play
        self.guess = guess
        self.max_wait = max_wait
        self.now = now
        self.rules = classes.rules()

    def whole(self, text: str, codes: list[Signal], fault: str | None) -> "Answer":
        return self.answer(self.status, text, codes, fault, self.found.message,
                           self.found.value, self.found.kind, self.headers)  # fmt: skip

    def item(self, status: int, value: Any, headers: dict[str, str]) -> "Answer":
        """The answer for one item of a batch: its own status, body and headers."""
        if isinstance(value, str):
            text, parsed = value[:8192], None
        else:
            text, parsed = json.dumps(value, ensure_ascii=False)[:8192], value
        found = extract(text, parsed, status)
        codes = found.codes + header_codes(headers)
        return self.answer(status, text, codes, found.fault or header_fault(headers),
                           found.message, found.value, found.kind, headers)  # fmt: skip

    def answer(self, status, text, codes, fault, message, value, kind, headers):
        response = match.Response(status, headers, text, tuple(codes))
        closed = self.guess.given_unknown is not None
        scored = match.score(self.index, response, self.in_play, closed)
        unrecognised = unrecognised_codes(self.index, codes)
        notes: list[str] = []
        if scored:
            confidences = match.confidences(scored)
            matches = [
                to_match(self.index, s, c, self.in_play, kind, self.guess.source)
                for s, c in zip(scored[:4], confidences[:4], strict=False)
            ]
            best, alternatives = matches[0], tuple(matches[1:])
            if unrecognised and not scored[0].rule.code_key:
                best = penalise(best)
            entry = self.index.entries[scored[0].error_id]
            contradicted = scored[0].contradicted
            weak = (
                scored[0].generic
                or contradicted
                or (not scored[0].specific and bool(unrecognised))
                or unclassified(entry)
            )
        else:
            best, entry = class_fallback(self.index, status)
            alternatives = ()
            weak = contradicted = True
            notes.append("nothing matched; this is the status class's general entry")
        fallback = (
            entry
            if entry is not None and not contradicted and not unclassified(entry)
            else None
        )
        chain = self.verdicts(entry, weak, fallback, codes, status, fault, message,
                              headers)  # fmt: skip
        advice = retry.advise(
            chain, headers, value, self.max_wait, self.now, message,
            self.rules.signal_headers, self.rules.signal_fields, status,
        )  # fmt: skip
        family = next(
            (v.detail.split(":", 1)[0] for v in chain[:1]
             if v.decision in (Decision.FAMILY, Decision.MESSAGE)), None,
        )  # fmt: skip
        return Answer(best, alternatives, advice, tuple(redact(c) for c in unrecognised),
                      tuple(notes), family or (entry.category if entry else None),
                      redact(message), status)  # fmt: skip

    def verdicts(self, entry, weak, fallback, codes, status, fault, message, headers):
        """The candidate verdicts in decision order (see ``kb.lookup.retry``)."""
        cue = None
        if message and not is_reason_phrase(message, status):
            cue = families.family_of_message(message)
        if entry is not None and not weak:
            own = Verdict(
                Decision.ENTRY, f"{entry.provider}/{entry.code}", entry.policy
            )
            if ambiguous_limit(entry):
                # "429" or RESOURCE_EXHAUSTED says a limit was hit, not which kind: a
                # refining reason ("quotaExceeded") or the message tells a rate limit
                # (wait) from a spent quota (pay).
                return [*limit_kind(codes, cue), own]
            if expired_credentials(entry, cue):
                # "invalid or expired session": the message says which.
                return [Verdict(Decision.MESSAGE, f"expired:{cue[1]}", cue[0].policy),
                        own]  # fmt: skip
            return [own]
        last = self.status_verdict(status, fallback)
        chain: list[Verdict] = []
        structured = [s for s in codes if s.where.startswith(STRUCTURED)]
        families_found = []
        self_evident = status in SELF_EVIDENT_STATUSES
        for signal in sorted(structured, key=family_rank):
            if self_evident and family_rank(signal) >= COARSE_RANK:
                continue  # "invalid_request_error" on a 429 is Stripe's class name
            if family := families.family_of_code(signal.value):
                families_found.append((Decision.FAMILY, family, f"code={signal.value}"))
                break
        # AWS marks throttling as the sender's fault too, so the fault is read only
        # when neither the SDK's lists nor the code's own words name a class.
        found = self.rules.classify(
            self.in_play, [s.value for s in structured], status,
            None if families_found else fault,
        )  # fmt: skip
        if found:
            slug, name, detail = found
            chain.append(Verdict(Decision.PROVIDER_RULES, f"{slug}:{name}:{detail}",
                                 classes.CLASS_FAMILIES[name].policy))  # fmt: skip
        if spent := retry.rate_limit_spent(headers):
            families_found.append((Decision.MESSAGE, families.RATE_LIMIT,
                                   f"header:{spent}"))  # fmt: skip
        if cue:
            families_found.append((Decision.MESSAGE, cue[0], cue[1]))
        for decision, family, detail in families_found:
            if family.policy.resolved_action() == last.action:
                break  # the status's own entry says the same, and more precisely
            chain.append(Verdict(decision, f"{family.name}:{detail}", family.policy))
        return [*chain, *last.verdicts]

    def status_verdict(self, status: int, fallback: Entry | None) -> "StatusVerdict":
        """What is left when nothing more specific decides: the provider's own entry
        for the status (if one matched), then the generic entry for the status."""
        verdicts = []
        if fallback is not None and not fallback.generic:
            # The provider's own entry, matched on the status alone next to a code
            # we do not know: it still knows the provider better than the status.
            verdicts.append(Verdict(Decision.ENTRY, f"{fallback.provider}/{fallback.code}",
                                    fallback.policy))  # fmt: skip
        if status == 0:
            # A failed item of a batch with no status of its own: a rejection
            # unless its code or message said otherwise.
            verdicts.append(Verdict(Decision.STATUS_CLASS, "batch item",
                                    classes.NEVER.policy))  # fmt: skip
            return StatusVerdict(verdicts)
        generic = self.index.class_entry(str(status)) or self.index.class_entry(
            class_code(status)
        )
        if generic is None:
            verdicts.append(Verdict(Decision.STATUS_CLASS, class_code(status),
                                    fallback_policy(status)))  # fmt: skip
            return StatusVerdict(verdicts)
        verdicts.append(Verdict(Decision.STATUS_CLASS, f"http/{generic.code}",
                                generic.policy))  # fmt: skip
        return StatusVerdict(verdicts)


@dataclass(frozen=True)
class StatusVerdict:
    verdicts: list[Verdict]

    @property
    def action(self) -> str:
        return self.verdicts[0].policy.resolved_action()


def is_reason_phrase(message: str, status: int) -> bool:
    """A message that only repeats the status's reason phrase ("502 Bad Gateway",
    "Network Authentication Required") says nothing the status does not."""
    try:
        phrase = http.HTTPStatus(status).phrase.lower()
    except ValueError:
        return False
    words = " ".join(
        w for w in message.lower().replace("-", " ").split() if not w.isdigit()
    )
    return words.strip(" .:") == phrase.replace("-", " ")


class Answer:
    __slots__ = ("match", "alternatives", "retry", "unrecognised_codes", "notes",
                 "family", "message", "status")  # fmt: skip

    def __init__(self, match, alternatives, retry, unrecognised, notes, family,
                 message, status):  # fmt: skip
        self.match = match
        self.alternatives = alternatives
        self.retry = retry
        self.unrecognised_codes = unrecognised
        self.notes = notes
        self.family = family
        self.message = message
        self.status = status


def unclassified(entry: Entry) -> bool:
    """A reference entry whose source gave no retry class: it names the error, but
    the decision is left to the rules after it (the status, the words, ...)."""
    return (
        entry.tier == Tier.REFERENCE
        and entry.policy.retryable is Retryable.CONDITIONAL
        and entry.policy.action is None
    )


def ambiguous_limit(entry: Entry) -> bool:
    """An entry that says a limit was hit without saying whether a wait clears it."""
    return entry.category in ("rate_limit", "quota") and (
        entry.policy.retryable is Retryable.CONDITIONAL or entry.generic
    )


def expired_credentials(entry: Entry, cue) -> bool:
    """An entry for rejected credentials whose message says they expired: a
    fresh token or session, not a change of configuration, is what helps."""
    return (
        cue is not None
        and cue[0] is families.EXPIRED
        and entry.category == "authentication"
        and entry.policy.resolved_action() is RetryAction.RETRY_AFTER_FIX
    )


def limit_kind(codes: list[Signal], cue) -> list[Verdict]:
    for signal in codes:
        if match.field_key(signal.where) in match.REFINING_KEYS:
            family = families.family_of_code(signal.value)
            if family is not None and family.name in ("quota", "rate_limit"):
                detail = f"{family.name}:code={signal.value}"
                return [Verdict(Decision.FAMILY, detail, family.policy)]
    if cue and cue[0].name in ("quota", "rate_limit"):
        return [Verdict(Decision.MESSAGE, f"{cue[0].name}:{cue[1]}", cue[0].policy)]
    return []


def family_rank(signal: Signal) -> int:
    if " " in signal.value.strip():
        return 9  # a sentence in a code field (Elasticsearch's "reason") is last
    return FAMILY_KEY_RANK.get(match.field_key(signal.where), 2)


EMBEDDED_STATUS_KEYS = ("status_code", "statusCode", "status", "code", "http_status")
ERROR_MARKERS = ("error", "errors", "error_code", "error_message", "errorCode")


def embedded_status(status: int, value: Any) -> int | None:
    """An error status inside a 2xx body (APIs that always answer 200 and put the
    real status in the body, as monday.com and some RPC gateways do)."""
    if not (200 <= status < 300) or not isinstance(value, dict):
        return None
    if not any(value.get(key) for key in ERROR_MARKERS):
        return None
    for key in EMBEDDED_STATUS_KEYS:
        inner = value.get(key)
        if (
            isinstance(inner, int)
            and not isinstance(inner, bool)
            and 400 <= inner <= 599
        ):
            return inner
    return None


def unrecognised_codes(index: Index, codes: list[Signal]) -> tuple[str, ...]:
    known = index.by_code
    return tuple(dict.fromkeys(
        s.value for s in codes
        if s.where.startswith(STRUCTURED) and s.value.lower() not in known
        and s.value.lower() not in NOISE
    ))[:10]  # fmt: skip


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


def normalise_headers(headers: Any, limits: Limits) -> dict[str, str]:
    if headers is None:
        return {}
    if not isinstance(headers, dict):
        raise LookupInputError("headers", "must be a map of header names to strings")
    if len(headers) > limits.max_headers:
        raise LookupInputError("headers", f"at most {limits.max_headers} headers")
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
        result[name.strip().lower()] = str(value)[: limits.header_chars].strip()
    return result


def body_as_text(body: Any, limits: Limits) -> tuple[str, Any, list[str]]:
    """The body as text capped at the examined size, and its JSON value if given
    already parsed."""
    limit = limits.body_chars
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
    # Azure Storage sends its error code in a header on every error response.
    raw = headers.get("x-ms-error-code")
    if raw and (code := clean_code(raw)):
        signals.append(Signal("header:x-ms-error-code", code))
    # AWS query-compatible JSON services: "AWS.SimpleQueueService.NonExistentQueue;Sender"
    query_error = headers.get("x-amzn-query-error", "")
    if query_error and (code := clean_code(query_error.split(";", 1)[0])):
        signals.append(Signal("header:x-amzn-query-error", code))
    # gRPC over HTTP: the status travels in the grpc-status header (trailers-only
    # responses), as a number from 0 to 16.
    raw = headers.get("grpc-status", "")
    if raw.isdigit() and int(raw) <= 16:
        signals.append(Signal("header:grpc-status", raw))
    # OAuth authorization errors travel in the redirect (RFC 6749 section 4.1.2.1):
    # Location: https://client.example/cb?error=access_denied&state=xyz
    location = headers.get("location", "")
    if "error=" in location:
        query = urllib.parse.urlsplit(location[:2048]).query
        for name, value in urllib.parse.parse_qsl(query):
            if name == "error" and (code := clean_code(value)):
                signals.append(Signal("header:location.error", code))
    # OAuth bearer errors (RFC 6750 section 3) come in WWW-Authenticate, often with
    # no body at all: Bearer realm="example", error="invalid_token".
    challenge = headers.get("www-authenticate", "")
    if found := WWW_AUTHENTICATE_ERROR.search(challenge[:2048]):
        signals.append(Signal("header:www-authenticate.error", found.group(1)))
    return signals


def header_fault(headers: dict[str, str]) -> str | None:
    _code, _sep, fault = headers.get("x-amzn-query-error", "").partition(";")
    return fault.strip() if fault.strip() in ("Sender", "Receiver") else None


def problem_type(value: Any) -> str | None:
    """A problem+json ``type`` URI, which providers host on their own domain
    (``https://docs.adyen.com/errors/validation``)."""
    kind = value.get("type") if isinstance(value, dict) else None
    if isinstance(kind, str) and kind.startswith(("https://", "http://")):
        return kind[:500]
    return None


def infer_provider(
    index: Index,
    request: LookupRequest,
    headers: dict[str, str],
    text: str,
    type_uri: str | None = None,
) -> tuple[ProviderGuess, list[str]]:
    """Who sent the response, most authoritative first: given > URL host >
    identifying headers > body shape (a problem type's host, then patterns). A
    provider the caller names but the catalogue lacks is accepted: the caller
    knows whom it called, so body shapes may then name only edges, proxies and
    standards, never another API."""
    given_unknown = None
    found: list[tuple[str, ProviderSource]] = []
    if request.provider:
        slug = str(request.provider).strip().lower()
        if not SLUG.match(slug):
            raise LookupInputError(
                "provider",
                "must be a provider slug (letters, digits, '-' or '_', at most 50); "
                "GET /api/v1/providers/ lists the known ones",
            )
        if slug in index.providers:
            found.append((slug, ProviderSource.GIVEN))
        else:
            given_unknown = slug
    if request.url:
        found += [
            (s, ProviderSource.URL) for s in index.providers_for_host(str(request.url))
        ]
    found += [(s, ProviderSource.HEADER) for s in index.providers_for_headers(headers)]
    named = bool(found) or given_unknown is not None
    shapes = index.providers_for_host(type_uri) if type_uri else []
    for slug in [*shapes, *index.providers_for_body(text)]:
        # Once the caller or the URL named the API, a body shape may add only
        # layers in front of it (a CDN's or proxy's page), not another API.
        if not named or index.providers[slug].layer is not Layer.API:
            found.append((slug, ProviderSource.BODY))
    in_play = list(dict.fromkeys(slug for slug, _ in found))
    if given_unknown:
        source = ProviderSource.GIVEN_UNKNOWN
        apis = [s for s in in_play if index.providers[s].layer is Layer.API]
        return ProviderGuess(
            apis[0] if apis else None, source, 0.0, given_unknown
        ), in_play
    if not found:
        return ProviderGuess(None, ProviderSource.NONE, 0.0), in_play
    slug, source = found[0]
    return ProviderGuess(slug, source, SOURCE_CONFIDENCE[source]), in_play


def layer_of(index: Index, entry: Entry, in_play: list[str], kind: str) -> Layer:
    layer = index.providers[entry.provider].layer
    if layer is not Layer.STANDARD:
        return layer
    layers = [index.providers[slug].layer for slug in in_play]
    if kind == "html":
        for candidate in (Layer.EDGE, Layer.PROXY, Layer.ORIGIN):
            if candidate in layers:
                return candidate
    return Layer.API if Layer.API in layers else Layer.UNKNOWN


def to_match(index, scored, confidence, in_play, kind, provider_source) -> Match:
    entry = index.entries[scored.error_id]
    features = list(scored.features)
    if entry.provider in in_play and provider_source is not ProviderSource.NONE:
        features.append(f"provider={entry.provider}")
    return Match(
        error_id=entry.id,
        provider=entry.provider,
        code=entry.code,
        title=entry.title,
        confidence=confidence,
        matched_on=tuple(features),
        layer=layer_of(index, entry, in_play, kind),
        generic=scored.generic,
    )


def penalise(best: Match) -> Match:
    """A status match for a body whose code we do not know yet."""
    return Match(
        best.error_id, best.provider, best.code, best.title,
        round(best.confidence * UNRECOGNISED_PENALTY, 2), best.matched_on, best.layer,
        best.generic,
    )  # fmt: skip


def class_code(status: int) -> str:
    return f"{status // 100}xx" if 100 <= status < 600 else "unknown"


def class_fallback(index: Index, status: int) -> tuple[Match, Entry | None]:
    code = class_code(status)
    entry = index.class_entry(code)
    title = entry.title if entry else f"{code} (status class)"
    return (
        Match(
            entry.id if entry else None,
            "http",
            code,
            title,
            FALLBACK_CONFIDENCE,
            (f"status_class={code}",),
            Layer.UNKNOWN,
            True,
        ),  # fmt: skip
        entry,
    )


def fallback_policy(status: int) -> RetryPolicy:
    retryable = Retryable.CONDITIONAL if status >= 500 else Retryable.NEVER
    return RetryPolicy(retryable, FixableBy.CALLER_CODE, 1.0, 3, True)
