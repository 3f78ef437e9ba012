"""Which links a page may render, and the validators that keep any other kind out of
the database.

Sources, docs links and example sources become ``<a href>`` on public pages, so a
``javascript:`` or ``data:`` URL stored there runs in the visitor's browser. Only
http and https are accepted, whatever their case; browsers ignore tabs, newlines
and leading control characters inside a scheme ("java\\tscript:" runs), so a URL
holding any of them is refused rather than cleaned. The same test serves the
model, the admin, the API, kb_load and the templates.
"""

import re
import urllib.parse
from typing import Any

from django.core.exceptions import ValidationError

SAFE_SCHEMES = frozenset({"http", "https"})
MAX_URL_LENGTH = 2048
# A scheme as a browser would read it: letters, digits, "+", "-", "." before a ":".
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
# C0 controls (NUL, tab, newline …), space, DEL and the C1 controls.
UNSAFE_CHARACTERS = re.compile(r"[\x00-\x20\x7f-\x9f]")
# What the WHATWG URL parser drops before reading a scheme: leading and trailing C0
# controls and spaces, and every tab and newline.
IGNORED_AROUND = "".join(map(chr, range(0x21)))
IGNORED_WITHIN = re.compile(r"[\t\n\r]")

URL_MESSAGE = "must be an http:// or https:// URL"


def is_safe_url(value: Any) -> bool:
    """True for an absolute http(s) URL with a host and nothing a browser would
    read differently from what is shown."""
    if not isinstance(value, str) or not value or len(value) > MAX_URL_LENGTH:
        return False
    if UNSAFE_CHARACTERS.search(value):
        return False
    try:
        parts = urllib.parse.urlsplit(value)
    except ValueError:  # an invalid IPv6 host, say
        return False
    return parts.scheme.lower() in SAFE_SCHEMES and bool(parts.hostname)


def names_a_scheme(value: str) -> bool:
    """Whether text would be read as a URL with a scheme, once a browser drops the
    characters it ignores."""
    return bool(SCHEME.match(IGNORED_WITHIN.sub("", value.strip(IGNORED_AROUND))))


def validate_http_url(value: Any) -> None:
    """A validator for a field holding one URL."""
    if value and not is_safe_url(value):
        raise ValidationError(
            "%(value)s " + URL_MESSAGE, code="unsafe_url", params={"value": value}
        )


def validate_url_list(value: Any) -> None:
    """A validator for a JSON list of URLs (``sources``)."""
    if value in (None, ""):
        return
    if not isinstance(value, list):
        raise ValidationError("Give a list of URLs.", code="not_a_list")
    bad = [item for item in value if not is_safe_url(item)]
    if bad:
        shown = ", ".join(repr(item)[:100] for item in bad[:3])
        raise ValidationError(
            f"Each source {URL_MESSAGE}; not: %(bad)s",
            code="unsafe_url",
            params={"bad": shown},
        )


def leading_url(text: Any) -> str:
    """The http(s) URL a source text starts with ("https://… (the example on that
    page)"), or ""."""
    if not isinstance(text, str) or not text.strip():
        return ""
    first = text.split(maxsplit=1)[0]
    return first if is_safe_url(first) else ""


def validate_source_text(value: Any) -> None:
    """A validator for a field that says where something was published: free text
    ("RFC 9110, section 15.5.20"), or an http(s) URL followed by a comment, never a
    URL of another scheme."""
    if isinstance(value, str) and names_a_scheme(value) and not leading_url(value):
        raise ValidationError(
            "A source that starts with a URL %(message)s.",
            code="unsafe_url",
            params={"message": URL_MESSAGE},
        )
