"""The Django side of the lookup: read the published knowledge base into the pure
engine's index, keep one per process, and rebuild it when the knowledge base moved.

``kb.lookup`` knows nothing of the ORM, the cache or settings; this module is the
adapter that does, and ``lookup`` here is what the API and the Diagnose page call.
"""

import datetime
import gc
from functools import lru_cache

from django.conf import settings

from kb.lookup import engine
from kb.lookup.index import EntryRow, Index, ProviderRow, SignatureRow
from kb.lookup.types import Limits, LookupRequest, LookupResult
from kb.versioning import kb_version

_current: dict[str, Index] = {}


def build_index(version: str) -> Index:
    """Read the published knowledge base into a fresh index (three queries)."""
    from kb.models import ErrorCode, Provider, Signature

    providers = (
        ProviderRow(
            slug,
            layer,
            tuple(hosts or ()),
            tuple(headers or ()),
            tuple(patterns or ()),
            generic,
        )  # fmt: skip
        for slug, layer, hosts, headers, patterns, generic in Provider.objects.values_list(
            "slug",
            "layer",
            "api_hosts",
            "identifying_headers",
            "body_patterns",
            "generic",
        )  # fmt: skip
    )
    fields = ErrorCode.RETRY_POLICY_FIELDS
    entries = (
        EntryRow(
            pk,
            provider,
            code,
            title,
            status,
            category,
            ErrorCode.policy_from(*policy),
            tuple(aliases or ()),
            tier,
        )  # fmt: skip
        for pk, provider, code, title, status, category, aliases, tier, *policy in (
            ErrorCode.objects.published()
            .values_list(
                "id",
                "provider__slug",
                "code",
                "title",
                "http_status",
                "category__slug",
                "aliases",
                "tier",
                *fields,
            )  # fmt: skip
            .iterator(chunk_size=5000)
        )
    )
    signatures = (
        SignatureRow(*row)
        for row in Signature.objects.filter(error__state="published")
        .values_list(
            "error_id",
            "error__provider__slug",
            "http_status",
            "code",
            "header_name",
            "header_value",
            "body_regex",
            "weight",
        )  # fmt: skip
        .iterator(chunk_size=10000)
    )
    return Index.from_rows(version, providers, entries, signatures)


def current_index() -> Index:
    """This process's index, rebuilt when the knowledge base's version moved."""
    version = kb_version()
    index = _current.get("index")
    if index is None or index.version != version:
        index = replace_index(version)
    return index


def replace_index(version: str) -> Index:
    """Build the new index and keep it out of the garbage collector's way.

    The index is hundreds of thousands of long-lived objects. Left in the
    collector's oldest generation, every full collection walks all of them (tens
    of milliseconds, in the middle of some request) although none can ever be
    garbage while it is current. Frozen, only the objects requests create are
    walked. The previous index is unfrozen first, so that it is freed (by its
    reference counts at once, or by the next full collection)."""
    gc.unfreeze()
    _current.pop("index", None)
    index = build_index(version)
    _current["index"] = index
    gc.freeze()
    return index


def limits() -> Limits:
    return Limits(body_chars=settings.KB_LOOKUP_BODY_LIMIT)


def lookup(
    request: LookupRequest, now: datetime.datetime | None = None
) -> LookupResult:
    """The engine over this process's current index, with the configured limits."""
    return engine.lookup(request, current_index(), now=now, limits=limits())


@lru_cache(maxsize=1024)
def matched_entry(error_id: int, version: str):
    """A matched entry with everything the Diagnose page shows of it, kept per
    process for the knowledge base's version (``version`` only keys the cache), so
    that a warm Diagnose runs no query. The index holds published entries only."""
    from kb.models import ErrorCode

    return ErrorCode.objects.published().with_details().filter(pk=error_id).first()
