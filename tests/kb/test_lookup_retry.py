import datetime

from kb.lookup.retry import RetryPolicy, WaitParser, advise, parse_duration

NOW = datetime.datetime(2026, 11, 21, 12, 0, 0, tzinfo=datetime.UTC)
RETRY = RetryPolicy("always", "provider", 1.0, 5, True)


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


class AdviseTests:
    def test_backoff_with_full_jitter_when_no_wait_is_given(self):
        advice = advise(RETRY, {}, None, 60, NOW)
        assert advice.action == "retry"
        assert advice.after_seconds is None
        assert advice.backoff == {
            "base": 1.0,
            "multiplier": 2.0,
            "cap": 60.0,
            "jitter": "full",
        }
        assert advice.max_attempts == 5

    def test_a_wait_longer_than_max_wait_means_reschedule(self):
        advice = advise(RETRY, {"retry-after": "3600"}, None, 60, NOW)
        assert (advice.action, advice.after_seconds) == ("reschedule", 3600)

    def test_a_short_wait_means_retry_after_it(self):
        advice = advise(RETRY, {"retry-after": "3"}, None, 60, NOW)
        assert (advice.action, advice.after_seconds, advice.backoff) == (
            "retry",
            3,
            None,
        )

    def test_never_with_credentials_to_fix(self):
        policy = RetryPolicy("never", "caller_config", 1.0, 3, True)
        assert (
            advise(policy, {"retry-after": "3"}, None, 60, NOW).action
            == "retry_after_fix"
        )

    def test_never_for_a_bad_request(self):
        policy = RetryPolicy("never", "caller_code", 1.0, 3, True)
        advice = advise(policy, {}, None, 60, NOW)
        assert (advice.action, advice.after_seconds) == ("do_not_retry", None)

    def test_idempotency_is_reported(self):
        policy = RetryPolicy("conditional", "provider", 2.0, 3, False)
        assert advise(policy, {}, None, 60, NOW).idempotent_only is False
