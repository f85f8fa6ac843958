"""Helpers for the page tests: the demo content, and reading what a page says.

`Page(response)` reads a response's HTML once: its tags and attributes, its meta tags, its
JSON-LD, its links, and whether an HTML fragment appears in it (compared as HTML, so
attribute order and whitespace do not matter).

`DemoTestCase` loads the demo content for a class of tests that read it; `saved()` and
`tagged()` build many rows quickly for the query budgets.
"""

import io
import json
import re
import uuid
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.core import serializers
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.test import Client, TestCase, override_settings
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from core import versions
from core.text import name_key

SITE_URL = "https://informationbottleneck.test"  # As tests/settings.py sets it.

ISOLA_EPISODE = "platonic-representations-and-artificial-life-phillip-isola"
KEMPE_EPISODE = "after-math-falls-whats-next-julia-kempe"
PRH = "the-platonic-representation-hypothesis"
POST = "everything-is-converging-to-the-same-thing"
# The Isola episode's audio: every demo episode plays the same file at its own address.
DEMO_AUDIO = f"{SITE_URL}/static/demo/silence.mp3?episode={ISOLA_EPISODE}"

# What a page may run: its own static scripts, and JSON-LD (which is data, not code).
SCRIPT_TYPES_THAT_ARE_DATA = {"application/ld+json"}
# Elements inside a line of text; any other tag separates words, as a browser shows it.
INLINE_ELEMENTS = {
    "a", "abbr", "b", "code", "del", "em", "i", "s", "small", "span", "strong", "sub", "sup",
    "time", "u",
}  # fmt: skip
VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip

XSS = "<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))"
XSS_ESCAPED = ["&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;"]


class FastClient(Client):
    """The test client, sharing one request handler with the other clients of the run.

    Building a handler loads the middleware, and WhiteNoise then indexes every static file:
    50 ms for each new client, so for each test. A handler keeps nothing between requests
    (cookies and the signed-in user live on the client), so one can serve them all.
    """

    _handlers = {}

    def __init__(self, enforce_csrf_checks=False, **defaults):
        super().__init__(enforce_csrf_checks, **defaults)
        self.handler = self._handlers.setdefault(enforce_csrf_checks, self.handler)


@pytest.fixture(name="client")
def fast_client():
    """pytest-django's `client`, made a FastClient. Import it into a module to use it there."""
    return FastClient()


def load_demo():
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())


# What load_demo writes: the content apps, and the tags.
DEMO_APPS = ["people", "papers", "episodes", "posts", "taggit"]
_demo_tables = []  # the rows of each model, serialized, in the order of DEMO_APPS


def load_demo_once_then_copy():
    """The demo content: by load_demo the first time, then copied back a table at a time.

    Each test class needs its own load (its transaction is rolled back after it), and copying
    is ten times faster than loading. The copy is the same but for the created_at/updated_at
    times. Content types and tags are written by their natural keys, so the copy stays right
    even if a transactional test has recreated the content types.
    """
    models = [model for label in DEMO_APPS for model in apps.get_app_config(label).get_models()]
    if not _demo_tables:
        load_demo()
        for model in models:
            rows = model._default_manager.order_by("pk")
            _demo_tables.append(
                serializers.serialize("python", rows, use_natural_foreign_keys=True)
            )
        return
    for table in _demo_tables:
        # Read each table once those before it are written: natural keys (a tag's name) are
        # looked up while reading.
        rows = list(serializers.deserialize("python", table))
        if not rows:
            continue
        model = type(rows[0].object)
        model._base_manager.bulk_create([row.object for row in rows])
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                through._base_manager.bulk_create(
                    through(
                        **{field.m2m_column_name(): row.object.pk, field.m2m_reverse_name(): pk}
                    )
                    for row in rows
                    for pk in row.m2m_data.get(field.name, [])
                )
    # The copies keep their ids; move the id sequences past them, as loaddata does.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


class DemoTestCase(TestCase):
    """The demo content, loaded once for the class: for tests that only read it."""

    client_class = FastClient

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._pages = {}  # the class's tests only read, so a page read once can be reused

    @classmethod
    def setUpTestData(cls):
        load_demo_once_then_copy()

    def page(self, url, status=200):
        """The page at `url`, as an anonymous visitor sees it."""
        if url not in self._pages:
            self._pages[url] = Page(self.client.get(url))
        page = self._pages[url]
        assert page.response.status_code == status, f"{url}: {page.response.status_code}"
        return page


class _Reader(HTMLParser):
    """Every element's tag, attributes and text, and every script's content."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, attrs), in document order
        self.texts = []  # (tag, attrs, text), in the order elements close
        self.scripts = []  # (attrs, text)
        self._open = []  # [tag, attrs, text parts] of the elements not closed yet
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attrs))
        self._break(tag)
        if tag not in VOID_ELEMENTS:
            self._open.append([tag, attrs, []])

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        self._break(tag)

    def handle_endtag(self, tag):
        self._break(tag)
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                for name, attrs, parts in reversed(self._open[index:]):
                    self.texts.append((name, attrs, "".join(parts)))
                    if name == "script":
                        self.scripts.append((attrs, "".join(parts)))
                del self._open[index:]
                return

    def handle_data(self, data):
        for element in self._open:
            element[2].append(data)

    def _break(self, tag):
        if tag not in INLINE_ELEMENTS:
            self.handle_data(" ")


class Page:
    """What a response's HTML says, read once."""

    def __init__(self, response):
        """`response` is a response, or some HTML."""
        self.response = response
        self.html = response if isinstance(response, str) else response.content.decode()
        reader = _Reader(self.html)
        self.elements = reader.elements
        self.scripts = reader.scripts
        self.texts = reader.texts
        self._tree = None

    def __contains__(self, fragment):
        """Whether the HTML fragment is in the page, compared as HTML."""
        if self._tree is None:
            self._tree = parse_html(self.html.split(">", 1)[1])  # without the doctype
        return self._tree.count(parse_html(fragment)) > 0

    def all(self, tag, **attrs):
        """Attributes of every `tag` element having the given attribute values."""
        wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}
        return [
            found
            for name, found in self.elements
            if name == tag and all(found.get(key) == value for key, value in wanted.items())
        ]

    def text_of(self, tag, **attrs):
        """The text of every `tag` element having the given attribute values."""
        wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}
        return [
            " ".join(text.split())
            for name, found, text in self.texts
            if name == tag and all(found.get(key) == value for key, value in wanted.items())
        ]

    def item(self, start):
        """The text of the one list item whose text starts with `start`."""
        found = [text for text in self.text_of("li") if text.startswith(start)]
        assert len(found) == 1, found
        return found[0]

    def links(self, href):
        """The text of every link to `href`."""
        return self.text_of("a", href=href)

    def hrefs(self):
        return [attrs.get("href", "") for attrs in self.all("a")]

    def meta(self, key):
        """The content of <meta name=key> or <meta property=key>; None when missing."""
        for attrs in self.all("meta"):
            if key in (attrs.get("name"), attrs.get("property")):
                return attrs.get("content")
        return None

    def canonical(self):
        links = [attrs["href"] for attrs in self.all("link") if attrs.get("rel") == "canonical"]
        assert len(links) == 1, links
        return links[0]

    def title(self):
        titles = self.text_of("title")
        assert len(titles) == 1, titles
        return titles[0]

    def json_ld(self):
        """Every JSON-LD block of the page, parsed."""
        return [
            json.loads(text)
            for attrs, text in self.scripts
            if attrs.get("type") == "application/ld+json"
        ]

    def executable_content(self):
        """Anything on the page that could run script, other than the site's own files."""
        found = []
        for tag, attrs in self.elements:
            for name, value in attrs.items():
                if name.startswith("on"):
                    found.append(f"<{tag} {name}=...>")
                if name in {"href", "src", "action", "formaction", "data"} and (
                    value.strip().lower().startswith(("javascript:", "vbscript:", "data:"))
                ):
                    found.append(f"<{tag} {name}={value!r}>")
            if tag == "script":
                is_data = attrs.get("type") in SCRIPT_TYPES_THAT_ARE_DATA
                is_ours = attrs.get("src", "").startswith("/static/js/")
                if not (is_data or is_ours):
                    found.append(f"<script {attrs}>")
            if tag in {"iframe", "object", "embed", "base", "svg", "math"}:
                found.append(f"<{tag} {attrs}>")
            if tag == "img" and not attrs.get("src", "").startswith("/static/"):
                found.append(f"<img {attrs}>")
        return found


def queries_for(client, url):
    """How many queries a request for `url` makes (after a warm-up request), rendered: the
    page cache, which would answer the second request, is off, and the shared cache is
    emptied, so that what pages keep per content version (memos, fragments) is worked out
    again, as on the first request after an edit."""
    assert client.get(url).status_code == 200, url  # warm caches (content types)
    cache.clear()
    with override_settings(PAGE_CACHE_SECONDS=0), CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def assert_queries_do_not_grow(client, django_assert_max_num_queries, build):
    """A page with 50 rows makes no more queries than with 1.

    `build(n)` adds content with n rows (list items, or an item's related rows) and returns
    the URL to request.
    """
    budget = queries_for(client, build(1))
    url = build(50)
    assert client.get(url).status_code == 200, url  # as queries_for() does
    cache.clear()
    with override_settings(PAGE_CACHE_SECONDS=0), django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200
    return response


_FIELD = re.compile(r"\s*([A-Za-z]+)\s*=\s*\{")


def parse_bibtex(text):
    """(type, key, fields) of the one BibTeX entry in `text`, read the way BibTeX reads it.

    Braces delimit values and must balance: BibTeX counts every brace, escaped or not.
    """
    match = re.fullmatch(r"\s*@([a-z]+)\{([A-Za-z0-9:_-]+),\n(.*)\}\s*", text, re.DOTALL)
    assert match, text
    kind, key, body = match.groups()
    fields, position = {}, 0
    while body[position:].strip():
        field = _FIELD.match(body, position)
        assert field, f"not a field at {body[position:]!r}"
        depth, end = 1, field.end()
        while depth:
            assert end < len(body), f"unbalanced braces in {field.group(1)}"
            depth += {"{": 1, "}": -1}.get(body[end], 0)
            end += 1
        assert field.group(1) not in fields, f"{field.group(1)} twice"
        fields[field.group(1)] = body[field.end() : end - 1]
        position = end
        rest = body[position:].lstrip()
        if rest.startswith(","):
            position = len(body) - len(rest) + 1
    return kind, key, fields


# Building many rows fast, for the query budgets: one INSERT a table, not one a row.


def saved(factory, n, **fields):
    """`n` objects built by `factory` and saved in one INSERT.

    Their model's save() does not run, so related objects must be passed in saved, and the
    slugs and name keys save() would make are made here. The content version is renewed,
    as a service's `content_changed` would (the search index is not told: tests that
    search rebuild it).
    """
    objects = factory.build_batch(n, **fields)
    for obj in objects:
        if hasattr(obj, "slug") and not obj.slug:
            obj.slug = f"{obj._meta.model_name}-{uuid.uuid4().hex[:12]}"
        if hasattr(obj, "name_key"):
            obj.name_key = name_key(obj.name)
    created = factory._meta.model._base_manager.bulk_create(objects)
    versions.bump()
    return created


def tagged(objects, *names):
    """Tag every object with every name (a person's topics), in three queries."""
    Tag.objects.bulk_create(
        [Tag(name=name, slug=slugify(name)) for name in names], ignore_conflicts=True
    )
    tags = list(Tag.objects.filter(name__in=names))
    TaggedItem.objects.bulk_create(
        TaggedItem(content_object=obj, tag=each) for obj in objects for each in tags
    )
    return objects


# Filter forms (includes/filter_form.html).


def field(page, name):
    """What the filter form shows for the select `name` alone (its options, help and errors),
    as a Page: the same value may be offered by another select of the form."""
    start = page.html.index(f'<select name="{name}"')
    start = page.html.rindex('<div class="field">', 0, start)
    return Page(page.html[start : page.html.index("</div>", start)])


def offered(page, name):
    """(value, text) of the options of the select `name`, without its empty choice."""
    select = field(page, name)
    values = [option["value"] for option in select.all("option")]
    return [(v, t) for v, t in zip(values, select.text_of("option"), strict=True) if v]


def chosen(page, name):
    """The values the select `name` shows as selected."""
    return [option["value"] for option in field(page, name).all("option") if "selected" in option]
