"""Scoring candidate entries against one response.

Candidates come only from the index's buckets for the codes found, the status and
the providers in play. A rule matches when everything it constrains matches; an
entry scores its best rule, plus a little for belonging to the provider in play.
"""

import math
from dataclasses import dataclass

from kb.lookup.index import Index, Rule
from kb.lookup.types import Signal

PRIMARY_BONUS = 0.5
IN_PLAY_BONUS = 0.25
OWN_STATUS_BONUS = 1.0  # an entry's own code found with the entry's own status


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    text: str
    codes: tuple[Signal, ...]


@dataclass
class Scored:
    error_id: int
    score: float
    rule: Rule
    features: list[str]


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
        if not rule.regex.search(response.text):
            return None
        features.append(f"body~/{rule.pattern}/")
    return features


def candidate_rules(index: Index, response: Response, in_play: list[str]) -> list[Rule]:
    """Rules worth evaluating: found through the index, never by scanning it."""
    allowed = set(in_play) | index.standard
    rules: list[Rule] = []
    for code_key in {s.value.lower() for s in response.codes}:
        for rule in index.by_code.get(code_key, ()):
            if not in_play or rule.provider in allowed:
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
    return rules


def score(index: Index, response: Response, in_play: list[str]) -> list[Scored]:
    """Every matching entry with its best score, best first."""
    where = {}
    for signal in response.codes:
        where.setdefault(signal.value.lower(), f"{signal.where}={signal.value}")
    primary = in_play[0] if in_play else None
    best: dict[int, Scored] = {}
    for rule in candidate_rules(index, response, in_play):
        features = rule_features(rule, response, where)
        if features is None:
            continue
        entry = index.entries[rule.error_id]
        points = rule.points
        if rule.implicit and entry.http_status == response.status:
            points += OWN_STATUS_BONUS
            features = [f"status={response.status}", *features]
        if entry.provider == primary:
            points += PRIMARY_BONUS
        elif entry.provider in in_play:
            points += IN_PLAY_BONUS
        current = best.get(rule.error_id)
        if current is None or points > current.score:
            best[rule.error_id] = Scored(rule.error_id, points, rule, features)
    return sorted(best.values(), key=lambda s: (-s.score, s.error_id))


def confidence(best: float, runner_up: float | None) -> float:
    """How sure we are: grows with the winner's specificity and its margin."""
    specificity = 1 - math.exp(-best / 3)
    margin = 1.0 if not runner_up else max(0.0, (best - runner_up) / best)
    return round(specificity * (0.6 + 0.4 * margin), 2)
