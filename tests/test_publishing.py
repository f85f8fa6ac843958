"""One definition of "public" for episodes and posts (core/publishing.py).

Every test runs for both publishable models. Dates are an hour or a week away from now, so
nothing needs freezing: "the time has come" is a scheduled item dated in the past.
"""

import datetime
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.publishing import State
from tests.factories import EpisodeFactory, PostFactory

HOUR = datetime.timedelta(hours=1)
WEEK = datetime.timedelta(days=7)


@pytest.fixture(params=[EpisodeFactory, PostFactory], ids=["episode", "post"])
def factory(request, db):
    return request.param


@pytest.fixture
def items(factory):
    """One item in every state, by name ("due": scheduled, and its time has come)."""
    now = timezone.now()
    return {
        "published": factory(is_draft=False, published_at=now - WEEK),
        "draft": factory(is_draft=True, published_at=None),
        "dated draft": factory(is_draft=True, published_at=now - WEEK),
        "scheduled": factory(is_draft=False, published_at=now + WEEK),
        "due": factory(is_draft=False, published_at=now - HOUR),
    }


def model_of(factory):
    return factory._meta.model


def names(queryset, items):
    pks = set(queryset.values_list("pk", flat=True))
    return {name for name, item in items.items() if item.pk in pks}


# live()


def test_it_shows_what_is_published(factory, items):
    assert names(model_of(factory).objects.live(), items) == {"published", "due"}


def test_it_hides_drafts_even_with_a_past_date(factory, items):
    published = model_of(factory).objects.live()
    assert not published.filter(pk__in=[items["draft"].pk, items["dated draft"].pk]).exists()


def test_it_hides_a_scheduled_item_until_its_time(factory, items):
    assert not model_of(factory).objects.live().filter(pk=items["scheduled"].pk).exists()


def test_it_shows_a_scheduled_item_once_its_time_has_come(factory, items):
    assert model_of(factory).objects.live().filter(pk=items["due"].pk).exists()


def test_it_hides_a_published_item_dated_in_the_future(factory):
    future = factory(is_draft=False, published_at=timezone.now() + WEEK)
    assert not model_of(factory).objects.live().filter(pk=future.pk).exists()


# live(), scheduled(), drafts(): every item in exactly one


def test_live_is_what_published_was(factory, items):
    objects = model_of(factory).objects
    assert names(objects.live(), items) == {"published", "due"}
    assert names(objects.live(), items) == names(objects.live(), items)


def test_scheduled_is_what_is_not_a_draft_and_still_to_come(factory, items):
    assert names(model_of(factory).objects.scheduled(), items) == {"scheduled"}


def test_drafts_are_drafts_whatever_their_date(factory, items):
    assert names(model_of(factory).objects.drafts(), items) == {"draft", "dated draft"}


@pytest.mark.parametrize(
    ("name", "state"),
    [
        ("published", State.LIVE),
        ("due", State.LIVE),
        ("scheduled", State.SCHEDULED),
        ("draft", State.DRAFT),
        ("dated draft", State.DRAFT),
    ],
)
def test_an_item_knows_its_state(items, name, state):
    assert items[name].state == state


def test_an_item_is_in_the_queryset_of_its_state(factory, items):
    objects = model_of(factory).objects
    by_state = {
        State.LIVE: objects.live(),
        State.SCHEDULED: objects.scheduled(),
        State.DRAFT: objects.drafts(),
    }
    for name, item in items.items():
        assert {state for state, qs in by_state.items() if qs.filter(pk=item.pk)} == {
            item.state
        }, name


def test_a_scheduled_item_goes_live_on_its_own(factory, items):
    item = items["scheduled"]
    with mock.patch.object(timezone, "now", return_value=item.published_at + HOUR):
        assert item.state == State.LIVE
        assert model_of(factory).objects.live().filter(pk=item.pk).exists()


def test_unpublished_is_everything_published_is_not(factory, items):
    unpublished = model_of(factory).objects.not_live()
    assert names(unpublished, items) == {"draft", "dated draft", "scheduled"}


# is_live() and is_scheduled()


@pytest.mark.parametrize(
    ("name", "published", "scheduled"),
    [
        ("published", True, False),
        ("due", True, False),
        ("scheduled", False, True),
        ("draft", False, False),
        ("dated draft", False, False),
    ],
)
def test_an_item_knows_whether_it_is_published_or_scheduled(items, name, published, scheduled):
    assert items[name].is_live() is published
    assert items[name].is_scheduled() is scheduled


def test_a_published_item_dated_in_the_future_is_scheduled(factory):
    item = factory.build(is_draft=False, published_at=timezone.now() + WEEK)
    assert not item.is_live()
    assert item.is_scheduled()


# visible_to()


def test_an_editor_sees_drafts_and_scheduled_items(factory, items, editor):
    assert names(model_of(factory).objects.visible_to(editor), items) == set(items)


def test_a_listener_sees_only_what_is_published(factory, items, listener):
    assert names(model_of(factory).objects.visible_to(listener), items) == {"published", "due"}


def test_an_anonymous_visitor_sees_only_what_is_published(factory, items):
    visible = model_of(factory).objects.visible_to(AnonymousUser())
    assert names(visible, items) == {"published", "due"}


# publish_now() and unpublish()


def test_publish_now_publishes_drafts_and_scheduled_items_at_once(factory, items):
    model = model_of(factory)
    before = timezone.now()

    changed = model.objects.filter(pk__in=[items["draft"].pk, items["scheduled"].pk])
    assert changed.publish_now() == 2

    for name in ["draft", "scheduled"]:
        item = model.objects.get(pk=items[name].pk)
        assert item.state == State.LIVE
        assert before <= item.published_at <= timezone.now()
        assert item.is_live()


def test_publish_now_leaves_what_is_already_published_alone(factory, items):
    model = model_of(factory)
    published = items["published"]
    dated = published.published_at

    assert model.objects.filter(pk=published.pk).publish_now() == 0

    published.refresh_from_db()
    assert published.published_at == dated


def test_publish_now_leaves_a_due_scheduled_item_alone_as_it_is_live(factory, items):
    model = model_of(factory)
    due = items["due"]

    assert model.objects.filter(pk=due.pk).publish_now() == 0

    item = model.objects.get(pk=due.pk)
    assert (item.state, item.published_at) == (State.LIVE, due.published_at)


def test_unpublish_turns_items_back_into_drafts(factory, items):
    model = model_of(factory)

    assert model.objects.all().unpublish() == 3  # the two drafts were drafts already

    assert set(model.objects.values_list("is_draft", flat=True)) == {True}
    published = model.objects.get(pk=items["published"].pk)
    assert published.published_at == items["published"].published_at  # the date stays
    assert not model.objects.live().exists()


# clean()


def test_clean_dates_an_item_that_is_not_a_draft_now_when_it_has_no_date(factory):
    item = factory.build(is_draft=False, published_at=None)
    before = timezone.now()

    item.clean()

    assert item.state == State.LIVE
    assert before <= item.published_at <= timezone.now()


def test_clean_lets_a_draft_go_without_a_date(factory):
    item = factory.build(is_draft=True, published_at=None)
    item.clean()
    assert item.published_at is None


def test_clean_keeps_a_scheduled_item_with_a_date(factory):
    when = timezone.now() + WEEK
    item = factory.build(is_draft=False, published_at=when)

    item.clean()

    assert (item.state, item.published_at) == (State.SCHEDULED, when)


# The database rule behind clean()


def test_the_database_refuses_a_non_draft_without_a_date(factory):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(is_draft=False, published_at=None)


def test_the_database_accepts_a_draft_without_a_date(factory):
    assert factory(is_draft=True, published_at=None).pk


def test_the_database_refuses_removing_the_date_of_a_published_item(factory, items):
    model = model_of(factory)
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=items["published"].pk).update(published_at=None)
