"""Each provider's URL, header and body rules, tried on every real response of
every other provider (the catalogue's examples and tests/data/responses/): a rule
that names an API provider for another's response is a false guess."""

import json
from pathlib import Path

from kb.lookup.engine import lookup
from kb.lookup.types import Layer, LookupRequest
from tests.kb.engine_kb import shipped_examples, shipped_index

RESPONSES = Path(__file__).resolve().parents[1] / "data" / "responses"
# Providers outside the catalogue whose APIs are a catalogue provider's in all but
# name: answering with that provider is right, not a false guess.
SAME_API = {
    "firebase": {"google"},  # Firebase Auth's REST API is a Google API
    "dockerhub": {"docker-registry"},  # Docker Hub serves the registry API
}


def real_responses():
    for provider, headers, body, status in shipped_examples():
        yield provider, headers, body, None, status
    for path in sorted(RESPONSES.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            case = json.loads(line)
            yield (case["provider"], case["headers"], case["body"], case.get("url"),
                   case["status"])  # fmt: skip


def test_no_rule_names_another_api():
    index = shipped_index()
    apis = {slug for slug, p in index.providers.items() if p.layer is Layer.API}
    false_guesses = []
    for owner, headers, body, url, _status in real_responses():
        lowered = {k.lower(): v for k, v in headers.items()}
        named = set(index.providers_for_body(body))
        named |= set(index.providers_for_headers(lowered))
        if url:
            named |= set(index.providers_for_host(url))
        wrong = (named & apis) - {owner} - SAME_API.get(owner, set())
        if wrong:
            false_guesses.append(f"{owner}: {sorted(wrong)} in {body[:80]!r}")
    assert not false_guesses, "\n".join(false_guesses)


def test_the_lookup_never_infers_another_api():
    index = shipped_index()
    wrong = []
    for owner, headers, body, _url, status in real_responses():
        result = lookup(LookupRequest(status=status, headers=headers, body=body), index)
        guess = result.provider
        if (
            guess not in (None, owner)
            and index.providers[guess].layer is Layer.API
            and guess not in SAME_API.get(owner, ())
        ):
            wrong.append(f"{owner}: inferred {guess} ({result.provider_source})")
    assert not wrong, "\n".join(wrong)


def test_a_numeric_code_names_its_api_when_status_and_message_agree():
    index = shipped_index()
    body = '{"message": "Unknown Channel", "code": 10003}'
    result = lookup(LookupRequest(status=404, body=body), index)
    assert (result.provider, str(result.provider_source)) == ("discord", "code")
    assert result.match.code == "10003"
    assert result.provider_confidence < 0.7  # less sure than a body shape


def test_a_numeric_code_alone_names_no_api():
    index = shipped_index()
    for status, body in [
        (404, '{"message": "Something else entirely", "code": 10003}'),  # message
        (500, '{"message": "Unknown Channel", "code": 10003}'),  # status
        (404, '{"message": "Unknown Channel", "code": "404"}'),  # the status itself
    ]:
        result = lookup(LookupRequest(status=status, body=body), index)
        assert result.provider is None, body
