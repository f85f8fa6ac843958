import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import EditorFactory, UserFactory


@pytest.fixture(autouse=True)
def fresh_cache():
    """The API's throttling counts requests in the cache: each test starts with none."""
    cache.clear()


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
