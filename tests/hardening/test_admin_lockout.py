"""The admin's sign-in locks a username out from an address at its fifth failure
for fifteen minutes (django-axes), counting addresses by kb.clients' rule."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User

CLIENT = "203.0.113.9"
URL = "/admin/login/?next=/admin/"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(db):
    return User.objects.create_user("editor", password="right-pw", is_staff=True)


def sign_in(client, password="wrong", username="editor", remote=CLIENT, **extra):
    data = {"username": username, "password": password}
    return client.post(URL, data, REMOTE_ADDR=remote, **extra)


def fail(client, times, **kwargs):
    return [sign_in(client, **kwargs).status_code for _ in range(times)]


class AdminLockoutTests:
    def test_the_right_password_signs_in(self, client, editor):
        response = sign_in(client, "right-pw")
        assert response.status_code == 302
        assert response["Location"] == "/admin/"

    def test_locked_out_at_the_fifth_failure(self, client, editor):
        assert fail(client, 5) == [200] * 4 + [429]
        response = sign_in(client, "right-pw")
        assert response.status_code == 429
        assert response["Retry-After"] == str(15 * 60)
        assert "paused for 15 minutes" in response.content.decode()
        assert "_auth_user_id" not in client.session
        assert client.get("/admin/").status_code == 302  # still signed out

    def test_the_lockout_page_has_the_policy(self, client, editor):
        fail(client, 6)
        response = sign_in(client)
        assert "script-src 'self'" in response["Content-Security-Policy"]

    def test_a_success_starts_the_count_again(self, client, editor):
        fail(client, 4)
        assert sign_in(client, "right-pw").status_code == 302
        client.logout()
        assert fail(client, 4) == [200] * 4
        assert sign_in(client, "right-pw").status_code == 302

    def test_spoofed_forwarded_for_does_not_spread_the_failures(
        self, client, editor, settings
    ):
        settings.TRUSTED_PROXIES = 0
        for n in range(5):
            sign_in(client, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        response = sign_in(client, "right-pw", HTTP_X_FORWARDED_FOR="198.51.100.77")
        assert response.status_code == 429

    def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(
        self, client, editor, settings
    ):
        settings.TRUSTED_PROXIES = 1
        proxy = {"remote": "10.0.0.1"}
        fail(client, 5, HTTP_X_FORWARDED_FOR=CLIENT, **proxy)
        locked = sign_in(client, "right-pw", HTTP_X_FORWARDED_FOR=CLIENT, **proxy)
        assert locked.status_code == 429
        other = sign_in(client, "right-pw", HTTP_X_FORWARDED_FOR="203.0.113.10",
                        **proxy)  # fmt: skip
        assert other.status_code == 302

    def test_only_that_username_from_that_address(self, client, editor):
        User.objects.create_user("publisher", password="pub-pw", is_staff=True)
        fail(client, 5)
        assert sign_in(client, "pub-pw", username="publisher").status_code == 302
        client.logout()
        elsewhere = sign_in(client, "right-pw", remote="198.51.100.20")
        assert elsewhere.status_code == 302

    def test_the_lockout_ends_after_the_cool_off(self, client, editor):
        fail(client, 5)
        assert sign_in(client, "right-pw").status_code == 429
        # Each failure during the lockout restarts it, so age the last one too.
        AccessAttempt.objects.update(
            attempt_time=AccessAttempt.objects.get().attempt_time
            - timedelta(minutes=16)
        )
        assert sign_in(client, "right-pw").status_code == 302

    def test_no_password_or_token_is_stored_with_the_attempts(self, client, editor):
        token = "csrf-token-value-1234567890"
        for _ in range(5):
            client.post(URL, {"username": "editor", "password": "hunter2-guess",
                              "csrfmiddlewaretoken": token}, REMOTE_ADDR=CLIENT)  # fmt: skip
        attempt = AccessAttempt.objects.get()
        stored = f"{attempt.get_data} {attempt.post_data} {attempt.user_agent}"
        assert attempt.failures_since_start == 5
        assert "hunter2-guess" not in stored
        assert token not in stored

    def test_the_test_client_still_signs_in(self, client, editor):
        assert client.login(username="editor", password="right-pw")
        assert client.get("/admin/").status_code == 200
