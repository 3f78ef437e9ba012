"""Kubernetes: the `StatusReason` values of k8s.io/apimachinery, from a facts-only
data file (``data/kubernetes.yaml``) that names the exact commit of types.go read.

Each reason is sent as the `reason` of a `kind: Status` body; its status is the one
its declaration documents. The retry class comes from the shared provider rules
(client-go's retry behaviour), else from the declaration's own statement that calls
returning the reason can never succeed. A Go constant whose name differs from the
wire value (StatusReasonStoreReadError sends "StorageReadError") gives an alias.
"""

from kb.importers.base import Reference, load_data
from kb.lookup.classes import rules

DOCS_URL = "https://pkg.go.dev/k8s.io/apimachinery/pkg/apis/meta/v1#StatusReason"
PREFIX = "StatusReason"


def build() -> Reference:
    data = load_data("kubernetes.yaml")
    sdk = rules()
    facts = []
    for item in data["reasons"]:
        code, status = item["code"], item["status"]
        name = item["constant"].removeprefix(PREFIX)
        retry_class = sdk.class_of("kubernetes", code, status)
        if retry_class is None and item.get("never_succeeds"):
            retry_class = "never"
        facts.append(
            {
                "code": code,
                "status": status,
                "class": retry_class,
                "aliases": [name] if name.lower() != code.lower() else None,
            }
        )
    return Reference(
        provider="kubernetes",
        source="k8s.io/apimachinery's StatusReason declarations (pkg/apis/meta/v1/"
        "types.go)",
        version=f"apimachinery {data['commit'][:12]} ({data['date']})",
        licence="Apache-2.0; facts only (reason, documented status), no text copied",
        docs_url=DOCS_URL,
        facts=facts,
    )
