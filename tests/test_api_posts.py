"""The posts API (/api/v1/posts/): essays with their hindsight verdicts."""

import datetime

import pytest
from django.utils import timezone

from papers.models import Paper
from people.models import Person
from posts.models import Post
from tests.api import (
    API,
    API_URL,
    SITE_URL,
    assert_errors,
    assert_queries_do_not_grow,
    documented_fields,
    get_json,
    slugs,
)
from tests.factories import PaperFactory, PersonFactory, PostFactory
from tests.pages import saved, tagged

POSTS = f"{API}/posts/"
WHEN = datetime.datetime(2025, 3, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def converging(db):
    return PostFactory(
        title="Everything Is Converging",
        slug="converging",
        dek="Models agree more every year.",
        author=PersonFactory(name="Ravid Shwartz-Ziv", slug="ravid"),
        published_at=WHEN,
        body="Everything is converging to the same thing. " * 100,  # 700 words
        papers=[PaperFactory(slug="prh")],
        tags=["Representation Learning"],
        hindsight_verdict="still_happening",
        hindsight_note="Still true a year on.",
        hindsight_date=datetime.date(2026, 3, 1),
    )


def test_a_post_has_exactly_the_documented_fields(api, converging):
    data = get_json(api, f"{POSTS}converging/")
    assert data == {
        "url": f"{API_URL}/posts/converging/",
        "html_url": f"{SITE_URL}/posts/converging/",
        "slug": "converging",
        "title": "Everything Is Converging",
        "dek": "Models agree more every year.",
        "author": "ravid",
        "state": "live",
        "status": "published",
        "published_at": "2025-03-01T12:00:00Z",
        "body": converging.body,
        "word_count": 700,
        "reading_time": 4,
        "papers": ["prh"],
        "tags": ["Representation Learning"],
        "hindsight": {
            "verdict": "still_happening",
            "label": "Still happening",
            "note": "Still true a year on.",
            "date": "2026-03-01",
        },
    }
    # The verdict is written as three fields and read as one.
    assert set(data) | {"hindsight_verdict", "hindsight_note", "hindsight_date"} == (
        documented_fields("Post") | documented_fields("PostRequest")
    )
    assert set(data) == documented_fields("Post")


def test_a_post_without_a_verdict_has_no_hindsight(api):
    PostFactory(slug="plain", author=None)
    data = get_json(api, f"{POSTS}plain/")
    assert data["hindsight"] is None
    assert data["author"] is None


def test_the_list_shows_the_same_as_the_detail(api, converging):
    assert get_json(api, POSTS)["results"] == [get_json(api, f"{POSTS}converging/")]


# Drafts.


@pytest.fixture
def unpublished(converging):
    PostFactory(slug="draft", draft=True)
    PostFactory(
        slug="scheduled",
        is_draft=False,
        published_at=timezone.now() + datetime.timedelta(days=3),
    )


@pytest.mark.parametrize("who", ["api", "listener_api"])
def test_drafts_and_scheduled_posts_are_hidden_from_the_public(request, unpublished, who):
    client = request.getfixturevalue(who)
    assert slugs(get_json(client, POSTS)) == ["converging"]
    get_json(client, f"{POSTS}draft/", status=404)
    get_json(client, f"{POSTS}scheduled/", status=404)


def test_editors_see_every_post(editor_api, unpublished):
    assert set(slugs(get_json(editor_api, POSTS))) == {"converging", "draft", "scheduled"}
    assert get_json(editor_api, f"{POSTS}draft/")["state"] == "draft"
    assert get_json(editor_api, f"{POSTS}scheduled/")["state"] == "scheduled"
    assert get_json(editor_api, f"{POSTS}draft/")["status"] == "draft"


def test_a_post_scheduled_for_a_time_now_past_is_live(api, editor_api):
    post = PostFactory(
        slug="due", is_draft=False, published_at=timezone.now() + datetime.timedelta(days=1)
    )
    assert get_json(editor_api, f"{POSTS}due/")["state"] == "scheduled"
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now())  # time passes

    for client in [api, editor_api]:
        [listed] = get_json(client, POSTS)["results"]
        detail = get_json(client, f"{POSTS}due/")
        assert (listed["state"], listed["status"]) == ("live", "published")
        assert (detail["state"], detail["status"]) == ("live", "published")


# Lists.


def test_search_ordering_and_pages(api, converging):
    for day in range(24):
        PostFactory(
            slug=f"post-{day:02d}",
            title=f"Post {day:02d}",
            published_at=WHEN - datetime.timedelta(days=day + 1),
        )
    first = get_json(api, POSTS)
    assert (first["count"], len(first["results"])) == (25, 20)
    assert first["results"][0]["slug"] == "converging"  # newest first
    assert first["next"] == f"{API_URL}/posts/?page=2"
    assert slugs(get_json(api, f"{POSTS}?search=agree")) == ["converging"]  # the dek
    assert slugs(get_json(api, f"{POSTS}?ordering=title"))[:2] == ["converging", "post-00"]
    assert slugs(get_json(api, f"{POSTS}?ordering=published_at"))[0] == "post-23"


# Writing.


@pytest.fixture
def references(db):
    Person.objects.get_or_create(slug="ravid", defaults={"name": "Ravid Shwartz-Ziv"})
    Paper.objects.get_or_create(slug="prh", defaults={"title": "PRH"})


NEW_POST = {
    "title": "Scaling Is Not Enough",
    "dek": "What the next gains need.",
    "author": "ravid",
    "status": "published",
    "published_at": "2025-05-01T08:00:00Z",
    "body": "Scaling alone will not get us there.",
    "papers": ["prh"],
    "tags": ["Scaling"],
}


def test_an_editor_writes_a_post_and_later_its_verdict(editor_api, references):
    response = editor_api.post(POSTS, NEW_POST, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["slug"] == "scaling-is-not-enough"
    assert data["hindsight"] is None
    assert (data["word_count"], data["reading_time"]) == (7, 1)
    verdict = {
        "hindsight_verdict": "wrong",
        "hindsight_note": "It was enough.",
        "hindsight_date": "2026-01-15",
    }
    data = editor_api.patch(data["url"], verdict, format="json").json()
    assert data["hindsight"] == {
        "verdict": "wrong",
        "label": "Wrong",
        "note": "It was enough.",
        "date": "2026-01-15",
    }
    assert "hindsight_verdict" not in data
    assert data["papers"] == ["prh"]  # left out, kept


def test_a_draft_needs_no_date_and_a_schedule_does(editor_api, references):
    draft = editor_api.post(
        POSTS, {**NEW_POST, "status": "draft", "published_at": None}, format="json"
    )
    assert draft.status_code == 201
    assert draft.json()["published_at"] is None
    scheduled = {**NEW_POST, "status": "scheduled", "published_at": None}
    assert_errors(editor_api.post(POSTS, scheduled, format="json"), 400, "published_at")


@pytest.mark.parametrize(
    "change, field",
    [
        ({"title": None}, "title"),
        ({"body": ""}, "body"),
        ({"author": "nobody"}, "author"),
        ({"author": ""}, "author"),
        ({"author": "\x00"}, "author"),
        ({"papers": ["prh\x00"]}, "papers"),
        ({"papers": ["prh", "nope"]}, "papers"),
        ({"papers": "prh"}, "papers"),
        ({"status": "done"}, "status"),
        ({"hindsight_verdict": "wrong"}, "hindsight_date"),  # a verdict needs its date
        ({"hindsight_note": "Why."}, "hindsight_verdict"),  # a note needs its verdict
        ({"hindsight_verdict": "maybe", "hindsight_date": "2026-01-01"}, "hindsight_verdict"),
        ({"hindsight_verdict": "wrong", "hindsight_date": 20260101}, "hindsight_date"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(editor_api, references, change, field):
    assert_errors(editor_api.post(POSTS, {**NEW_POST, **change}, format="json"), 400, field)
    assert not Post.objects.exists()


def test_a_duplicate_slug_is_a_409(editor_api, converging, references):
    response = editor_api.post(POSTS, {**NEW_POST, "slug": "converging"}, format="json")
    assert_errors(response, 409, "slug")
    assert Post.objects.count() == 1


def test_only_editors_write(api, listener_api, editor_api, converging):
    url = f"{POSTS}converging/"
    assert api.delete(url).status_code == 401
    assert listener_api.delete(url).status_code == 403
    assert listener_api.patch(url, {"title": "x"}, format="json").status_code == 403
    assert Post.objects.filter(title="Everything Is Converging").exists()
    assert editor_api.delete(url).status_code == 204
    assert not Post.objects.exists()


# Queries.


def test_the_list_makes_the_same_queries_for_1_and_50_posts(api, django_assert_max_num_queries):
    author = PersonFactory()
    papers = saved(PaperFactory, 3)

    def build(n):
        posts = saved(
            PostFactory, n, author=author, hindsight_verdict="wrong", hindsight_date=WHEN.date()
        )
        tagged(posts, "scaling", "reasoning")
        for post in posts:
            post.papers.set(papers)
        return POSTS

    assert_queries_do_not_grow(api, django_assert_max_num_queries, build)


def test_the_detail_makes_the_same_queries_for_1_and_50_papers(api, django_assert_max_num_queries):
    post = PostFactory(slug="many-papers")

    def build(n):
        post.papers.add(*saved(PaperFactory, n))
        tagged([post], *[f"tag-{post.papers.count()}-{i}" for i in range(n)])
        return f"{POSTS}many-papers/"

    data = assert_queries_do_not_grow(api, django_assert_max_num_queries, build).json()
    assert (len(data["papers"]), len(data["tags"])) == (51, 51)
