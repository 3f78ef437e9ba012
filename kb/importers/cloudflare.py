"""Cloudflare: the edge error pages (1000–1200 series, shown in the body of a page
with a 403, 409, 429 or 530 status) and the numeric ``errors[].code`` values of the API
v4 that Cloudflare's documentation lists (R2, Workers, Workers AI, Queues, Lists and
Bulk Redirects, image transformations), from a facts-only data file
(``data/cloudflare.yaml``) read from Cloudflare's documentation repository.

No package carries these lists: Cloudflare's SDKs (cloudflare-python,
cloudflare-typescript, cloudflare-go) model no error codes. API codes are numbered per
service, so one number can mean different things in two products: such a code is one
entry naming every product, and keeps a status or a name only where they all agree.
Curated entries (fixtures/cloudflare.yaml) win over these automatically.
"""

from collections import defaultdict

from kb.importers.base import Reference, load_data
from kb.lookup.classes import rules

DOCS_URL = "https://developers.cloudflare.com/api/"
MAX_PRODUCTS = 3


def merged(items: list[dict], shared: bool) -> dict:
    """One code listed by several products: the facts they agree on. Edge error pages
    share one numbering (a Workers error page 1015 is the edge's 1015), so a page that
    states no status does not disagree; API codes are numbered per service, so there a
    product that states none does."""
    statuses = {item.get("status") for item in items}
    names = {item.get("name") for item in items}
    if shared:
        statuses = (statuses - {None}) or {None}
        names = (names - {None}) or {None}
    products: list[str] = []
    for item in items:
        if item["product"] not in products:
            products.append(item["product"])
    product = ", ".join(products[:MAX_PRODUCTS])
    if len(products) > MAX_PRODUCTS:
        product += f" and {len(products) - MAX_PRODUCTS} more"
    return {
        "status": statuses.pop() if len(statuses) == 1 else None,
        "name": names.pop() if len(names) == 1 else None,
        "product": product,
        # The first page that documents it (the edge page for a 1xxx code).
        "link": next((item["link"] for item in items if item.get("link")), None),
    }


def build() -> Reference:
    data = load_data("cloudflare.yaml")
    listed: dict[str, list[dict]] = defaultdict(list)
    sections: dict[str, set[str]] = defaultdict(set)
    for section in ("edge", "api", "observed"):
        for item in data[section]:
            listed[str(item["code"])].append(item)
            sections[str(item["code"])].add(section)
    sdk = rules()
    facts = []
    for code, items in listed.items():
        fact = {"code": code, **merged(items, sections[code] == {"edge"})}
        fact["class"] = sdk.class_of("cloudflare", code, fact["status"])
        facts.append(fact)
    return Reference(
        provider="cloudflare",
        source="Cloudflare's documentation (the 1xxx and 10xxx error pages, and the "
        "error code lists of R2, Workers, Workers AI, Queues and Images) and "
        "published API responses",
        version=data["version"],
        licence="Cloudflare documentation (github.com/cloudflare/cloudflare-docs): "
        "facts only, no text copied",
        docs_url=DOCS_URL,
        facts=facts,
    )
