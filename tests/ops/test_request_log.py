import json
import logging
import re
import sys

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import include, path
from rest_framework.authtoken.models import Token

from config import urls as config_urls
from config.json_logging import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db

GENERATED_ID = re.compile(r"[0-9a-f]{32}")


def broken_view(request):
    raise RuntimeError("a bug")


# The site's URLs and a view with a bug, for @pytest.mark.urls(__name__).
urlpatterns = [path("broken", broken_view), path("", include("config.urls"))]
handler500 = config_urls.handler500


def request_lines(caplog) -> list[dict]:
    """The request log's records as the JSON lines production writes."""
    formatter, tag = JsonFormatter(), RequestIdFilter()
    lines = []
    for record in caplog.records:
        if record.name == "errorkb.requests":
            tag.filter(record)
            lines.append(json.loads(formatter.format(record)))
    return lines


class RequestLogTests:
    def test_one_json_line_per_request(self, client, caplog):
        caplog.set_level(logging.INFO, logger="errorkb.requests")
        response = client.get("/healthz")
        [line] = request_lines(caplog)
        assert line["method"] == "GET"
        assert line["path"] == "/healthz"
        assert line["status"] == 200
        assert line["view"] == "healthz"
        assert line["user"] == "anonymous"
        assert line["request_id"] == response["X-Request-ID"]
        assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
        assert line["level"] == "INFO" and line["logger"] == "errorkb.requests"

    def test_query_strings_and_bodies_are_never_logged(self, client, caplog):
        caplog.set_level(logging.INFO, logger="errorkb.requests")
        client.get("/api/v1/lookup/?status=429&code=sk-live-SECRET1")
        client.post("/api/v1/lookup/", {"status": 401, "body": "Bearer SECRET2"},
                    content_type="application/json")  # fmt: skip
        lines = request_lines(caplog)
        assert [line["path"] for line in lines] == ["/api/v1/lookup/"] * 2
        written = "\n".join(json.dumps(line) for line in lines)
        assert "SECRET" not in written and "status=429" not in written

    def test_token_user_is_logged_by_id(self, client, caplog):
        caplog.set_level(logging.INFO, logger="errorkb.requests")
        user = User.objects.create_user("reader")
        token = Token.objects.create(user=user).key
        client.get("/api/v1/providers/", HTTP_AUTHORIZATION=f"Token {token}")
        [line] = request_lines(caplog)
        assert line["user"] == str(user.pk)

    def test_errors_are_logged_with_their_status(self, client, caplog):
        caplog.set_level(logging.INFO, logger="errorkb.requests")
        client.get("/api/v1/no-such-thing/")
        [line] = request_lines(caplog)
        assert line["status"] == 404 and line["view"] == "unmatched"


class RequestIdTests:
    def test_a_safe_incoming_id_is_kept(self, client):
        response = client.get("/healthz", HTTP_X_REQUEST_ID="edge-7f3a.01:b_2")
        assert response["X-Request-ID"] == "edge-7f3a.01:b_2"

    @pytest.mark.parametrize("given", [
        "", "two words", "<script>", "a" * 200, "-leading-dash", "line\\nbreak",
    ])  # fmt: skip
    def test_an_unsafe_incoming_id_is_replaced(self, client, given):
        response = client.get("/healthz", HTTP_X_REQUEST_ID=given)
        assert GENERATED_ID.fullmatch(response["X-Request-ID"])

    def test_every_response_carries_one(self, client):
        answers = [
            client.get("/healthz"),
            client.get("/api/v1/errors/nobody/nothing/"),  # problem+json 404
            client.get("/no-such-page/"),  # the site's 404 page
            client.post("/api/v1/lookup/", "{", content_type="application/json"),
        ]
        ids = [answer["X-Request-ID"] for answer in answers]
        assert all(GENERATED_ID.fullmatch(rid) for rid in ids)
        assert len(set(ids)) == len(ids)

    @pytest.mark.urls(__name__)
    def test_a_server_error_carries_one_and_is_logged(self, caplog):
        caplog.set_level(logging.INFO, logger="errorkb.requests")
        response = Client(raise_request_exception=False).get("/broken")
        assert response.status_code == 500
        [line] = request_lines(caplog)
        assert line["status"] == 500
        assert line["request_id"] == response["X-Request-ID"]

    def test_djangos_own_lines_carry_the_request_id(self, client, caplog):
        caplog.set_level(logging.WARNING, logger="django.request")
        response = client.get("/api/v1/errors/nobody/nothing/")
        [record] = [r for r in caplog.records if r.name == "django.request"]
        RequestIdFilter().filter(record)
        assert record.request_id == response["X-Request-ID"]


class JsonFormatterTests:
    def make_record(self, **extra):
        record = logging.LogRecord("kb.events", logging.WARNING, __file__, 1,
                                   "dropped %d events", (3,), None)  # fmt: skip
        record.__dict__.update(extra)
        return json.loads(JsonFormatter().format(record))

    def test_message_is_formatted_and_scalars_kept(self):
        line = self.make_record(status_code=500, retry=True)
        assert line["message"] == "dropped 3 events"
        assert (line["status_code"], line["retry"]) == (500, True)

    def test_objects_passed_as_extras_are_left_out(self):
        # Django's django.request passes the request, whose repr has the query.
        class Request:
            def __repr__(self):
                return "<WSGIRequest: GET '/x?token=SECRET'>"

        line = self.make_record(request=Request())
        assert "request" not in line and "SECRET" not in json.dumps(line)

    def test_exceptions_are_one_line_of_json(self):
        try:
            raise ValueError("boom")
        except ValueError:
            record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (),
                                       sys.exc_info())  # fmt: skip
        text = JsonFormatter().format(record)
        assert "\n" not in text
        assert "ValueError: boom" in json.loads(text)["exc_info"]
