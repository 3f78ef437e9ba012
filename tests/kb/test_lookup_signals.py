import json

from kb.lookup.signals import extract


def codes(body, status=400):
    text = body if isinstance(body, str) else json.dumps(body)
    return [(s.where, s.value) for s in extract(text, None, status).codes]


class JSONSignalTests:
    def test_nested_error_code_and_type(self):
        found = codes(
            {"error": {"code": "resource_missing", "type": "invalid_request_error"}}
        )
        assert ("body.error.code", "resource_missing") in found
        assert ("body.error.type", "invalid_request_error") in found

    def test_aws_type_prefix_is_stripped(self):
        found = codes(
            {"__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"}
        )
        assert found == [("body.__type", "ResourceNotFoundException")]

    def test_array_of_errors(self):
        found = codes({"error": {"errors": [{"reason": "quotaExceeded"}]}}, 403)
        assert ("body.error.errors[].reason", "quotaExceeded") in found

    def test_slack_ok_false(self):
        assert codes({"ok": False, "error": "invalid_auth"}, 200) == [
            ("body.error", "invalid_auth")
        ]

    def test_numeric_status_repeating_the_http_status_is_dropped(self):
        found = codes({"code": 20404, "status": 404, "message": "gone"}, 404)
        assert found == [("body.code", "20404")]

    def test_problem_json_type_uri_and_its_last_segment(self):
        found = codes(
            {"type": "https://example.com/probs/out-of-credit", "title": "x"}, 403
        )
        assert ("body.type", "out-of-credit") in found

    def test_message_is_kept(self):
        assert (
            extract('{"error": {"message": "Too many"}}', None, 429).message
            == "Too many"
        )

    def test_huge_arrays_are_bounded(self):
        body = json.dumps({"errors": [{"code": f"c{i}"} for i in range(50_000)]})
        found = extract(body, None, 400)
        assert len(found.codes) <= 25
        assert any("50000 items" in note for note in found.notes)

    def test_deep_nesting_is_not_json(self):
        body = "[" * 100_000 + "]" * 100_000
        assert extract(body, None, 400).kind == "text"


class XMLSignalTests:
    def test_s3_error(self):
        body = "<?xml version='1.0'?><Error><Code>NoSuchKey</Code><Message>gone</Message></Error>"
        found = extract(body, None, 404)
        assert [(s.where, s.value) for s in found.codes] == [
            ("body.Error.Code", "NoSuchKey")
        ]
        assert found.message == "gone"

    def test_entities_are_refused_not_expanded(self):
        body = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                '<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><Error><Code>&lol2;</Code></Error>')  # fmt: skip
        found = extract(body, None, 400)
        assert found.codes == []
        assert "refused" in found.notes[0]


class HTMLSignalTests:
    def test_nginx_page(self):
        body = "<html><head><title>502 Bad Gateway</title></head><body></body></html>"
        assert ("html.title", "502") in codes(body, 502)

    def test_cloudflare_page(self):
        body = ("<!DOCTYPE html><html><head><title>example.com | 522: Connection timed out"
                "</title></head><body><span>Error code 522</span></body></html>")  # fmt: skip
        assert "522" in [value for _, value in codes(body, 522)]

    def test_large_page_is_cheap(self):
        body = "<html><title>x</title>" + "<p>a</p>" * 130_000 + "</html>"
        assert extract(body, None, 500).kind == "html"


class TextSignalTests:
    def test_heroku_log_line(self):
        found = codes('at=error code=H12 desc="Request timeout" method=GET', 503)
        assert ("text.code", "H12") in found
