"""Azure Storage: every error code of the Blob, Queue, Files, Data Lake and Table
services, read from the Azure SDK for Python's enums (azure-storage-blob's
`StorageErrorCode`, whose source groups the codes by service, plus the enum
generated from the Blob REST specification; azure-data-tables' `TableErrorCode`),
with the HTTP statuses of Microsoft's REST error-code tables from a facts-only data
file (``data/azure_storage.yaml``, which names each page, its revision, and the
emulator source used for the few codes the tables give no status for).

The SDKs are MIT; only facts are taken: the code, its status and the service. The
retry class comes from the shared provider rules (azure-core's RetryPolicy).
"""

import inspect
import re
from importlib.metadata import version

from azure.data.tables import TableErrorCode
from azure.storage.blob import StorageErrorCode
from azure.storage.blob._generated.models import StorageErrorCode as BlobSpecCode

from kb.importers.base import Reference, load_data
from kb.lookup.classes import rules

DOCS_URL = (
    "https://learn.microsoft.com/en-us/rest/api/storageservices/"
    "common-rest-api-error-codes"
)
COMMON = "Azure Storage"
# The comment heading each group of the SDKs' enums, and the product it names.
SECTIONS = {
    "generic storage": COMMON,
    "blob": "Blob storage",
    "queue": "Queue storage",
    "file": "Azure Files",
    "datalake": "Data Lake Storage",
    "table": "Table storage",
}
# The pages of the data file, and the product each documents.
PAGE_PRODUCTS = {
    "common": COMMON,
    "blob": "Blob storage",
    "queue": "Queue storage",
    "table": "Table storage",
    "file": "Azure Files",
}
HEADING = re.compile(r"^\s*#\s*(.+?)\s+(?:values|error codes)\s*$", re.IGNORECASE)
MEMBER = re.compile(r'^\s*[A-Z0-9_]+\s*=\s*"([^"]+)"')


def sections(enum) -> dict[str, str]:
    """Code -> product, by the comment heading the group each member sits in."""
    products: dict[str, str] = {}
    product = ""
    for line in inspect.getsource(enum).splitlines():
        if heading := HEADING.match(line):
            product = SECTIONS.get(heading.group(1).strip().lower(), "")
        elif (member := MEMBER.match(line)) and product:
            products.setdefault(member.group(1), product)
    return products


def sdk_codes() -> dict[str, str]:
    """Every code the SDKs list, with the product their grouping gives ("" if none)."""
    grouped = sections(StorageErrorCode)
    for code, product in sections(TableErrorCode).items():
        grouped.setdefault(code, product)
    codes = {m.value: grouped.get(m.value, "") for m in StorageErrorCode}
    for enum in (BlobSpecCode, TableErrorCode):
        for member in enum:
            codes.setdefault(member.value, grouped.get(member.value, ""))
    return codes


def build() -> Reference:
    data = load_data("azure_storage.yaml")
    spellings = data["spellings"]
    documented: dict[str, tuple[int, str]] = {}  # code -> (status, page)
    for page, rows in data["statuses"].items():
        for code, status in rows.items():
            documented.setdefault(spellings.get(code, code), (status, page))
    codes = sdk_codes()
    for code in documented:
        codes.setdefault(code, "")
    sdk = rules()
    facts = []
    for code, grouped_product in codes.items():
        status, page = documented.get(code, (None, None))
        product = PAGE_PRODUCTS[page] if page else grouped_product
        emulated = data["azurite"].get(code)
        if status is None and emulated:
            status = emulated["status"]
            if not product:
                services = emulated["services"]
                product = COMMON if len(services) > 1 else PAGE_PRODUCTS[services[0]]
        aliases = sorted(old for old, new in spellings.items() if new == code)
        facts.append(
            {
                "code": code,
                "status": status,
                "product": product,
                "class": sdk.class_of("azure", code, status),
                "aliases": aliases or None,
                "link": data["pages"][page] if page else None,
            }
        )
    return Reference(
        provider="azure",
        source="the Azure SDK for Python's storage error-code enums, with the "
        "statuses of Microsoft's Azure Storage REST error-code tables",
        version=f"azure-storage-blob {version('azure-storage-blob')}, "
        f"azure-data-tables {version('azure-data-tables')}",
        licence="SDKs: MIT; Microsoft documentation and Azurite (MIT): facts only, "
        "no text copied",
        docs_url=DOCS_URL,
        facts=facts,
    )
