"""Choices shared by the models, the content files and the lookup engine.

Ranked choices are integers so that ordering by them is ordering by meaning.
"""

from django.db import models


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


class Retryable(models.TextChoices):
    ALWAYS = "always", "always (transient)"
    CONDITIONAL = "conditional", "conditionally (see the retry notes)"
    NEVER = "never", "never (fix the request first)"


class FixableBy(models.TextChoices):
    CALLER_CODE = "caller_code", "the caller's code"
    CALLER_CONFIG = "caller_config", "the caller's configuration or credentials"
    ACCOUNT = "account", "the account or billing"
    CALLER_INFRA = "caller_infra", "the caller's infrastructure or origin"
    PROVIDER = "provider", "the provider"
    END_USER = "end_user", "the end user"


class Layer(models.TextChoices):
    """Which layer of the path between caller and service produced a response."""

    STANDARD = "standard", "a protocol standard (any layer)"
    API = "api", "the provider's API"
    EDGE = "edge", "an edge network or CDN"
    PROXY = "proxy", "a proxy or load balancer"
    ORIGIN = "origin", "the caller's own origin or platform"


class State(models.TextChoices):
    DRAFT = "draft", "draft"
    PUBLISHED = "published", "published"


class NoteKind(models.TextChoices):
    WARNING = "warning", "warning"
    TIP = "tip", "tip"
    NOTE = "note", "note"


def choice_values(choices: type[models.Choices]) -> list:
    return [value for value, _label in choices.choices]
