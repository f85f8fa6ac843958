import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core import markdown
from core.durations import format_duration, format_timestamp
from core.links import path_to

register = template.Library()

# What must not appear raw inside a <script> element (as Django's json_script escapes).
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def render_markdown(text):
    """Markdown to sanitized HTML."""
    return markdown.render_markdown(text)


@register.filter
def plain_text(text):
    """Markdown as one line of plain text, for meta descriptions and summaries."""
    return markdown.plain_text(text)


@register.filter
def jsonld(data):
    """A schema.org dict as a JSON-LD <script>, safe whatever the strings in it contain."""
    if not data:
        return ""
    payload = json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


@register.filter
def duration(seconds):
    return format_duration(seconds)


@register.filter
def timestamp(seconds):
    return format_timestamp(seconds)


@register.filter
def kind(obj):
    """What an object is, in words: "episode", "post", "paper"."""
    return obj._meta.verbose_name


def _count(n, singular, plural=None):
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def _joined(parts):
    return " · ".join(part for part in parts if part)


@register.filter
def tag_counts(tag):
    """ "2 episodes · 1 paper": what carries a tag, leaving out kinds with none."""
    return _joined(
        [
            tag.episode_count and _count(tag.episode_count, "episode"),
            tag.paper_count and _count(tag.paper_count, "paper"),
            tag.post_count and _count(tag.post_count, "post"),
            tag.person_count and _count(tag.person_count, "person", "people"),
        ]
    )


@register.filter
def person_summary(person):
    """Current positions, then episode and paper counts, for a person in a list."""
    positions = "; ".join(
        f"{a.title}, {a.organization.name}" if a.title else a.organization.name
        for a in getattr(person, "current_positions", [])
    )
    episodes = getattr(person, "episode_count", 0)
    papers = getattr(person, "paper_count", 0)
    return _joined(
        [positions, episodes and _count(episodes, "episode"), papers and _count(papers, "paper")]
    )


@register.simple_tag
def path(viewname, *args):
    """`{% path 'episodes:list' %}`: like `{% url %}`, worked out once per process
    (core.links.path_to), for the addresses every page repeats."""
    return path_to(viewname, *args)


@register.filter
def thousands(n):
    """14010 as "14,010": counts that can run into the thousands (a topic's papers)."""
    return f"{n:,}"


@register.filter
def stars(n):
    """4 as "★★★★☆": a rating out of five, drawn (give the number in words beside it)."""
    filled = max(0, min(5, int(n or 0)))
    return "★" * filled + "☆" * (5 - filled)
