"""The evaluation's scoring, on the engine's test index: what counts as right."""

import json

from kb import evaluation
from kb.lookup.engine import lookup
from kb.lookup.types import LookupRequest
from tests.kb.engine_kb import shipped_test_index

INDEX = shipped_test_index()


def case(**kwargs):
    kwargs.setdefault("id", "c")
    kwargs.setdefault("set", "responses")
    kwargs.setdefault("provider", None)
    kwargs.setdefault("headers", {})
    kwargs.setdefault("body", "")
    kwargs.setdefault("url", None)
    kwargs.setdefault("code", None)
    kwargs.setdefault("code_any", frozenset())
    kwargs.setdefault("retryable", None)
    kwargs.setdefault("action", None)
    kwargs.setdefault("wait", None)
    return evaluation.Case(**kwargs)


def run(c, given):
    request = LookupRequest(status=c.status, headers=c.headers, body=c.body,
                            provider=c.provider if given else None)  # fmt: skip
    return lookup(request, INDEX)


class ReadCasesTests:
    def test_reads_the_documented_format(self, tmp_path):
        path = tmp_path / "x.jsonl"
        line = {"id": "a", "provider": "openai", "status": 429, "headers": {},
                "body": "{}", "expect": {"code": "Rate_Limit", "code_any": ["429"],
                "retryable": True, "retry_after_s": 2, "batch": {"failed": 1}},
                "source": "s"}  # fmt: skip
        path.write_text(json.dumps(line) + "\n\n")
        [read] = evaluation.read_cases(path, "responses")
        assert (read.code, read.code_any, read.wait, read.batch_failed) == (
            "rate_limit", frozenset({"429"}), 2, 1)  # fmt: skip


class JudgeTests:
    def test_a_right_answer(self):
        c = case(provider="openai", status=429, code="rate_limit_exceeded",
                 body='{"error": {"code": "rate_limit_exceeded"}}', retryable=True,
                 headers={"Retry-After": "5"}, wait=5)  # fmt: skip
        outcome = evaluation.judge(c, True, run(c, True), set(INDEX.providers))
        assert (outcome.code_ok, outcome.action_ok, outcome.wait_ok) == (True,) * 3

    def test_refresh_is_not_a_resend(self):
        c = case(status=409, retryable=True)
        outcome = evaluation.judge(c, False, run(c, False), set(INDEX.providers))
        assert outcome.action_ok is False

    def test_a_wait_within_a_tenth_or_a_second(self):
        assert evaluation.wait_close(10.9, 10) and evaluation.wait_close(105, 100)
        assert not evaluation.wait_close(112, 100) and not evaluation.wait_close(
            None, 1
        )

    def test_codes_of_providers_outside_the_catalogue_are_not_scored(self):
        c = case(provider="nope", status=429, code="their_code", retryable=True)
        outcome = evaluation.judge(c, True, run(c, True), set(INDEX.providers))
        assert outcome.code_ok is None and outcome.action_ok is True

    def test_a_refusal_is_counted_as_no_answer(self):
        outcome = evaluation.judge(case(status=400, retryable=False), True, None, set())
        assert (outcome.answered, outcome.action_ok) == (False, False)


class BaselineTests:
    def test_urllib3_retries_its_status_list_and_reads_retry_after(self):
        c = case(status=429, retryable=True, headers={"Retry-After": "3"}, wait=3)
        assert evaluation.urllib3_outcome(c) == (True, True)
        assert evaluation.urllib3_outcome(case(status=400, retryable=True)) == (
            False,
            None,
        )


class ReportTests:
    def test_both_ways_and_the_baseline(self):
        cases = [
            case(provider="openai", status=429, retryable=True),
            case(status=400, retryable=False),
        ]
        report = evaluation.evaluate(cases, run, set(INDEX.providers))
        assert report.tallies[("responses", True)].total == 1
        assert report.tallies[("responses", False)].total == 2
        assert evaluation.summary(report, {"responses"})["action"] == 1.0
        assert any(
            line.startswith("responses  urllib3") for line in evaluation.table(report)
        )
