"""Salesforce: every `StatusCode` and `ExceptionCode` value of the Partner WSDL, from
a facts-only data file (``data/salesforce.yaml``) that names the WSDL's API version
and the commit it was read from.

Both enumerations reach REST clients as the `errorCode` of an error body. Statuses:
the three the REST API documentation states for a named code (INVALID_SESSION_ID
401, REQUEST_LIMIT_EXCEEDED 403, NOT_FOUND 404). A StatusCode value is the error of
one record, which the REST API answers with 400 when a single-record request fails:
those get 400 marked as derived. A value that is also (or only) an ExceptionCode is
a fault of the whole request, whose status varies: none is stated for it. The retry
class comes from the shared provider rules only; the WSDL carries no retry trait.
"""

from kb.importers.base import Reference, load_data
from kb.lookup.classes import rules

# The SOAP API's list of both enumerations; the REST guide's status page.
DOCS_URL = (
    "https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/"
    "sforce_api_calls_concepts_core_data_objects.htm"
)
RECORD_ERROR_STATUS = 400


def build() -> Reference:
    data = load_data("salesforce.yaml")
    documented = {item["code"]: item for item in data["documented"]}
    record_codes = set(data["status_codes"])
    request_codes = set(data["exception_codes"])
    sdk = rules()
    facts = []
    for code in sorted(record_codes | request_codes):
        known = documented.get(code)
        if known:
            status, derived = known["status"], None
        elif code in record_codes and code not in request_codes:
            status, derived = RECORD_ERROR_STATUS, True
        else:
            status, derived = None, None
        facts.append(
            {
                "code": code,
                "status": status,
                "status_derived": derived,
                "class": sdk.class_of("salesforce", code, status),
                "link": known["link"] if known else None,
            }
        )
    return Reference(
        provider="salesforce",
        source="the StatusCode and ExceptionCode enumerations of Salesforce's Partner "
        "WSDL, and the statuses the REST API documentation states",
        version=f"Partner WSDL API {data['api_version']} ({data['wsdl_generated']})",
        licence="WSDL (c) salesforce.com, vendored by forceworkbench (BSD-3-Clause); "
        "Salesforce documentation: facts only, no text copied",
        docs_url=DOCS_URL,
        facts=facts,
    )
