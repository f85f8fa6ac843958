"""Editors moderate reviews in the admin: filters, search, publish and hide in bulk, with a
constant number of queries; the demo loads a few reviews."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import Review, Status
from tests.factories import EpisodeReviewFactory, ShowFactory, ShowReviewFactory, UserFactory
from tests.pages import Page

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/community/review/"


def test_an_editor_lists_filters_and_searches_reviews(editor_client):
    show = ShowFactory()
    ShowReviewFactory(show=show, stars=1, title="Too long", status=Status.HIDDEN)
    EpisodeReviewFactory(episode__show=show, stars=5, title="Brilliant")
    assert editor_client.get(CHANGELIST).status_code == 200
    for query, titles in [
        ("?status__exact=hidden", ["Too long"]),
        ("?stars__exact=5", ["Brilliant"]),
        ("?item=show", ["Too long"]),
        ("?item=episode", ["Brilliant"]),
        ("?q=brilliant", ["Brilliant"]),
    ]:
        page = Page(editor_client.get(CHANGELIST + query))
        assert page.text_of("td", class_="field-title") == titles, query
    review = Review.objects.first()
    url = reverse("admin:community_review_change", args=[review.pk])
    assert editor_client.get(url).status_code == 200


def test_an_editor_hides_and_publishes_reviews_in_bulk(editor_client, client):
    show = ShowFactory()
    reviews = [ShowReviewFactory(show=show, title=f"R{n}") for n in range(3)]
    assert "R0" in client.get("/reviews/").content.decode()  # cached for the public
    response = editor_client.post(
        CHANGELIST,
        {"action": "hide", "_selected_action": [r.pk for r in reviews[:2]]},
        follow=True,
    )
    assert "2 reviews hidden." in response.content.decode()
    assert set(Review.objects.filter(status=Status.HIDDEN)) == set(reviews[:2])
    public = client.get("/reviews/").content.decode()
    assert "R0" not in public and "R2" in public  # at the next anonymous request
    editor_client.post(CHANGELIST, {"action": "publish", "_selected_action": [reviews[0].pk]})
    assert Review.objects.get(pk=reviews[0].pk).status == Status.PUBLISHED


def test_the_review_list_makes_the_same_queries_for_1_and_50(
    editor_client, django_assert_max_num_queries
):
    show = ShowFactory()
    ShowReviewFactory(show=show)
    editor_client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as one:
        editor_client.get(CHANGELIST)
    users = UserFactory.create_batch(49)
    Review.objects.bulk_create(Review(show=show, author=user, stars=3) for user in users)
    with django_assert_max_num_queries(len(one)):
        assert editor_client.get(CHANGELIST).status_code == 200


def test_the_demo_has_the_shows_five_five_star_ratings_and_loads_again_unchanged(client):
    out = io.StringIO()
    call_command("load_demo", stdout=out, stderr=io.StringIO())
    assert "5 demo listeners (5 created)" in out.getvalue()
    assert "7 reviews (7 created)" in out.getvalue()
    page = Page(client.get("/"))
    assert page.text_of("p", class_="rating") == ["★★★★★ 5.0 out of 5 · 5 ratings"]
    again = io.StringIO()
    call_command("load_demo", stdout=again, stderr=io.StringIO())
    assert "7 reviews (7 unchanged)" in again.getvalue()
    # Nobody signs in as a demo listener.
    authors = {review.author for review in Review.objects.select_related("author")}
    assert len(authors) == 5
    assert not any(author.has_usable_password() for author in authors)
