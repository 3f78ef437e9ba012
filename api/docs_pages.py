"""Pages of the API docs that explain the answer: how the retry advice is decided,
what the confidence means, and how the advice compares with the SDKs' own rules."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from kb.lookup import parity
from kb.lookup.types import ACTION_LABELS, Decision, RetryAction

ACTION_MEANINGS = {
    RetryAction.RETRY: "Send the same request again after `after_seconds`, or with the "
    "full-jitter `backoff` when the response names no wait. Resend a request that is "
    "not idempotent only with an idempotency key when `idempotent_only` is true.",
    RetryAction.REFRESH_AND_RETRY: "Re-read the state, refresh the credentials or "
    "re-list first (`refresh` says what), then build a new request. The same request "
    "would fail again or overwrite someone else's change.",
    RetryAction.POLL: "Ask again every `after_seconds` until the state changes (a "
    "device sign-in still pending, an operation still running).",
    RetryAction.RETRY_AFTER_FIX: "Something must change first: credentials, "
    "configuration, plan or billing. `fix_by` says who.",
    RetryAction.RESCHEDULE: "The wait the response names is longer than your "
    "`max_wait`: do not sleep on it, schedule the request for later.",
    RetryAction.DO_NOT_RETRY: "Sending it again cannot succeed: the request itself is "
    "wrong, or the answer is final (a declined card, a missing resource).",
}
DECISION_MEANINGS = {
    Decision.PROVIDER_SIGNAL: "The provider's explicit instruction: `Stripe-Should-Retry`, "
    "`x-should-retry` (OpenAI, Anthropic), Google's `RetryInfo`, Meta's `is_transient`, "
    "a `Retry-After` on a 413. The providers' own SDKs obey these over everything "
    "else, and so does ErrorKB.",
    Decision.ENTRY: "The matched entry's policy, when the match is the provider's own "
    "entry for the code (for a limit that may be a rate or a quota, a refining reason "
    "or the message tells which first).",
    Decision.PROVIDER_RULES: "For a code the catalogue lacks: the provider's SDK class "
    "rules (botocore's throttling and transient lists, Google's retried reasons, the "
    "statuses each SDK retries), then AWS's sender or receiver fault.",
    Decision.FAMILY: "The words of the code itself: `…AlreadyExists`, "
    "`…_rate_limit`, `VersionConflict…`, `LOGIN_REQUIRED`.",
    Decision.MESSAGE: 'Cues in the message ("check your plan and billing" against '
    '"try again in 20s") and rate-limit headers that say the allowance is spent.',
    Decision.STATUS_CLASS: "Only the status is left: the generic entry for it, or its "
    "class (4xx, 5xx).",
}
CONFIDENCE_SCALE = [
    ("0.8 – 1", "The provider's own code (or a specific rule) matched, well clear of the runner-up."),
    ("0.5 – 0.8", "A specific match with a close runner-up, or the provider's own entry for the status."),
    ("≤ 0.45", "A generic entry (the status's or a format's) answered: the code was not recognised, or none was sent."),
    ("0.1", "Nothing matched; the status class's entry answered."),
]  # fmt: skip


@require_GET
def retry_advice(request):
    """How ErrorKB decides what to do, and how that compares with the SDKs."""
    table = parity.table()
    context = {
        "actions": [(a, ACTION_LABELS[a], ACTION_MEANINGS[a]) for a in RetryAction],
        "decisions": [(d, DECISION_MEANINGS[d]) for d in Decision],
        "confidence_scale": CONFIDENCE_SCALE,
        "sdks": table.sdks,
        "cases": table.cases,
        "disagreements": sum(len(c.disagreeing()) for c in table.cases),
        "decisions_compared": sum(
            isinstance(d, bool) for c in table.cases for d in c.sdks.values()
        ),
    }
    return render(request, "api/retry_advice.html", context)
