"""Markdown to safe HTML, for show notes, bios, essays and anything editors or users write."""

import html
import re

import nh3
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

# Raw HTML in the source is shown as text, not run; nh3 then keeps only these tags, so even
# a bug in the Markdown renderer cannot let a <script> or an onclick= through.
_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
_renderer.enable(["table", "strikethrough", "replacements", "smartquotes"])

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "hr", "li",
    "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
# A lone surrogate (JSON's "\ud800") is no character: nh3 cannot encode it (a 500).
SURROGATE = re.compile(r"[\ud800-\udfff]")


def render_markdown(text, *, link_rel="nofollow noopener noreferrer"):
    """HTML for `text`, sanitized: safe to put in a page as it is. Listeners' text gives
    its links `link_rel="nofollow ugc ..."` (user-generated content, for search engines)."""
    html = _renderer.render(SURROGATE.sub("\ufffd", text or ""))
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=link_rel,
    )
    return mark_safe(clean)  # Sanitized by nh3 just above.


def plain_text(text):
    """Markdown as one line of plain text (not HTML: escape it where HTML is made)."""
    return " ".join(html.unescape(strip_tags(render_markdown(text))).split())
