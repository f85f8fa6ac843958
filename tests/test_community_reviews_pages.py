"""Ratings and reviews on the pages: the home, about and episode pages, /reviews/, the
listener's form (write, edit, delete), its errors and limit, what anonymous visitors get (the
same cacheable page for all), user text escaped, and constant queries."""

import pytest
from django.test import override_settings

from community.models import Review, Status
from community.services import post_review
from tests.factories import (
    EpisodeFactory,
    EpisodeReviewFactory,
    ShowFactory,
    ShowReviewFactory,
    UserFactory,
)
from tests.pages import (
    XSS,
    XSS_ESCAPED,
    FastClient,
    Page,
    assert_queries_do_not_grow,
    fast_client,  # noqa: F401 (the `client` fixture, faster)
)

pytestmark = pytest.mark.django_db

BREAKOUT = "</script><script>alert(1)</script>"


@pytest.fixture
def show():
    return ShowFactory()


@pytest.fixture
def episode(show):
    return EpisodeFactory(show=show, slug="ep", title="After Math Falls")


@pytest.fixture
def lisa():
    return UserFactory(username="lisa", first_name="Lisa", last_name="Listener")


@pytest.fixture
def lisa_client(lisa):
    client = FastClient()
    client.force_login(lisa)
    return client


def rated(show, stars_list):
    return [
        ShowReviewFactory(show=show, stars=stars, title=f"Title {n}")
        for n, stars in enumerate(stars_list)
    ]


# What the pages show.


@pytest.mark.parametrize("url", ["/", "/about/"])
def test_the_home_and_about_pages_show_the_rating_as_podcast_apps_do(client, show, url):
    rated(show, [5, 5, 4, 5, 5])
    page = Page(client.get(url))
    assert page.text_of("p", class_="rating") == ["★★★★★ 4.8 out of 5 · 5 ratings"]
    assert page.all("span", class_="stars", role="img")[0]["aria-label"] == "Rated 4.8 out of 5"
    # The three latest, newest first, and a link to them all.
    assert page.text_of("strong", class_="review-title") == ["Title 4", "Title 3", "Title 2"]
    assert page.links("/reviews/") == ["All reviews (5) →"]


def test_the_show_pages_say_when_there_is_no_rating_yet(client, show):
    page = Page(client.get("/"))
    assert page.text_of("p", class_="rating meta") == ["No ratings yet."]
    assert "aggregateRating" not in page.json_ld()[0]


def test_an_episode_page_shows_its_own_rating_and_reviews(client, show, episode):
    rated(show, [1])
    EpisodeReviewFactory(episode=episode, stars=4, title="Clear")
    EpisodeReviewFactory(episode=episode, stars=5, title="Deep")
    EpisodeReviewFactory(episode=EpisodeFactory(show=show), stars=1, title="Elsewhere")
    page = Page(client.get("/episodes/ep/"))
    assert page.text_of("p", class_="rating") == ["★★★★★ 4.5 out of 5 · 2 ratings"]
    assert page.text_of("strong", class_="review-title") == ["Deep", "Clear"]
    assert page.links("/episodes/ep/reviews/") == ["All reviews (2) →"]


def test_hidden_and_pending_reviews_are_not_shown_nor_counted(client, show):
    rated(show, [5])
    ShowReviewFactory(show=show, stars=1, title="Spam", status=Status.HIDDEN)
    ShowReviewFactory(show=show, stars=1, title="Waiting", status=Status.PENDING)
    page = Page(client.get("/reviews/"))
    assert page.text_of("p", class_="rating") == ["★★★★★ 5.0 out of 5 · 1 rating"]
    assert page.text_of("strong", class_="review-title") == ["Title 0"]


def test_the_show_reviews_page_lists_them_all_a_page_at_a_time(client, show, settings):
    rated(show, [4] * 25)
    first = Page(client.get("/reviews/"))
    assert len(first.text_of("li", class_="card review")) == 20
    second = Page(client.get("/reviews/?page=2"))
    assert len(second.text_of("li", class_="card review")) == 5
    assert second.text_of("strong", class_="review-title")[-1] == "Title 0"


def test_an_episodes_reviews_page_lists_only_its_reviews(client, episode):
    EpisodeReviewFactory(episode=episode, title="Mine")
    EpisodeReviewFactory(episode=EpisodeFactory(show=episode.show), title="Other")
    page = Page(client.get("/episodes/ep/reviews/"))
    assert page.text_of("strong", class_="review-title") == ["Mine"]
    assert client.get("/episodes/nope/reviews/").status_code == 404
    draft = EpisodeFactory(show=episode.show, draft=True)
    assert client.get(f"/episodes/{draft.slug}/reviews/").status_code == 404


# Anonymous visitors: the same page for all, cacheable.


@pytest.mark.parametrize("url", ["/", "/about/", "/episodes/ep/", "/reviews/"])
def test_anonymous_visitors_get_sign_in_to_rate_and_a_cacheable_page(client, episode, url):
    response = client.get(url)
    page = Page(response)
    assert (
        page.all("a", class_="sign-in")[0]["href"]
        == f"/account/login/?next={url.replace('/', '%2F')}"
    )
    assert page.text_of("a", class_="sign-in") == ["Sign in to rate"]
    assert not page.all("form", class_="review-form")
    assert "csrftoken" not in response.cookies
    assert response["Cache-Control"] == "public, max-age=300"


@pytest.mark.parametrize("url", ["/episodes/ep/", "/reviews/"])
def test_a_signed_in_listener_gets_a_form_on_a_private_page(lisa_client, episode, url):
    response = lisa_client.get(url)
    page = Page(response)
    (form,) = page.all("form", class_="review-form")
    assert form["method"] == "post"
    assert form["action"] == (
        "/episodes/ep/reviews/write/" if "episodes" in url else "/reviews/write/"
    )
    assert page.all("input", name="csrfmiddlewaretoken")
    assert not page.all("a", class_="sign-in")
    assert "private" in response["Cache-Control"]


def test_a_listener_with_a_review_gets_it_to_edit_or_delete(lisa_client, lisa, episode):
    review = EpisodeReviewFactory(episode=episode, author=lisa, stars=3, title="Fine")
    page = Page(lisa_client.get("/episodes/ep/"))
    (form,) = page.all("form", class_="review-form")
    assert form["action"] == f"/reviews/{review.pk}/edit/"
    assert page.all("input", name="title")[0]["value"] == "Fine"
    assert page.all("input", name="stars", value="3")[0].get("checked") is not None
    assert page.all("form", class_="review-delete")[0]["action"] == f"/reviews/{review.pk}/delete/"


def test_a_listener_is_told_their_hidden_review_is_not_shown(lisa_client, lisa, show):
    ShowReviewFactory(show=show, author=lisa, status=Status.HIDDEN)
    page = Page(lisa_client.get("/reviews/"))
    assert "Your review is hidden by an editor: others don't see it." in page.text_of("p")


# Writing, editing, deleting.


def test_a_listener_reviews_an_episode_and_is_sent_back_with_a_message(lisa_client, lisa, episode):
    response = lisa_client.post(
        "/episodes/ep/reviews/write/", {"stars": "5", "title": "Great", "text": "Loved it."}
    )
    assert response.status_code == 302
    assert response["Location"] == "/episodes/ep/"
    review = Review.objects.get()
    assert (review.episode, review.author, review.stars, review.title) == (
        episode,
        lisa,
        5,
        "Great",
    )
    page = Page(lisa_client.get("/episodes/ep/"))
    assert "Thank you: your review is published." in page.text_of("li", class_="message success")
    assert page.text_of("strong", class_="review-title") == ["Great"]


def test_a_listener_reviews_the_show(lisa_client, lisa, show):
    response = lisa_client.post("/reviews/write/", {"stars": "4"})
    assert response["Location"] == "/reviews/"
    assert Review.objects.get().show == show


def test_a_form_error_keeps_what_the_listener_typed(lisa_client, episode):
    response = lisa_client.post(
        "/episodes/ep/reviews/write/", {"title": "Kept title", "text": "Kept text"}
    )
    assert response.status_code == 400
    page = Page(response)
    assert page.all("input", name="title")[0]["value"] == "Kept title"
    assert page.text_of("textarea") == ["Kept text"]
    assert "Choose from 1 to 5 stars." in page.text_of("li")
    assert not Review.objects.exists()


def test_too_long_a_title_or_text_is_refused_keeping_them(lisa_client, show):
    response = lisa_client.post(
        "/reviews/write/", {"stars": "9", "title": "t" * 121, "text": "x" * 5001}
    )
    assert response.status_code == 400
    page = Page(response)
    errors = " ".join(page.text_of("span", class_="errors"))
    assert "at most 120 characters" in errors and "at most 5000 characters" in errors
    assert "Select a valid choice." in " ".join(page.text_of("div", class_="errors"))
    assert page.all("input", name="title")[0]["value"] == "t" * 121
    assert not Review.objects.exists()


def test_a_second_review_is_refused_kindly_offering_to_edit_the_first(lisa_client, lisa, show):
    first = ShowReviewFactory(show=show, author=lisa, stars=2)
    response = lisa_client.post("/reviews/write/", {"stars": "5", "title": "Changed my mind"})
    assert response.status_code == 400
    page = Page(response)
    assert page.text_of("p", class_="errors") == [
        "You have already reviewed the show: edit your review instead."
    ]
    (form,) = page.all("form", class_="review-form")
    assert form["action"] == f"/reviews/{first.pk}/edit/"
    assert page.all("input", name="title")[0]["value"] == "Changed my mind"
    assert Review.objects.get().stars == 2


def test_a_listener_edits_their_review(lisa_client, lisa, episode):
    review = EpisodeReviewFactory(episode=episode, author=lisa, stars=2, title="Meh")
    form = Page(lisa_client.get(f"/reviews/{review.pk}/edit/"))
    assert form.all("input", name="title")[0]["value"] == "Meh"
    response = lisa_client.post(f"/reviews/{review.pk}/edit/", {"stars": "4", "title": "Better"})
    assert response["Location"] == f"/episodes/ep/reviews/#review-{review.pk}"
    review.refresh_from_db()
    assert (review.stars, review.title) == (4, "Better")


def test_an_edit_with_errors_keeps_the_input(lisa_client, lisa, show):
    review = ShowReviewFactory(show=show, author=lisa, stars=2, title="Meh")
    response = lisa_client.post(f"/reviews/{review.pk}/edit/", {"stars": "", "title": "New"})
    assert response.status_code == 400
    assert Page(response).all("input", name="title")[0]["value"] == "New"
    review.refresh_from_db()
    assert (review.stars, review.title) == (2, "Meh")


def test_a_listener_deletes_their_review(lisa_client, lisa, show):
    review = ShowReviewFactory(show=show, author=lisa)
    response = lisa_client.post(f"/reviews/{review.pk}/delete/")
    assert response["Location"] == "/reviews/"
    assert not Review.objects.exists()


def test_someone_elses_review_cannot_be_edited_nor_deleted(lisa_client, show):
    other = ShowReviewFactory(show=show, stars=5, title="Theirs")
    assert lisa_client.get(f"/reviews/{other.pk}/edit/").status_code == 404
    assert lisa_client.post(f"/reviews/{other.pk}/edit/", {"stars": "1"}).status_code == 404
    assert lisa_client.post(f"/reviews/{other.pk}/delete/").status_code == 404
    other.refresh_from_db()
    assert (other.stars, other.title) == (5, "Theirs")


def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_is_written(client, episode):
    response = client.post("/episodes/ep/reviews/write/", {"stars": "5"})
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/?next=")
    assert not Review.objects.exists()


def test_writes_are_posts_with_the_csrf_token(lisa, episode):
    strict = FastClient(enforce_csrf_checks=True)
    strict.force_login(lisa)
    assert strict.post("/episodes/ep/reviews/write/", {"stars": "5"}).status_code == 403
    assert strict.get("/episodes/ep/reviews/write/").status_code == 405
    assert not Review.objects.exists()


def test_drafts_take_no_review(lisa_client, show):
    draft = EpisodeFactory(show=show, draft=True)
    response = lisa_client.post(f"/episodes/{draft.slug}/reviews/write/", {"stars": "5"})
    assert response.status_code == 404
    assert not Review.objects.exists()


# The posting limit.


@override_settings(REVIEW_POSTS_PER_HOUR=2)
def test_posting_past_the_limit_is_a_429_that_says_why_and_keeps_the_input(lisa_client, show):
    episodes = [EpisodeFactory(show=show) for _ in range(3)]
    for episode in episodes[:2]:
        assert (
            lisa_client.post(
                f"/episodes/{episode.slug}/reviews/write/", {"stars": "5"}
            ).status_code
            == 302
        )
    response = lisa_client.post(
        f"/episodes/{episodes[2].slug}/reviews/write/", {"stars": "5", "title": "Third"}
    )
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    page = Page(response)
    assert page.text_of("p", class_="errors")[0].startswith(
        "You have posted 2 times this hour, the most we allow; try again in"
    )
    assert page.all("input", name="title")[0]["value"] == "Third"
    assert Review.objects.count() == 2


@override_settings(REVIEW_POSTS_PER_HOUR=2)
def test_the_limit_counts_per_address_across_accounts(show):
    episodes = [EpisodeFactory(show=show) for _ in range(3)]
    statuses = []
    for n, episode in enumerate(episodes):
        client = FastClient()
        client.force_login(UserFactory(username=f"sock{n}"))
        response = client.post(f"/episodes/{episode.slug}/reviews/write/", {"stars": "5"})
        statuses.append(response.status_code)
    assert statuses == [302, 302, 429]
    # Another address still may.
    client = FastClient(REMOTE_ADDR="10.0.0.9")
    client.force_login(UserFactory(username="elsewhere"))
    assert client.post("/reviews/write/", {"stars": "5"}).status_code == 302


# User text is escaped everywhere on the pages.


@pytest.mark.parametrize("url", ["/", "/about/", "/reviews/"])
def test_xss_in_a_show_reviews_title_and_text_comes_back_escaped(client, show, url):
    ShowReviewFactory(show=show, title=XSS[:120], text=XSS + " " + BREAKOUT)
    response = client.get(url)
    page = Page(response)
    assert page.executable_content() == []
    html = response.content.decode()
    assert XSS_ESCAPED[0] in html
    if url == "/reviews/":
        return  # no JSON-LD there
    (data,) = page.json_ld()
    assert data["review"][0]["name"] == XSS[:120]
    assert BREAKOUT in data["review"][0]["reviewBody"]


def test_xss_in_an_episode_review_comes_back_escaped(client, episode):
    EpisodeReviewFactory(episode=episode, title=BREAKOUT, text=XSS)
    page = Page(client.get("/episodes/ep/"))
    assert page.executable_content() == []
    assert page.text_of("strong", class_="review-title") == [BREAKOUT]
    (data,) = page.json_ld()
    assert data["review"][0]["name"] == BREAKOUT


def test_a_signed_in_listeners_own_text_is_escaped_in_their_form(lisa_client, lisa, show):
    ShowReviewFactory(show=show, author=lisa, title='"><script>alert(1)</script>', text=XSS)
    page = Page(lisa_client.get("/reviews/"))
    assert page.executable_content() == []
    assert page.text_of("textarea") == [XSS]


# The JSON-LD.


def test_the_show_json_ld_has_the_aggregate_rating_and_five_latest_reviews(client, show):
    rated(show, [5, 5, 4, 5, 5, 3, 5])
    (data,) = Page(client.get("/")).json_ld()
    assert data["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": 4.6,
        "ratingCount": 7,
        "reviewCount": 7,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert len(data["review"]) == 5
    first = data["review"][0]
    assert first["@type"] == "Review"
    assert first["name"] == "Title 6"
    assert first["reviewRating"] == {
        "@type": "Rating", "ratingValue": 5, "bestRating": 5, "worstRating": 1
    }  # fmt: skip
    assert first["reviewBody"] == "Thoughtful interviews."
    assert first["author"]["@type"] == "Person"


def test_an_episodes_json_ld_has_its_own_rating(client, show, episode):
    rated(show, [1])
    EpisodeReviewFactory(episode=episode, stars=4)
    (data,) = Page(client.get("/episodes/ep/")).json_ld()
    assert data["@type"] == "PodcastEpisode"
    assert data["aggregateRating"]["ratingValue"] == 4.0
    assert data["aggregateRating"]["ratingCount"] == 1
    assert len(data["review"]) == 1


def test_an_episode_without_reviews_has_no_rating_in_its_json_ld(client, episode):
    (data,) = Page(client.get("/episodes/ep/")).json_ld()
    assert "aggregateRating" not in data and "review" not in data


# The page cache: a new review shows at the next anonymous request.


@pytest.mark.parametrize("url", ["/", "/episodes/ep/", "/reviews/", "/episodes/ep/reviews/"])
def test_a_new_review_shows_at_the_next_anonymous_request(client, episode, lisa, url):
    before = client.get(url)
    assert client.get(url).templates == []  # from the page cache
    item = episode if "episodes" in url else episode.show
    post_review(author=lisa, item=item, stars=5, title="Fresh review")
    after = client.get(url)
    assert after["ETag"] != before["ETag"]
    assert "Fresh review" in Page(after).text_of("strong", class_="review-title")


def test_a_review_hidden_in_bulk_disappears_at_the_next_anonymous_request(client, show):
    rated(show, [5])
    assert client.get("/reviews/").status_code == 200
    from community.services import moderate

    moderate(reviews=Review.objects.all(), status=Status.HIDDEN)
    assert Page(client.get("/reviews/")).text_of("strong", class_="review-title") == []


# Constant queries.


def _show_reviews(show, n):
    users = UserFactory.create_batch(n)
    Review.objects.bulk_create(
        Review(show=show, author=user, stars=1 + i % 5, title=f"R{i}")
        for i, user in enumerate(users)
    )


def _episode_reviews(episode, n):
    users = UserFactory.create_batch(n)
    Review.objects.bulk_create(
        Review(episode=episode, author=user, stars=5, title=f"R{i}")
        for i, user in enumerate(users)
    )


@pytest.mark.parametrize("url", ["/", "/about/", "/reviews/"])
def test_show_pages_make_the_same_queries_for_1_and_50_reviews(
    client, show, url, django_assert_max_num_queries
):
    def build(n):
        _show_reviews(show, n)
        return url

    page = Page(assert_queries_do_not_grow(client, django_assert_max_num_queries, build))
    assert page.text_of("p", class_="rating")[0].endswith("· 51 ratings")


@pytest.mark.parametrize("url", ["/episodes/ep/", "/episodes/ep/reviews/"])
def test_episode_pages_make_the_same_queries_for_1_and_50_reviews(
    client, episode, url, django_assert_max_num_queries
):
    def build(n):
        _episode_reviews(episode, n)
        return url

    page = Page(assert_queries_do_not_grow(client, django_assert_max_num_queries, build))
    assert page.text_of("p", class_="rating")[0].endswith("· 51 ratings")


def test_a_signed_in_listeners_page_makes_the_same_queries_for_1_and_50_reviews(
    lisa_client, lisa, episode, django_assert_max_num_queries
):
    EpisodeReviewFactory(episode=episode, author=lisa)

    def build(n):
        _episode_reviews(episode, n)
        return "/episodes/ep/"

    assert_queries_do_not_grow(lisa_client, django_assert_max_num_queries, build)
