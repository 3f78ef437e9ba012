"""The Kubernetes importer: apimachinery's StatusReason values as reference entries."""

from kb.importers import kubernetes as importer
from kb.importers.base import path_for
from tests.kb.engine_kb import replay

REFERENCE = importer.build()
FACTS = {fact["code"]: fact for fact in REFERENCE.facts}


class KubernetesImporterTests:
    def test_every_status_reason_of_types_go(self):
        assert len(REFERENCE.facts) == len(FACTS) == 19
        assert {"Unauthorized", "Forbidden", "NotFound", "AlreadyExists", "Conflict",
                "Gone", "Invalid", "ServerTimeout", "StorageReadError", "Timeout",
                "TooManyRequests", "BadRequest", "MethodNotAllowed", "NotAcceptable",
                "RequestEntityTooLarge", "UnsupportedMediaType", "InternalError",
                "Expired", "ServiceUnavailable"} == set(FACTS)  # fmt: skip

    def test_the_written_file_is_up_to_date(self):
        assert path_for("kubernetes").read_text(encoding="utf-8") == REFERENCE.render()

    def test_documented_statuses(self):
        statuses = {code: fact["status"] for code, fact in FACTS.items()}
        assert statuses["Invalid"] == 422
        assert statuses["ServerTimeout"] == statuses["InternalError"] == 500
        assert statuses["Timeout"] == 504
        assert statuses["Gone"] == statuses["Expired"] == 410
        assert statuses["TooManyRequests"] == 429
        assert not any(fact.get("status_derived") for fact in FACTS.values())

    def test_classes_from_the_rules_and_the_declarations(self):
        classes = {code: fact["class"] for code, fact in FACTS.items()}
        assert classes["TooManyRequests"] == "throttling"
        assert classes["ServerTimeout"] == classes["ServiceUnavailable"] == "transient"
        assert classes["Conflict"] == classes["Expired"] == "conflict"
        # types.go: calls returning these "can never succeed".
        for code in ("BadRequest", "MethodNotAllowed", "NotAcceptable",
                     "UnsupportedMediaType"):  # fmt: skip
            assert classes[code] == "never"
        assert classes["NotFound"] is None and classes["Invalid"] is None

    def test_the_go_constant_that_differs_is_an_alias(self):
        assert FACTS["StorageReadError"]["aliases"] == ["StoreReadError"]
        assert FACTS["Forbidden"]["aliases"] is None


class KubernetesPublishedResponsesTests:
    """The Kubernetes cases of tests/data/responses/known-b.jsonl (each names its
    source: kubernetes/apiserver, kubernetes/client-go, kubernetes/kubectl and
    kubernetes-client/python test fixtures), replayed as recorded."""

    def test_forbidden(self):
        result = replay("k8s-forbidden-403-1")
        assert (result.match.code, result.retry.action) == (
            "Forbidden",
            "retry_after_fix",
        )

    def test_service_unavailable_waits_the_seconds_it_names(self):
        result = replay("k8s-service-unavailable-retry-after-seconds-503-1")
        assert (result.match.code, result.retry.action) == (
            "ServiceUnavailable",
            "retry",
        )
        assert result.retry.after_seconds == 5

    def test_invalid_is_not_retried(self):
        result = replay("k8s-invalid-422-1")
        assert (result.match.code, result.retry.action) == ("Invalid", "do_not_retry")

    def test_already_exists_is_not_retried(self):
        result = replay("k8s-already-exists-409-1")
        assert (result.match.code, result.retry.action) == (
            "AlreadyExists",
            "do_not_retry",
        )

    def test_bad_request_without_the_provider(self):
        result = replay("k8s-bad-request-400-1", with_provider=False)
        assert (result.match.provider, result.match.code) == (
            "kubernetes",
            "BadRequest",
        )
        assert result.retry.action == "do_not_retry"
