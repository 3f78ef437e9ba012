"""Scoring candidate entries against one response, and how sure each match is.

Candidates come only from the index's buckets for the codes found, the status and
the providers in play. A rule matches when everything it constrains matches; an
entry scores its best rule, plus a little for belonging to the provider in play,
for its own status, and for a code found in a field that refines another (Stripe's
``decline_code`` refines ``code``; PayPal's ``details[].issue`` refines ``name``).
Generic entries (statuses and formats) never outscore a status match: they answer
only when nothing more specific does.
"""

import math
from dataclasses import dataclass
from functools import cached_property

from kb.lookup.index import Index, Rule
from kb.lookup.types import Signal, Tier

PRIMARY_BONUS = 0.5
IN_PLAY_BONUS = 0.25
OWN_STATUS_BONUS = 1.0  # an entry's own code found with the entry's own status
# A refining code (decline_code, details[].issue, errors[].reason) is more specific
# than the code it refines: it counts for more, and its entry is ranked first (see
# ``score``) even where the coarser code has a heavier signature.
REFINING_BONUS = 1.25
GENERIC_MAX = 1.0  # a generic entry scores no more than a plain status match

# Fields whose code refines the error's main code (compared in lower case).
REFINING_KEYS = frozenset(
    {"decline_code", "issue", "reason", "subcode", "error_subcode", "sub_code",
     "detailed_error_code", "innererror.code", "reasoncode", "refusalreason"}
)  # fmt: skip

# Fields whose value names a class of errors rather than one error (Stripe's
# error.type, PayPal's name, Google's status): a match on one of these is weak
# when the response's status contradicts the entry's.
COARSE_KEYS = frozenset({"type", "name", "status", "title", "kind", "category"})

# Confidence scale (documented in the API docs):
#   0.8–1.0  the provider's own code (or a specific rule) matched, well clear of
#            the runner-up;
#   0.5–0.8  a specific match with a close runner-up, or a status-level match of
#            the provider's own entry;
#   ≤ 0.45   a generic entry (the status's or a format's): the code was not
#            recognised or none was sent;
#   0.1      nothing matched; the status class's entry answered.
GENERIC_CONFIDENCE_CAP = 0.45


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    text: str
    codes: tuple[Signal, ...]

    @cached_property
    def raw(self) -> bytes:
        """The body as UTF-8, encoded once: RE2 searches bytes directly, while a
        str is encoded again (and its offsets decoded) on every search."""
        return self.text.encode("utf-8", "surrogatepass")


@dataclass
class Scored:
    error_id: int
    score: float
    rule: Rule
    features: list[str]
    own_status: bool = False
    generic: bool = False
    curated: bool = True
    contradicted: bool = False  # a class-of-errors field, but another status
    refining: bool = False  # matched through a field that refines another code

    @property
    def specific(self) -> bool:
        """Matched on more than the status: a code, a header or a body pattern."""
        return bool(self.rule.code_key or self.rule.header or self.rule.regex)


def other_fault(entry_status: int, status: int) -> bool:
    """A 4xx entry for a 5xx response or the reverse: whose fault it is differs."""
    classes = {entry_status // 100, status // 100}
    return classes == {4, 5}


def field_key(where: str) -> str:
    """ "body.error.innererror.code" → "innererror.code"; "body.errors[].reason" →
    "reason"."""
    parts = where.replace("[]", "").split(".")
    if len(parts) >= 2 and parts[-2].lower() == "innererror":
        return "innererror.code"
    return parts[-1].lower()


def rule_features(
    rule: Rule, response: Response, where: dict[str, str]
) -> list[str] | None:
    """What a rule matched on, or None if any part of it does not hold."""
    features = []
    if rule.status:
        if rule.status != response.status:
            return None
        features.append(f"status={rule.status}")
    if rule.code_key:
        if rule.code_key not in where:
            return None
        features.append(where[rule.code_key])
    if rule.header:
        value = response.headers.get(rule.header)
        if value is None or (rule.header_value and value.lower() != rule.header_value):
            return None
        features.append(f"header:{rule.header}")
    if rule.regex is not None:
        if not rule.regex.search(response.raw):
            return None
        features.append(f"body~/{rule.pattern}/")
    return features


def candidate_rules(
    index: Index, response: Response, in_play: list[str], closed: bool = False
) -> list[Rule]:
    """Rules worth evaluating: found through the index, never by scanning it.

    With no provider in play, a code names its provider only when it is
    distinctive ("ThrottlingException" is AWS's; "Conflict" is anybody's). With
    ``closed`` (the caller named a provider the catalogue lacks), no other API's
    entries are candidates at all."""
    allowed = set(in_play) | index.standard
    open_search = not in_play and not closed
    rules: list[Rule] = []
    for code_key in {s.value.lower() for s in response.codes}:
        anyone = open_search and code_key in index.distinctive
        common = code_key in index.common
        for rule in index.by_code.get(code_key, ()):
            if anyone or rule.provider in in_play:
                rules.append(rule)
            elif rule.provider in allowed and not (
                common and not index.providers[rule.provider].generic
            ):
                # A standard's entry ("invalid_grant", gRPC's UNAVAILABLE) for any
                # body; but a bare number or a common word ("code": 4) is gRPC's
                # only when gRPC is in play.
                rules.append(rule)
    status_providers = set(allowed)
    if not any((p, response.status) in index.by_status for p in status_providers):
        # Neither the providers in play nor a standard entry know this status
        # (520, 460, 499): edge, proxy and platform statuses are distinctive
        # enough to try whoever has one.
        status_providers |= index.status_layers.get(response.status, set())
    for provider in status_providers:
        rules.extend(index.by_status.get((provider, response.status), ()))
    for provider in in_play:
        rules.extend(index.loose.get(provider, ()))
    for name, value in response.headers.items():
        rules.extend(index.by_header_value.get((name, value.strip().lower()), ()))
    return rules


def score(
    index: Index, response: Response, in_play: list[str], closed: bool = False
) -> list[Scored]:
    """Every matching entry with its best score, best first."""
    where: dict[str, str] = {}
    refining: set[str] = set()
    coarse: set[str] = set()
    for signal in response.codes:
        key = signal.value.lower()
        where.setdefault(key, f"{signal.where}={signal.value}")
        field = field_key(signal.where)
        if field in REFINING_KEYS:
            refining.add(key)
        if field in COARSE_KEYS and where[key].startswith(signal.where + "="):
            coarse.add(key)
    primary = in_play[0] if in_play else None
    best: dict[int, Scored] = {}
    for rule in candidate_rules(index, response, in_play, closed):
        features = rule_features(rule, response, where)
        if features is None:
            continue
        entry = index.entries[rule.error_id]
        points = rule.points
        own_status = entry.http_status == response.status
        if rule.implicit and own_status:
            points += OWN_STATUS_BONUS
            features = [f"status={response.status}", *features]
        if rule.code_key in refining:
            points += REFINING_BONUS
        contradicted = not rule.status and entry.http_status is not None and (
            (rule.code_key in coarse and not own_status)
            or other_fault(entry.http_status, response.status)
        )  # fmt: skip
        if entry.generic:
            points = min(points, GENERIC_MAX)
        elif entry.provider == primary:
            points += PRIMARY_BONUS
        elif entry.provider in in_play:
            points += IN_PLAY_BONUS
        current = best.get(rule.error_id)
        if current is None or points > current.score:
            best[rule.error_id] = Scored(
                rule.error_id, points, rule, features, own_status, entry.generic,
                entry.tier == Tier.CURATED, contradicted,
                rule.code_key in refining and not entry.generic,
            )  # fmt: skip
    # The entry a refining code names comes first, whatever the weight of the
    # coarser code's rules; then the score; ties go to the entry for the response's
    # own status, then to curated entries.
    return sorted(
        best.values(),
        key=lambda s: (not s.refining, -s.score, not s.own_status, not s.curated,
                       s.error_id),
    )  # fmt: skip


def specificity(points: float) -> float:
    return 1 - math.exp(-points / 3)


def confidences(scored: list[Scored]) -> list[float]:
    """Each candidate's confidence, in the same (best-first) order: the winner's
    grows with its specificity and its margin over the runner-up; the others are
    scaled by how far they trail it, so the order of confidence is the order of
    the answer."""
    if not scored:
        return []
    best = scored[0].score
    runner_up = scored[1].score if len(scored) > 1 else None
    margin = 1.0 if runner_up is None else max(0.0, (best - runner_up) / best)
    values = [specificity(best) * (0.6 + 0.4 * margin)]
    for candidate in scored[1:]:
        values.append(specificity(candidate.score) * 0.6)
    capped = [
        min(value, GENERIC_CONFIDENCE_CAP) if s.generic else value
        for s, value in zip(scored, values, strict=True)
    ]
    # Never more sure of a runner-up than of the answer.
    for i in range(1, len(capped)):
        capped[i] = min(capped[i], capped[i - 1])
    return [round(value, 2) for value in capped]
