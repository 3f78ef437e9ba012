import pytest

from kb.lookup.parity import table

pytestmark = pytest.mark.django_db


class RetryAdvicePageTests:
    def test_it_explains_the_vocabulary_the_order_and_the_table(
        self, client, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(0):
            response = client.get("/api/docs/retry/")
        assert response.status_code == 200
        html = response.content.decode()
        for word in ("refresh_and_retry", "provider_signal", "status_class", "0.45"):
            assert word in html
        assert html.count('<tr id="') == len(table().cases)
        assert "Stripe-Should-Retry" in html

    def test_the_api_docs_link_to_it(self, client):
        schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
        assert "/api/docs/retry/" in schema["info"]["description"]
