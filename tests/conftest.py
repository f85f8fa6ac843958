import datetime
import os

import pytest
from django.core.cache import caches
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import replica
from tests.factories import (
    ChapterFactory,
    DiscussionFactory,
    EditorFactory,
    EpisodeFactory,
    PaperFactory,
    PersonFactory,
    PostFactory,
    UserFactory,
    author,
)


@pytest.fixture(autouse=True)
def fresh_cache():
    """The API's throttling counts requests in the cache: each test starts with none (and
    with no page, fragment or memo kept in this process)."""
    for alias in ("default", "versioned"):
        caches[alias].clear()


@pytest.fixture
def editor(db):
    """A member of the Editors group, as editors are set up in production."""
    return EditorFactory(username="edna")


@pytest.fixture
def listener(db):
    """A signed-in user with no special rights."""
    return UserFactory(username="lisa")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


# Clients of the JSON API (tests/test_api_*.py).


@pytest.fixture
def api(db):
    """An anonymous client."""
    return APIClient()


@pytest.fixture
def listener_api(listener):
    """A signed-in user who is not an editor."""
    client = APIClient()
    client.force_login(listener)
    return client


@pytest.fixture
def editor_token(editor):
    """The editor's API token, as a superuser issues it in the admin."""
    return Token.objects.create(user=editor)


@pytest.fixture
def editor_api(editor_token):
    """An editor, with a token as integrations use it."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {editor_token.key}")
    return client


@pytest.fixture
def editor_session(editor):
    """An editor signed in to the site (session cookie), with CSRF checks as in production."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)
    return client


# Someone in the graph, with papers and mentions (reads of several apps' models).


def days_ago(n):
    return timezone.now() - datetime.timedelta(days=n)


@pytest.fixture
def phillip():
    return PersonFactory(name="Phillip Isola")


@pytest.fixture
def his_papers(phillip):
    """Three papers, newest first."""
    papers = [
        PaperFactory(title="Neural Thickets", year=2025),
        PaperFactory(title="The Platonic Representation Hypothesis", year=2024),
        PaperFactory(title="Image-to-Image Translation", year=2017),
    ]
    author(phillip, *papers)
    return papers


@pytest.fixture
def mentions(phillip, his_papers):
    """Episodes and posts mentioning Phillip in every way, and some that don't."""
    thickets, platonic, _ = his_papers
    by_chapter = EpisodeFactory(title="Chapter about him", published_at=days_ago(3))
    ChapterFactory(episode=by_chapter, person=phillip)

    by_discussion = EpisodeFactory(title="Discusses his paper", published_at=days_ago(1))
    DiscussionFactory(episode=by_discussion, paper=thickets)

    by_chapter_paper = EpisodeFactory(title="Chapter on his paper", published_at=days_ago(5))
    ChapterFactory(episode=by_chapter_paper, paper=platonic)

    every_way = EpisodeFactory(title="Every way", published_at=days_ago(2))
    ChapterFactory(episode=every_way, person=phillip)
    ChapterFactory(episode=every_way, person=phillip, paper=thickets)
    DiscussionFactory(episode=every_way, paper=thickets)
    DiscussionFactory(episode=every_way, paper=platonic)

    post = PostFactory(
        title="Post on his papers", published_at=days_ago(4), papers=[thickets, platonic]
    )
    by_him = PostFactory(title="Post by him", published_at=days_ago(6), author=phillip)

    draft = EpisodeFactory(draft=True)
    ChapterFactory(episode=draft, person=phillip)
    scheduled = EpisodeFactory(scheduled=True)
    DiscussionFactory(episode=scheduled, paper=thickets)
    PostFactory(draft=True, papers=[thickets])
    EpisodeFactory(title="Not about him", published_at=days_ago(1))
    PostFactory(title="Not about him either", published_at=days_ago(1))
    ChapterFactory(person=PersonFactory())

    return [by_discussion, every_way, by_chapter, post, by_chapter_paper, by_him]


# Services (tests/test_*_services.py).


@pytest.fixture
def announced():
    """What `core.signals.content_changed` announced during the test: (sender, pks) pairs."""
    from core.signals import content_changed

    calls = []

    def listener(sender, pks, **kwargs):
        calls.append((sender, list(pks)))

    content_changed.connect(listener, weak=False, dispatch_uid="tests-announced")
    yield calls
    content_changed.disconnect(dispatch_uid="tests-announced")


# TEST_SQLITE_FILE=1: on SQLite, the test database is a file rather than memory, so that a
# worker started as another process (tests/test_jobs_killed.py) can open it. Off by default:
# the whole suite then takes about 30% longer, even without fsync.
@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and os.environ.get(
        "TEST_SQLITE_FILE"
    ) in {"1", "true", "yes"}:
        database.setdefault("TEST", {})["NAME"] = str(
            tmp_path_factory.mktemp("database") / "test.sqlite3"
        )
        # Write-ahead log: the test reads while the worker's transaction writes.
        database.setdefault("OPTIONS", {})["init_command"] = (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF"
        )


# The real read replica of tests/test_routers.py and tests/test_health.py (tests/replica.py).
@pytest.fixture(scope="session")
def replica_server(django_db_setup):
    """On PostgreSQL, the replica's script environment (the test skipped, saying why, when it
    cannot start); stopped at the end if these tests started it. None on SQLite."""
    yield from replica.start_replica()
