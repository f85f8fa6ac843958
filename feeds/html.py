"""The HTML show notes the podcast feeds carry for each episode.

Plain string building rather than templates or format_html: a feed writes these for hundreds
of episodes with tens of chapters each, and both cost many times more per line. Every value
goes through `escape()` (the standard library's, which Django's wraps); the notes come from
the site's Markdown renderer, which sanitizes them. Links are absolute, since feed readers
show them away from the site.
"""

import re
from html import escape

from core.markdown import render_markdown

ELLIPSIS = "…"


def notes(description, summary, limit, url):
    """The show notes (Markdown) as HTML, or the summary when there are none, in at most
    `limit` characters: longer ones are cut (`cap()`), pointing to `url` for the rest.

    Only `limit` characters of the Markdown are rendered (HTML is longer than its
    Markdown), so a megabyte of notes costs no more than a page of them; the feeds read no
    more than that of them from the database either.
    """
    if description.strip():
        source, cut = head(description.strip(), limit)
        rendered = str(render_markdown(source)).strip()
    elif summary.strip():
        source, cut = head(summary.strip(), limit)
        rendered = f"<p>{escape(source)}</p>"
    else:
        return ""
    return cap(rendered, limit, url, cut=cut)


def head(text, size):
    """(the start of `text`, cut after a paragraph or a word, no longer than `size`; whether
    it was cut)."""
    if len(text) <= size:
        return text, False
    head = text[:size]
    end = head.rfind("\n\n")
    if end < size // 2:
        end = max(head.rfind(" "), head.rfind("\n"))
    return (head[:end] if end > 0 else head).rstrip(), True


def more_link(url, label="Full notes"):
    """What a cut text ends with: where to read all of it."""
    return f'\n<p>{escape(label)}: <a href="{escape(url)}">{escape(url)}</a></p>'


def cap(html_text, limit, url, *, cut=False, label="Full notes"):
    """`html_text` when it is at most `limit` characters (and `cut` is false); else its start,
    cut after an element or a word (never inside a tag or an entity), the elements still
    open closed, "…", and a link to `url` for the rest: at most `limit` characters in all.

    For the HTML this site makes (sanitized Markdown, escaped values): well-formed, no
    comments or CDATA.
    """
    if len(html_text) <= limit and not cut:
        return html_text
    link = more_link(url, label)
    return _cut(html_text, limit - len(link)) + link


# A tag (attribute values may hold ">"), or text up to the next tag.
_TOKEN = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>|[^<]+""")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")
_VOID = {"area", "br", "col", "embed", "hr", "img", "input", "source", "track", "wbr"}


def _closing(open_tags):
    return "".join(f"</{name}>" for name in reversed(open_tags))


def _cut(html_text, budget):
    """The start of `html_text`, then "…" and the closing tags, in at most `budget`
    characters (if it allows "…" at all). Reads no further than it keeps."""
    kept, used, open_tags = [], 0, []
    for match in _TOKEN.finditer(html_text):
        token = match.group()
        tag = _TAG.match(token)
        if token.startswith("<"):
            if not tag:
                continue  # not markup we write; dropped
            closing, name = tag.group(1), tag.group(2).lower()
            after = list(open_tags)
            if closing:
                if name in after:
                    del after[len(after) - 1 - after[::-1].index(name)]
            elif name not in _VOID and not token.endswith("/>"):
                after.append(name)
            if used + len(token) + len(_closing(after)) + len(ELLIPSIS) > budget:
                break
            open_tags = after
        else:
            room = budget - used - len(_closing(open_tags)) - len(ELLIPSIS)
            if len(token) > room:
                # At the last space that fits (an entity has none, so none is split).
                end = max(token.rfind(" ", 0, room + 1), token.rfind("\n", 0, room + 1))
                if end > 0:
                    kept.append(token[:end].rstrip())
                break
        kept.append(token)
        used += len(token)
    return "".join(kept).rstrip() + ELLIPSIS + _closing(open_tags)


def description(notes_html, chapters, limit):
    """<description>: the notes, then the chapters one a line ("04:09 Title"), from which
    apps like Spotify make chapters of their own. Only the HTML every app accepts.

    When the two pass `limit` characters (Apple Podcasts shows 4,000), the notes alone
    (already no longer than that): the chapters are still in the content, and in the JSON
    chapters the feed points to.
    """
    if not chapters:
        return notes_html
    lines = "\n".join(f"<li>{escape(c.timestamp)} {escape(c.title)}</li>" for c in chapters)
    full = f"{notes_html}\n<p>Chapters:</p>\n<ul>\n{lines}\n</ul>"
    return full if len(full) <= limit else notes_html


def content(notes_html, chapters, guests, music_credits, episode_url):
    """<content:encoded>: the notes, the guests, the chapters linking their moment and what
    they discuss, the music credits and a link to the episode's page.

    `guests` is [(name, page URL, affiliation)].
    """
    parts = [notes_html] if notes_html else []
    if guests:
        names = ", ".join(
            f'<a href="{escape(url)}">{escape(name)}</a>'
            + (f" ({escape(affiliation)})" if affiliation else "")
            for name, url, affiliation in guests
        )
        parts.append(f"<p>With {names}.</p>")
    if chapters:
        page = escape(episode_url)
        lines = "\n".join(
            f'<li><a href="{page}?t={escape(c.timestamp)}">{escape(c.timestamp)}</a> '
            f"{escape(c.title)}"
            + (f' (<a href="{escape(c.url)}">{escape(c.link_text)}</a>)' if c.url else "")
            + "</li>"
            for c in chapters
        )
        parts.append(f"<p>Chapters:</p>\n<ul>\n{lines}\n</ul>")
    credits = [escape(line) for line in music_credits.splitlines() if line.strip()]
    if credits:
        parts.append("<p>Music: {}</p>".format("<br>\n".join(credits)))
    parts.append(f'<p>More on <a href="{escape(episode_url)}">the episode\'s page</a>.</p>')
    return "\n".join(parts)
