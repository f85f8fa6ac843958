"""Sign-in lockout: after a few wrong passwords an account, and an address, wait a while.

django-axes counts failures per username and per address (AXES_FAILURE_LIMIT, 5) and refuses
every sign-in for AXES_COOLOFF_MINUTES (15), the right password included. Unknown usernames
are counted and answered the same, so the answer does not tell which accounts exist.
"""

import datetime
import json
import re

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from core.auth import locked_out
from tests.factories import EditorFactory, UserFactory

LOGIN = "/admin/login/"
RIGHT = "correct horse battery staple"
MESSAGE = "Too many failed sign-ins; try again in 15 minutes."


def sign_in(client, username, password, address="192.0.2.10"):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address
    )


def page_text(response, username):
    """The page without what differs on every page (the CSRF token) or is typed in."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return text.replace(username, "NAME")


def signed_in(response):
    return response.status_code == 302 and response["Location"] == "/admin/"


@pytest.fixture(params=["editor", "superuser"])
def staff(request, db):
    if request.param == "editor":
        return EditorFactory(username="edna")
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_the_right_password_signs_in_after_a_few_mistakes(client, staff):
    for _ in range(4):
        assert sign_in(client, staff.username, "wrong").status_code == 200
    assert signed_in(sign_in(client, staff.username, RIGHT))


def test_thirty_wrong_passwords_lock_the_account_even_for_the_right_one(client, staff):
    for _ in range(30):
        sign_in(client, staff.username, "wrong")
    response = sign_in(client, staff.username, RIGHT)
    assert response.status_code == 429
    assert MESSAGE in response.content.decode()
    assert int(response["Retry-After"]) == 15 * 60
    assert "_auth_user_id" not in client.session


def test_the_lockout_follows_the_account_across_addresses(client, staff):
    for n in range(5):
        sign_in(client, staff.username, "wrong", address=f"198.51.100.{n}")
    response = sign_in(client, staff.username, RIGHT, address="203.0.113.1")
    assert response.status_code == 429


def test_the_lockout_follows_the_address_across_accounts(client, staff):
    for n in range(5):
        sign_in(client, f"guess{n}", "wrong")
    assert sign_in(client, staff.username, RIGHT).status_code == 429
    assert signed_in(sign_in(client, staff.username, RIGHT, address="192.0.2.99"))


def test_unknown_and_known_usernames_get_the_same_answers(client, db):
    EditorFactory(username="edna")
    answers = {}
    for username in ("edna", "nobody"):
        responses = [
            sign_in(client, username, "wrong", address=f"192.0.2.{len(answers)}") for _ in range(6)
        ]
        answers[username] = [(r.status_code, page_text(r, username)) for r in responses]
    assert answers["edna"] == answers["nobody"]
    assert answers["edna"][-1][0] == 429


def test_the_account_opens_again_after_the_cool_off(client, staff):
    for _ in range(5):
        sign_in(client, staff.username, "wrong")
    assert sign_in(client, staff.username, RIGHT).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert signed_in(sign_in(client, staff.username, RIGHT))


def test_the_api_answers_a_lockout_in_json(rf):
    response = locked_out(rf.post("/api/v1/episodes/"))
    assert response.status_code == 429
    assert json.loads(response.content) == {"detail": MESSAGE}
