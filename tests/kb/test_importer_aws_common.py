"""The AWS importer's data file of AWS-wide common errors and EC2 API error codes
(kb/importers/data/aws_common.yaml), and EC2 error responses looked up against the
shipped catalogue."""

import pytest
import yaml

from kb.importers.aws import common_facts
from kb.importers.base import load_data, path_for
from kb.lookup.engine import lookup
from kb.lookup.types import LookupRequest
from tests.kb.engine_kb import recorded, shipped_index

ITEMS = {item["code"]: item for item in load_data("aws_common.yaml")["errors"]}
FACTS = {fact["code"]: fact for fact in common_facts(set())}
SHIPPED = {
    item["code"]: item
    for item in yaml.safe_load(path_for("aws").read_text(encoding="utf-8"))["errors"]
}


class AwsCommonDataTests:
    def test_codes_are_unique_and_many(self):
        assert len(ITEMS) == 552  # with the S3 codes
        assert len({code.lower() for code in ITEMS}) == 552
        assert sum(i["product"] == "EC2" for i in ITEMS.values()) > 390

    def test_only_facts(self):
        fields = {"code", "status", "status_derived", "product", "fault", "link"}
        assert all(set(item) <= fields for item in ITEMS.values())

    def test_common_errors_keep_their_documented_status(self):
        for code, status in [("IncompleteSignature", 403), ("OptInRequired", 403),
                             ("NotAuthorized", 401), ("RequestExpired", 400),
                             ("MalformedQueryString", 404),
                             ("ServiceUnavailable", 503)]:  # fmt: skip
            item = ITEMS[code]
            assert (item["status"], item["product"]) == (status, "all AWS services")
            assert "status_derived" not in item

    def test_ec2_client_errors_are_400_and_the_senders(self):
        item = ITEMS["InvalidInstanceID.NotFound"]
        assert (item["status"], item["status_derived"], item["fault"]) == (
            400,
            True,
            "sender",
        )
        assert item["link"].endswith(
            "errors-overview.html#api-error-codes-table-client"
        )

    def test_ec2_server_errors_are_5xx_and_the_receivers(self):
        assert ITEMS["InsufficientInstanceCapacity"]["status"] == 500
        assert ITEMS["Unavailable"]["status"] == 503
        assert {ITEMS[c]["fault"] for c in ("InsufficientInstanceCapacity",
                                            "ServerInternal")} == {"receiver"}  # fmt: skip

    def test_classes_come_from_the_sdk_rules(self):
        assert FACTS["RequestLimitExceeded"]["class"] == "throttling"
        assert FACTS["BandwidthLimitExceeded"]["class"] == "throttling"
        assert FACTS["Throttling"]["class"] == "throttling"
        assert FACTS["InsufficientInstanceCapacity"]["class"] == "transient"
        assert FACTS["InvalidInstanceID.NotFound"]["class"] is None

    def test_the_shipped_reference_has_them_where_botocore_has_none(self):
        assert SHIPPED["InvalidInstanceID.NotFound"]["product"] == "EC2"
        assert SHIPPED["OptInRequired"]["product"] == "all AWS services"
        # botocore models ThrottlingException: the model's entry stays.
        assert SHIPPED["ThrottlingException"]["product"] != "all AWS services"


# The example on https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
# ("Example error response"), a client error (400-series status).
EC2_DOCS_EXAMPLE = """<Response>
    <Errors>
         <Error>
           <Code>InvalidInstanceID.NotFound</Code>
           <Message>The instance ID 'i-1a2b3c4d' does not exist</Message>
         </Error>
    </Errors>
    <RequestID>ea966190-f9aa-478e-9ede-example</RequestID>
</Response>"""


class Ec2ResponseTests:
    @pytest.mark.parametrize(
        "case_id",
        ["aws-ec2-invalid-instance-id-notfound-1",
         "aws-ec2-invalid-instance-id-malformed-1"],
    )  # fmt: skip
    def test_botocores_ec2_errors(self, case_id):
        # boto/botocore tests/unit (see each case's "source" in known-b.jsonl)
        case = recorded(case_id)
        result = lookup(
            LookupRequest(status=case["status"], headers=case["headers"],
                          body=case["body"], provider="aws"),
            shipped_index(),
        )  # fmt: skip
        assert (result.match.provider, result.match.code) == (
            "aws",
            case["expect"]["code"],
        )
        assert result.retry.action == "do_not_retry"

    def test_the_documented_example_without_a_provider(self):
        result = lookup(
            LookupRequest(status=400, body=EC2_DOCS_EXAMPLE), shipped_index()
        )
        assert (result.match.provider, result.match.code) == (
            "aws",
            "InvalidInstanceID.NotFound",
        )
        assert result.retry.action == "do_not_retry"
