"""The migrations from a stored `status` to `is_draft`: every item keeps the state it shows.

They run on the test database itself (SQLite or PostgreSQL), back to the migrations before,
where rows are made with the historical models, and forward again.
"""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from core.publishing import State
from episodes.models import Episode
from posts.models import Post

BEFORE = [("episodes", "0003_show_feed_fields"), ("posts", "0001_initial")]
AFTER = [("episodes", "0004_is_draft"), ("posts", "0002_is_draft")]
WEEK = datetime.timedelta(days=7)

# The stored status and date, and the state the item showed (and shows after).
ROWS = {
    "draft": ("draft", None, State.DRAFT),
    "dated-draft": ("draft", -WEEK, State.DRAFT),
    "published": ("published", -WEEK, State.LIVE),
    "scheduled": ("scheduled", WEEK, State.SCHEDULED),
    "due": ("scheduled", -WEEK, State.LIVE),  # scheduled, and its time has come
}


def migrate(targets):
    """Migrate to `targets`; return the models as they were then."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def old_rows(transactional_db):
    """An episode and a post for each row of ROWS, made before the migrations."""
    apps = migrate(BEFORE)
    try:
        show = apps.get_model("episodes", "Show").objects.create(
            title="Show", slug="show", description="A show."
        )
        now = timezone.now()
        for slug, (status, offset, _) in ROWS.items():
            published_at = None if offset is None else now + offset
            apps.get_model("episodes", "Episode").objects.create(
                show=show, title=slug, slug=slug, status=status, published_at=published_at
            )
            apps.get_model("posts", "Post").objects.create(
                title=slug, slug=slug, body="Text.", status=status, published_at=published_at
            )
        yield
    finally:
        migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_every_item_keeps_the_state_it_shows(old_rows):
    migrate(AFTER)

    for model in [Episode, Post]:
        states = {item.slug: item.state for item in model.objects.all()}
        assert states == {slug: state for slug, (_, _, state) in ROWS.items()}, model
        dates = dict(model.objects.values_list("slug", "published_at"))
        assert dates["dated-draft"] is not None  # the date of a draft is kept
        assert dates["draft"] is None


@pytest.mark.django_db(transaction=True)
def test_going_back_gives_each_item_the_status_it_shows(old_rows):
    migrate(AFTER)
    apps = migrate(BEFORE)

    expected = {
        "draft": "draft",
        "dated-draft": "draft",
        "published": "published",
        "scheduled": "scheduled",
        "due": "published",  # it was live, so it says so now
    }
    for model in ["episodes.Episode", "posts.Post"]:
        rows = apps.get_model(model).objects.values_list("slug", "status")
        assert dict(rows) == expected, model
