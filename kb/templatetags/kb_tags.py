"""Small helpers for the page templates: labels, durations, canonical URLs and
schema.org JSON-LD."""

import json

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe

from kb.choices import FixableBy, Layer
from kb.lookup.types import RetryAction
from kb.markdown import headings, link_titles, plain_text, render_inline_markdown
from kb.safe_urls import is_safe_url, leading_url

register = template.Library()

# Escapes that keep JSON inside <script> from closing it (as json_script does).
SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def layer_label(value: str) -> str:
    try:
        return Layer(value).label
    except ValueError:
        return value or "unknown"


@register.filter
def action_label(value: str) -> str:
    try:
        return RetryAction(value).label
    except ValueError:
        return str(value).replace("_", " ")


@register.filter
def inline_markdown(value: str) -> str:
    """Short markdown (a quick answer, a table cell) as sanitised inline HTML."""
    return mark_safe(render_inline_markdown(str(value or "")))  # sanitised by nh3


@register.filter
def plain_markdown(value: str) -> str:
    """Markdown as plain words, for a meta description or other text-only place."""
    return plain_text(str(value or ""))


@register.filter
def section_headings(html: str) -> list[tuple[str, str]]:
    """(id, text) of the h2 sections of rendered markdown, for a table of contents."""
    return headings(str(html or ""))


@register.filter
def link_guides(html: str, links: dict[str, str]) -> str:
    """Rendered markdown with guide titles cited in italics made links."""
    return mark_safe(link_titles(str(html or ""), links or {}))  # links are escaped


# The engine explains a match in terse features (status=429, body.error.code=x,
# header:retry-after, body~/<pattern>/, provider=nginx); a reader gets words.
FEATURE_WORDS = {
    "status": "the status is {value}",
    "provider": "the response comes from {value}",
    "query": "you searched for the code {value}",
    "text": "the body's text says {value}",
    "html": "the HTML page says {value}",
}


@register.filter
def reason_words(feature: str, provider: str = "") -> str:
    """One of a match's ``matched_on`` features as a phrase; the raw feature is
    for a tooltip."""
    feature = str(feature)
    if feature.startswith("body~/"):
        name = provider or "the provider"
        if "<" in feature:
            return format_html("the body looks like {}’s error page", name)
        return format_html("the body reads like {}’s error text", name)
    where, equals, value = feature.partition("=")
    if where.startswith("header:"):
        header = where.removeprefix("header:")
        if not equals:
            return format_html("the response has a <code>{}</code> header", header)
        header, _, part = header.partition(".")
        return format_html(
            "the <code>{}</code> header{} says <code>{}</code>",
            header,
            f" ({part})" if part else "",
            value,
        )
    if not equals:
        return feature
    if where.startswith("body."):
        return format_html(
            "the body has <code>{}</code> at <code>{}</code>",
            value,
            where.removeprefix("body."),
        )
    words = FEATURE_WORDS.get(where.partition(".")[0])
    if words is None:
        return format_html("<code>{}</code> is <code>{}</code>", where, value)
    return format_html(words, value=format_html("<code>{}</code>", value))


@register.filter
def safe_url(value) -> str:
    """The URL if a page may link to it (http or https), else "": a javascript: or
    data: URL that got into the database is never rendered as a link."""
    return value if is_safe_url(value) else ""


@register.filter
def safe_urls(values) -> list[str]:
    """The http(s) URLs of a list, dropping the rest."""
    return [value for value in values or () if is_safe_url(value)]


@register.filter
def source_url(value) -> str:
    """The http(s) URL a source text starts with, or "" (the text is shown as is)."""
    return leading_url(value)


@register.filter
def fixable_label(value: str) -> str:
    try:
        return FixableBy(value).label
    except ValueError:
        return str(value).replace("_", " ")


@register.filter
def seconds(value) -> str:
    """30 → "30 s", 360 → "6 min", 7200 → "2 h"."""
    if value is None:
        return ""
    value = float(value)
    if value < 120:
        return f"{value:g} s"
    if value < 7200:
        return f"{value / 60:.0f} min"
    return f"{value / 3600:.1f} h".replace(".0 h", " h")


@register.filter
def percent(value) -> str:
    return f"{float(value) * 100:.0f}%"


@register.filter
def status_class(value) -> str:
    return f"{str(value)[0]}xx" if value else ""


@register.simple_tag(takes_context=True)
def canonical_url(context, path: str = "") -> str:
    request = context.get("request")
    if request is None:
        return path
    return request.build_absolute_uri(path or request.path)


def iso_minutes(minutes) -> str:
    return f"PT{int(minutes)}M"


def error_jsonld(error, url: str) -> list[dict]:
    """FAQPage for the FAQs and HowTo for the playbook, when the entry has them."""
    documents = []
    faqs = list(error.faqs.all())
    if faqs:
        documents.append({
            "@context": "https://schema.org",
            "@type": "FAQPage",
            "mainEntity": [
                {
                    "@type": "Question",
                    "name": faq.question,
                    "acceptedAnswer": {"@type": "Answer", "text": faq.answer_html},
                }
                for faq in faqs
            ],
        })  # fmt: skip
    steps = list(error.steps.all())
    if steps:
        howto = {
            "@context": "https://schema.org",
            "@type": "HowTo",
            "name": f"Fix {error.title}",
            "description": plain_text(error.summary),
            "url": url,
            "step": [
                {
                    "@type": "HowToStep",
                    "position": number,
                    "name": step.title,
                    "text": strip_tags(step.body_html).strip() or step.title,
                    "url": f"{url}#step-{number}",
                }
                for number, step in enumerate(steps, start=1)
            ],
        }
        if error.playbook_minutes_max or error.playbook_minutes_min:
            howto["totalTime"] = iso_minutes(
                error.playbook_minutes_max or error.playbook_minutes_min
            )
        documents.append(howto)
    return documents


@register.simple_tag(takes_context=True)
def jsonld(context, error) -> str:
    url = canonical_url(context, error.get_absolute_url())
    scripts = [
        '<script type="application/ld+json">'
        + json.dumps(document, ensure_ascii=False).translate(SCRIPT_ESCAPES)
        + "</script>"
        for document in error_jsonld(error, url)
    ]
    return mark_safe("\n".join(scripts))


@register.simple_tag
def match_url(match) -> str:
    """The page of a lookup match; "" when the match has no page of its own."""
    if match is None or match.error_id is None:
        return ""
    try:
        return reverse("kb:error", args=[match.provider, match.code])
    except NoReverseMatch:
        return ""
