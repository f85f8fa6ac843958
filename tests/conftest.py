import pytest

from tests.factories import EditorFactory, UserFactory


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
