"""Hostile input: every URL of the site, as anonymous and as an editor, with malformed
slugs and odd query strings, never answers 5xx.

The URL patterns are read from the URLconf, so a new page or endpoint is walked without
being listed here. Each pattern is filled with real slugs and ids (one per kind of
content) and with malformed ones; the real addresses are then asked with the hostile query
strings, and the admin changelists with every parameter of their list filters. The
combinations are bounded (a few hundred requests per client) to keep the module fast.
"""

import contextlib
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from taggit.models import Tag

from tests.factories import (
    AppearanceFactory,
    AuthorshipFactory,
    ChapterFactory,
    EpisodeFactory,
    OrganizationFactory,
    PaperFactory,
    PersonFactory,
    PostFactory,
    ShowFactory,
)
from tests.pages import FastClient

# Odd text: NUL, an RTL override, combining marks, a lone surrogate (invalid UTF-8),
# emoji, HTML and a very long number.
ODD = [
    "%00",
    "a%00b",
    "%E2%80%AE" + "abc",  # RIGHT-TO-LEFT OVERRIDE
    "e%CC%81%CC%81%CC%81",  # combining acute accents
    "%ED%A0%80",  # a surrogate, which UTF-8 may not carry
    "%F0%9F%A7%AE",  # 🧮
    "%FF%FE",
    "%3Cscript%3E",
    "9" * 5000,
    "-1",
    "%C2%B2",  # ²
]
QUERIES = [
    "page=-1",
    "page=abc",
    f"page={10**9}",
    f"page={'9' * 5000}",
    f"t={'9' * 5000}",
    "q=%00&search=%00&kind=%00&ordering=%00&year=%00&topic=%00&guest=%00&page=%00&t=%00",
    "year=10000&topic=%ED%A0%80&guest=%FF%FE&kind=e%CC%81",
    "x=" + "a" * 10 * 1024,  # past the value limit (400) and the query string's (414)
    # RTL override, combining marks, a surrogate, emoji; then bytes that are no UTF-8.
    "q=%E2%80%AEabc&search=e%CC%81%CC%81&t=%ED%A0%80&page=%F0%9F%A7%AE",
    "q=%FF%FE&search=%3Cscript%3E&t=%C2%B2&page=%ED%A0%80&ordering=%F0%9F%A7%AE",
]
BAD_SLUGS = ["a.b", "%00", "%ED%A0%80", "%E2%80%AEe%CC%81%F0%9F%A7%AE", "9" * 500]
# Not pages: the admin's views that only redirect or need a POST, and static files.
SKIPPED_NAMES = {"admin:logout", "admin:autocomplete"}


def _patterns(resolver=None, namespace=""):
    """(name with its namespace, parameter names) of every named URL pattern."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            yield from _patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", set(pattern.pattern.regex.groupindex)


@pytest.fixture
def content(db):
    """One of each kind of content, linked, with slugs and ids to fill the addresses."""
    ShowFactory()
    person = PersonFactory(slug="julia-kempe")
    paper = PaperFactory(slug="prh", year=2024)
    AuthorshipFactory(paper=paper, person=person)
    episode = EpisodeFactory(slug="after-math-falls", tags=["reasoning"], duration=4500)
    ChapterFactory(episode=episode, start=60)
    AppearanceFactory(episode=episode, person=person)
    post = PostFactory(slug="on-scaling", tags=["reasoning"])
    organization = OrganizationFactory(slug="mit")
    tag = Tag.objects.get(name="reasoning")
    slugs = [episode.slug, person.slug, paper.slug, post.slug, organization.slug, tag.slug]
    ids = sorted({str(obj.pk) for obj in (episode, person, paper, post, organization, tag)})
    return slugs, ids


def _real_urls(slugs, ids):
    """Every named pattern filled with each real slug or id it takes (those that reverse)."""
    urls = {}
    for name, params in _patterns():
        if name in SKIPPED_NAMES:
            continue
        if not params:
            with contextlib.suppress(NoReverseMatch):
                urls.setdefault(name, []).append(reverse(name))
            continue
        for value in [*slugs, *ids]:
            kwargs = dict.fromkeys(params, value)
            if "app_label" in kwargs:  # the admin's app index
                kwargs["app_label"] = "episodes"
            try:
                urls.setdefault(name, []).append(reverse(name, kwargs=kwargs))
            except NoReverseMatch:
                continue
    return urls


def _check(client, urls):
    failures = []
    for url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            failures.append((url[:200], response.status_code))
    return failures


def _walk(client, slugs, ids):
    urls = _real_urls(slugs, ids)
    assert len(urls) > 40, sorted(urls)  # the walk found the site
    asked = []
    for name, filled in urls.items():
        first = filled[0]
        asked += filled[:3]  # a few real values
        if not name.startswith("admin:"):  # (changelists have their own test, below)
            asked += [f"{first}?{query}" for query in QUERIES]  # every odd query, once
        for value in [*slugs, *ids]:  # the same address with a malformed value instead
            if value in first:
                asked += [first.replace(value, bad, 1) for bad in BAD_SLUGS]
                break
    return _check(client, dict.fromkeys(asked))


@pytest.fixture
def hostile_client():
    return FastClient(raise_request_exception=False)


def test_no_address_answers_5xx_to_anonymous_visitors(hostile_client, content):
    assert _walk(hostile_client, *content) == []


def test_no_address_answers_5xx_to_an_editor(hostile_client, content, editor):
    hostile_client.force_login(editor)
    assert _walk(hostile_client, *content) == []


FILTER_VALUES = ["%00", "abc", "10000", "9" * 30, "%C2%B2", "%ED%A0%80%E2%80%AE"]


def test_every_admin_list_filter_answers_200_400_or_the_usual_redirect(
    hostile_client, content, editor
):
    hostile_client.force_login(editor)
    failures = []
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = hostile_client.get(url)
        if response.status_code == 403:  # not an editor's (users, groups)
            continue
        assert response.status_code == 200, url
        changelist = response.context["cl"]
        params = {"q", "o", "p", "_to_field"}
        for spec in changelist.filter_specs:
            params.update(spec.expected_parameters())
        if model_admin.date_hierarchy:
            field = model_admin.date_hierarchy
            params.update({f"{field}__year", f"{field}__month", f"{field}__day"})
        for param in sorted(params):
            for value in FILTER_VALUES:
                response = hostile_client.get(f"{url}?{quote(param)}={value}")
                redirect = response.status_code == 302 and response.url.endswith("?e=1")
                if response.status_code not in (200, 400) and not redirect:
                    failures.append((url, param, value, response.status_code))
    assert failures == []
