"""One definition of "public" for episodes and posts (ibsite/publishing.py).

Every test runs for both publishable models. Dates are an hour or a week away from now, so
nothing needs freezing: "the time has come" is a scheduled item dated in the past.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.publishing import Status
from tests.factories import EpisodeFactory, PostFactory

HOUR = datetime.timedelta(hours=1)
WEEK = datetime.timedelta(days=7)


@pytest.fixture(params=[EpisodeFactory, PostFactory], ids=["episode", "post"])
def factory(request, db):
    return request.param


@pytest.fixture
def items(factory):
    """One item in every state, by name."""
    now = timezone.now()
    return {
        "published": factory(status=Status.PUBLISHED, published_at=now - WEEK),
        "draft": factory(status=Status.DRAFT, published_at=None),
        "dated draft": factory(status=Status.DRAFT, published_at=now - WEEK),
        "scheduled": factory(status=Status.SCHEDULED, published_at=now + WEEK),
        "due": factory(status=Status.SCHEDULED, published_at=now - HOUR),
    }


def model_of(factory):
    return factory._meta.model


def names(queryset, items):
    pks = set(queryset.values_list("pk", flat=True))
    return {name for name, item in items.items() if item.pk in pks}


# published()


def test_it_shows_what_is_published(factory, items):
    assert names(model_of(factory).objects.published(), items) == {"published", "due"}


def test_it_hides_drafts_even_with_a_past_date(factory, items):
    published = model_of(factory).objects.published()
    assert not published.filter(pk__in=[items["draft"].pk, items["dated draft"].pk]).exists()


def test_it_hides_a_scheduled_item_until_its_time(factory, items):
    assert not model_of(factory).objects.published().filter(pk=items["scheduled"].pk).exists()


def test_it_shows_a_scheduled_item_once_its_time_has_come(factory, items):
    assert model_of(factory).objects.published().filter(pk=items["due"].pk).exists()


def test_it_hides_a_published_item_dated_in_the_future(factory):
    future = factory(status=Status.PUBLISHED, published_at=timezone.now() + WEEK)
    assert not model_of(factory).objects.published().filter(pk=future.pk).exists()


def test_unpublished_is_everything_published_is_not(factory, items):
    unpublished = model_of(factory).objects.unpublished()
    assert names(unpublished, items) == {"draft", "dated draft", "scheduled"}


# is_published() and is_scheduled()


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
    assert items[name].is_published() is published
    assert items[name].is_scheduled() is scheduled


def test_a_published_item_dated_in_the_future_is_scheduled(factory):
    item = factory.build(status=Status.PUBLISHED, published_at=timezone.now() + WEEK)
    assert not item.is_published()
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
        assert item.status == Status.PUBLISHED
        assert before <= item.published_at <= timezone.now()
        assert item.is_published()


def test_publish_now_leaves_what_is_already_published_alone(factory, items):
    model = model_of(factory)
    published = items["published"]
    dated = published.published_at

    assert model.objects.filter(pk=published.pk).publish_now() == 0

    published.refresh_from_db()
    assert published.published_at == dated


def test_publish_now_records_a_due_scheduled_item_as_published(factory, items):
    model = model_of(factory)
    assert model.objects.filter(pk=items["due"].pk).publish_now() == 1
    assert model.objects.get(pk=items["due"].pk).status == Status.PUBLISHED


def test_unpublish_turns_items_back_into_drafts(factory, items):
    model = model_of(factory)

    assert model.objects.all().unpublish() == 3  # the two drafts were drafts already

    assert set(model.objects.values_list("status", flat=True)) == {Status.DRAFT}
    assert not model.objects.published().exists()


# clean()


def test_clean_dates_a_published_item_without_a_date_now(factory):
    item = factory.build(status=Status.PUBLISHED, published_at=None)
    before = timezone.now()

    item.clean()

    assert item.status == Status.PUBLISHED
    assert before <= item.published_at <= timezone.now()


def test_clean_records_published_with_a_future_date_as_scheduled(factory):
    when = timezone.now() + WEEK
    item = factory.build(status=Status.PUBLISHED, published_at=when)

    item.clean()

    assert item.status == Status.SCHEDULED
    assert item.published_at == when


def test_clean_refuses_a_scheduled_item_without_a_date(factory):
    item = factory.build(status=Status.SCHEDULED, published_at=None)

    with pytest.raises(ValidationError) as error:
        item.clean()

    assert "published_at" in error.value.message_dict


def test_clean_lets_a_draft_go_without_a_date(factory):
    item = factory.build(status=Status.DRAFT, published_at=None)
    item.clean()
    assert item.published_at is None


def test_clean_keeps_a_scheduled_item_with_a_date(factory):
    when = timezone.now() + WEEK
    item = factory.build(status=Status.SCHEDULED, published_at=when)

    item.clean()

    assert (item.status, item.published_at) == (Status.SCHEDULED, when)


# The database rule behind clean()


@pytest.mark.parametrize("status", [Status.PUBLISHED, Status.SCHEDULED])
def test_the_database_refuses_a_non_draft_without_a_date(factory, status):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(status=status, published_at=None)


def test_the_database_accepts_a_draft_without_a_date(factory):
    assert factory(status=Status.DRAFT, published_at=None).pk


def test_the_database_refuses_removing_the_date_of_a_published_item(factory, items):
    model = model_of(factory)
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=items["published"].pk).update(published_at=None)
