"""Amazon S3's error codes in the AWS importer's data file (kb/importers/data/
aws_common.yaml, product S3), and S3 error responses looked up with them."""

import pytest
import yaml

from kb.importers.aws import common_facts
from kb.importers.base import load_data, path_for
from kb.lookup.engine import lookup
from kb.lookup.types import LookupRequest
from tests.kb.engine_kb import shipped_index

S3 = {
    item["code"]: item
    for item in load_data("aws_common.yaml")["errors"]
    if item["product"] == "S3"
}
FACTS = {fact["code"]: fact for fact in common_facts(set())}
SHIPPED = {
    item["code"]: item
    for item in yaml.safe_load(path_for("aws").read_text(encoding="utf-8"))["errors"]
}
ERROR_LIST = "https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html"


class AwsS3DataTests:
    def test_the_s3_list(self):
        # The S3 API Reference's list of error codes (with its replication and
        # tagging lists), less the codes the file already had.
        assert len(S3) == 127
        assert all(
            item["link"] == ERROR_LIST + "#ErrorCodeList" for item in S3.values()
        )
        assert all(set(item) <= {"code", "status", "product", "link"}
                   for item in S3.values())  # fmt: skip

    @pytest.mark.parametrize(
        ("code", "status"),
        [("SlowDown", 503), ("NotImplemented", 501), ("InvalidRange", 416),
         ("RequestTimeTooSkewed", 403), ("EntityTooLarge", 400),
         ("PermanentRedirect", 301), ("BucketNotEmpty", 409),
         ("InvalidAccessKeyId", 403), ("MissingContentLength", 411)],
    )  # fmt: skip
    def test_documented_statuses(self, code, status):
        assert S3[code]["status"] == status

    def test_soap_only_codes_have_no_status(self):
        assert "status" not in S3["MissingAttachment"]

    def test_classes_come_from_the_sdk_rules(self):
        assert FACTS["SlowDown"]["class"] == "throttling"
        assert FACTS["NotImplemented"]["class"] is None
        assert FACTS["InvalidRange"]["class"] is None

    def test_codes_listed_earlier_keep_their_entry(self):
        # SignatureDoesNotMatch is also an EC2 code above it in the file.
        assert FACTS["SignatureDoesNotMatch"]["product"] == "EC2"

    def test_the_shipped_reference(self):
        assert (SHIPPED["SlowDown"]["status"], SHIPPED["SlowDown"]["product"]) == (
            503,
            "S3",
        )
        # botocore models NoSuchKey: the model's entry stays.
        assert "link" not in SHIPPED["NoSuchKey"]
        assert SHIPPED["NoSuchKey"]["fault"] == "sender"
        assert SHIPPED["RequestTimeTooSkewed"]["product"] == "S3"


# boto/botocore tests/functional/test_s3.py, TestRegionRedirect: the stubbed S3
# responses for a bucket in another region (status and body as stubbed).
REDIRECT = (
    301,
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error>    <Code>PermanentRedirect</Code>'
    "    <Message>The bucket you are attempting to access must be        addressed "
    "using the specified endpoint. Please send         all future requests to this "
    "endpoint.    </Message>    <Bucket>foo</Bucket>    <Endpoint>"
    "foo.s3.eu-central-1.amazonaws.com</Endpoint></Error>",
)
BAD_SIGNING_REGION = (
    400,
    '<?xml version="1.0" encoding="UTF-8"?><Error>  <Code>AuthorizationHeaderMalformed'
    "</Code>  <Message>the region us-west-2 is wrong; expecting eu-central-1</Message>"
    "  <Region>eu-central-1</Region>  <RequestId>BD9AA1730D454E39</RequestId>  "
    "<HostId></HostId></Error>",
)


class AwsS3ResponseTests:
    @pytest.mark.parametrize(
        ("response", "code"),
        [(REDIRECT, "PermanentRedirect"),
         (BAD_SIGNING_REGION, "AuthorizationHeaderMalformed")],
    )  # fmt: skip
    def test_botocores_region_redirect_responses(self, response, code):
        status, body = response
        for provider in ("aws", None):
            result = lookup(
                LookupRequest(status=status, body=body, provider=provider,
                              headers={"x-amz-bucket-region": "eu-central-1"}),
                shipped_index(),
            )  # fmt: skip
            assert (result.match.provider, result.match.code) == ("aws", code)
            # The request must change (its endpoint or signing region) first.
            assert result.retry.action == "retry_after_fix"
