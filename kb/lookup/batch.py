"""Batch and bulk responses: a 200 (or 207) that carries per-item failures.

Bulk indexing APIs (Elasticsearch, OpenSearch), JSON batch envelopes (Microsoft
Graph ``$batch``, Meta's Graph API), e-mail batch sends (an array of per-message
results), GraphQL ``errors[]`` next to partial ``data``, and any array of per-item
results with an error field: each failing item is looked up on its own, and the
summary says how many failed, which are worth sending again, and whether resending
the whole batch would be safe (it rarely is: the other items succeeded).
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import re2

from kb.lookup.types import (
    RESENDING_ACTIONS,
    BatchSummary,
    ItemResult,
    RetryAction,
)

MAX_ITEMS = 100  # items examined; a bulk response may hold thousands
MAX_ANSWERED = 20  # failing items looked up one by one; the rest are counted
RESULT_LISTS = ("results", "items", "data", "messages", "responses", "errors",
                "failures", "failed")  # fmt: skip
ALL_FAILED_LISTS = frozenset({"errors", "failures", "failed"})
ERROR_KEYS = ("error", "errors", "error_code", "errorcode", "err", "failure")
FAILED_STATES = frozenset({"error", "failed", "failure", "rejected", "invalid",
                           "bounced", "fail"})  # fmt: skip
# Most severe first: the top-level answer is the most severe item's.
SEVERITY = {RetryAction.RETRY_AFTER_FIX: 0, RetryAction.DO_NOT_RETRY: 1,
            RetryAction.REFRESH_AND_RETRY: 2, RetryAction.RESCHEDULE: 3,
            RetryAction.RETRY: 4, RetryAction.POLL: 5}  # fmt: skip


@dataclass(frozen=True)
class RawItem:
    position: int
    id: str | None
    status: int | None  # the item's own status, if it has one
    body: Any  # a JSON value, or the part's text
    failed: bool
    headers: tuple[tuple[str, str], ...] = ()


PART_STATUS = re2.compile(r"(?m)^HTTP/[0-9.]+ ([1-9][0-9]{2})\b")


def multipart_items(text: str) -> list[RawItem] | None:
    """A multipart/mixed batch (Google's and Azure Storage's batch endpoints): each
    part holds a whole HTTP response, status line, headers and body."""
    head = text.lstrip()[:200]
    if not head.startswith("--"):
        return None
    boundary = head.splitlines()[0].strip()
    if len(boundary) < 4 or " " in boundary:
        return None
    items = []
    for part in text.split(boundary)[1 : MAX_ITEMS + 1]:
        found = PART_STATUS.search(part)
        if found is None:
            continue
        part_id = None
        for line in part[: found.start()].splitlines():
            name, _sep, value = line.partition(":")
            if name.strip().lower() == "content-id":
                part_id = value.strip().strip("<>")[:100]
        response = part[found.end() :].replace("\r\n", "\n")
        head, _sep, body = response.partition("\n\n")
        headers = []
        for line in head.splitlines()[1:50]:
            name, sep, value = line.partition(":")
            if sep:
                headers.append((name.strip().lower(), value.strip()))
        status = int(found.group(1))
        body = body.strip().removesuffix("--").strip()
        items.append(RawItem(len(items), part_id, status, body, status >= 400,
                             tuple(headers)))  # fmt: skip
    return items or None


def status_of(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 999:
        return value
    if isinstance(value, str) and value.isdigit() and 100 <= int(value) <= 999:
        return int(value)
    return None


def id_of(item: dict) -> str | None:
    for key in ("id", "_id", "message_id", "MessageID", "messageId", "To", "to",
                "email", "custom_id"):  # fmt: skip
        value = item.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            return str(value)[:100]
    return None


BULK_OPERATIONS = frozenset({"index", "create", "update", "delete"})


def bulk_items(value: dict) -> list[RawItem] | None:
    """Elasticsearch and OpenSearch ``_bulk``: ``items`` of ``{"index": {"status":
    429, "error": {...}}}``, with ``errors: true`` unless a ``filter_path`` cut it."""
    raw = value.get("items")
    if not isinstance(raw, list) or not raw or not all(
        isinstance(w, dict) and len(w) == 1 and next(iter(w)) in BULK_OPERATIONS
        for w in raw[:MAX_ITEMS]
    ):  # fmt: skip
        return None
    items = []
    for position, wrapper in enumerate(raw[:MAX_ITEMS]):
        inner = next(iter(wrapper.values()))
        if not isinstance(inner, dict):
            continue
        status = status_of(inner.get("status"))
        failed = "error" in inner or (status is not None and status >= 400)
        body = {"error": inner["error"]} if "error" in inner else {}
        items.append(RawItem(position, id_of(inner), status, body, failed))
    return items


def envelope_items(value: dict) -> list[RawItem] | None:
    """Microsoft Graph ``$batch`` and similar: ``responses`` of ``{"id", "status",
    "body"}``."""
    responses = value.get("responses")
    if not isinstance(responses, list) or not responses:
        return None
    items = []
    for position, item in enumerate(responses[:MAX_ITEMS]):
        if not isinstance(item, dict):
            return None
        status = status_of(item.get("status"))
        if status is None:
            return None
        items.append(RawItem(position, id_of(item), status,
                             parse_body(item.get("body")), status >= 400))  # fmt: skip
    return items


def code_envelope_items(value: list) -> list[RawItem] | None:
    """Meta's Graph API batch: an array of ``{"code": 400, "body": "<json>"}``."""
    items = []
    for position, item in enumerate(value[:MAX_ITEMS]):
        if not isinstance(item, dict) or "body" not in item:
            return None
        status = status_of(item.get("code"))
        if status is None:
            return None
        items.append(RawItem(position, id_of(item), status,
                             parse_body(item.get("body")), status >= 400))  # fmt: skip
    return items


def graphql_items(value: dict) -> list[RawItem] | None:
    """GraphQL: ``errors[]`` of ``{"message", "extensions": {"code"}, "path"}``,
    with ``data`` (perhaps partial, perhaps null) next to it."""
    errors = value.get("errors")
    if not isinstance(errors, list) or not errors:
        return None
    if "data" not in value and "extensions" not in value and not any(
        isinstance(e, dict) and ("locations" in e or "path" in e or "extensions" in e)
        for e in errors
    ):  # fmt: skip
        return None
    items = []
    for position, error in enumerate(errors[:MAX_ITEMS]):
        if not isinstance(error, dict) or not isinstance(error.get("message"), str):
            return None
        extensions = error.get("extensions")
        status = None
        if isinstance(extensions, dict):
            status = status_of(extensions.get("status") or extensions.get("statusCode"))
        path = error.get("path")
        item_id = (
            ".".join(str(p) for p in path)[:100] if isinstance(path, list) else None
        )
        if "extensions" not in error and isinstance(value.get("extensions"), dict):
            # Shopify reports the query's cost (and so the wait) beside errors[].
            error = {**error, "extensions": value["extensions"]}
        items.append(RawItem(position, item_id, status, error, True))
    return items


def result_items(value: list) -> list[RawItem] | None:
    """An array of per-item results, some with an error (e-mail batch sends)."""
    items = []
    for position, item in enumerate(value[:MAX_ITEMS]):
        if not isinstance(item, dict):
            return None
        items.append(RawItem(position, id_of(item), item_status(item), item,
                             item_failed(item)))  # fmt: skip
    return items


def item_status(item: dict) -> int | None:
    for key in ("status", "statusCode", "status_code", "http_status", "code"):
        if (status := status_of(item.get(key))) is not None:
            return status
    return None


def item_failed(item: dict) -> bool:
    lowered = {str(k).lower(): v for k, v in item.items()}
    for key in ERROR_KEYS:
        value = lowered.get(key)
        if key in ("error_code", "errorcode") and value in (0, "0", None, ""):
            continue
        if value not in (None, "", [], {}, False, 0):
            return True
    if lowered.get("success") is False or lowered.get("ok") is False:
        return True
    for nested in item.values():
        # CouchDB's _bulk_get: {"id": …, "docs": [{"error": {…}}]}
        if isinstance(nested, list) and any(
            isinstance(n, dict) and n.get("error") for n in nested[:MAX_ITEMS]
        ):
            return True
    state = lowered.get("status")
    if isinstance(state, str) and state.lower() in FAILED_STATES:
        return True
    status = item_status(item)
    return status is not None and status >= 400


def parse_body(body: Any) -> Any:
    if isinstance(body, str):
        try:
            return json.loads(body)
        except ValueError:
            return {"message": body[:500]}
    return body if isinstance(body, (dict, list)) else {}


def raw_items(value: Any, depth: int = 0) -> tuple[str, list[RawItem]] | None:
    if isinstance(value, dict):
        for name, reader in (("bulk", bulk_items), ("envelope", envelope_items),
                             ("graphql", graphql_items)):  # fmt: skip
            if (items := reader(value)) is not None:
                return name, items
        # Known names first, then any list of objects (Sentry's "mappings").
        keys = [*RESULT_LISTS, *(k for k in value if k not in RESULT_LISTS)]
        for key in keys[:50]:
            inner = value.get(key)
            if isinstance(inner, list) and inner and (items := result_items(inner)):
                if key in ALL_FAILED_LISTS:
                    items = [RawItem(i.position, i.id, i.status, i.body, True)
                             for i in items]  # fmt: skip
                if any(i.failed for i in items):
                    return "results", items
        if depth == 0:
            # One level down: Zendesk's {"job_status": {"results": [...]}}.
            for inner in list(value.values())[:50]:
                if isinstance(inner, dict) and (found := raw_items(inner, 1)):
                    return found
        return None
    if isinstance(value, list) and value:
        if (items := code_envelope_items(value)) is not None:
            return "envelope", items
        if (items := result_items(value)) is not None:
            return "results", items
    return None


Answerer = Callable[[int, Any, dict[str, str]], Any]


def read(
    value: Any, text: str, status: int, answer: Answerer
) -> tuple[tuple[ItemResult, ...], BatchSummary | None]:
    """The failing items of a successful batch response, each answered by
    ``answer(status, body, headers)`` (status 0 when the item has none)."""
    if not (200 <= status < 300):
        return (), None
    found = raw_items(value) if value is not None else None
    if found is None and (parts := multipart_items(text)):
        found = "multipart", parts
    if found is None:
        return (), None
    shape, items = found
    failed = [item for item in items if item.failed]
    if not failed:
        return (), None
    results = []
    for item in failed[:MAX_ANSWERED]:
        answered = answer(item.status or 0, item.body, dict(item.headers))
        results.append(ItemResult(item.position, item.id, item.status, answered.match,
                                  answered.retry, answered.message))  # fmt: skip
    resend = tuple(r.position for r in results if r.retry.action in RESENDING_ACTIONS)
    whole_safe = len(failed) == len(items) == len(results) and len(resend) == len(
        results
    )
    notes = [
        f"a batch response ({shape}): {len(failed)} of {len(items)} item(s) failed"
    ]
    if len(failed) > len(results):
        notes.append(
            f"only the first {len(results)} failing items were looked up one by one"
        )
    if not whole_safe:
        notes.append(
            "send again only the items listed in resend: resending the whole batch "
            "would repeat the ones that succeeded or cannot succeed"
        )
    summary = BatchSummary(shape, len(items), len(failed), resend, whole_safe,
                           tuple(notes))  # fmt: skip
    return tuple(results), summary


def most_severe(items: tuple[ItemResult, ...]) -> ItemResult:
    return min(items, key=lambda r: (SEVERITY[r.retry.action], -r.match.confidence))
