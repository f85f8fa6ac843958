"""/api/v1/reviews/: anyone reads the published reviews; a signed-in listener (session or
token) writes one per item and changes or deletes their own; the episodes carry their rating."""

import pytest
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from community.models import Review, Status
from tests.api import (
    API,
    API_URL,
    assert_errors,
    assert_queries_do_not_grow,
    documented_fields,
    get_json,
    openapi,
)
from tests.factories import (
    EpisodeFactory,
    EpisodeReviewFactory,
    ShowFactory,
    ShowReviewFactory,
    UserFactory,
)
from tests.pages import SITE_URL, XSS

pytestmark = pytest.mark.django_db

REVIEWS = f"{API}/reviews/"
BREAKOUT = "</script><script>alert(1)</script>"


@pytest.fixture
def show():
    return ShowFactory()


@pytest.fixture
def episode(show):
    return EpisodeFactory(show=show, slug="ep")


@pytest.fixture
def token_api(listener):
    """The listener with a token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=listener).key}")
    return client


# Reading.


def test_a_review_has_exactly_the_documented_fields(api, episode):
    review = EpisodeReviewFactory(
        episode=episode, stars=4, title="Clear", text="[a](https://a.example)"
    )
    data = get_json(api, f"{REVIEWS}{review.pk}/")
    assert data == {
        "id": review.pk,
        "url": f"{API_URL}/reviews/{review.pk}/",
        "html_url": f"{SITE_URL}/episodes/ep/reviews/#review-{review.pk}",
        "episode": "ep",
        "stars": 4,
        "title": "Clear",
        "text": "[a](https://a.example)",
        "text_html": '<p><a href="https://a.example" rel="nofollow ugc noopener noreferrer">'
        "a</a></p>\n",
        "author": review.author.username,
        "status": "published",
        "created_at": data["created_at"],
        "updated_at": data["updated_at"],
    }
    assert set(data) == documented_fields("Review")


def test_the_list_has_the_visible_reviews_newest_first(api, show, episode):
    of_show = ShowReviewFactory(show=show)
    of_episode = EpisodeReviewFactory(episode=episode)
    ShowReviewFactory(show=show, status=Status.HIDDEN)
    ShowReviewFactory(show=show, status=Status.PENDING)
    EpisodeReviewFactory(episode=EpisodeFactory(show=show, draft=True))
    data = get_json(api, REVIEWS)
    assert [item["id"] for item in data["results"]] == [of_episode.pk, of_show.pk]
    hidden = Review.objects.get(status=Status.HIDDEN)
    get_json(api, f"{REVIEWS}{hidden.pk}/", status=404)


def test_filters_by_episode_and_show(api, show, episode):
    of_show = ShowReviewFactory(show=show)
    of_episode = EpisodeReviewFactory(episode=episode)
    EpisodeReviewFactory(episode=EpisodeFactory(show=show))
    ids = lambda url: [item["id"] for item in get_json(api, url)["results"]]  # noqa: E731
    assert ids(f"{REVIEWS}?episode=ep") == [of_episode.pk]
    assert ids(f"{REVIEWS}?show=1") == [of_show.pk]
    assert ids(f"{REVIEWS}?show=0") == [of_episode.pk + 1, of_episode.pk]
    assert ids(f"{REVIEWS}?episode=nothing") == []
    assert_errors(api.get(f"{REVIEWS}?show=maybe"), 400, "show")
    assert_errors(api.get(f"{REVIEWS}?show=false"), 400, "show")
    assert_errors(api.get(f"{REVIEWS}?episode=not a slug"), 400, "episode")


def test_a_listener_reads_their_own_hidden_review(listener_api, listener, show):
    hidden = ShowReviewFactory(show=show, author=listener, status=Status.HIDDEN)
    assert get_json(listener_api, f"{REVIEWS}{hidden.pk}/")["status"] == "hidden"


def test_an_episode_carries_its_rating_in_the_list_and_the_detail(api, show, episode):
    for stars in [5, 4, 4]:
        EpisodeReviewFactory(episode=episode, stars=stars)
    EpisodeReviewFactory(episode=episode, stars=1, status=Status.HIDDEN)
    ShowReviewFactory(show=show, stars=1)
    assert get_json(api, f"{API}/episodes/ep/")["rating"] == {"average": 4.3, "count": 3}
    (item,) = get_json(api, f"{API}/episodes/")["results"]
    assert item["rating"] == {"average": 4.3, "count": 3}


def test_the_rating_of_the_show_and_of_an_episode(api, show, episode):
    for stars in [5, 5, 4, 5, 5]:
        ShowReviewFactory(show=show, stars=stars)
    ShowReviewFactory(show=show, stars=1, status=Status.HIDDEN)
    EpisodeReviewFactory(episode=episode, stars=2)
    assert get_json(api, f"{REVIEWS}rating/") == {"average": 4.8, "count": 5}
    assert get_json(api, f"{REVIEWS}rating/?episode=ep") == {"average": 2.0, "count": 1}
    assert get_json(api, f"{REVIEWS}rating/?episode=none") == {"average": None, "count": 0}
    assert_errors(api.get(f"{REVIEWS}rating/?episode=no slug"), 400, "episode")


def test_the_review_list_makes_the_same_queries_for_1_and_50(
    api, show, django_assert_max_num_queries
):
    def build(n):
        users = UserFactory.create_batch(n)
        Review.objects.bulk_create(Review(show=show, author=user, stars=5) for user in users)
        return REVIEWS

    response = assert_queries_do_not_grow(api, django_assert_max_num_queries, build)
    assert response.json()["count"] == 51


def test_the_episode_list_makes_the_same_queries_for_1_and_50_rated_episodes(
    api, show, django_assert_max_num_queries
):
    def build(n):
        for episode in EpisodeFactory.create_batch(n, show=show):
            EpisodeReviewFactory(episode=episode)
        return f"{API}/episodes/"

    assert_queries_do_not_grow(api, django_assert_max_num_queries, build)


def test_user_text_comes_back_as_json_and_sanitized_html(api, show):
    review = ShowReviewFactory(show=show, title=BREAKOUT, text=XSS)
    response = api.get(f"{REVIEWS}{review.pk}/")
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["title"] == BREAKOUT  # JSON is data: the client escapes it where it shows it
    assert "<script" not in data["text_html"] and "<img" not in data["text_html"]
    assert 'href="javascript' not in data["text_html"]


# Writing.


@pytest.mark.parametrize("who", ["listener_api", "token_api"])
def test_a_signed_in_listener_reviews_an_episode_and_the_show(request, who, listener, episode):
    client = request.getfixturevalue(who)
    response = client.post(REVIEWS, {"episode": "ep", "stars": 5, "title": "Yes"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["episode"] == "ep"
    response = client.post(REVIEWS, {"stars": 4}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["episode"] is None
    assert set(Review.objects.values_list("author", "stars")) == {
        (listener.pk, 5),
        (listener.pk, 4),
    }
    assert Review.objects.get(stars=4).show == episode.show


def test_a_second_review_of_one_item_is_a_400_on_the_field(listener_api, listener, episode):
    first = EpisodeReviewFactory(episode=episode, author=listener)
    body = assert_errors(
        listener_api.post(REVIEWS, {"episode": "ep", "stars": 1}, format="json"), 400, "episode"
    )
    assert body["episode"] == [
        f"You have already reviewed this episode: update or delete your review at "
        f"{API_URL}/reviews/{first.pk}/."
    ]
    ShowReviewFactory(show=episode.show, author=listener)
    assert_errors(listener_api.post(REVIEWS, {"stars": 1}, format="json"), 400, "episode")
    assert Review.objects.count() == 2


@pytest.mark.parametrize(
    "sent, field",
    [
        ({"stars": 0}, "stars"),
        ({"stars": 6}, "stars"),
        ({"stars": "5"}, "stars"),
        ({}, "stars"),
        ({"stars": 5, "title": "t" * 121}, "title"),
        ({"stars": 5, "text": "x" * 5001}, "text"),
        ({"stars": 5, "episode": "no-such-episode"}, "episode"),
    ],
)
def test_invalid_input_is_a_400_naming_the_field(listener_api, show, sent, field):
    assert_errors(listener_api.post(REVIEWS, sent, format="json"), 400, field)
    assert not Review.objects.exists()


def test_a_draft_episode_cannot_be_reviewed(listener_api, show):
    EpisodeFactory(show=show, slug="draft", draft=True)
    assert_errors(
        listener_api.post(REVIEWS, {"episode": "draft", "stars": 5}, format="json"), 400, "episode"
    )


def test_a_listener_updates_and_deletes_their_review(listener_api, listener, episode):
    review = EpisodeReviewFactory(episode=episode, author=listener, stars=2)
    url = f"{REVIEWS}{review.pk}/"
    response = listener_api.patch(url, {"stars": 4, "title": "Better"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["stars"], response.json()["title"]) == (4, "Better")
    # What is reviewed stays.
    listener_api.patch(url, {"episode": None}, format="json")
    assert Review.objects.get().episode == episode
    assert listener_api.delete(url).status_code == 204
    assert not Review.objects.exists()


def test_someone_elses_review_is_a_403_to_change_or_delete(listener_api, show):
    other = ShowReviewFactory(show=show, stars=5)
    url = f"{REVIEWS}{other.pk}/"
    assert listener_api.patch(url, {"stars": 1}, format="json").status_code == 403
    assert listener_api.put(url, {"stars": 1}, format="json").status_code == 403
    assert listener_api.delete(url).status_code == 403
    assert Review.objects.get().stars == 5


def test_anonymous_writes_are_401(api, show):
    review = ShowReviewFactory(show=show)
    assert api.post(REVIEWS, {"stars": 5}, format="json").status_code == 401
    assert api.delete(f"{REVIEWS}{review.pk}/").status_code == 401
    assert Review.objects.count() == 1


def test_a_session_write_needs_the_csrf_token(listener, show):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(listener)
    assert client.post(REVIEWS, {"stars": 5}, format="json").status_code == 403
    assert not Review.objects.exists()


@override_settings(REVIEW_POSTS_PER_HOUR=2)
def test_posting_past_the_limit_is_a_429_with_retry_after(token_api, show):
    for episode in EpisodeFactory.create_batch(2, show=show):
        assert (
            token_api.post(
                REVIEWS, {"episode": episode.slug, "stars": 5}, format="json"
            ).status_code
            == 201
        )
    response = token_api.post(REVIEWS, {"stars": 5}, format="json")
    body = assert_errors(response, 429)
    assert body["detail"].startswith("You have posted 2 times this hour")
    assert 0 < int(response["Retry-After"]) <= 3600
    assert Review.objects.count() == 2


def test_a_new_review_shows_in_the_anonymous_list_at_once(api, token_api, show):
    assert get_json(api, REVIEWS)["count"] == 0
    assert get_json(api, REVIEWS)["count"] == 0  # from the page cache
    assert token_api.post(REVIEWS, {"stars": 5}, format="json").status_code == 201
    assert get_json(api, REVIEWS)["count"] == 1


# The OpenAPI document.


def test_the_document_describes_the_reviews_and_their_errors():
    paths = openapi()["paths"]
    assert set(paths[f"{API}/reviews/"]) >= {"get", "post"}
    assert set(paths[f"{API}/reviews/{{id}}/"]) >= {"get", "put", "patch", "delete"}
    assert set(paths[f"{API}/reviews/rating/"]) == {"get"}
    post = paths[f"{API}/reviews/"]["post"]
    assert {"201", "400", "401", "403", "429"} <= set(post["responses"])
    parameters = {p["name"] for p in paths[f"{API}/reviews/"]["get"]["parameters"]}
    assert {"episode", "show", "page", "ordering"} <= parameters
    rating = openapi()["components"]["schemas"]["Episode"]["properties"]["rating"]
    assert rating == {"allOf": [{"$ref": "#/components/schemas/Rating"}], "readOnly": True} or (
        rating.get("$ref") == "#/components/schemas/Rating"
    )
