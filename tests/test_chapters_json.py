"""/episodes/<slug>/chapters.json (feeds/views.py): Podcasting 2.0 JSON chapters, version 1.2.0,
which podcast apps read from the feed's podcast:chapters.

https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/examples/chapters/jsonChapters.md
"""

import json

import factory
import pytest

from episodes.models import Chapter, Episode
from tests.factories import (
    ChapterFactory,
    DiscussionFactory,
    EpisodeFactory,
    PaperFactory,
    PersonFactory,
)
from tests.pages import (
    ISOLA_EPISODE,
    PRH,
    SITE_URL,
    DemoTestCase,
    assert_queries_do_not_grow,
    fast_client,  # noqa: F401 (the `client` fixture, faster)
    saved,
)

# The shape the Podcasting 2.0 spec gives JSON chapters (the parts this site writes, and the
# optional ones it may write later), as JSON Schema.
CHAPTERS_SCHEMA = {
    "type": "object",
    "required": ["version", "chapters"],
    "properties": {
        "version": {"const": "1.2.0"},
        "title": {"type": "string"},
        "podcastName": {"type": "string"},
        "description": {"type": "string"},
        "fileName": {"type": "string"},
        "waypoints": {"type": "boolean"},
        "chapters": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["startTime"],
                "properties": {
                    "startTime": {"type": "number", "minimum": 0},
                    "endTime": {"type": "number", "minimum": 0},
                    "title": {"type": "string"},
                    "img": {"type": "string", "format": "uri"},
                    "url": {"type": "string", "format": "uri"},
                    "toc": {"type": "boolean"},
                    "location": {"type": "object"},
                },
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
}
ALLOWED_TOP = set(CHAPTERS_SCHEMA["properties"])
ALLOWED_CHAPTER = set(CHAPTERS_SCHEMA["properties"]["chapters"]["items"]["properties"])


def assert_valid_chapters(data):
    """The document has the JSON chapters shape; a plain check that needs no library."""
    assert isinstance(data, dict)
    assert set(data) <= ALLOWED_TOP, set(data) - ALLOWED_TOP
    assert data["version"] == "1.2.0"
    assert isinstance(data["chapters"], list)
    starts = []
    for chapter in data["chapters"]:
        assert set(chapter) <= ALLOWED_CHAPTER, set(chapter) - ALLOWED_CHAPTER
        start = chapter["startTime"]
        assert isinstance(start, int | float) and not isinstance(start, bool), start
        assert start >= 0
        assert isinstance(chapter["title"], str) and chapter["title"]
        if "url" in chapter:
            assert isinstance(chapter["url"], str)
            assert chapter["url"].startswith(("https://", "http://")), chapter["url"]
        starts.append(start)
    assert starts == sorted(starts), "chapters in time order"


def chapters(client, slug):
    response = client.get(f"/episodes/{slug}/chapters.json")
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/json+chapters; charset=utf-8"
    data = json.loads(response.content)
    assert_valid_chapters(data)
    return data


@pytest.fixture
def episode(db):
    """An episode whose chapters link a paper, a person, a paper discussed there, or nothing."""
    episode = EpisodeFactory(slug="isola", title="Platonic Representations")
    paper = PaperFactory(title="The Platonic Representation Hypothesis", slug=PRH)
    isola = PersonFactory(name="Phillip Isola", slug="phillip-isola")
    ChapterFactory(episode=episode, start=0, title="Intro")
    ChapterFactory(episode=episode, start=1167, title="The hypothesis", paper=paper)
    ChapterFactory(episode=episode, start=2000, title="Meet Phillip", person=isola)
    discussed_at = ChapterFactory(episode=episode, start=2500, title="Thickets")
    DiscussionFactory(
        episode=episode,
        paper=PaperFactory(title="Neural Thickets", slug="thickets"),
        chapter=discussed_at,
    )
    DiscussionFactory(episode=episode, paper=PaperFactory(slug="no-chapter"))  # at no chapter
    ChapterFactory(episode=episode, start=3000, title="Outro")
    return episode


def test_the_chapters_are_podcasting_2_json_chapters(client, episode):
    data = chapters(client, "isola")
    assert data["version"] == "1.2.0"
    assert data["title"] == "Platonic Representations"
    assert data["podcastName"] == "The Information Bottleneck"
    assert [(c["startTime"], c["title"]) for c in data["chapters"]] == [
        (0, "Intro"),
        (1167, "The hypothesis"),
        (2000, "Meet Phillip"),
        (2500, "Thickets"),
        (3000, "Outro"),
    ]


def test_the_chapters_validate_against_the_json_schema(client, episode):
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(
        CHAPTERS_SCHEMA, format_checker=jsonschema.FormatChecker()
    )
    validator.validate(chapters(client, "isola"))


def test_a_url_is_given_exactly_for_chapters_linking_a_paper_or_person(client, episode):
    urls = {c["title"]: c.get("url") for c in chapters(client, "isola")["chapters"]}
    assert urls == {
        "Intro": None,
        "The hypothesis": f"{SITE_URL}/papers/{PRH}/",
        "Meet Phillip": f"{SITE_URL}/people/phillip-isola/",
        "Thickets": f"{SITE_URL}/papers/thickets/",
        "Outro": None,
    }
    without_url = [c for c in chapters(client, "isola")["chapters"] if "url" not in c]
    assert [c["title"] for c in without_url] == ["Intro", "Outro"]


def test_an_episode_without_chapters_has_an_empty_list(client, db):
    EpisodeFactory(slug="no-chapters")
    assert chapters(client, "no-chapters")["chapters"] == []


def test_drafts_scheduled_and_unknown_episodes_have_no_chapters(client, db):
    draft = EpisodeFactory(draft=True)
    scheduled = EpisodeFactory(scheduled=True)
    for episode in [draft, scheduled]:
        ChapterFactory(episode=episode, start=0, title="Secret")
        assert client.get(f"/episodes/{episode.slug}/chapters.json").status_code == 404
    assert client.get("/episodes/no-such-episode/chapters.json").status_code == 404


def test_web_players_on_other_sites_may_read_the_chapters(client, episode):
    response = client.get("/episodes/isola/chapters.json")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=300"
    assert client.post("/episodes/isola/chapters.json").status_code == 405


def test_the_chapters_answer_304_to_their_etag(client, episode):
    etag = client.get("/episodes/isola/chapters.json")["ETag"]
    response = client.get("/episodes/isola/chapters.json", headers={"if-none-match": etag})
    assert response.status_code == 304


def test_the_chapters_make_the_same_number_of_queries_for_1_and_50_chapters(
    client, db, django_assert_max_num_queries
):
    episode, paper, person = EpisodeFactory(slug="long"), PaperFactory(), PersonFactory()

    def build(n):
        first = Chapter.objects.filter(episode=episode).count() * 60
        starts = factory.Sequence(lambda i: first + i * 60)
        made = saved(ChapterFactory, n, episode=episode, paper=paper, person=person, start=starts)
        for chapter in made[:2]:
            DiscussionFactory(episode=episode, paper=PaperFactory(), chapter=chapter)
        return "/episodes/long/chapters.json"

    response = assert_queries_do_not_grow(client, django_assert_max_num_queries, build)
    assert len(json.loads(response.content)["chapters"]) == 51


class TestTheDemoChapters(DemoTestCase):
    def test_the_isola_episode_has_24_chapters_and_links_the_paper_at_19_27(self):
        data = chapters(self.client, ISOLA_EPISODE)
        assert len(data["chapters"]) == 24
        linked = [c for c in data["chapters"] if "url" in c]
        assert linked == [
            {
                "startTime": 1167,
                "title": "The platonic representation hypothesis and what actually converges",
                "url": f"{SITE_URL}/papers/{PRH}/",
            }
        ]

    def test_every_demo_episodes_chapters_are_valid(self):
        for slug in Episode.objects.values_list("slug", flat=True):
            data = chapters(self.client, slug)
            assert data["chapters"], slug
