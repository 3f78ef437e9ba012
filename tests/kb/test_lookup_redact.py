import json

import pytest

from kb import events
from kb.lookup.redact import redact
from kb.lookup.signals import extract


class RedactTests:
    def test_bearer_token(self):
        assert "abc.def" not in redact("Authorization: Bearer abc.def-123")

    def test_provider_keys(self):
        text = "key sk_live_abcdefghijklmnop and sk-proj-abcdefghijklmnopqrstuv and AKIAABCDEFGHIJKLMNOP"
        out = redact(text)
        assert "sk_live_" not in out and "sk-proj" not in out and "AKIA" not in out

    def test_email_and_card_number(self):
        out = redact("user jane.doe@example.com paid with 4242 4242 4242 4242")
        assert "jane.doe" not in out and "4242 4242" not in out

    def test_plain_text_is_kept(self):
        assert redact("No such price: 'price_1'") == "No such price: 'price_1'"


class FreeFormSecretTests:
    """Secrets written into a message in the words people use, each class."""

    @pytest.mark.parametrize(
        "text, secret, kept",
        [
            ("Authorization: Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b",
             "9944b09199c62bcf", "Authorization: Token [redacted]"),
            ("invalid credentials: Token abcdef0123456789abcdef given",
             "abcdef0123456789", "Token [redacted] given"),
            ("token ghp_abcdefghijklmnopqrstuvwxyz0123456789 was revoked",
             "ghp_abc", "was revoked"),
            ("Header was Bearer eyJraWQiOiJrMSJ9.payload-part.sig",
             "eyJraWQ", "Bearer [redacted]"),
            ("The key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY is not valid",
             "wJalrXUtnFEMI", "The key [redacted] is not valid"),
            ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
             "wJalrXUtnFEMI", "aws_secret_access_key = [redacted]"),
            ("login failed: password: hunter2", "hunter2", "password: [redacted]"),
            ("login failed for password=abc", "abc", "password=[redacted]"),
            ('{"user": "x", "password": "s3cr3t!"}', "s3cr3t", '"password": "[redacted]"'),
            ("PASSWD=CorrectHorse", "CorrectHorse", "PASSWD=[redacted]"),
            ("client_secret=0a1b2c3d4e5f&grant_type=x", "0a1b2c3d", "client_secret=[redacted]"),
            ("x-api-key: live_9f8e7d6c5b", "9f8e7d6c", "x-api-key: [redacted]"),
            ("Incorrect API key provided: sk-proj-abcdefghijklmnopqrstuv.",
             "sk-proj", "provided: [redacted]."),
            ("key sk-ant-api03-Zm9vYmFyYmF6cXV4 rejected", "sk-ant", "key [redacted] rejected"),
            ("Bad credentials for github_pat_11ABCDEFG0123456789_abcdefghijklmnop",
             "github_pat_11", "Bad credentials for [redacted]"),
            ("token xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp is invalid",
             "xoxb-1234567890", "is invalid"),
            ("app token xapp-1-A0123-456-abcdef refused", "xapp-1", "[redacted] refused"),
            ("glpat-abcdefghij0123456789 expired", "glpat-", "[redacted] expired"),
        ],
    )  # fmt: skip
    def test_the_secret_goes_and_the_sentence_stays(self, text, secret, kept):
        out = redact(text)
        assert secret not in out
        assert kept in out

    @pytest.mark.parametrize(
        "text",
        [
            "The security token included in the request is invalid.",
            "Token expired",
            "The API key provided is invalid",
            "ThisIsAVeryLongCamelCaseExceptionNameWithoutAnyDigitsInIt",
            "See https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html",
            "Your password must contain at least 8 characters",
            "INVALID_API_KEY",
        ],
    )
    def test_prose_and_codes_about_secrets_are_kept(self, text):
        assert redact(text) == text

    def test_only_a_forty_character_mixed_run_is_an_aws_secret(self):
        forty = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        assert redact(forty) == "[redacted]"
        assert redact(forty + "X") == forty + "X"  # 41: not that shape
        assert redact("a" * 40) == "a" * 40  # no digits, no capitals

    def test_case_insensitivity_does_not_leak_into_case_sensitive_shapes(self):
        # The AWS key id and Stripe key shapes are upper and lower case exactly.
        assert redact("akiaabcdefghijklmnop") == "akiaabcdefghijklmnop"
        assert redact("SK_LIVE_abcdefghij") == "SK_LIVE_abcdefghij"


class NameIsNotACodeTests:
    """``name`` is a code key for PayPal's errors, but free text under it (a person's
    name) is neither taken as a code nor stored or echoed as one."""

    @pytest.mark.parametrize(
        "name", ["Jane Doe", "Jane", "jane", "María José García", "my-pod", "a.b.c"]
    )
    def test_free_text_under_name_is_no_code(self, name):
        body = {"name": name, "message": "Request is not well-formed."}
        found = extract(json.dumps(body), body, 400)
        assert name not in [signal.value for signal in found.codes]

    @pytest.mark.parametrize(
        "name",
        ["VALIDATION_ERROR", "INSTRUMENT_DECLINED", "FORBIDDEN", "validation_error",
         "Invalid_Key", "ValidationError", "TokenExpiredError", "NotFoundException"],
    )  # fmt: skip
    def test_code_shaped_names_are_codes(self, name):
        body = {"name": name, "message": "Request is not well-formed."}
        found = extract(json.dumps(body), body, 400)
        assert [signal.value for signal in found.codes] == [name]

    @pytest.mark.django_db
    def test_a_lookup_neither_echoes_nor_stores_a_persons_name(self, client):
        body = {"name": "Jane Doe", "details": [{"issue": "PAYER_ACTION_REQUIRED"}],
                "message": "Request is not well-formed, password: hunter2, "
                           "Token abcdef0123456789abcdef0123456789"}  # fmt: skip
        response = client.post(
            "/api/v1/lookup/",
            {"status": 422, "provider": "paypal", "body": json.dumps(body)},
            content_type="application/json",
        )
        assert response.status_code == 200
        answer = response.json()
        assert "Jane Doe" not in [code["value"] for code in answer["codes"]]
        assert "Jane Doe" not in answer["unrecognised_codes"]
        assert "PAYER_ACTION_REQUIRED" in [code["value"] for code in answer["codes"]]
        event = events.find_event(answer["lookup_id"])
        assert event is not None
        stored = json.dumps([event.codes, event.message_shape])
        assert "jane doe" not in stored.lower()
        assert "hunter2" not in stored and "abcdef0123456789" not in stored
