"""Every rate limit takes the client's address by one rule: X-Forwarded-For is
believed only as far as TRUSTED_PROXIES proxies of ours have written it."""

import pytest
from django.test import RequestFactory, override_settings

from kb.clients import client_address
from tests.factories import make_error

CLIENT = "203.0.113.9"
PROXY = "10.0.0.1"


def address(trusted: int, forwarded: str | None, remote: str = PROXY) -> str:
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **headers)
    with override_settings(TRUSTED_PROXIES=trusted):
        return client_address(request)


class ClientAddressTests:
    def test_no_trusted_proxy_ignores_the_header(self):
        assert address(0, "198.51.100.7", remote=CLIENT) == CLIENT

    def test_one_trusted_proxy_takes_the_right_most_address(self):
        assert address(1, f"198.51.100.7, {CLIENT}") == CLIENT

    def test_two_trusted_proxies_take_the_second_from_the_right(self):
        assert address(2, f"198.51.100.7, {CLIENT}, 10.0.0.2") == CLIENT

    def test_no_header_behind_a_proxy_is_the_proxy(self):
        assert address(1, None) == PROXY

    def test_a_header_shorter_than_the_proxy_chain_gives_its_first_address(self):
        assert address(3, CLIENT) == CLIENT

    def test_a_value_that_is_not_an_address_falls_back_to_the_socket(self):
        assert address(1, "198.51.100.7, not-an-ip") == PROXY

    def test_ipv6(self):
        assert address(1, "2001:db8::1") == "2001:db8::1"


@pytest.fixture
def api_limited(db, rates):
    rates(anon="3/min")


def get_providers(client, forwarded: str | None = None, remote: str = CLIENT):
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return client.get("/api/v1/providers/", REMOTE_ADDR=remote, **headers)


class ApiLimitTests:
    def test_spoofed_forwarded_for_does_not_reset_the_limit(
        self, client, api_limited, settings
    ):
        settings.TRUSTED_PROXIES = 0
        for _ in range(3):
            assert get_providers(client).status_code == 200
        answers = [
            get_providers(client, forwarded=f"198.51.100.{n}").status_code
            for n in range(1, 11)
        ]
        assert answers == [429] * 10

    def test_behind_one_proxy_the_right_most_address_is_the_client(
        self, client, api_limited, settings
    ):
        settings.TRUSTED_PROXIES = 1
        for n in range(3):
            response = get_providers(client, f"198.51.100.{n}, {CLIENT}", PROXY)
            assert response.status_code == 200
        # A different left-most (client-written) address changes nothing ...
        spoofed = get_providers(client, f"198.51.100.99, {CLIENT}", PROXY)
        assert spoofed.status_code == 429
        assert spoofed["Content-Type"] == "application/problem+json"
        assert int(spoofed["Retry-After"]) > 0
        # ... while another client behind the same proxy has its own allowance.
        other = get_providers(client, "203.0.113.10", PROXY)
        assert other.status_code == 200


@pytest.fixture
def error(db):
    return make_error(code="429", http_status=429)


def diagnose(client, forwarded: str | None = None):
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return client.post(
        "/diagnose/", {"status": "429", "body": "slow down"}, REMOTE_ADDR=CLIENT,
        **headers,
    )  # fmt: skip


class DiagnoseLimitTests:
    def test_posts_over_the_rate_get_a_429_page(self, client, error, rates):
        rates(diagnose="2/min")
        assert [diagnose(client).status_code for _ in range(2)] == [200, 200]
        response = diagnose(client)
        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
        assert response["Content-Type"].startswith("text/html")
        assert "Too many requests" in response.content.decode()

    def test_spoofed_forwarded_for_does_not_reset_it(self, client, error, rates):
        rates(diagnose="2/min")
        for _ in range(2):
            diagnose(client)
        answers = {diagnose(client, f"198.51.100.{n}").status_code for n in range(5)}
        assert answers == {429}

    def test_reading_the_form_is_not_limited(self, client, error, rates):
        rates(diagnose="1/min")
        diagnose(client)
        assert client.get("/diagnose/", REMOTE_ADDR=CLIENT).status_code == 200

    def test_off_disables_it(self, client, error, rates):
        rates(diagnose=None)
        assert {diagnose(client).status_code for _ in range(5)} == {200}
