"""The post list and post pages (pages/views/posts.py, posts/filters.py)."""

import datetime
import re

import pytest
from django.utils import timezone
from django.utils.dateformat import format as format_date

from posts.models import Post, Verdict
from tests.factories import PaperFactory, PersonFactory, PostFactory
from tests.pages import (
    POST,
    PRH,
    XSS,
    XSS_ESCAPED,
    DemoTestCase,
    Page,
    assert_queries_do_not_grow,
    fast_client,  # noqa: F401 (the `client` fixture, faster)
    saved,
    tagged,
)

POST_URL = f"/posts/{POST}/"
TITLE = "Everything Is Converging to the Same Thing"


def listed(page):
    """Slugs of the posts linked from a list page, in order."""
    return [
        attrs["href"].split("/")[2]
        for attrs in page.all("a")
        if re.fullmatch(r"/posts/[\w-]+/", attrs.get("href", ""))
    ]


class TestPostsWithTheDemo(DemoTestCase):
    def test_the_list_shows_the_post_with_date_reading_time_verdict_and_dek(self):
        page = self.page("/posts/")
        assert page.text_of("h1") == ["Posts"]
        assert listed(page) == [POST]
        assert page.item(TITLE) == (
            f"{TITLE} May 20, 2024 · 3 min read · Hindsight: still happening The Platonic "
            "Representation Hypothesis says sufficiently large models are all finding the same "
            "reality, regardless of what they were trained on."
        )
        assert '<time datetime="2024-05-20T10:00:00+00:00">May 20, 2024</time>' in page

    def test_the_post_shows_its_title_dek_date_reading_time_and_word_count(self):
        page = self.page(POST_URL)
        assert page.text_of("h1") == [TITLE]
        (dek,) = page.text_of("p", class_="dek")
        assert dek.startswith("The Platonic Representation Hypothesis says")
        assert "May 20, 2024 · 3 min read · 521 words" in page.text_of("p", class_="meta")
        assert '<time datetime="2024-05-20T10:00:00+00:00">May 20, 2024</time>' in page

    def test_the_post_shows_its_topics(self):
        page = self.page(POST_URL)
        for tag in ["machine-learning", "llms", "representation-learning", "research"]:
            assert page.links(f"/tags/{tag}/") == [f"#{tag}"]

    def test_the_hindsight_box_gives_the_verdict_note_and_date(self):
        page = self.page(POST_URL)
        (box,) = page.all("aside")
        assert box["class"] == "hindsight hindsight-still_happening"
        assert page.text_of("h2", id="hindsight-title") == ["Hindsight: still happening"]
        (text,) = page.text_of("aside")
        assert "the platonic representation hypothesis remains one of the most debated" in text
        assert text.endswith("Verdict of June 1, 2026")
        assert '<time datetime="2026-06-01">June 1, 2026</time>' in page

    def test_the_body_is_rendered_from_markdown(self):
        page = self.page(POST_URL)
        (body,) = page.text_of("div", class_="prose")
        assert body.startswith("There is a new paper out of MIT \u2014 Huh, Cheung, Wang, Isola")
        assert body.endswith("everything is the same thing.")
        assert page.html.count("<p>") >= 10  # paragraphs, not one block

    def test_the_post_links_the_paper_it_discusses(self):
        page = self.page(POST_URL)
        assert page.text_of("section", aria_labelledby="post-papers-title") == [
            "Papers in this post The Platonic Representation Hypothesis (2024)"
        ]
        assert page.links(f"/papers/{PRH}/") == ["The Platonic Representation Hypothesis"]

    def test_a_post_without_an_author_has_no_byline(self):
        assert "By " not in self.page(POST_URL).text_of("p", class_="meta")[0]


# Authors, verdicts and the list.


def test_the_author_is_linked(client, db):
    PostFactory(slug="p", author=PersonFactory(name="Ravid Shwartz-Ziv", slug="ravid"))
    page = Page(client.get("/posts/p/"))
    assert page.text_of("p", class_="meta")[0].startswith("By Ravid Shwartz-Ziv · ")
    assert page.links("/people/ravid/") == ["Ravid Shwartz-Ziv"]


def test_a_post_without_a_verdict_has_no_hindsight_box(client, db):
    PostFactory(slug="p", title="Plain")
    assert Page(client.get("/posts/p/")).all("aside") == []
    assert "Hindsight" not in Page(client.get("/posts/")).item("Plain")


@pytest.mark.parametrize(
    ("verdict", "words"),
    [(Verdict.EXPECTED, "as expected"), (Verdict.WRONG, "wrong")],
)
def test_each_verdict_is_named(client, db, verdict, words):
    PostFactory(
        slug="p",
        hindsight_verdict=verdict,
        hindsight_date=datetime.date(2026, 1, 2),
        hindsight_note="Told you.",
    )
    page = Page(client.get("/posts/p/"))
    assert page.text_of("aside") == [f"Hindsight: {words} Told you. Verdict of Jan. 2, 2026"]


def test_a_short_post_takes_a_minute_to_read(client, db):
    PostFactory(slug="p", body="Five words and no more.")
    assert "1 min read · 5 words" in Page(client.get("/posts/p/")).text_of("p", class_="meta")[0]


def test_posts_are_listed_newest_first_twenty_a_page(client, db):
    now = timezone.now()
    for n in range(21):
        PostFactory(slug=f"post-{n:02d}", published_at=now - datetime.timedelta(days=n + 1))
    page = Page(client.get("/posts/"))
    assert listed(page) == [f"post-{n:02d}" for n in range(20)]
    assert listed(Page(client.get("/posts/?page=2"))) == ["post-20"]
    assert listed(Page(client.get("/posts/?page=abc"))) == listed(page)


def test_no_posts_says_so(client, db):
    assert "No posts yet." in client.get("/posts/").text


def test_the_list_filters_by_topic_and_says_how_many(client, db):
    PostFactory(slug="on-scaling", tags=["scaling"])
    PostFactory(slug="elsewhere", tags=["other"])
    PostFactory(slug="draft-on-scaling", draft=True, tags=["scaling", "secret"])
    page = Page(client.get("/posts/?tag=scaling"))
    assert listed(page) == ["on-scaling"]
    assert page.text_of("p", role="status") == ["1 post"]
    assert page.all("form", role="search", aria_label="Filter posts")
    offered = [option.get("value") for option in page.all("option")]
    assert offered == ["", "other", "scaling"]  # a draft's topic is not offered
    assert page.all("option", value="scaling", selected="")


@pytest.mark.parametrize("slug", ["nothing-like-it", "secret"])
def test_an_unknown_or_unpublished_topic_gives_an_empty_list_and_says_why(client, db, slug):
    PostFactory(tags=["open"])
    PostFactory(draft=True, tags=["secret"])
    page = Page(client.get(f"/posts/?tag={slug}"))
    assert listed(page) == []
    assert page.text_of("p", role="status") == ["0 posts"]
    assert "No post matches this filter." in page.html
    assert len(page.all("p", class_="error")) == 1


# Not found, and what is not public.


@pytest.fixture
def unpublished(db):
    return {
        "published": PostFactory(title="Public Post", slug="public"),
        "draft": PostFactory(title="Secret Draft", slug="draft", draft=True),
        "scheduled": PostFactory(
            title="Secret Scheduled",
            slug="soon",
            published_at=timezone.now() + datetime.timedelta(days=3),
        ),
    }


@pytest.mark.parametrize("slug", ["draft", "soon", "nope"])
def test_unpublished_and_unknown_posts_are_not_found(client, unpublished, slug):
    assert client.get(f"/posts/{slug}/").status_code == 404


@pytest.mark.parametrize("slug", ["draft", "soon"])
def test_signed_in_listeners_cannot_see_unpublished_posts(client, listener, unpublished, slug):
    client.force_login(listener)
    assert client.get(f"/posts/{slug}/").status_code == 404


def test_an_editor_previews_a_draft_with_a_banner(editor_client, unpublished):
    page = Page(editor_client.get("/posts/draft/"))
    assert page.response.status_code == 200
    assert page.text_of("p", class_="draft-banner") == ["Draft: only editors can see this page."]


def test_an_editor_previews_a_scheduled_post_with_its_date(editor_client, unpublished):
    page = Page(editor_client.get("/posts/soon/"))
    when = format_date(timezone.localtime(unpublished["scheduled"].published_at), "N j, Y, H:i")
    assert page.text_of("p", class_="draft-banner") == [
        f"Scheduled for {when}: only editors can see this page."
    ]


def test_unpublished_posts_are_not_listed(client, unpublished):
    assert listed(Page(client.get("/posts/"))) == ["public"]


def test_published_posts_have_no_banner(editor_client, unpublished):
    assert Page(editor_client.get("/posts/public/")).all("p", class_="draft-banner") == []


# Markdown from editors is sanitized.


def test_the_body_and_hindsight_note_cannot_run_script(client, db):
    PostFactory(
        slug="evil",
        title="</script><script>alert(1)</script>",
        dek="<img src=x onerror=alert(1)>",
        body=XSS,
        hindsight_verdict=Verdict.WRONG,
        hindsight_note=XSS,
        hindsight_date=datetime.date(2026, 1, 1),
    )
    for url in ["/posts/evil/", "/posts/", "/"]:
        page = Page(client.get(url))
        assert page.executable_content() == [], url
        assert "<script>alert(1)</script>" not in page.html, url
        assert "onerror=alert(1)>" not in page.html, url
    page = Page(client.get("/posts/evil/"))
    assert page.html.count(f"<p>{XSS_ESCAPED[0]} {XSS_ESCAPED[1]}") == 2  # body and note
    assert not [href for href in page.hrefs() if "javascript" in href.lower()]


# Query budgets.


def with_papers(posts, papers):
    Post.papers.through.objects.bulk_create(
        Post.papers.through(post=post, paper=paper) for post in posts for paper in papers
    )
    return posts


@pytest.mark.parametrize("query", ["", "?tag=a"])
def test_the_post_list_makes_the_same_queries_for_1_and_50_posts(
    client, db, django_assert_max_num_queries, query
):
    author, paper = PersonFactory(), PaperFactory()

    def build(n):
        with_papers(tagged(saved(PostFactory, n, author=author), "a", "b"), [paper])
        return "/posts/" + query

    page = Page(assert_queries_do_not_grow(client, django_assert_max_num_queries, build))
    assert len(listed(page)) == 20


def test_the_post_page_makes_the_same_queries_for_1_and_50_papers_and_topics(
    client, db, django_assert_max_num_queries
):
    def build(n):
        (post,) = saved(
            PostFactory,
            1,
            author=PersonFactory(),
            hindsight_verdict=Verdict.EXPECTED,
            hindsight_date=datetime.date(2026, 1, 1),
        )
        with_papers(tagged([post], *[f"topic-{i}" for i in range(n)]), saved(PaperFactory, n))
        return post.get_absolute_url()

    page = Page(assert_queries_do_not_grow(client, django_assert_max_num_queries, build))
    assert len([href for href in page.hrefs() if href.startswith("/papers/paper-")]) == 50
    assert len([href for href in page.hrefs() if href.startswith("/tags/topic-")]) == 50
