"""The episodes API (/api/v1/episodes/): shape, lists, filters, drafts, writes, errors."""

import datetime

import pytest
from django.db import IntegrityError
from django.utils import timezone
from django.utils.text import slugify

from episodes import services
from episodes.models import Appearance, Chapter, Episode
from people.models import Person
from tests.api import (
    API,
    API_URL,
    SITE_URL,
    assert_errors,
    assert_queries_do_not_grow,
    documented_fields,
    get_json,
    openapi,
    slugs,
)
from tests.factories import (
    AppearanceFactory,
    ChapterFactory,
    DiscussionFactory,
    EpisodeFactory,
    PaperFactory,
    PersonFactory,
    ShowFactory,
)
from tests.pages import saved, tagged

EPISODES = f"{API}/episodes/"
WHEN = datetime.datetime(2025, 3, 1, 12, 0, tzinfo=datetime.UTC)


def at(days):
    return WHEN + datetime.timedelta(days=days)


@pytest.fixture
def kempe(db):
    """A published episode with a guest, a host, chapters, a paper discussed and tags."""
    episode = EpisodeFactory(
        title="After Math Falls",
        slug="after-math-falls",
        number=7,
        published_at=WHEN,
        duration=4500,
        summary="Julia Kempe on what comes after formal mathematics.",
        description="Show notes.",
        audio_url="https://media.example.com/after-math-falls.mp3",
        audio_size=72_000_000,
        guid="ib-0007",
        music_credits="Theme: Blue Dot Sessions",
        transcript="Hello.",
        tags=["Reasoning", "Mathematics"],
    )
    guest = PersonFactory(name="Julia Kempe", slug="julia-kempe")
    host = PersonFactory(name="Ravid Shwartz-Ziv", slug="ravid-shwartz-ziv", is_host=True)
    AppearanceFactory(episode=episode, person=guest, affiliation="NYU/Meta", order=0)
    AppearanceFactory(episode=episode, person=host, role="host", affiliation="", order=0)
    paper = PaperFactory(title="Lean and the Future", slug="lean-and-the-future", year=2024)
    ChapterFactory(episode=episode, start=0, title="Intro")
    lean = ChapterFactory(episode=episode, start=3858, title="Lean", paper=paper, person=guest)
    DiscussionFactory(episode=episode, paper=paper, chapter=lean, note="The main paper.")
    return episode


def test_an_episode_has_exactly_the_documented_fields(api, kempe):
    data = get_json(api, f"{EPISODES}after-math-falls/")
    assert data == {
        "url": f"{API_URL}/episodes/after-math-falls/",
        "html_url": f"{SITE_URL}/episodes/after-math-falls/",
        "slug": "after-math-falls",
        "title": "After Math Falls",
        "show": "the-information-bottleneck",
        "number": 7,
        "season": None,
        "episode_type": "full",
        "state": "live",
        "status": "published",
        "published_at": "2025-03-01T12:00:00Z",
        "duration": 4500,
        "duration_display": "1h 15m",
        "summary": "Julia Kempe on what comes after formal mathematics.",
        "description": "Show notes.",
        "audio": {
            "url": "https://media.example.com/after-math-falls.mp3",
            "size": 72_000_000,
            "type": "audio/mpeg",
        },
        "guid": "ib-0007",
        "explicit": False,
        "music_credits": "Theme: Blue Dot Sessions",
        "transcript": "Hello.",
        "people": [  # guests first, then hosts
            {
                "person": "julia-kempe",
                "name": "Julia Kempe",
                "role": "guest",
                "affiliation": "NYU/Meta",
                "order": 0,
                "html_url": f"{SITE_URL}/people/julia-kempe/",
            },
            {
                "person": "ravid-shwartz-ziv",
                "name": "Ravid Shwartz-Ziv",
                "role": "host",
                "affiliation": "",
                "order": 0,
                "html_url": f"{SITE_URL}/people/ravid-shwartz-ziv/",
            },
        ],
        "chapters": [
            {"start": 0, "timestamp": "00:00", "title": "Intro", "paper": None, "person": None},
            {
                "start": 3858,
                "timestamp": "1:04:18",
                "title": "Lean",
                "paper": "lean-and-the-future",
                "person": "julia-kempe",
            },
        ],
        "papers": [
            {
                "paper": "lean-and-the-future",
                "title": "Lean and the Future",
                "chapter_start": 3858,
                "note": "The main paper.",
            }
        ],
        "tags": ["Mathematics", "Reasoning"],  # by name
        "rating": {"average": None, "count": 0},  # no review yet
    }
    assert set(data) == documented_fields("Episode")


def test_a_list_item_is_the_same_shape_as_the_detail(api, kempe):
    listed = get_json(api, EPISODES)["results"][0]
    assert listed == get_json(api, f"{EPISODES}after-math-falls/")


def test_a_paper_discussed_without_a_chapter_has_no_start(api):
    episode = EpisodeFactory(slug="e")
    DiscussionFactory(episode=episode, paper=PaperFactory(slug="p"))
    assert get_json(api, f"{EPISODES}e/")["papers"][0]["chapter_start"] is None


# Lists: pages, order, filters, search.


def test_lists_are_paginated_by_20_with_a_count_and_links(api):
    for day in range(25):
        EpisodeFactory(slug=f"episode-{day:02d}", published_at=at(day))
    first = get_json(api, EPISODES)
    assert first["count"] == 25
    assert len(first["results"]) == 20
    assert first["previous"] is None
    assert first["next"] == f"{API_URL}/episodes/?page=2"
    assert first["results"][0]["slug"] == "episode-24"  # newest first
    second = get_json(api, first["next"])
    assert second["count"] == 25
    assert slugs(second) == [f"episode-{day:02d}" for day in (4, 3, 2, 1, 0)]
    assert second["next"] is None
    assert second["previous"] == f"{API_URL}/episodes/"


def test_a_page_past_the_end_is_a_404(api):
    EpisodeFactory()
    assert get_json(api, f"{EPISODES}?page=2", status=404) == {"detail": "Invalid page."}
    get_json(api, f"{EPISODES}?page=abc", status=404)


def test_the_next_link_keeps_the_filters(api):
    for day in range(21):
        EpisodeFactory(published_at=at(day), tags=["reasoning"])
    data = get_json(api, f"{EPISODES}?tag=reasoning")
    assert data["next"] == f"{API_URL}/episodes/?page=2&tag=reasoning"


@pytest.fixture
def three(db):
    """Three episodes: two guests, two topics, two years."""
    lecun = PersonFactory(name="Yann LeCun", slug="yann-lecun")
    kempe = PersonFactory(name="Julia Kempe", slug="julia-kempe")
    a = EpisodeFactory(
        slug="a", title="World Models", published_at=at(-400), duration=600, tags=["vision"]
    )
    b = EpisodeFactory(
        slug="b", title="After Math", published_at=at(0), duration=300, tags=["reasoning"]
    )
    c = EpisodeFactory(slug="c", title="Coding Agents", published_at=at(10), duration=900)
    AppearanceFactory(episode=a, person=lecun)
    AppearanceFactory(episode=b, person=kempe)
    AppearanceFactory(episode=c, person=lecun, role="host")  # a host, not a guest, here
    return a, b, c


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["c", "b", "a"]),
        ("tag=reasoning", ["b"]),
        ("tag=vision", ["a"]),
        ("guest=yann-lecun", ["a"]),
        ("guest=julia-kempe", ["b"]),
        ("year=2025", ["c", "b"]),
        ("year=2024", ["a"]),
        ("published_after=2025-03-01T12:00:00Z", ["c", "b"]),
        ("published_after=2025-03-02", ["c"]),
        ("published_before=2025-03-01T12:00:00Z", ["a"]),
        ("published_before=2025-03-11T12:00:00%2B01:00", ["b", "a"]),
        ("published_after=2025-03-11T23:00:00%2B23:59", ["c"]),  # PostgreSQL has no +23:59
        ("published_after=2025-01-01&published_before=2025-03-05", ["b"]),
        ("tag=reasoning&guest=julia-kempe&year=2025", ["b"]),
        ("tag=", ["c", "b", "a"]),  # an empty value filters nothing
        # A well-formed slug or year that matches nothing: a valid question, no episodes.
        ("tag=no-such-topic", []),
        ("guest=nobody", []),
        ("year=1999", []),
    ],
)
def test_filters(api, three, query, expected):
    assert slugs(get_json(api, f"{EPISODES}?{query}")) == expected


@pytest.mark.parametrize(
    "query, field",
    [
        ("year=abc", "year"),
        ("year=0", "year"),
        ("year=99999", "year"),
        ("published_after=yesterday", "published_after"),
        ("published_after=2025-03-01%2012:00", "published_after"),
        ("published_after=0001-01-01T00:00:00%2B01:00", "published_after"),
        ("published_before=2025-02-30", "published_before"),
        ("tag=not%20a%20slug", "tag"),
        ("guest=%00", "guest"),
    ],
)
def test_a_malformed_filter_is_a_400_naming_it(api, three, query, field):
    assert_errors(api.get(f"{EPISODES}?{query}"), 400, field)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("search=world", ["a"]),
        ("search=kempe", ["b"]),  # a guest's name
        ("search=agents+coding", ["c"]),
        ("search=%00", ["c", "b", "a"]),  # a NUL is left out, never a 500 (PostgreSQL)
        ("ordering=title", ["b", "c", "a"]),
        ("ordering=-duration", ["c", "a", "b"]),
        ("ordering=published_at", ["a", "b", "c"]),
        ("ordering=transcript", ["c", "b", "a"]),  # not orderable: the default order
    ],
)
def test_search_and_ordering(api, three, query, expected):
    assert slugs(get_json(api, f"{EPISODES}?{query}")) == expected


# Drafts and scheduled episodes.


@pytest.fixture
def unpublished(db):
    EpisodeFactory(slug="live", published_at=at(0))
    EpisodeFactory(slug="draft", draft=True)
    EpisodeFactory(slug="scheduled", scheduled=True)


@pytest.mark.parametrize("who", ["api", "listener_api"])
def test_drafts_and_scheduled_episodes_are_hidden_from_the_public(request, unpublished, who):
    client = request.getfixturevalue(who)
    assert slugs(get_json(client, EPISODES)) == ["live"]
    for slug in ["draft", "scheduled"]:
        assert get_json(client, f"{EPISODES}{slug}/", status=404) == {
            "detail": "No Episode matches the given query."
        }


def test_editors_see_drafts_and_scheduled_episodes(editor_api, unpublished):
    assert set(slugs(get_json(editor_api, EPISODES))) == {"live", "draft", "scheduled"}
    assert get_json(editor_api, f"{EPISODES}draft/")["state"] == "draft"
    assert get_json(editor_api, f"{EPISODES}scheduled/")["state"] == "scheduled"
    assert get_json(editor_api, f"{EPISODES}live/")["state"] == "live"
    # The deprecated status says the same, "published" for live.
    assert get_json(editor_api, f"{EPISODES}draft/")["status"] == "draft"
    assert get_json(editor_api, f"{EPISODES}scheduled/")["status"] == "scheduled"
    assert get_json(editor_api, f"{EPISODES}live/")["status"] == "published"


def test_the_document_explains_the_state_and_deprecates_the_status(db):
    schemas = openapi()["components"]["schemas"]
    assert schemas["StateEnum"]["enum"] == ["draft", "scheduled", "live"]
    assert schemas["StatusEnum"]["enum"] == ["draft", "scheduled", "published"]
    for component in ["Episode", "Post"]:
        state = schemas[component]["properties"]["state"]
        assert state["readOnly"] is True
        for value in ["draft", "scheduled", "live"]:
            assert f'"{value}": ' in state["description"], (component, value)
    for component in ["Episode", "EpisodeWriteRequest", "Post", "PostRequest"]:
        status = schemas[component]["properties"]["status"]
        assert status["deprecated"] is True
        assert status["description"].startswith("Deprecated: read `state` instead")


def test_an_episode_scheduled_for_a_time_now_past_is_live(api, editor_api):
    episode = EpisodeFactory(slug="due", scheduled=True)
    assert get_json(editor_api, f"{EPISODES}due/")["state"] == "scheduled"
    Episode.objects.filter(pk=episode.pk).update(published_at=timezone.now())  # time passes

    for client in [api, editor_api]:
        [listed] = get_json(client, EPISODES)["results"]
        detail = get_json(client, f"{EPISODES}due/")
        assert (listed["state"], listed["status"]) == ("live", "published")
        assert (detail["state"], detail["status"]) == ("live", "published")


def test_filtering_by_a_draft_topic_or_guest_finds_nothing_for_the_public(api, editor_api):
    draft = EpisodeFactory(slug="draft", draft=True, tags=["secret-topic"])
    AppearanceFactory(episode=draft, person=PersonFactory(slug="upcoming-guest"))
    for query in ["tag=secret-topic", "guest=upcoming-guest"]:
        assert slugs(get_json(api, f"{EPISODES}?{query}")) == []
        assert slugs(get_json(editor_api, f"{EPISODES}?{query}")) == ["draft"]


# Writing.


@pytest.fixture
def people(db):
    ShowFactory()
    for name in ["Julia Kempe", "Ravid Shwartz-Ziv"]:
        Person.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    PaperFactory(title="Lean", slug="lean")


NEW_EPISODE = {
    "title": "Reasoning Models and Planning",
    "status": "published",
    "published_at": "2025-04-01T09:00:00Z",
    "duration": 3600,
    "audio_url": "https://media.example.com/reasoning.mp3",
    "audio_size": 50_000_000,
    "tags": ["Reasoning", "Planning"],
    "people": [
        {"person": "julia-kempe", "affiliation": "NYU"},
        {"person": "ravid-shwartz-ziv", "role": "host"},
    ],
    "chapters": [
        {"start": 600, "title": "Planning", "paper": "lean"},
        {"start": 0, "title": "Intro", "person": "julia-kempe"},
    ],
}


def test_an_editor_creates_an_episode_with_its_people_and_chapters(editor_api, people):
    response = editor_api.post(EPISODES, NEW_EPISODE, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["slug"] == "reasoning-models-and-planning"
    assert data["url"] == f"{API_URL}/episodes/reasoning-models-and-planning/"
    assert data["show"] == "the-information-bottleneck"
    assert data["status"] == "published"
    assert data["guid"]  # made up when not given
    assert data["tags"] == ["Planning", "Reasoning"]
    # Answered in the shape it is read in, chapters in order of time.
    assert data == get_json(editor_api, data["url"])
    assert [(c["start"], c["timestamp"], c["title"]) for c in data["chapters"]] == [
        (0, "00:00", "Intro"),
        (600, "10:00", "Planning"),
    ]
    assert [(p["person"], p["role"], p["affiliation"], p["order"]) for p in data["people"]] == [
        ("julia-kempe", "guest", "NYU", 0),
        ("ravid-shwartz-ziv", "host", "", 1),
    ]
    episode = Episode.objects.get(slug="reasoning-models-and-planning")
    assert episode.chapters.get(start=600).paper.slug == "lean"


def test_published_without_a_date_means_now_and_a_future_date_means_scheduled(editor_api, people):
    now = editor_api.post(EPISODES, {"title": "Now", "status": "published"}, format="json")
    assert now.status_code == 201
    published_at = datetime.datetime.fromisoformat(now.json()["published_at"])
    assert abs(published_at - timezone.now()) < datetime.timedelta(minutes=1)
    later = {"title": "Later", "status": "published", "published_at": "2999-01-01T00:00:00Z"}
    data = editor_api.post(EPISODES, later, format="json").json()
    assert (data["state"], data["status"]) == ("scheduled", "scheduled")
    assert Episode.objects.get(slug="later").is_draft is False


@pytest.mark.parametrize(
    ("status", "published_at", "state"),
    [
        ("draft", None, "draft"),
        ("draft", "2025-04-01T09:00:00Z", "draft"),
        ("scheduled", "2999-01-01T00:00:00Z", "scheduled"),
        ("scheduled", "2025-04-01T09:00:00Z", "live"),  # its time has come
        ("published", "2025-04-01T09:00:00Z", "live"),
        ("published", "2999-01-01T00:00:00Z", "scheduled"),
    ],
)
def test_the_status_sent_becomes_a_state(editor_api, people, status, published_at, state):
    sent = {"title": "Sent", "status": status, "published_at": published_at}
    response = editor_api.post(EPISODES, sent, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["state"] == state
    assert Episode.objects.get(slug="sent").state == state


def test_without_a_status_a_patch_keeps_the_one_the_episode_shows(editor_api, people):
    EpisodeFactory(slug="draft", draft=True)
    EpisodeFactory(slug="scheduled", scheduled=True)
    EpisodeFactory(slug="live")

    def patch(slug, published_at):
        return editor_api.patch(
            f"{EPISODES}{slug}/", {"published_at": published_at}, format="json"
        )

    assert patch("draft", "2999-01-01T00:00:00Z").json()["state"] == "draft"
    # "scheduled" needs its date; "published" without one is now.
    assert_errors(patch("scheduled", None), 400, "published_at")
    assert patch("live", None).json()["state"] == "live"
    assert patch("live", "2999-01-01T00:00:00Z").json()["state"] == "scheduled"
    assert Episode.objects.get(slug="scheduled").state == "scheduled"


def test_a_patch_changes_only_what_it_sends(editor_api, kempe):
    url = f"{EPISODES}after-math-falls/"
    response = editor_api.patch(url, {"title": "After Math Fell"}, format="json")
    assert response.status_code == 200
    data = response.json()
    assert data["title"] == "After Math Fell"
    assert data["slug"] == "after-math-falls"  # the address does not move
    assert len(data["chapters"]) == 2
    assert len(data["people"]) == 2
    assert data["tags"] == ["Mathematics", "Reasoning"]


def test_a_list_sent_replaces_the_old_one(editor_api, kempe):
    url = f"{EPISODES}after-math-falls/"
    chapters = [{"start": 30, "title": "Hello"}]
    data = editor_api.patch(url, {"chapters": chapters, "tags": []}, format="json").json()
    assert [(c["start"], c["title"]) for c in data["chapters"]] == [(30, "Hello")]
    assert data["tags"] == []
    assert len(data["people"]) == 2  # not sent, kept
    data = editor_api.patch(url, {"people": []}, format="json").json()
    assert data["people"] == []
    assert not Appearance.objects.filter(episode=kempe).exists()


def test_a_put_replaces_the_episode(editor_api, kempe, people):
    url = f"{EPISODES}after-math-falls/"
    response = editor_api.put(url, {**NEW_EPISODE, "slug": "after-math-falls"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Reasoning Models and Planning"
    assert Chapter.objects.filter(episode=kempe).count() == 2


def test_an_editor_deletes_an_episode(editor_api, kempe):
    url = f"{EPISODES}after-math-falls/"
    assert editor_api.delete(url).status_code == 204
    assert editor_api.get(url).status_code == 404
    assert not Chapter.objects.exists()


# Who may write.


def test_anonymous_clients_read_but_cannot_write(api, kempe):
    url = f"{EPISODES}after-math-falls/"
    assert api.get(url).status_code == 200
    for response in [
        api.post(EPISODES, NEW_EPISODE, format="json"),
        api.patch(url, {"title": "x"}, format="json"),
        api.put(url, NEW_EPISODE, format="json"),
        api.delete(url),
    ]:
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
        assert "credentials" in response.json()["detail"]
    assert Episode.objects.get().title == "After Math Falls"


def test_a_signed_in_user_who_is_not_an_editor_cannot_write(listener_api, kempe, people):
    url = f"{EPISODES}after-math-falls/"
    assert listener_api.get(url).status_code == 200
    for response in [
        listener_api.post(EPISODES, NEW_EPISODE, format="json"),
        listener_api.patch(url, {"title": "x"}, format="json"),
        listener_api.delete(url),
    ]:
        assert response.status_code == 403
        assert response.json() == {"detail": "You do not have permission to perform this action."}
    assert Episode.objects.get().title == "After Math Falls"


def test_an_editor_writes_with_a_session_and_its_csrf_token(editor_session, kempe):
    url = f"{EPISODES}after-math-falls/"
    refused = editor_session.patch(url, {"title": "No token"}, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    # The CSRF cookie, as a page of the site would have set it.
    editor_session.get("/admin/")
    token = editor_session.cookies["csrftoken"].value
    accepted = editor_session.patch(
        url, {"title": "With token"}, format="json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 200
    assert Episode.objects.get().title == "With token"


def test_a_token_that_is_not_valid_is_a_401_even_for_reading(kempe):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get(EPISODES).status_code == 401


# Bad input: a 4xx that names the field, and nothing half-written.


@pytest.mark.parametrize(
    "change, field",
    [
        ({"title": ""}, "title"),
        ({"title": 12}, "title"),  # a number is not a string
        ({"duration": "long"}, "duration"),
        ({"duration": "3600"}, "duration"),  # nor a string a number
        ({"duration": -1}, "duration"),
        ({"explicit": "yes"}, "explicit"),
        ({"status": "live"}, "status"),
        ({"published_at": "tomorrow"}, "published_at"),
        ({"slug": "not a slug"}, "slug"),
        ({"show": "no-such-show"}, "show"),
        ({"show": ""}, "show"),
        ({"tags": "reasoning"}, "tags"),
        ({"tags": ["日本語"]}, "tags"),  # no address a-z for its topic page
        ({"tags": ["x" * 101]}, "tags"),
        ({"audio_url": "ftp://example.com/a.mp3"}, "audio_url"),
        ({"audio_size": None}, "audio_size"),  # audio needs its size
        ({"status": "scheduled", "published_at": None}, "published_at"),
        ({"people": "julia-kempe"}, "people"),
        ({"people": [{"person": "nobody"}]}, "people.0.person"),
        ({"people": [{"person": 5}]}, "people.0.person"),
        ({"people": [{"person": "julia\x00kempe"}]}, "people.0.person"),  # PostgreSQL: no NUL
        ({"people": [{"person": "julia-kempe"}, {"person": "julia-kempe"}]}, "people"),
        ({"people": [{"affiliation": "NYU"}]}, "people.0.person"),
        ({"chapters": [{"start": 0, "title": "a"}, {"start": 0, "title": "b"}]}, "chapters"),
        ({"chapters": [{"start": 3600, "title": "After the end"}]}, "chapters"),
        ({"chapters": [{"start": 0, "title": "a", "paper": "nope"}]}, "chapters.0.paper"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(editor_api, people, change, field):
    response = editor_api.post(EPISODES, {**NEW_EPISODE, **change}, format="json")
    assert_errors(response, 400, field)
    assert not Episode.objects.exists()
    assert not Chapter.objects.exists()


def test_an_invalid_second_chapter_leaves_no_episode(editor_api, people):
    chapters = [{"start": 0, "title": "Intro"}, {"start": "later", "title": "Bad"}]
    body = assert_errors(
        editor_api.post(EPISODES, {**NEW_EPISODE, "chapters": chapters}, format="json"),
        400,
        "chapters.1.start",
    )
    assert body == {"chapters": {"1": {"start": ["Expected an integer."]}}}
    assert not Episode.objects.exists()


def test_a_patched_chapter_list_needs_whole_chapters(editor_api, kempe):
    """A PATCH leaves out fields, but a chapter sent replaces the old ones: it needs a start."""
    url = f"{EPISODES}after-math-falls/"
    response = editor_api.patch(url, {"chapters": [{"title": "No start"}]}, format="json")
    assert_errors(response, 400, "chapters.0.start")
    assert kempe.chapters.count() == 2


def test_an_integrity_error_mid_write_rolls_everything_back(editor_api, people, monkeypatch):
    """A rule the validation missed (here: it is switched off) is a 409, and the episode
    row written before the chapters is undone."""
    monkeypatch.setattr(services, "check_chapters", lambda **kwargs: None)
    chapters = [{"start": 0, "title": "a"}, {"start": 0, "title": "b"}]
    response = editor_api.post(EPISODES, {**NEW_EPISODE, "chapters": chapters}, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This conflicts with data already stored. Nothing was saved."
    }
    assert not Episode.objects.exists()
    assert not Appearance.objects.exists()


def test_an_integrity_error_on_update_keeps_the_old_chapters(editor_api, kempe, monkeypatch):
    def fail(*args, **kwargs):
        raise IntegrityError("as if another request had just written the same row")

    monkeypatch.setattr(Chapter.objects, "bulk_create", fail)
    url = f"{EPISODES}after-math-falls/"
    chapters = [{"start": 1, "title": "New"}]
    response = editor_api.patch(url, {"title": "Changed", "chapters": chapters}, format="json")
    assert response.status_code == 409
    kempe.refresh_from_db()
    assert kempe.title == "After Math Falls"
    assert sorted(kempe.chapters.values_list("title", flat=True)) == ["Intro", "Lean"]


@pytest.mark.parametrize("field", ["slug", "guid"])
def test_a_duplicate_slug_or_guid_is_a_409_naming_it(editor_api, kempe, people, field):
    value = {"slug": "after-math-falls", "guid": "ib-0007"}[field]
    response = editor_api.post(EPISODES, {**NEW_EPISODE, field: value}, format="json")
    body = assert_errors(response, 409, field)
    assert "already exists" in body[field][0]
    assert Episode.objects.count() == 1


def test_a_duplicate_episode_number_is_a_409(editor_api, kempe, people):
    response = editor_api.post(EPISODES, {**NEW_EPISODE, "number": 7}, format="json")
    assert response.status_code == 409
    assert Episode.objects.count() == 1


def test_an_unknown_slug_is_a_404_for_every_method(editor_api, people):
    url = f"{EPISODES}no-such-episode/"
    assert get_json(editor_api, url, status=404) == {
        "detail": "No Episode matches the given query."
    }
    assert editor_api.patch(url, {"title": "x"}, format="json").status_code == 404
    assert editor_api.put(url, NEW_EPISODE, format="json").status_code == 404
    assert editor_api.delete(url).status_code == 404


# Queries: the same number for 1 and for 50 rows, nested data included.


def test_the_list_makes_the_same_queries_for_1_and_50_episodes(api, django_assert_max_num_queries):
    papers = saved(PaperFactory, 2)
    guests = saved(PersonFactory, 2)

    def build(n):
        episodes = saved(EpisodeFactory, n, show=ShowFactory())
        tagged(episodes, "reasoning", "vision")
        for episode in episodes:
            for i, person in enumerate(guests):
                AppearanceFactory(episode=episode, person=person, order=i)
            chapter = ChapterFactory(episode=episode, start=0, paper=papers[0], person=guests[0])
            ChapterFactory(episode=episode, start=60)
            DiscussionFactory(episode=episode, paper=papers[1], chapter=chapter)
        return EPISODES

    response = assert_queries_do_not_grow(api, django_assert_max_num_queries, build)
    assert response.json()["count"] == 51


def test_the_detail_makes_the_same_queries_for_1_and_50_chapters_and_guests(
    api, django_assert_max_num_queries
):
    episode = EpisodeFactory(slug="long", duration=None)
    paper = PaperFactory()

    def build(n):
        people = saved(PersonFactory, n)
        tagged([episode], *[f"topic-{Chapter.objects.count() + i}" for i in range(n)])
        for person in people:
            start = Chapter.objects.count() * 60
            AppearanceFactory(episode=episode, person=person)
            chapter = ChapterFactory(episode=episode, start=start, person=person, paper=paper)
            DiscussionFactory(episode=episode, paper=PaperFactory(), chapter=chapter)
        return f"{EPISODES}long/"

    response = assert_queries_do_not_grow(api, django_assert_max_num_queries, build)
    assert len(response.json()["chapters"]) == 51


# The GUID of a live episode: podcast apps know the episode by it.


def test_changing_the_guid_of_a_live_episode_is_refused_naming_guid(editor_api, kempe):
    response = editor_api.patch(f"{EPISODES}after-math-falls/", {"guid": "new"}, format="json")
    body = assert_errors(response, 400, "guid")
    assert "force_guid_change" in body["guid"][0]
    assert Episode.objects.get(slug="after-math-falls").guid == "ib-0007"
    # Sending the same GUID back (a PUT of what was read) is fine.
    same = editor_api.patch(f"{EPISODES}after-math-falls/", {"guid": "ib-0007"}, format="json")
    assert same.status_code == 200


def test_the_guid_of_a_live_episode_changes_when_the_editor_insists(editor_api, kempe):
    body = {"guid": "new", "force_guid_change": True}
    response = editor_api.patch(f"{EPISODES}after-math-falls/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["guid"] == "new"
    assert "force_guid_change" not in response.json()


@pytest.mark.parametrize("slug", ["draft", "scheduled"])
def test_the_guid_of_an_episode_not_yet_live_may_change(editor_api, unpublished, slug):
    response = editor_api.patch(f"{EPISODES}{slug}/", {"guid": "new"}, format="json")
    assert response.status_code == 200, response.content
    assert Episode.objects.get(slug=slug).guid == "new"


def test_the_openapi_document_names_the_flag():
    schema = openapi()["components"]["schemas"]
    assert schema["EpisodeWriteRequest"]["properties"]["force_guid_change"]["type"] == "boolean"
