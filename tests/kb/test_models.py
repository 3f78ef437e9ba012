"""The database itself refuses bad rows: constraints are not only form checks."""

import pytest
from django.db import IntegrityError, transaction

from kb.models import ErrorCode, Signature
from tests.factories import make_cause, make_error, make_provider

pytestmark = pytest.mark.django_db


def refused(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


class ErrorCodeConstraintTests:
    def test_code_is_unique_per_provider_case_insensitively(self):
        provider = make_provider()
        make_error(provider=provider, code="Throttling")
        refused(lambda: make_error(provider=provider, code="THROTTLING"))

    def test_same_code_under_another_provider_is_fine(self):
        make_error(code="429")
        make_error(code="429")
        assert ErrorCode.objects.filter(code="429").count() == 2

    def test_status_range(self):
        refused(lambda: make_error(http_status=1000))
        refused(lambda: make_error(http_status=99))

    def test_choices_are_checked_by_the_database(self):
        error = make_error()
        refused(
            lambda: ErrorCode.objects.filter(pk=error.pk).update(retryable="sometimes")
        )
        refused(lambda: ErrorCode.objects.filter(pk=error.pk).update(state="archived"))
        refused(lambda: ErrorCode.objects.filter(pk=error.pk).update(severity=9))

    def test_playbook_time_range_is_ordered(self):
        refused(lambda: make_error(playbook_minutes_min=30, playbook_minutes_max=10))

    def test_code_key_follows_code(self):
        assert make_error(code="ThrottlingException").code_key == "throttlingexception"


class PartConstraintTests:
    def test_likelihood_is_checked(self):
        error = make_error()
        refused(lambda: make_cause(error, likelihood=7))

    def test_signature_must_constrain_something(self):
        error = make_error()
        refused(lambda: Signature.objects.create(error=error))

    def test_signature_weight_range(self):
        error = make_error()
        refused(
            lambda: Signature.objects.create(error=error, http_status=429, weight=50)
        )

    def test_deleting_an_error_removes_its_parts(self):
        error = make_error()
        cause = make_cause(error)
        error.delete()
        assert not type(cause).objects.filter(pk=cause.pk).exists()
