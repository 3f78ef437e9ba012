"""The Azure importer: Azure Storage's error codes (the SDKs' enums) with the
statuses of Microsoft's REST error-code tables, as reference entries."""

import pytest
import yaml

from kb.importers.base import load_data, path_for
from tests.kb.engine_kb import replay

WRITTEN = yaml.safe_load(path_for("azure").read_text(encoding="utf-8"))
FACTS = {fact["code"]: fact for fact in WRITTEN["errors"]}


class AzureImporterTests:
    def test_the_written_file_is_up_to_date(self):
        pytest.importorskip("azure.storage.blob")
        pytest.importorskip("azure.data.tables")
        from kb.importers import azure as importer

        reference = importer.build()
        assert path_for("azure").read_text(encoding="utf-8") == reference.render()
        assert len(reference.facts) == len(FACTS)

    def test_the_storage_codes(self):
        assert len(FACTS) >= 180
        assert len({code.lower() for code in FACTS}) == len(FACTS)
        assert {"AuthenticationFailed", "BlobNotFound", "ContainerAlreadyExists",
                "ConditionNotMet", "ServerBusy", "QueueNotFound", "ShareNotFound",
                "TableNotFound", "EntityAlreadyExists", "PathNotFound"} <= set(FACTS)  # fmt: skip

    def test_documented_statuses_and_products(self):
        def fact(code):
            return FACTS[code]["status"], FACTS[code]["product"]

        assert fact("AuthenticationFailed") == (403, "Azure Storage")
        assert fact("BlobNotFound") == (404, "Blob storage")
        assert fact("ContainerAlreadyExists") == (409, "Blob storage")
        assert fact("ConditionNotMet") == (412, "Azure Storage")
        assert fact("PopReceiptMismatch") == (400, "Queue storage")
        assert fact("UpdateConditionNotSatisfied") == (412, "Table storage")
        assert fact("ShareDisabled") == (403, "Azure Files")
        assert FACTS["PathNotFound"]["product"] == "Data Lake Storage"
        assert "status" not in FACTS["PathNotFound"]
        assert not any(f.get("status_derived") for f in FACTS.values())

    def test_classes_from_azure_core_s_rules(self):
        assert FACTS["ServerBusy"]["class"] == "transient"
        assert FACTS["InternalError"]["class"] == "transient"
        assert FACTS["OperationTimedOut"]["class"] == "transient"
        assert "class" not in FACTS["BlobNotFound"]

    def test_a_table_s_other_spelling_is_an_alias(self):
        assert FACTS["SnapshotOperationRateExceeded"]["aliases"] == [
            "SnaphotOperationRateExceeded"
        ]
        assert FACTS["SnapshotOperationRateExceeded"]["status"] == 409

    def test_links_name_the_table_that_lists_the_code(self):
        pages = load_data("azure_storage.yaml")["pages"]
        assert FACTS["BlobNotFound"]["link"] == pages["blob"]
        assert FACTS["ServerBusy"]["link"] == pages["common"]
        assert "link" not in FACTS["AuthorizationPermissionMismatch"]


class AzurePublishedResponsesTests:
    """The Azure Storage cases of tests/data/responses/known-b.jsonl: responses
    recorded from the service in Azure/azure-storage-python's tests/recordings (each
    case names its recording), replayed as recorded."""

    def test_permission_mismatch_is_not_retried(self):
        for with_provider in (True, False):
            result = replay(
                "azure-storage-authorization-permission-mismatch-403-1", with_provider
            )
            assert (result.match.provider, result.match.code) == (
                "azure",
                "AuthorizationPermissionMismatch",
            )
            assert (
                result.retry.action == "retry_after_fix"
            )  # fix the credentials or role first

    def test_container_already_exists(self):
        result = replay("azure-storage-container-already-exists-409-1")
        assert (result.match.code, result.retry.action) == (
            "ContainerAlreadyExists",
            "do_not_retry",
        )

    def test_condition_not_met(self):
        result = replay("azure-storage-condition-not-met-412-1")
        assert result.match.code == "ConditionNotMet"
        assert result.retry.action == "do_not_retry"

    def test_internal_error_is_retried(self):
        result = replay("azure-storage-internal-error-500-1")
        assert (result.match.code, result.retry.action) == ("InternalError", "retry")

    def test_queue_body_too_large(self):
        result = replay("azure-storage-request-body-too-large-413-1")
        assert (result.match.code, result.retry.action) == (
            "RequestBodyTooLarge",
            "do_not_retry",
        )
