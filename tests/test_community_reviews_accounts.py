"""Reviews and listener accounts together: a review is signed with the listener's profile
name and links to their profile, the profile lists their reviews, "Sign in to rate" leads to
the sign-in page and back, and deleting an account takes its reviews with it."""

import pytest

from accounts import services as accounts
from community.models import Review, Status
from tests.factories import (
    EpisodeFactory,
    EpisodeReviewFactory,
    ProfileFactory,
    ShowFactory,
    ShowReviewFactory,
)
from tests.pages import XSS, XSS_ESCAPED, Page, assert_queries_do_not_grow

pytestmark = pytest.mark.django_db


@pytest.fixture
def show():
    return ShowFactory(title="The Information Bottleneck")


@pytest.fixture
def episode(show):
    return EpisodeFactory(show=show, slug="ep", title="After Math Falls")


@pytest.fixture
def ada():
    return ProfileFactory(handle="ada", display_name="Ada L.", user__username="u-8f3a2")


def test_a_review_is_signed_with_the_profile_name_linking_to_the_profile(client, episode, ada):
    EpisodeReviewFactory(episode=episode, author=ada.user, stars=4)
    html = client.get("/episodes/ep/").content.decode()
    assert '<a href="/listeners/ada/">Ada L.</a>' in html
    assert "u-8f3a2" not in html  # the hidden user name allauth made


def test_the_api_names_the_author_by_the_profile(api, episode, ada):
    EpisodeReviewFactory(episode=episode, author=ada.user)
    [review] = api.get("/api/v1/reviews/").json()["results"]
    assert review["author"] == "Ada L."


def test_a_suspended_listeners_review_names_them_without_a_link(client, episode, ada):
    EpisodeReviewFactory(episode=episode, author=ada.user)
    ada.user.is_active = False
    ada.user.save()
    page = Page(client.get("/episodes/ep/"))
    assert not page.all("a", href="/listeners/ada/")


def test_a_hostile_display_name_comes_back_escaped(client, episode):
    hostile = ProfileFactory(handle="hostile", display_name=XSS[:80])
    EpisodeReviewFactory(episode=episode, author=hostile.user)
    html = client.get("/episodes/ep/").content.decode()
    assert "<script>alert(1)" not in html
    assert all(escaped in html for escaped in XSS_ESCAPED)


def test_the_profile_lists_the_listeners_visible_reviews(client, show, episode, ada):
    ShowReviewFactory(show=show, author=ada.user, stars=5)
    EpisodeReviewFactory(episode=episode, author=ada.user, stars=3, status=Status.HIDDEN)
    page = Page(client.get("/listeners/ada/"))
    item = " ".join(page.text_of("ul", class_="activity"))
    assert "Reviewed The Information Bottleneck (5 out of 5)" in item
    assert "After Math Falls" not in item


def test_a_new_review_shows_on_the_cached_profile_at_the_next_request(client, episode, ada):
    assert "No reviews or comments yet." in client.get("/listeners/ada/").content.decode()
    EpisodeReviewFactory(episode=episode, author=ada.user, stars=2)
    assert "After Math Falls (2 out of 5)" in client.get("/listeners/ada/").content.decode()


def test_sign_in_to_rate_leads_to_the_sign_in_page_and_back(client, episode):
    page = Page(client.get("/episodes/ep/"))
    [href] = [a["href"] for a in page.all("a", class_="sign-in")]
    assert href == "/account/login/?next=%2Fepisodes%2Fep%2F"
    assert client.get(href).status_code == 200


def test_deleting_an_account_takes_its_reviews_and_the_rating_follows(client, show, ada):
    ShowReviewFactory(show=show, author=ada.user, stars=1)
    ShowReviewFactory(show=show, stars=5)
    assert "3.0 out of 5 · 2 ratings" in Page(client.get("/")).text_of("p", class_="rating")[0]

    accounts.delete_account(user=ada.user)

    assert not Review.objects.filter(stars=1).exists()
    assert "5.0 out of 5 · 1 rating" in Page(client.get("/")).text_of("p", class_="rating")[0]


def test_reviews_by_listeners_with_profiles_cost_no_query_each(
    client, episode, django_assert_max_num_queries
):
    def build(n):
        for _ in range(n):
            EpisodeReviewFactory(episode=episode, author=ProfileFactory().user)
        return "/episodes/ep/reviews/"

    response = assert_queries_do_not_grow(client, django_assert_max_num_queries, build)
    assert response.content.decode().count('<a href="/listeners/') == 20  # a page of them
