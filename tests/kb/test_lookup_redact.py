from kb.lookup.redact import redact


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
