"""Reading fixture files into validated plain documents (no database access)."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kb.content import schema
from kb.content.reference import check_reference_file
from kb.content.schema import ContentError, check_map

MAX_FILE_BYTES = 8 * 1024 * 1024
# libyaml's parser when PyYAML has it (its wheels do): the same documents, 10x faster.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Document:
    path: Path
    kind: str  # "provider", "categories" or "guides"
    data: dict[str, Any]
    errors: list[ContentError] = field(default_factory=list)


def read_document(path: Path) -> Document:
    """Parse and check one file; problems are collected in ``Document.errors``."""
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Document(path, "", {}, [ContentError(name, "(file)", str(exc))])
    if len(raw) > MAX_FILE_BYTES:
        return Document(
            path, "", {}, [ContentError(name, "(file)", "larger than 8 MiB")]
        )
    try:
        data = yaml.load(raw.decode("utf-8"), Loader=SAFE_LOADER)
    except UnicodeDecodeError as exc:
        return Document(
            path, "", {}, [ContentError(name, "(file)", f"not UTF-8: {exc}")]
        )
    except yaml.YAMLError as exc:
        return Document(
            path, "", {}, [ContentError(name, "(file)", f"not YAML: {exc}")]
        )
    if not isinstance(data, dict):
        return Document(path, "", {}, [ContentError(name, "(file)", "must be a map")])
    for kind, checker in CHECKERS.items():
        if kind in data:
            doc = Document(path, kind, data)
            doc.errors = [
                ContentError(name, entry, reason) for entry, reason in checker(data)
            ]
            return doc
    reason = "needs a top-level 'provider', 'reference', 'categories' or 'guides' key"
    return Document(path, "", {}, [ContentError(name, "(file)", reason)])


def check_provider_file(data: dict) -> list[tuple[str, str]]:
    problems = [
        ("(file)", f"{key}: unknown top-level key")
        for key in data
        if key not in ("provider", "errors")
    ]
    provider = data["provider"]
    problems += [("provider", p) for p in check_map(provider, schema.PROVIDER)]
    errors = data.get("errors") or []
    if not isinstance(errors, list):
        return problems + [("errors", "must be a list")]
    seen: set[str] = set()
    for index, error in enumerate(errors):
        code = error.get("code") if isinstance(error, dict) else None
        entry = f"errors[{index}] ({code})" if code else f"errors[{index}]"
        problems += [(entry, p) for p in check_error(error)]
        if isinstance(code, str):
            if code.lower() in seen:
                problems.append(
                    (entry, "code: appears twice (codes are case-insensitive)")
                )
            seen.add(code.lower())
    return problems


def check_error(error: Any) -> list[str]:
    problems = check_map(error, schema.ERROR)
    if problems == ["must be a map"]:
        return problems
    retry = error.get("retry")
    if isinstance(retry, dict):
        problems += [f"retry.{p}" for p in check_map(retry, schema.RETRY)]
    for part, spec in schema.PARTS.items():
        items = error.get(part)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            problems += [f"{part}[{index}].{p}" for p in check_map(item, spec)]
    causes = error.get("causes") if isinstance(error.get("causes"), list) else []
    for index, fix in enumerate(error.get("fixes") or []):
        cause = fix.get("cause") if isinstance(fix, dict) else None
        if isinstance(cause, int) and not 1 <= cause <= len(causes):
            problems.append(f"fixes[{index}].cause: there is no cause number {cause}")
    for index, sig in enumerate(error.get("signatures") or []):
        if isinstance(sig, dict) and not any(
            sig.get(k) for k in ("status", "code", "header", "body_regex")
        ):
            problems.append(
                f"signatures[{index}]: must constrain a status, code, header or body_regex"
            )
        if isinstance(sig, dict) and sig.get("header_value") and not sig.get("header"):
            problems.append(f"signatures[{index}].header_value: needs a header")
    return problems


def check_list_file(key: str, spec: schema.Spec):
    def checker(data: dict) -> list[tuple[str, str]]:
        problems = [("(file)", f"{k}: unknown top-level key") for k in data if k != key]
        items = data[key]
        if not isinstance(items, list):
            return problems + [(key, "must be a list")]
        seen: set[str] = set()
        for index, item in enumerate(items):
            slug = item.get("slug") if isinstance(item, dict) else None
            entry = f"{key}[{index}] ({slug})" if slug else f"{key}[{index}]"
            problems += [(entry, p) for p in check_map(item, spec)]
            if slug in seen:
                problems.append((entry, "slug: appears twice"))
            seen.add(slug)
        return problems

    return checker


CHECKERS = {
    "provider": check_provider_file,
    "reference": check_reference_file,
    "categories": check_list_file("categories", schema.CATEGORY),
    "guides": check_list_file("guides", schema.GUIDE),
}


def fixture_paths(directory: Path) -> list[Path]:
    """The curated files, then the generated reference files (reference/)."""
    curated = sorted(p for p in directory.glob("*.yaml") if p.is_file())
    reference = sorted(
        p for p in (directory / "reference").glob("*.yaml") if p.is_file()
    )
    return curated + reference
