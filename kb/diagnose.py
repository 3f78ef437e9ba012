"""The Diagnose page: the lookup behind a form, for a person with a response in
hand. It calls the same engine as the API and records its lookups the same way."""

import logging

from django.conf import settings
from django.shortcuts import render

from config import metrics
from kb import events
from kb.choices import State
from kb.forms import DiagnoseForm
from kb.indexing import lookup, matched_entry
from kb.lookup.types import LookupInputError, LookupRequest
from kb.models import Example
from kb.throttles import throttle_posts
from kb.versioning import kb_version

logger = logging.getLogger(__name__)


def example_initial(request) -> dict:
    """Prefill the Diagnose form from a stored example (?example=<id>)."""
    example_id = request.GET.get("example", "")
    example = (
        Example.objects.filter(pk=example_id, error__state=State.PUBLISHED)
        .select_related("error__provider")
        .first()
        if example_id.isdigit()
        else None
    )
    if example is None:
        return {}
    headers = "\n".join(f"{name}: {value}" for name, value in example.headers.items())
    return {"status": example.http_status, "headers": headers, "body": example.body}


@throttle_posts("diagnose")
def diagnose(request):
    if request.method != "POST":
        form = DiagnoseForm(initial=example_initial(request))
        return render(request, "kb/diagnose.html", {"form": form})
    form = DiagnoseForm(request.POST)
    context = {"form": form}
    if form.is_valid():
        context.update(run_lookup(request, form))
    status = 200 if form.is_valid() else 400
    return render(request, "kb/diagnose.html", context, status=status)


def run_lookup(request, form) -> dict:
    """The engine's answer to the form, and the matched entry with its details.
    Bad input becomes an error on the form; nothing here may become a 500."""
    data = form.cleaned_data
    lookup_request = LookupRequest(
        status=data["status"],
        headers=data["headers"],
        body=data["body"],
        provider=data["provider"] or None,
        url=data["url"] or None,
    )
    try:
        result = lookup(lookup_request)
    except LookupInputError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return {}
    except Exception:
        logger.exception("Diagnose lookup failed")
        form.add_error(None, "The lookup failed on our side. Please try again.")
        return {}
    metrics.count_lookup(result, via="page")
    # Recorded like an API lookup (redacted, hashed, off the critical path) so the
    # knowledge-gap report sees what people paste here too.
    events.record(events.make_event(result, data["status"], data["body"]))
    error = None
    if result.match.error_id is not None:
        error = matched_entry(result.match.error_id, kb_version())
    limit = settings.KB_LOOKUP_BODY_LIMIT
    cut = len(data["body"]) > limit  # as kb.lookup.engine.body_as_text cuts it
    return {"result": result, "error": error, "body_cut": cut, "body_limit": limit}
