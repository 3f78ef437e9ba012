"""Builders for test rows: sensible defaults, override what the test is about."""

from itertools import count

from kb.models import (
    FAQ,
    Category,
    Cause,
    ErrorCode,
    Fix,
    Note,
    Provider,
    Signature,
    Step,
)

_seq = count(1)


def make_provider(**kwargs) -> Provider:
    n = next(_seq)
    kwargs.setdefault("slug", f"provider-{n}")
    kwargs.setdefault("name", f"Provider {n}")
    return Provider.objects.create(**kwargs)


def make_category(**kwargs) -> Category:
    n = next(_seq)
    kwargs.setdefault("slug", f"category-{n}")
    kwargs.setdefault("name", f"Category {n}")
    return Category.objects.create(**kwargs)


def make_error(**kwargs) -> ErrorCode:
    n = next(_seq)
    if "provider" not in kwargs:
        kwargs["provider"] = make_provider()
    kwargs.setdefault("code", f"code_{n}")
    kwargs.setdefault("title", f"Error {n}")
    kwargs.setdefault("summary", "Something went wrong. Check the request.")
    kwargs.setdefault("state", "published")
    return ErrorCode.objects.create(**kwargs)


def make_cause(error, **kwargs) -> Cause:
    kwargs.setdefault("text", "A likely cause.")
    return Cause.objects.create(error=error, **kwargs)


def make_fix(error, **kwargs) -> Fix:
    kwargs.setdefault("text", "A fix.")
    return Fix.objects.create(error=error, **kwargs)


def make_step(error, **kwargs) -> Step:
    kwargs.setdefault("title", "A step")
    return Step.objects.create(error=error, **kwargs)


def make_faq(error, **kwargs) -> FAQ:
    kwargs.setdefault("question", "A question?")
    kwargs.setdefault("answer", "An answer.")
    return FAQ.objects.create(error=error, **kwargs)


def make_note(error, **kwargs) -> Note:
    kwargs.setdefault("text", "A note.")
    return Note.objects.create(error=error, **kwargs)


def make_signature(error, **kwargs) -> Signature:
    return Signature.objects.create(error=error, **kwargs)


def make_full_error(parts: int = 3, **kwargs) -> ErrorCode:
    """An error with `parts` of every kind of part, for query-count tests."""
    error = make_error(**kwargs)
    for i in range(parts):
        make_cause(error, text=f"Cause {i}", likelihood=1 + i % 3, position=i)
        make_fix(error, text=f"Fix {i}", difficulty=1 + i % 3, position=i)
        make_step(error, title=f"Step {i}", body="Do it.", tip="Carefully.", position=i)
        make_faq(error, question=f"Question {i}?", position=i)
        make_note(error, kind="tip", position=i)
    return error


def make_publishable_error(**kwargs) -> ErrorCode:
    """An entry that meets every quality rule of kb_lint (so it may be published)."""
    import datetime

    kwargs.setdefault("category", make_category())
    kwargs.setdefault("meaning", "What it means.")
    kwargs.setdefault("symptoms", "- It shows.")
    kwargs.setdefault("retry_notes", "Wait, then retry.")
    kwargs.setdefault("sources", ["https://docs.example.test/errors"])
    kwargs.setdefault("verified_on", datetime.date(2026, 12, 1))
    kwargs.setdefault("playbook_minutes_min", 5)
    kwargs.setdefault("playbook_minutes_max", 15)
    error = make_full_error(parts=5, **kwargs)
    make_signature(error, http_status=429)
    return error


def load_kb(source, directory) -> None:
    """Load a list of provider documents (as in tests/kb/lookup_kb.yaml) through the
    real loader, one file per provider."""
    import yaml

    from kb.content.load import load_files

    documents = yaml.safe_load(
        source.read_text() if hasattr(source, "read_text") else source
    )
    for document in documents:
        for error in document.get("errors", ()):
            if error.get("category"):
                Category.objects.get_or_create(
                    slug=error["category"], defaults={"name": error["category"]}
                )
    paths = []
    for document in documents:
        path = directory / f"{document['provider']['slug']}.yaml"
        path.write_text(yaml.safe_dump(document), encoding="utf-8")
        paths.append(path)
    load_files(paths)
