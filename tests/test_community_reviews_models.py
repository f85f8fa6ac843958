"""Reviews in the database: one per listener per item, 1 to 5 stars, of the show or of one
episode; the rating (average and count) in one query; who sees what by status; the services."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from community import services
from community.models import Rating, Review, Status
from tests.factories import (
    EpisodeFactory,
    EpisodeReviewFactory,
    ShowFactory,
    ShowReviewFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def show():
    return ShowFactory()


@pytest.fixture
def episode(show):
    return EpisodeFactory(show=show)


@pytest.fixture
def lisa():
    return UserFactory(username="lisa")


# The database's rules (run on SQLite and on PostgreSQL).


def test_the_database_refuses_a_second_review_of_the_show_by_one_listener(show, lisa):
    ShowReviewFactory(show=show, author=lisa)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(show=show, author=lisa, stars=3)


def test_the_database_refuses_a_second_review_of_an_episode_by_one_listener(episode, lisa):
    EpisodeReviewFactory(episode=episode, author=lisa)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(episode=episode, author=lisa, stars=3)


def test_one_listener_reviews_the_show_and_each_episode_once(show, episode, lisa):
    ShowReviewFactory(show=show, author=lisa)
    EpisodeReviewFactory(episode=episode, author=lisa)
    EpisodeReviewFactory(episode=EpisodeFactory(show=show), author=lisa)
    ShowReviewFactory(show=show, author=UserFactory())
    assert Review.objects.count() == 4


@pytest.mark.parametrize("stars", [0, 6, 100])
def test_the_database_refuses_stars_outside_1_to_5(show, lisa, stars):
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(show=show, author=lisa, stars=stars)


def test_a_review_is_of_the_show_or_of_an_episode_never_both_nor_neither(show, episode, lisa):
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(show=show, episode=episode, author=lisa, stars=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(author=lisa, stars=4)


# Reads.


def test_the_rating_is_the_average_to_one_decimal_and_the_count_in_one_query(
    show, django_assert_num_queries
):
    for stars in [5, 5, 4, 5, 5]:  # 4.8
        ShowReviewFactory(show=show, stars=stars)
    with django_assert_num_queries(1):
        rating = Review.objects.visible().of_show(show).rating()
    assert rating == Rating(Decimal("4.8"), 5)
    assert rating.full_stars == 5


def test_the_average_rounds_half_up(show):
    for stars in [4, 5]:  # 4.5
        ShowReviewFactory(show=show, stars=stars)
    ShowReviewFactory(show=show, stars=1, status=Status.HIDDEN)
    assert Review.objects.visible().of_show(show).rating() == Rating(Decimal("4.5"), 2)
    for stars in [4, 4, 5]:  # 4.333...
        EpisodeReviewFactory(episode=EpisodeFactory(show=show), stars=stars)
    assert Rating.of(13 / 3, 3).average == Decimal("4.3")
    assert Rating.of(2 / 3 + 4, 3).average == Decimal("4.7")


def test_no_reviews_is_no_rating(show, episode):
    rating = Review.objects.visible().of(episode).rating()
    assert rating == Rating(None, 0)
    assert not rating


def test_an_episodes_reviews_do_not_count_for_the_show_nor_for_other_episodes(show, episode):
    ShowReviewFactory(show=show, stars=2)
    EpisodeReviewFactory(episode=episode, stars=5)
    EpisodeReviewFactory(episode=episode, stars=4)
    EpisodeReviewFactory(episode=EpisodeFactory(show=show), stars=1)
    assert Review.objects.visible().of(show).rating() == Rating(Decimal("2.0"), 1)
    assert Review.objects.visible().of(episode).rating() == Rating(Decimal("4.5"), 2)


def test_only_published_reviews_of_the_show_and_live_episodes_are_visible(show, episode, lisa):
    published = ShowReviewFactory(show=show)
    ShowReviewFactory(show=show, status=Status.PENDING)
    ShowReviewFactory(show=show, status=Status.HIDDEN)
    on_live = EpisodeReviewFactory(episode=episode)
    EpisodeReviewFactory(episode=EpisodeFactory(show=show, draft=True))
    EpisodeReviewFactory(episode=EpisodeFactory(show=show, scheduled=True))
    assert set(Review.objects.visible()) == {published, on_live}


def test_a_listener_sees_their_own_review_whatever_its_status(show, lisa):
    own = ShowReviewFactory(show=show, author=lisa, status=Status.HIDDEN)
    other = ShowReviewFactory(show=show)
    ShowReviewFactory(show=show, status=Status.PENDING)
    assert set(Review.objects.visible_to(lisa)) == {own, other}
    assert own.is_visible() is False


def test_the_latest_reviews_come_with_their_authors_in_one_query(show, django_assert_num_queries):
    for n in range(5):
        ShowReviewFactory(show=show, author=UserFactory(first_name=f"Ann{n}", last_name="Lee"))
    with django_assert_num_queries(1):
        names = [review.author_name for review in Review.objects.of_show(show).latest()[:3]]
    assert names == ["Ann4 Lee", "Ann3 Lee", "Ann2 Lee"]


def test_an_author_without_a_full_name_is_shown_by_user_name(show, lisa):
    assert ShowReviewFactory(show=show, author=lisa).author_name == "lisa"


def test_links_in_a_review_are_nofollow_ugc_and_scripts_are_text(show):
    review = ShowReviewFactory(
        show=show, text="[x](https://example.com) <script>alert(1)</script> [y](javascript:z)"
    )
    html = review.text_html()
    assert 'rel="nofollow ugc noopener noreferrer"' in html
    assert "<script>" not in html
    assert 'href="javascript' not in html


# Services.


def test_post_review_refuses_a_second_review_kindly_naming_the_first(show, lisa):
    first = services.post_review(author=lisa, item=show, stars=4)
    with pytest.raises(services.AlreadyReviewed) as refused:
        services.post_review(author=lisa, item=show, stars=2, title="Again")
    assert refused.value.existing == first
    assert "already reviewed the show" in refused.value.message
    assert Review.objects.get().stars == 4


def test_post_review_turns_a_race_lost_in_the_database_into_already_reviewed(
    episode, lisa, monkeypatch
):
    first = EpisodeReviewFactory(episode=episode, author=lisa)
    # The check before the insert saw nothing (the other post was not committed yet).
    real_filter = Review.objects.filter
    calls = []

    def filter_missing_first_time(*args, **kwargs):
        calls.append(kwargs)
        queryset = real_filter(*args, **kwargs)
        return queryset.none() if len(calls) == 1 else queryset

    monkeypatch.setattr(Review.objects, "filter", filter_missing_first_time)
    with pytest.raises(services.AlreadyReviewed) as refused:
        services.post_review(author=lisa, item=episode, stars=1)
    assert refused.value.existing == first
    assert "this episode" in refused.value.message


def test_post_review_checks_the_lengths(show, lisa):
    with pytest.raises(ValidationError) as refused:
        services.post_review(author=lisa, item=show, stars=5, title="t" * 121, text="x" * 5001)
    assert set(refused.value.message_dict) == {"title", "text"}
    assert not Review.objects.exists()


def test_update_and_delete_review(show, lisa):
    review = services.post_review(author=lisa, item=show, stars=2, title="Meh")
    services.update_review(review=review, stars=5, title="Grew on me", text="Yes.")
    review.refresh_from_db()
    assert (review.stars, review.title, review.text) == (5, "Grew on me", "Yes.")
    services.delete_review(review=review)
    assert not Review.objects.exists()


def test_moderate_sets_the_status_in_bulk_and_says_how_many_changed(show):
    reviews = [ShowReviewFactory(show=show) for _ in range(3)]
    ShowReviewFactory(show=show, status=Status.HIDDEN)
    changed = services.moderate(reviews=Review.objects.all(), status=Status.HIDDEN)
    assert changed == 3
    assert set(Review.objects.values_list("status", flat=True)) == {Status.HIDDEN}
    assert services.moderate(reviews=Review.objects.filter(pk=reviews[0].pk), status="published")
    with pytest.raises(ValidationError):
        services.moderate(reviews=Review.objects.all(), status="deleted")
