"""The one place where editors' markdown becomes HTML.

Content is rendered when it is saved (see ``RenderedMarkdownMixin``), never per view,
and always passes through nh3 so that script, event handlers and ``javascript:``
URLs written into any field cannot reach a page.
"""

import html as html_lib
import re

import markdown as markdown_lib
import nh3
from django.utils.text import slugify

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "kbd", "li", "ol", "p", "pre", "strong",
    "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "code": {"class"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["fenced_code", "tables", "sane_lists"]


def render_markdown(text: str) -> str:
    """Render markdown to sanitised HTML ("" for empty text)."""
    if not text or not text.strip():
        return ""
    html = markdown_lib.markdown(text, extensions=EXTENSIONS, output_format="html")
    html = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
    return with_heading_ids(html)


# Sanitised HTML has no attributes on headings, so this sees only the tags nh3 wrote.
HEADING = re.compile(r"<h([234])>(.*?)</h\1>", re.S)
EMPHASIS = re.compile(r"<em>([^<]*)</em>")


def with_heading_ids(html: str) -> str:
    """Give each h2–h4 an id made from its own text, for links to a section.

    The ids are added after sanitising and only ever slugs of the heading's text
    (unique within the document), so an editor cannot choose one: an ``id`` typed
    as raw HTML is dropped by nh3 and could otherwise shadow a page element. The
    "s-" prefix keeps them apart from the page's own ids (``#main``, ``#causes``)."""
    seen: set[str] = set()

    def add_id(match: re.Match) -> str:
        level, inner = match.groups()
        base = "s-" + (slugify(html_lib.unescape(strip_html(inner))) or "section")
        slug, number = base, 1
        while slug in seen:
            number += 1
            slug = f"{base}-{number}"
        seen.add(slug)
        return f'<h{level} id="{slug}">{inner}</h{level}>'

    return HEADING.sub(add_id, html)


def headings(html: str, level: int = 2) -> list[tuple[str, str]]:
    """(id, text) of each heading of ``level`` in HTML from ``render_markdown``."""
    pattern = re.compile(rf'<h{level} id="([^"]+)">(.*?)</h{level}>', re.S)
    return [
        (slug, html_lib.unescape(strip_html(inner)))
        for slug, inner in pattern.findall(html)
    ]


def link_titles(html: str, links: dict[str, str]) -> str:
    """Turn an emphasised title (``*Circuit breakers*``, as guides cite each other)
    into a link, when ``links`` maps its lower-cased text to a URL."""

    def link(match: re.Match) -> str:
        url = links.get(html_lib.unescape(match[1]).strip().lower())
        if url is None:
            return match[0]
        return f'<a href="{html_lib.escape(url)}"><em>{match[1]}</em></a>'

    return EMPHASIS.sub(link, html)


def strip_html(html: str) -> str:
    return nh3.clean(html, tags=set())


def plain_text(text: str) -> str:
    """Markdown as plain text, for places that cannot hold HTML (a meta
    description, JSON-LD): the words without the markup."""
    return html_lib.unescape(strip_html(render_markdown(text))).strip()


INLINE_TAGS = {
    "a",
    "abbr",
    "b",
    "code",
    "del",
    "em",
    "i",
    "kbd",
    "strong",
    "sub",
    "sup",
}


def render_inline_markdown(text: str) -> str:
    """One line of markdown as sanitised inline HTML, without the paragraph around
    it: for quick answers and other short text shown inside a sentence or a cell."""
    html = render_markdown(text)
    return nh3.clean(
        html,
        tags=INLINE_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    ).strip()


class RenderedMarkdownMixin:
    """Keeps ``<field>_html`` in step with each markdown field named in
    ``markdown_fields`` whenever the row is saved."""

    markdown_fields: tuple[str, ...] = ()

    def render_markdown_fields(self) -> None:
        for name in self.markdown_fields:
            setattr(self, f"{name}_html", render_markdown(getattr(self, name)))

    def normalise_text(self) -> None:
        """Browsers send textareas with CRLF line ends: keep LF only, so that an
        untouched field compares equal and history shows only real changes."""
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname, None)
            if isinstance(value, str) and "\r" in value:
                setattr(
                    self, field.attname, value.replace("\r\n", "\n").replace("\r", "\n")
                )

    def save(self, *args, **kwargs):
        self.normalise_text()
        self.render_markdown_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            rendered = {f"{n}_html" for n in self.markdown_fields if n in update_fields}
            kwargs["update_fields"] = set(update_fields) | rendered
        super().save(*args, **kwargs)
