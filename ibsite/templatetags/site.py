import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ibsite import markdown
from ibsite.durations import format_duration, format_timestamp

register = template.Library()

# What must not appear raw inside a <script> element (as Django's json_script escapes).
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def render_markdown(text):
    """Markdown to sanitized HTML."""
    return markdown.render_markdown(text)


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
