"""Google: the google.rpc.Code values with their documented HTTP mapping and the
google.api.ErrorReason values, both from the googleapis-common-protos package (the
compiled enums, and the mapping from the comments of the google/rpc/code.proto it
ships), plus the JSON API ``errors[].reason`` values with their statuses, from a
facts-only data file (``data/google_json_reasons.yaml``).

googleapis-common-protos is Apache-2.0; only facts are taken: the code, the HTTP
status, the product and the link to the source.
"""

import re
from importlib.metadata import version
from pathlib import Path

from google.api import error_reason_pb2
from google.rpc import code_pb2

from kb.importers.base import Reference, load_data
from kb.lookup.classes import rules

DOCS_URL = "https://cloud.google.com/apis/design/errors"
CODE_PROTO_URL = (
    "https://github.com/googleapis/googleapis/blob/master/google/rpc/code.proto"
)
ERROR_REASON_URL = (
    "https://github.com/googleapis/googleapis/blob/master/google/api/error_reason.proto"
)
RPC_PRODUCT = "Google APIs (google.rpc.Code)"
REASON_PRODUCT = "Google Cloud APIs (google.api.ErrorReason)"
PACKAGE = "googleapis-common-protos"

# In code.proto each value is preceded by a comment whose last line is
# "// HTTP Mapping: 404 Not Found".
MAPPING = re.compile(r"//\s*HTTP Mapping:\s*(\d{3})\b[^\n]*\n\s*([A-Z_]+)\s*=\s*\d+;")


def rpc_statuses() -> dict[str, int]:
    """google.rpc.Code name -> HTTP status, as code.proto documents it."""
    proto = Path(code_pb2.__file__).with_name("code.proto")
    mapped = {name: int(status) for status, name in MAPPING.findall(proto.read_text())}
    names = [v.name for v in code_pb2.Code.DESCRIPTOR.values]
    if set(mapped) != set(names):
        raise ValueError(
            f"code.proto maps {sorted(mapped)}, the enum has {sorted(names)}"
        )
    return mapped


def rpc_facts() -> list[dict]:
    sdk = rules()
    return [
        {"code": name, "status": status, "product": RPC_PRODUCT,
         "class": sdk.class_of("google", name, status), "link": CODE_PROTO_URL}
        for name, status in rpc_statuses().items()
    ]  # fmt: skip


def reason_facts() -> list[dict]:
    """google.api.ErrorReason: no status is documented for them."""
    sdk = rules()
    return [
        {"code": name, "product": REASON_PRODUCT,
         "class": sdk.class_of("google", name, None), "link": ERROR_REASON_URL}
        for name in (v.name for v in error_reason_pb2.ErrorReason.DESCRIPTOR.values)
        if name != "ERROR_REASON_UNSPECIFIED"  # the proto's "do not use" default
    ]  # fmt: skip


def json_reason_facts() -> list[dict]:
    sdk = rules()
    return [
        {**item, "class": sdk.class_of("google", item["code"], item.get("status"))}
        for item in load_data("google_json_reasons.yaml")["errors"]
    ]


ADS_LINK = (
    "https://developers.google.com/google-ads/api/reference/rpc/v26/{enum}Enum.{enum}"
)


def ads_facts() -> list[dict]:
    """The Google Ads API's error enums (data/google_ads.yaml): the largest list of
    codes Google publishes for one API, answered inside a GoogleAdsFailure."""
    sdk = rules()
    return [
        {"code": item["code"], "status": item["status"], "status_derived": True,
         "product": item["product"], "link": ADS_LINK.format(enum=item["enum"]),
         "class": sdk.class_of("google", item["code"], None)}
        for item in load_data("google_ads.yaml")["errors"]
    ]  # fmt: skip


def build() -> Reference:
    facts: list[dict] = []
    seen: set[str] = set()
    for fact in rpc_facts() + json_reason_facts() + reason_facts() + ads_facts():
        # One entry per code, case-insensitively: the first source keeps it (a
        # Google Ads code such as RESOURCE_EXHAUSTED is the canonical one).
        if fact["code"].lower() not in seen:
            seen.add(fact["code"].lower())
            facts.append(fact)
    return Reference(
        provider="google",
        source="googleapis-common-protos (google.rpc.Code with code.proto's HTTP "
        "mapping, google.api.ErrorReason), Google's API error pages (JSON API error "
        "reasons) and the google-ads package's error enums",
        version=f"{PACKAGE} {version(PACKAGE)}; error pages read 2026-12-02",
        licence="googleapis-common-protos and google-ads: Apache-2.0; Google "
        "documentation: facts only, no text copied",
        docs_url=DOCS_URL,
        facts=facts,
    )
