"""Descriptions of the API's fields that the models' help_text does not give: the
read-only fields, the rendered HTML, the lookup's answer. api.schema fills a field
that has no description from here: "<Schema>.<field>" first, then "<field>"."""

HTML = "The Markdown field rendered to sanitised HTML (read only)."

FIELD_DESCRIPTIONS = {
    # Common to many schemas.
    "id": "The row's id.",
    "error": "The id of the error this part belongs to.",
    "position": "Where it comes in its error's list, from 0.",
    "created_at": "When it was created.",
    "updated_at": "When it was last changed.",
    "url": "The page on the site that shows it.",
    "api_url": "Its address in this API.",
    "error_count": "How many published errors it holds.",
    "name": "The name shown to people.",
    "slug": "Its name in URLs and in filters; lower case letters, digits, - and _.",
    "title": "A short title.",
    "text_html": HTML,
    "meaning_html": HTML,
    "symptoms_html": HTML,
    "answer_html": HTML,
    "body_html": HTML,
    "tip_html": HTML,
    "guide_html": HTML,
    "description_html": HTML,
    "count": "How many results there are across all pages.",
    "next": "The address of the next page, or null on the last.",
    "previous": "The address of the previous page, or null on the first.",
    "results": "This page's results.",
    "notes": "Remarks on how the answer was reached.",
    # Catalogue.
    "Category.summary": "One sentence on what the category holds.",
    "ErrorCode.provider": "The slug of the provider that sends the error.",
    "ErrorCode.category": "The slug of the error's category, or null.",
    "ErrorCode.http_status": "The HTTP status the error comes with, if any.",
    "ErrorCode.retryable": "Whether sending the same request again can succeed.",
    "ErrorCode.fixable_by": "Who can fix the cause: the caller's code, its "
    "configuration, the account, the provider, …",
    "ErrorCode.severity": "How bad it is for the caller, 1 (low) to 4 (critical).",
    "ErrorCode.state": "draft or published; only editors see drafts.",
    "ErrorCode.verified_on": "When the entry was last checked against the "
    "provider's documentation.",
    "ErrorCode.playbook_minutes_max": "Estimated time of the playbook, upper bound.",
    "ErrorCode.retry_max_attempts": "How many attempts in all, the first included.",
    "ErrorCode.causes": "Why it happens, most likely first.",
    "ErrorCode.fixes": "What to do, easiest first.",
    "ErrorCode.steps": "The playbook, in order.",
    "ErrorCode.faqs": "Questions people ask about it.",
    "ErrorCode.notes": "Tips and warnings.",
    "ErrorCode.related": "Errors that are often confused with this one.",
    "ErrorCode.retry": "The retry policy as the lookup applies it to this entry.",
    "Cause.likelihood": "How likely this cause is: low, medium or high.",
    "Fix.difficulty": "How hard the fix is: easy, medium or hard.",
    "Fix.cause": "The id of the cause this fix addresses, or null.",
    "FAQ.question": "The question, as people ask it.",
    "Note.kind": "What kind of note: a tip, a warning, …",
    "Step.title": "What the step does, in a few words.",
    "Signature.error": "The id of the error this signature recognises.",
    "Signature.http_status": "The status the response must have, if any.",
    "Signature.header_name": "A header the response must carry (any case).",
    "Signature.weight": "How much a match of this signature counts.",
    "Example.title": "What the example shows.",
    "Example.http_status": "The example response's status.",
    "Example.headers": "The example response's headers, name to value.",
    "Example.body": "The example response's body, as sent.",
    "Example.expect_after_seconds": "The wait the lookup must give for it, if any.",
    "Provider.url": "The provider's page on the site.",
    "Feedback.helped": "Whether the answer helped.",
    "Feedback.fix": "The id of the matched error's fix that helped, if one did.",
    # The lookup's answer.
    "LookupOutput.lookup_id": "This lookup's id, for sending feedback on it.",
    "LookupOutput.match": "The best matching entry.",
    "LookupOutput.alternatives": "Other entries that match less well, best first.",
    "LookupOutput.retry": "What to do: send it again, wait, fix something, give up.",
    "LookupOutput.provider": "Who sent the response, given or worked out, or null.",
    "LookupOutput.provider_source": "How the provider was found: given, url, "
    "header, body or code.",
    "LookupOutput.provider_confidence": "How sure the provider is, 0 to 1.",
    "LookupOutput.family": "The kind of error (the category's slug), or null.",
    "LookupOutput.codes": "The error codes found in the response, and where.",
    "LookupOutput.unrecognised_codes": "Codes found that no entry knows.",
    "LookupOutput.items": "For a 200 or 207 carrying per-item failures: each "
    "failing item's match and advice.",
    "LookupOutput.batch": "For a batch answer: how many items failed and which "
    "are worth sending again; null otherwise.",
    "LookupOutput.causes": "The matched entry's causes, most likely first.",
    "LookupOutput.fixes": "The matched entry's fixes, easiest first.",
    "LookupOutput.steps": "The matched entry's playbook, in order.",
    "Match.error": "The entry that matched.",
    "Match.matched_on": "The signals that made it match (status=429, "
    "body.error.code=…, provider=…).",
    "Match.layer": "Where the error comes from: the API, a proxy, the network, …",
    "MatchedError.provider": "The entry's provider slug.",
    "MatchedError.code": "The entry's code.",
    "MatchedError.title": "The entry's title.",
    "MatchedError.url": "The entry's page on the site, or null.",
    "MatchedError.api_url": "The entry's address in this API, or null.",
    "Retry.after_seconds": "How long to wait before sending it again, or null.",
    "Retry.max_attempts": "How many attempts in all, the first included; 0 when "
    "the same request should not be sent again.",
    "Retry.backoff": "The full-jitter backoff to use when the response names no "
    "wait (base, cap, attempts), or null.",
    "Retry.refresh": "With refresh_and_retry: what to re-read or refresh first.",
    "Retry.fix_by": "With retry_after_fix: who must change something first.",
    "Signal.where": "Where in the response the code was found (body.error.code, "
    "header:x-amz-error-code, …).",
    "Signal.value": "The code as it was found.",
    "Item.position": "The item's place in the batch, from 0.",
    "Item.id": "The item's own id, when the batch gives one.",
    "Item.status": "The item's own status, when the batch gives one.",
    "Item.match": "The entry that best matches the item's failure.",
    "Item.retry": "What to do about this item.",
    "Item.message": "The item's error message.",
    "Batch.format": "The batch format recognised (bulk, $batch, GraphQL, …).",
    "Batch.total": "How many items the batch holds.",
    "Batch.failed": "How many of them failed.",
    "Batch.resend": "The positions of the failed items worth sending again.",
    "Batch.resend_whole_batch_safe": "Whether sending the whole batch again is "
    "safe (the items that succeeded would not be applied twice).",
}


def describe(schema_name: str, field: str) -> str | None:
    base = schema_name.removeprefix("Patched").removesuffix("Part")
    base = base.removesuffix("Detail").removesuffix("List")
    return FIELD_DESCRIPTIONS.get(f"{base}.{field}") or FIELD_DESCRIPTIONS.get(field)
