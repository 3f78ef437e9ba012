"""Choices shared by the models, the content files and the admin.

The lookup's vocabularies (retry actions, retry labels, who can fix it, layers,
tiers) are ``StrEnum``s in ``kb.lookup.types``; the choices here are derived from
them and only add the labels editors read. Ranked choices are integers so that
ordering by them is ordering by meaning.
"""

from django.db import models

from kb.lookup import types


def text_choices(name: str, enum, labels: dict) -> type[models.TextChoices]:
    """A TextChoices with exactly the members of ``enum``, labelled for editors."""
    return models.TextChoices(
        name, [(member.name, (member.value, labels[member])) for member in enum]
    )


class Likelihood(models.IntegerChoices):
    LOW = 1, "low"
    MEDIUM = 2, "medium"
    HIGH = 3, "high"


class Difficulty(models.IntegerChoices):
    EASY = 1, "easy"
    MEDIUM = 2, "medium"
    HARD = 3, "hard"


class Severity(models.IntegerChoices):
    LOW = 1, "low"
    MEDIUM = 2, "medium"
    HIGH = 3, "high"
    CRITICAL = 4, "critical"


Retryable = text_choices(
    "Retryable",
    types.Retryable,
    {
        types.Retryable.ALWAYS: "always (transient)",
        types.Retryable.CONDITIONAL: "conditionally (see the retry notes)",
        types.Retryable.NEVER: "never (fix the request first)",
    },
)
RetryAction = models.TextChoices(
    "RetryAction",
    [(a.name, (a.value, a.label)) for a in types.ENTRY_ACTIONS],
)
FixableBy = text_choices(
    "FixableBy",
    types.FixableBy,
    {
        types.FixableBy.CALLER_CODE: "the caller's code",
        types.FixableBy.CALLER_CONFIG: "the caller's configuration or credentials",
        types.FixableBy.ACCOUNT: "the account or billing",
        types.FixableBy.CALLER_INFRA: "the caller's infrastructure or origin",
        types.FixableBy.PROVIDER: "the provider",
        types.FixableBy.END_USER: "the end user",
    },
)
LAYER_LABELS = {
    types.Layer.STANDARD: "a protocol standard (any layer)",
    types.Layer.API: "the provider's API",
    types.Layer.EDGE: "an edge network or CDN",
    types.Layer.PROXY: "a proxy or load balancer",
    types.Layer.ORIGIN: "the caller's own origin or platform",
    types.Layer.UNKNOWN: "unknown",
}
# Which layer of the path between caller and service produced a response; a
# provider is never "unknown", an answer may be.
Layer = models.TextChoices(
    "Layer",
    [
        (m.name, (m.value, LAYER_LABELS[m]))
        for m in types.Layer
        if m is not types.Layer.UNKNOWN
    ],
)
Tier = text_choices(
    "Tier",
    types.Tier,
    {
        types.Tier.CURATED: "curated (written by editors)",
        types.Tier.REFERENCE: "reference (imported facts)",
    },
)


class State(models.TextChoices):
    DRAFT = "draft", "draft"
    PUBLISHED = "published", "published"


class NoteKind(models.TextChoices):
    WARNING = "warning", "warning"
    TIP = "tip", "tip"
    NOTE = "note", "note"


def choice_values(choices: type[models.Choices]) -> list:
    return [value for value, _label in choices.choices]
