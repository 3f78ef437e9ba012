import datetime

import pytest

from kb.lookup.retry import (
    Verdict,
    WaitParser,
    advise,
    parse_duration,
    parse_spoken_duration,
)
from kb.lookup.types import Decision, RetryPolicy

NOW = datetime.datetime(2026, 11, 21, 12, 0, 0, tzinfo=datetime.UTC)
RETRY = RetryPolicy("always", "provider", 1.0, 5, True)


def entry(policy):
    return [Verdict(Decision.ENTRY, "test/entry", policy)]


def first_wait(headers, body=None):
    return WaitParser(headers, body, NOW).first()


class RetryAfterTests:
    def test_seconds(self):
        wait = first_wait({"retry-after": "30"})
        assert (wait.seconds, wait.source) == (30, "header:retry-after")

    def test_http_date_is_measured_against_the_date_header(self):
        headers = {
            "retry-after": "Wed, 21 Oct 2015 07:28:00 GMT",
            "date": "Wed, 21 Oct 2015 07:27:00 GMT",
        }
        assert first_wait(headers).seconds == 60

    def test_http_date_without_date_header_uses_our_clock(self):
        assert (
            first_wait({"retry-after": "Sat, 21 Nov 2026 12:02:00 GMT"}).seconds == 120
        )

    def test_garbage_is_ignored_with_a_note(self):
        parser = WaitParser({"retry-after": "soon-ish"}, None, NOW)
        assert parser.first() is None
        assert any("retry-after" in note for note in parser.notes)

    def test_negative_is_ignored_with_a_note(self):
        parser = WaitParser({"retry-after": "-5"}, None, NOW)
        assert parser.first() is None
        assert "negative" in parser.notes[0]

    def test_absurd_is_ignored(self):
        parser = WaitParser({"retry-after": "99999999999"}, None, NOW)
        assert parser.first() is None
        assert "implausible" in parser.notes[0]

    def test_retry_after_wins_over_body_and_reset_headers(self):
        headers = {"retry-after": "65", "x-ratelimit-reset-after": "64.57"}
        assert first_wait(headers, {"retry_after": 64.57}).seconds == 65


class RateLimitHeaderTests:
    def test_amz_retry_after_is_milliseconds(self):
        assert first_wait({"x-amz-retry-after": "1500"}).seconds == 1.5

    def test_retry_after_ms(self):
        assert first_wait({"retry-after-ms": "250"}).seconds == 0.25

    def test_x_ratelimit_reset_epoch_against_response_date(self):
        headers = {
            "date": "Tue, 20 Jun 2023 10:00:00 GMT",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": str(int(datetime.datetime(
                2023, 6, 20, 10, 50, 25, tzinfo=datetime.UTC).timestamp())),
        }  # fmt: skip
        wait = first_wait(headers)
        assert (wait.seconds, wait.source) == (3025, "header:x-ratelimit-reset")

    def test_x_ratelimit_reset_ignored_while_allowance_remains(self):
        assert (
            first_wait({"x-ratelimit-reset": "30", "x-ratelimit-remaining": "12"})
            is None
        )

    def test_on_a_429_the_reset_is_the_wait_even_with_allowance_left(self):
        # Datadog's clients wait X-RateLimit-Reset on a 429 whatever Remaining says.
        headers = {"x-ratelimit-reset": "3", "x-ratelimit-remaining": "9"}
        wait = WaitParser(headers, None, NOW, throttled=True).first()
        assert (wait.seconds, wait.source) == (3, "header:x-ratelimit-reset")

    def test_on_a_429_an_epoch_reset_with_allowance_left_is_another_limit(self):
        # GitLab's general limit beside the per-endpoint one that refused.
        headers = {"date": "Thu, 30 Jan 2020 14:14:16 GMT",
                   "ratelimit-remaining": "595", "ratelimit-reset": "1580393717"}  # fmt: skip
        assert WaitParser(headers, None, NOW, throttled=True).first() is None

    def test_x_ratelimit_reset_delta(self):
        assert first_wait({"x-ratelimit-reset": "30"}).seconds == 30

    def test_ratelimit_reset_draft_header(self):
        assert (
            first_wait({"ratelimit-reset": "12", "ratelimit-remaining": "0"}).seconds
            == 12
        )

    def test_passed_epoch_is_ignored(self):
        parser = WaitParser({"x-ratelimit-reset": "1600000000"}, None, NOW)
        assert parser.first() is None
        assert "passed" in parser.notes[0]

    def test_openai_durations_of_the_spent_limit(self):
        headers = {
            "x-ratelimit-remaining-requests": "0",
            "x-ratelimit-reset-requests": "6m0s",
            "x-ratelimit-remaining-tokens": "100",
            "x-ratelimit-reset-tokens": "1ms",
        }
        assert first_wait(headers).seconds == 360


class BodyFieldTests:
    def test_discord_retry_after_rounds_up(self):
        assert first_wait({}, {"retry_after": 64.57, "global": False}).seconds == 65

    def test_google_retry_delay(self):
        body = {"error": {"details": [{"@type": "RetryInfo", "retryDelay": "30s"}]}}
        wait = first_wait({}, body)
        assert (wait.seconds, wait.source) == (30, "body.error.details[].retryDelay")


class DurationTests:
    def test_go_durations(self):
        assert parse_duration("6m0s") == 360
        assert parse_duration("1ms") == 0.001
        assert parse_duration("1h2m3.5s") == 3723.5
        assert parse_duration('"30s"') == 30

    def test_not_a_duration(self):
        assert parse_duration("30") is None
        assert parse_duration("soon") is None


class MessageWaitTests:
    """Waits written in messages, in the forms providers write them."""

    @pytest.mark.parametrize(
        ("message", "seconds"),
        [
            ("Please try again in 1.5s.", 1.5),  # OpenAI rate limits
            ("Rate limit reached. Please try again in 20s.", 20),
            ("Please try again in 6m0s.", 360),  # OpenAI daily token limits
            ("Try again in 2h3m0s", 7380),  # Go durations
            ("Too Many Requests: retry after 5", 5),  # Telegram
            ("Please retry after 90 seconds", 90),
            ("Retry after 2 minutes", 120),
            ("Please retry in 250ms", 0.25),
            ("Complexity budget exhausted, reset in 16 seconds", 16),  # monday.com
            ("The quota will be available again in an hour", 3600),
        ],
    )
    def test_a_wait_in_the_message(self, message, seconds):
        wait = WaitParser({}, None, NOW, message).first()
        assert (wait.seconds, wait.source) == (seconds, "message")

    @pytest.mark.parametrize(
        "message",
        ["We will retry 3 times", "Limit: 40000 / min", "retry later", "Took 20s"],
    )
    def test_no_wait_without_a_phrase_that_means_one(self, message):
        assert WaitParser({}, None, NOW, message).first() is None

    def test_headers_win_over_the_message(self):
        parser = WaitParser({"retry-after": "3"}, None, NOW, "try again in 20s")
        assert parser.first().seconds == 3

    def test_spoken_durations(self):
        assert parse_spoken_duration("an hour") == 3600
        assert parse_spoken_duration("1m30s") == 90


class AdviseTests:
    def test_backoff_with_full_jitter_when_no_wait_is_given(self):
        advice = advise(entry(RETRY), {}, None, 60, NOW)
        assert advice.action == "retry"
        assert advice.after_seconds is None
        assert advice.backoff == {
            "base": 1.0,
            "multiplier": 2.0,
            "cap": 60.0,
            "jitter": "full",
        }
        assert advice.max_attempts == 5
        assert advice.source == "entry:test/entry"

    def test_a_wait_longer_than_max_wait_means_reschedule(self):
        advice = advise(entry(RETRY), {"retry-after": "3600"}, None, 60, NOW)
        assert (advice.action, advice.after_seconds) == ("reschedule", 3600)

    def test_a_short_wait_means_retry_after_it(self):
        advice = advise(entry(RETRY), {"retry-after": "3"}, None, 60, NOW)
        assert (advice.action, advice.after_seconds, advice.backoff) == (
            "retry",
            3,
            None,
        )

    def test_never_with_credentials_to_fix(self):
        policy = RetryPolicy("never", "caller_config", 1.0, 3, True)
        advice = advise(entry(policy), {"retry-after": "3"}, None, 60, NOW)
        assert (advice.action, advice.fix_by) == ("retry_after_fix", "caller_config")
        assert any("is ignored" in note for note in advice.notes)

    def test_never_for_a_bad_request(self):
        policy = RetryPolicy("never", "caller_code", 1.0, 3, True)
        advice = advise(entry(policy), {}, None, 60, NOW)
        assert (advice.action, advice.after_seconds) == ("do_not_retry", None)
        assert advice.idempotent_only is None

    def test_idempotency_is_reported(self):
        policy = RetryPolicy("conditional", "provider", 2.0, 3, False)
        assert advise(entry(policy), {}, None, 60, NOW).idempotent_only is False

    def test_the_first_verdict_decides(self):
        never = RetryPolicy("never", "caller_code")
        verdicts = [Verdict(Decision.FAMILY, "conflict:code=x", never), *entry(RETRY)]
        assert advise(verdicts, {}, None, 60, NOW).source == "family:conflict:code=x"

    def test_a_provider_signal_overrides_the_verdicts(self):
        advice = advise(entry(RETRY), {"x-should-retry": "false"}, None, 60, NOW,
                        signal_headers=["x-should-retry"])  # fmt: skip
        assert advice.action == "do_not_retry"
        assert advice.source == "provider_signal:header:x-should-retry"

    def test_poll_uses_the_interval(self):
        policy = RetryPolicy("always", "end_user", 5.0, 10, False, "poll")
        advice = advise(entry(policy), {}, {"error": "slow_down"}, 60, NOW)
        assert (advice.action, advice.after_seconds) == ("poll", 10)
        advice = advise(
            entry(policy), {}, {"error": "slow_down", "interval": 22}, 60, NOW
        )
        assert advice.after_seconds == 22

    def test_refresh_says_what(self):
        policy = RetryPolicy("conditional", "caller_code", action="refresh_and_retry",
                             refresh="re-read the object")  # fmt: skip
        advice = advise(entry(policy), {}, None, 60, NOW)
        assert (advice.action, advice.refresh) == (
            "refresh_and_retry",
            "re-read the object",
        )
        assert not advice.retryable
