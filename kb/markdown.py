"""The one place where editors' markdown becomes HTML.

Content is rendered when it is saved (see ``RenderedMarkdownMixin``), never per view,
and always passes through nh3 so that script, event handlers and ``javascript:``
URLs written into any field cannot reach a page.
"""

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em",
    "h3", "h4", "h5", "h6", "hr", "i", "kbd", "li", "ol", "p", "pre", "strong",
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
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )


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
