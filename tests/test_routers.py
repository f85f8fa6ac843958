"""The read router: anonymous reads on the replica, writes and editors on the primary, and
the primary again when the replica stops.

The replica is the test database's mirror (tests/settings.py). On PostgreSQL it is a real
streaming replica (tests/replica.py); where it cannot start those tests are skipped, saying
why. On SQLite the mirror is a second connection to the same file: the routing is tested,
the stopping replica is not. The tests commit (transaction=True), since a
replica sees only what is committed.
"""

import logging
import time

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connections, router, transaction

from core import routers
from episodes.models import Episode
from ibsite.editors import grant_editor_permissions
from tests.factories import EditorFactory, EpisodeFactory
from tests.replica import SCRIPT_ENV, on_postgresql, replica_script, wait_for_replay

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica(replica_server, settings):
    """Reads routed as in production, the replica caught up with the primary."""
    settings.REPLICA_READS = True
    settings.REPLICA_RETRY_SECONDS = 5
    # Which database a page reads is the point: a page served from the page cache reads none.
    settings.PAGE_CACHE_SECONDS = 0
    routers.forget_replica_failure()
    wait_for_replay()
    yield
    routers.forget_replica_failure()


def queries_during(request):
    """(the response, queries on the replica, queries on the primary) of `request()`.

    Counted as they are sent, which opens no connection (the replica may be down)."""
    counts = {"replica": 0, "default": 0}

    def counter(alias):
        def count(execute, sql, params, many, context):
            counts[alias] += 1
            return execute(sql, params, many, context)

        return count

    with (
        connections["replica"].execute_wrapper(counter("replica")),
        connections["default"].execute_wrapper(counter("default")),
    ):
        response = request()
    return response, counts["replica"], counts["default"]


@pytest.fixture
def episode():
    return EpisodeFactory(title="Compression and Generalization")


def test_the_replica_is_a_read_only_standby(replica):
    """On PostgreSQL the tests' replica is real: a server in recovery, on its own port."""
    if not on_postgresql():
        pytest.skip("SQLite: the replica is a second connection to the same file.")
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_setting('port')")
        in_recovery, port = cursor.fetchone()
    assert in_recovery is True
    assert port == SCRIPT_ENV["REPLICA_PORT"]


def test_an_anonymous_visitor_reads_from_the_replica(replica, client, episode):
    wait_for_replay()
    response, on_replica, on_primary = queries_during(
        lambda: client.get(episode.get_absolute_url())
    )
    assert response.status_code == 200
    assert "Compression and Generalization" in response.text
    assert on_replica > 0
    assert on_primary == 0


def test_signed_in_editors_read_from_the_primary(replica, client, episode):
    grant_editor_permissions(Group, Permission)  # transactional tests flush the group
    client.force_login(EditorFactory())
    # A draft saved a moment ago, which the replica may not have yet: the editor sees it.
    draft = EpisodeFactory(draft=True, title="Work in Progress")
    response, on_replica, on_primary = queries_during(lambda: client.get(draft.get_absolute_url()))
    assert response.status_code == 200
    assert "Work in Progress" in response.text
    assert on_replica == 0
    assert on_primary > 0


def test_api_clients_with_a_token_read_from_the_primary(replica, client, episode):
    wait_for_replay()
    response, on_replica, on_primary = queries_during(
        lambda: client.get("/api/v1/episodes/", HTTP_AUTHORIZATION="Token not-a-real-one")
    )
    assert response.status_code == 401
    assert on_replica == 0
    assert on_primary > 0


def test_a_client_that_wrote_reads_from_the_primary_for_a_while(replica, client, episode):
    wait_for_replay()
    # A failed sign-in is a write (the lockout counts it): the answer marks the client.
    response, on_replica, _ = queries_during(
        lambda: client.post("/admin/login/", {"username": "nobody", "password": "wrong"})
    )
    assert response.status_code == 200
    assert on_replica == 0
    assert response.cookies[routers.STICKY_COOKIE]["max-age"] == 10

    response, on_replica, on_primary = queries_during(
        lambda: client.get(episode.get_absolute_url())
    )
    assert response.status_code == 200
    assert (on_replica, on_primary > 0) == (0, True)

    # Once its time is up (browsers drop the cookie; an old value is ignored), the replica.
    client.cookies[routers.STICKY_COOKIE] = str(int(time.time()) - 1)
    wait_for_replay()
    response, on_replica, on_primary = queries_during(
        lambda: client.get(episode.get_absolute_url())
    )
    assert (on_replica > 0, on_primary) == (True, 0)


def test_a_read_after_a_write_in_the_same_request_is_on_the_primary(replica, episode):
    with routers.reading_from_replica():
        assert router.db_for_read(Episode) == "replica"
        EpisodeFactory()
        assert router.db_for_read(Episode) == "default"


def test_reads_inside_a_transaction_are_on_the_primary(replica):
    with routers.reading_from_replica(), transaction.atomic():
        assert router.db_for_read(Episode) == "default"


def test_users_and_sessions_are_always_read_on_the_primary(replica):
    from django.contrib.auth.models import User
    from django.contrib.sessions.models import Session

    with routers.reading_from_replica():
        assert router.db_for_read(User) == "default"
        assert router.db_for_read(Session) == "default"


def test_commands_and_jobs_read_from_the_primary(replica):
    """Outside a web request nothing reads from the replica."""
    assert router.db_for_read(Episode) == "default"
    assert router.db_for_write(Episode) == "default"


def test_nothing_is_migrated_on_the_replica():
    assert router.allow_migrate("replica", "episodes") is False
    assert router.allow_migrate("default", "episodes") is True


def test_when_the_replica_stops_reads_fall_back_to_the_primary(
    replica, replica_server, client, episode, settings, caplog
):
    if replica_server is None:
        pytest.skip("Needs PostgreSQL: on SQLite there is no replica server to stop.")
    settings.REPLICA_RETRY_SECONDS = 3
    url = episode.get_absolute_url()
    wait_for_replay()
    assert queries_during(lambda: client.get(url))[1] > 0  # the replica, while it runs

    assert replica_script("stop").returncode == 0
    try:
        with caplog.at_level(logging.WARNING, logger="core.routers"):
            started = time.monotonic()
            for _ in range(3):
                response, on_replica, on_primary = queries_during(lambda: client.get(url))
                assert response.status_code == 200
                assert "Compression and Generalization" in response.text
                assert (on_replica, on_primary > 0) == (0, True)
            elapsed = time.monotonic() - started
        # Asked once, then left alone for REPLICA_RETRY_SECONDS: one warning for three pages.
        warnings = [r for r in caplog.records if "does not answer" in r.getMessage()]
        assert len(warnings) == 1
        assert elapsed < settings.REPLICA_CONNECT_TIMEOUT + 2
    finally:
        assert replica_script("start").returncode == 0

    # Back again: once REPLICA_RETRY_SECONDS have passed, reads return to the replica by
    # themselves. (With DATABASE_POOL the pool may still be backing off from its failed
    # connections on the first try: then the next window.)
    wait_for_replay()
    deadline = time.monotonic() + 60
    while True:
        time.sleep(settings.REPLICA_RETRY_SECONDS)
        response, on_replica, on_primary = queries_during(lambda: client.get(url))
        assert response.status_code == 200
        if on_replica > 0 or time.monotonic() > deadline:
            break
    assert (on_replica > 0, on_primary) == (True, 0)
