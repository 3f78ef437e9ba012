"""The API docs and schema have their own allowance (api.client_throttles): a
person reading the docs is not throttled by their own script, and the docs do not
use up the script's allowance."""

import pytest

pytestmark = pytest.mark.django_db

DOCS = ("/api/docs/", "/api/schema/?format=json")


def spend_anonymous_allowance(client):
    statuses = [client.get("/api/v1/providers/").status_code for _ in range(3)]
    assert statuses[-1] == 429


class DocsThrottleTests:
    def test_docs_are_served_after_the_api_allowance_is_spent(self, client, rates):
        rates(anon="2/min")
        spend_anonymous_allowance(client)
        for path in DOCS:
            assert client.get(path).status_code == 200, path

    def test_reading_the_docs_spends_none_of_the_api_allowance(self, client, rates):
        rates(anon="2/min")
        for _ in range(3):
            for path in DOCS:
                assert client.get(path).status_code == 200, path
        assert client.get("/api/v1/providers/").status_code == 200

    def test_docs_have_a_limit_of_their_own(self, client, rates):
        rates(docs="2/min")
        statuses = [client.get("/api/docs/").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        assert client.get("/api/v1/providers/").status_code == 200
