"""The published OpenAPI schema says what the API does.

schemathesis reads /api/schema/ from the app, generates requests for every
operation (valid ones, and ones that break the schema), sends them through the
Django app in-process and checks every answer: no 5xx, a documented status and
content type, a body the schema allows, invalid input refused, valid input
accepted, reads open to anyone. It runs anonymously and with an editor's token,
for a bounded number of examples per operation (EXAMPLES), derandomized so that a
failure in CI reproduces locally.
"""

import tempfile
from pathlib import Path

import pytest
import schemathesis
from django.contrib.auth.models import Group, User
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup

from kb.models import Example
from tests.factories import (
    make_category,
    make_error,
    make_full_error,
    make_provider,
    make_signature,
)

pytestmark = pytest.mark.django_db

# Hypothesis keeps caches in ./.hypothesis by default; not in the repository.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "errorkb-hypothesis")

# Examples per operation and generation mode: 63 operations, two callers, two
# modes; about 25 s in all on two cores.
EXAMPLES = {GenerationMode.POSITIVE: 5, GenerationMode.NEGATIVE: 3}

CONFIG = {
    # The API refuses NUL in any text with a 400 (PostgreSQL text cannot hold it),
    # which the schema's types cannot say; the description does.
    "generation": {"allow-x00": False, "deterministic": True},
    "operations": [
        {
            # A write that is well formed may still name a row that does not
            # exist, a code already taken or a range upside down: that is a 400
            # the schema cannot express. Reads and the lookup get no such leeway.
            "include-method": ["POST", "PUT", "PATCH"],
            "exclude-path-regex": "^/api/v1/lookups?/",
            "checks": {
                "positive_data_acceptance": {
                    "expected-statuses": ["2xx", "400", "401", "403", "404", "409"]
                }
            },
        },
        {
            # Likewise a well-formed provider or category slug that names none is a
            # 400 that says which exist (api/filters.py), not an empty list.
            "include-method": ["GET"],
            "include-path-regex": "^/api/v1/errors/$",
            "checks": {
                "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "404"]}
            },
        },
    ],
}


@pytest.fixture
def rows():
    """A small knowledge base, and where its rows are, for aiming requests."""
    acme = make_provider(slug="acme", name="Acme")
    category = make_category(slug="rate_limit", name="Rate limiting")
    error = make_full_error(provider=acme, code="slow_down", category=category,
                            http_status=429, playbook_minutes_min=5)  # fmt: skip
    make_error(provider=acme, code="draft_only", state="draft")
    signature = make_signature(error, http_status=429, code="slow_down")
    example = Example.objects.create(error=error, title="429", http_status=429)
    return {
        "provider": "acme",
        "code": "slow_down",
        "slug": {"providers": "acme", "categories": "rate_limit"},
        "error": error.pk,
        "category": "rate_limit",
        "id": {
            "causes": error.causes.first().pk,
            "fixes": error.fixes.first().pk,
            "steps": error.steps.first().pk,
            "faqs": error.faqs.first().pk,
            "notes": error.notes.first().pk,
            "signatures": signature.pk,
            "examples": example.pk,
        },
    }


@pytest.fixture
def editor_key():
    user = User.objects.create_user("schema-editor")
    user.groups.add(Group.objects.get(name="editor"))
    return Token.objects.create(user=user).key


@pytest.fixture
def api_schema(settings):
    # Throttles would answer most of the run 429 (documented, but it tests nothing).
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(rates),
    }
    # As Django's test client does: the app must not close the test's connection
    # at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            "/api/schema/?format=json",
            # Not config.wsgi: a served process writes lookup events from a
            # background thread, which tests must not do behind each other's backs.
            get_wsgi_application(),
            config=schemathesis.Config.from_dict(CONFIG),
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def aimed(case, rows):
    """The request pointed at rows that exist, so that detail reads and writes get
    past "not found" and their successful answers are checked too."""
    resource = case.operation.path.split("/")[3]  # /api/v1/<resource>/...
    for name in case.path_parameters or {}:
        value = rows.get(name)
        if isinstance(value, dict):
            value = value.get(resource)
        if value is not None:
            case.path_parameters[name] = value
    if isinstance(case.body, dict):
        for name in ("error", "provider", "category"):
            if name in case.body:
                case.body[name] = rows[name]
    return case


def cases(operation, mode, rows):
    generated = operation.as_strategy(generation_mode=mode)
    if mode is not GenerationMode.POSITIVE:
        return generated
    return st.tuples(generated, st.booleans()).map(
        lambda pair: aimed(pair[0], rows) if pair[1] else pair[0]
    )


def run_operation(operation, mode, rows, headers) -> str | None:
    """The failure schemathesis found for one operation, or None."""

    @given(case=cases(operation, mode, rows))
    @hypothesis_settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        # Every example starts from the same rows: its writes are rolled back.
        with transaction.atomic():
            case.call_and_validate(headers=headers)
            transaction.set_rollback(True)

    try:
        check()
    except (AssertionError, FailureGroup) as failure:
        return f"{operation.label} ({mode.value}): {failure}"
    return None


class SchemaConformanceTests:
    @pytest.mark.parametrize("caller", ["anonymous", "editor"])
    def test_every_operation_conforms(self, api_schema, rows, editor_key, caller):
        headers = {"Authorization": f"Token {editor_key}"} if caller == "editor" else {}
        failures, operations = [], 0
        for result in api_schema.get_all_operations():
            operation = result.ok()
            operations += 1
            for mode in EXAMPLES:
                failure = run_operation(operation, mode, rows, headers)
                if failure:
                    failures.append(failure)
        assert operations >= 60, "the schema lost operations"
        assert not failures, "\n\n".join(failures)
