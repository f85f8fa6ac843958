"""The HTML show notes the podcast feeds carry for each episode.

Plain string building rather than templates or format_html: a feed writes these for hundreds
of episodes with tens of chapters each, and both cost many times more per line. Every value
goes through `escape()` (the standard library's, which Django's wraps); the notes come from
the site's Markdown renderer, which sanitizes them. Links are absolute, since feed readers
show them away from the site.
"""

from html import escape

from core.markdown import render_markdown


def notes(episode):
    """The show notes (Markdown) as HTML, or the summary when there are none."""
    if episode.description.strip():
        return str(render_markdown(episode.description)).strip()
    if episode.summary.strip():
        return f"<p>{escape(episode.summary)}</p>"
    return ""


# Apple Podcasts and Spotify read at most this much of an episode's <description>.
DESCRIPTION_LIMIT = 4000  # bytes


def description(notes_html, chapters):
    """<description>: the notes, then the chapters one a line ("04:09 Title"), from which
    apps like Spotify make chapters of their own. Only the HTML every app accepts.

    When the two pass the apps' limit, the notes alone: the chapters are still in the
    content, and in the JSON chapters the feed points to.
    """
    if not chapters:
        return notes_html
    lines = "\n".join(f"<li>{escape(c.timestamp)} {escape(c.title)}</li>" for c in chapters)
    full = f"{notes_html}\n<p>Chapters:</p>\n<ul>\n{lines}\n</ul>"
    return full if len(full.encode()) <= DESCRIPTION_LIMIT else notes_html


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
