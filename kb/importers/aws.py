"""AWS: every error shape of every service model in botocore, keyed by its wire code,
plus the AWS-wide common errors and the EC2 codes that botocore does not model,
from a facts-only data file (``data/aws_common.yaml``).

botocore's models are Apache-2.0; only facts are taken: the code, the HTTP status,
the service, the fault and the retry trait. A code that several services share is
one entry: its status is the one most services give it, and its products name them.
"""

from collections import Counter, defaultdict
from pathlib import Path

import botocore
import botocore.session

from kb.importers.base import DATA_DIR, Reference, load_data
from kb.lookup.classes import rules

DOCS_URL = "https://docs.aws.amazon.com/general/latest/gr/api-retries.html"
# AWS documents most codes on each service's API reference; its documentation
# search finds the page for a code.
SEARCH_URL = "https://docs.aws.amazon.com/search/doc-search.html?searchPath=documentation&searchQuery={code}"
MAX_PRODUCTS = 3


def shapes():
    """(service id, wire code, shape name, error trait, shape) for every modelled
    error of every service."""
    loader = botocore.session.get_session().get_component("data_loader")
    for service in sorted(loader.list_available_services("service-2")):
        model = loader.load_service_model(service, "service-2")
        product = model["metadata"].get("serviceId") or service
        for name, shape in sorted(model["shapes"].items()):
            if not shape.get("exception"):
                continue
            error = shape.get("error") or {}
            yield product, error.get("code") or name, name, error, shape


def build() -> Reference:
    statuses: dict[str, Counter] = defaultdict(Counter)
    products: dict[str, list[str]] = defaultdict(list)
    faults: dict[str, Counter] = defaultdict(Counter)
    aliases: dict[str, set[str]] = defaultdict(set)
    retryable: dict[str, Counter] = defaultdict(Counter)
    derived: set[str] = set()
    spellings: dict[str, Counter] = defaultdict(Counter)
    for product, wire, name, error, shape in shapes():
        # Codes are case-insensitive here, as in the catalogue: KMSNotFoundException
        # and KmsNotFoundException are one entry under the commoner spelling.
        code = wire.lower()
        spellings[code][wire] += 1
        server = bool(shape.get("fault"))
        if "httpStatusCode" in error:
            statuses[code][error["httpStatusCode"]] += 1
        else:
            # No modelled status: AWS protocols answer 500 for a server fault and
            # 400 for a client one (botocore's parsers assume the same).
            statuses[code][500 if server else 400] += 1
            derived.add(code)
        if product not in products[code]:
            products[code].append(product)
        faults[code]["receiver" if server else "sender"] += 1
        if name.lower() != code:
            aliases[code].add(name)
        trait = shape.get("retryable")
        if trait is None:
            retryable[code]["none"] += 1
        else:
            retryable[code][
                "throttling" if trait.get("throttling") else "transient"
            ] += 1
    sdk = rules()
    facts = []
    for key, counts in statuses.items():
        code = spellings[key].most_common(1)[0][0]
        status = counts.most_common(1)[0][0]
        names = products[key]
        product = ", ".join(names[:MAX_PRODUCTS])
        if len(names) > MAX_PRODUCTS:
            product += f" and {len(names) - MAX_PRODUCTS} more"
        fact = {
            "code": code,
            "status": status,
            "status_derived": key in derived and len(counts) == 1 or None,
            "product": product,
            "fault": faults[key].most_common(1)[0][0],
            # The SDK's own lists first (one data file for engine and importers),
            # then the model's retryable trait.
            "class": sdk.class_of("aws", code, None) or modelled_class(retryable[key]),
            "aliases": sorted({a for a in aliases[key] if a.lower() not in statuses})
            or None,
        }
        facts.append(fact)
    facts += common_facts({f["code"].lower() for f in facts})
    return Reference(
        provider="aws",
        source="botocore's service models and AWS's documentation of common and EC2 "
        "errors",
        version=f"botocore {botocore.__version__}",
        licence="botocore: Apache-2.0; AWS documentation: facts only, no text copied",
        docs_url=DOCS_URL,
        link_template=SEARCH_URL,
        facts=facts,
    )


def modelled_class(traits: Counter) -> str | None:
    """The retry trait most services model the code with (one service marking a
    shared code such as AccessDeniedException retryable does not make it so)."""
    trait, count = traits.most_common(1)[0] if traits else ("none", 0)
    return None if trait == "none" or count * 2 <= sum(traits.values()) else trait


def common_facts(known: set[str]) -> list[dict]:
    """The AWS-wide and EC2 codes botocore does not model, from the data file."""
    path = Path(DATA_DIR / "aws_common.yaml")
    if not path.exists():
        return []
    sdk = rules()
    facts = []
    for item in load_data("aws_common.yaml")["errors"]:
        if item["code"].lower() in known:
            continue
        known.add(item["code"].lower())
        facts.append({**item, "class": item.get("class") or sdk.class_of(
            "aws", item["code"], item.get("status"))})  # fmt: skip
    return facts
