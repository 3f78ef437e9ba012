from types import SimpleNamespace

import pytest
from prometheus_client import REGISTRY

from config.metrics import confidence_band
from kb import events
from tests.pages.kb_sample import load_sample

pytestmark = pytest.mark.django_db

OUTSIDE = "203.0.113.9"  # TEST-NET-3: not loopback, not internal


def sample(name, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def kb(tmp_path, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(
            settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        ),
    }
    load_sample(tmp_path)


class MetricsContentTests:
    def test_text_format_with_requests_by_view_and_status_class(self, client):
        client.get("/healthz")
        client.get("/api/v1/errors/nobody/nothing/")
        response = client.get("/metrics")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain; version=")
        text = response.content.decode()
        assert 'errorkb_http_requests_total{status="2xx",view="healthz"}' in text
        assert (
            'errorkb_http_requests_total{status="4xx",view="api:error-detail"}' in text
        )
        assert "errorkb_http_request_duration_seconds_bucket{" in text

    def test_requests_are_counted(self, client):
        labels = {"view": "healthz", "status": "2xx"}
        before = sample("errorkb_http_requests_total", **labels)
        latency = sample("errorkb_http_request_duration_seconds_count", **labels)
        for _ in range(3):
            client.get("/healthz")
        assert sample("errorkb_http_requests_total", **labels) == before + 3
        assert (
            sample("errorkb_http_request_duration_seconds_count", **labels)
            == latency + 3
        )

    def test_api_lookups_by_action_and_confidence_band(self, client, kb):
        labels = {"via": "api", "action": "retry_after_fix", "confidence": "high"}
        before = sample("errorkb_lookups_total", **labels)
        body = {"status": 429, "provider": "openai", "code": "insufficient_quota"}
        answer = client.post("/api/v1/lookup/", body, content_type="application/json")
        assert answer.json()["retry"]["action"] == "retry_after_fix"
        assert answer.json()["match"]["confidence"] >= 0.8
        assert sample("errorkb_lookups_total", **labels) == before + 1

    def test_diagnose_lookups_are_counted_as_page(self, client, kb):
        labels = {"via": "page", "action": "retry", "confidence": "none"}
        before = sample("errorkb_lookups_total", **labels)
        answer = client.post("/diagnose/", {"status": "503", "headers": "", "body": ""})
        assert answer.status_code == 200
        assert sample("errorkb_lookups_total", **labels) == before + 1

    def test_dropped_lookup_events(self, client, monkeypatch):
        labels = {"reason": "invalid"}
        seen = events.dropped_counts()
        before = sample("errorkb_lookup_events_dropped_total", **labels)
        client.get("/metrics")
        dropped = {**seen, "invalid": seen.get("invalid", 0) + 4}
        monkeypatch.setattr(events, "dropped_counts", lambda: dropped)
        text = client.get("/metrics").content.decode()
        assert 'errorkb_lookup_events_dropped_total{reason="invalid"}' in text
        assert sample("errorkb_lookup_events_dropped_total", **labels) == before + 4


class ConfidenceBandTests:
    @pytest.mark.parametrize("error_id, confidence, band", [
        (1, 0.93, "high"),
        (1, 0.8, "high"),
        (1, 0.62, "medium"),
        (1, 0.45, "low"),
        (1, 0.1, "none"),
        (None, 0.0, "none"),
    ])  # fmt: skip
    def test_bands_follow_the_documented_scale(self, error_id, confidence, band):
        match = SimpleNamespace(error_id=error_id, confidence=confidence)
        assert confidence_band(match) == band


class MetricsProtectionTests:
    def test_loopback_may_read(self, client):
        assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
        assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200

    def test_anyone_else_gets_a_404(self, client):
        response = client.get("/metrics", REMOTE_ADDR=OUTSIDE)
        assert response.status_code == 404
        assert b"errorkb_" not in response.content

    def test_forwarded_for_is_not_believed_without_trusted_proxies(self, client):
        response = client.get("/metrics", REMOTE_ADDR=OUTSIDE,
                              HTTP_X_FORWARDED_FOR="127.0.0.1")  # fmt: skip
        assert response.status_code == 404

    def test_a_client_relayed_by_our_proxy_is_not_local(self, client, settings):
        settings.TRUSTED_PROXIES = 1
        response = client.get("/metrics", REMOTE_ADDR="127.0.0.1",
                              HTTP_X_FORWARDED_FOR=OUTSIDE)  # fmt: skip
        assert response.status_code == 404

    def test_configured_internal_networks(self, client, settings):
        settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
        assert client.get("/metrics", REMOTE_ADDR="10.20.30.40").status_code == 200
        assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404

    def test_bearer_token(self, client, settings):
        settings.METRICS_TOKEN = "s3cret-scrape-token"
        ok = client.get("/metrics", REMOTE_ADDR=OUTSIDE,
                        HTTP_AUTHORIZATION="Bearer s3cret-scrape-token")  # fmt: skip
        wrong = client.get("/metrics", REMOTE_ADDR=OUTSIDE,
                           HTTP_AUTHORIZATION="Bearer guess")  # fmt: skip
        assert (ok.status_code, wrong.status_code) == (200, 404)

    def test_no_token_configured_means_none_accepted(self, client, settings):
        settings.METRICS_TOKEN = ""
        response = client.get("/metrics", REMOTE_ADDR=OUTSIDE,
                              HTTP_AUTHORIZATION="Bearer ")  # fmt: skip
        assert response.status_code == 404
