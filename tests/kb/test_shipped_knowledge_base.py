"""The knowledge base in fixtures/, loaded once: its files round-trip, and every real
response stored with an entry comes back as that entry with the right advice."""

import tempfile
from pathlib import Path

from django.conf import settings
from django.test import TestCase

from kb.content.documents import fixture_paths
from kb.content.dump import dump_all
from kb.content.load import load_files
from kb.indexing import lookup
from kb.lookup.types import LookupRequest
from kb.models import ErrorCode, Example, Provider

FIXTURES = settings.BASE_DIR / "fixtures"


class ShippedKnowledgeBaseTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.report = load_files(fixture_paths(FIXTURES), prune_providers=True)

    def test_it_loaded(self):
        assert Provider.objects.count() >= 30
        assert ErrorCode.objects.published().count() >= 400

    def test_loading_again_changes_nothing(self):
        assert not load_files(fixture_paths(FIXTURES), prune_providers=True).changed

    def test_dump_reproduces_every_file_byte_for_byte(self):
        with tempfile.TemporaryDirectory() as directory:
            dump_all(Path(directory))
            written = sorted(p.name for p in Path(directory).glob("*.yaml"))
            curated = [p for p in fixture_paths(FIXTURES) if p.parent == FIXTURES]
            assert written == [p.name for p in curated]
            for name in written:
                expected = (FIXTURES / name).read_text(encoding="utf-8")
                actual = (Path(directory) / name).read_text(encoding="utf-8")
                assert actual == expected, (
                    f"{name} is not in canonical form: run make fixtures"
                )

    def test_every_example_comes_back_as_its_entry(self):
        failures = []
        examples = Example.objects.select_related("error__provider")
        for example in examples:
            result = self.replay(example, example.error.provider.slug)
            got = (result.match.provider, result.match.code, result.retry.action,
                   result.retry.after_seconds)  # fmt: skip
            if (
                result.match.error_id != example.error_id
                or (example.expect_action and result.retry.action != example.expect_action)
                or (example.expect_after_seconds is not None
                    and result.retry.after_seconds != example.expect_after_seconds)
            ):  # fmt: skip
                failures.append(f"{example.error} {example.title!r}: got {got}")
        assert len(examples) >= 60
        assert not failures, "\n".join(failures)

    def test_without_the_provider_the_answer_is_still_sound(self):
        """Left to inference, an example comes back as its own entry, or as the
        generic entry of its status (a bare GitLab 429 names no provider), or at
        least with the same advice (Stripe's and Anthropic's api_error look alike).
        It never gets another provider's entry with different advice."""
        failures = []
        for example in Example.objects.select_related("error__provider"):
            given = self.replay(example, example.error.provider.slug)
            inferred = self.replay(example, None)
            own = inferred.match.error_id == example.error_id
            generic = inferred.match.provider == "http"
            same_advice = (given.retry.action, given.retry.after_seconds) == (
                inferred.retry.action,
                inferred.retry.after_seconds,
            )
            if not (own or generic or same_advice):
                failures.append(
                    f"{example.error}: {inferred.match.provider}/{inferred.match.code}"
                )
        assert not failures, "\n".join(failures)

    @staticmethod
    def replay(example, provider):
        return lookup(
            LookupRequest(
                status=example.http_status,
                headers=example.headers,
                body=example.body,
                provider=provider,
            )
        )
