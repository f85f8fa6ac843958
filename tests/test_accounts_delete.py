"""Deleting an account: confirmed with the password, it removes the personal data kept with
it and first tells the apps above (accounts.signals.account_deleting) so they follow their
policy for what the listener wrote.
"""

import pytest
from allauth.account.models import EmailAddress, EmailConfirmation
from axes.models import AccessLog
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client
from django.test.utils import override_settings
from rest_framework.authtoken.models import Token

from accounts import services
from accounts.models import Profile
from accounts.signals import account_deleting
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db

RIGHT = "correct horse battery staple"


@pytest.fixture
def ada(db):
    return ProfileFactory(handle="ada", user__username="ada", user__email="ada@example.com")


@pytest.fixture
def signed_in(client, ada):
    response = client.post("/account/login/", {"login": "ada@example.com", "password": RIGHT})
    assert response.status_code == 302
    return client


@pytest.fixture
def heard():
    """The users account_deleting was sent for, and whether their row still existed then."""
    calls = []

    def listener(sender, user, **kwargs):
        calls.append((user.pk, User.objects.filter(pk=user.pk).exists()))

    account_deleting.connect(listener)
    yield calls
    account_deleting.disconnect(listener)


def test_deleting_with_the_password_removes_the_personal_data(signed_in, ada, heard):
    user = ada.user
    other_device = Client()
    other_device.force_login(user)
    Token.objects.create(user=user)
    address = EmailAddress.objects.get(user=user)
    EmailConfirmation.create(address)
    keep = ProfileFactory(handle="kept")

    response = signed_in.post("/account/delete/", {"password": RIGHT})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert heard == [(user.pk, True)]  # told before anything went
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Profile.objects.filter(pk=ada.pk).exists()
    assert not EmailAddress.objects.filter(email__iexact="ada@example.com").exists()
    assert not EmailConfirmation.objects.exists()
    assert not Token.objects.filter(user_id=user.pk).exists()
    assert not AccessLog.objects.filter(username__iexact="ada@example.com").exists()
    assert not any(
        session.get_decoded().get("_auth_user_id") == str(user.pk)
        for session in Session.objects.all()
    )
    assert "_auth_user_id" not in signed_in.session
    home = signed_in.get("/")
    assert "Your account and your personal data are deleted." in home.content.decode()
    assert other_device.get("/account/").status_code == 302  # signed out there too
    assert signed_in.get("/listeners/ada/").status_code == 404
    assert Profile.objects.filter(pk=keep.pk).exists()


def test_a_wrong_password_deletes_nothing(signed_in, ada, heard):
    response = signed_in.post("/account/delete/", {"password": "not mine"})
    assert response.status_code == 200
    assert "That is not your password." in response.content.decode()
    assert User.objects.filter(pk=ada.user_id).exists()
    assert heard == []


@override_settings(ACCOUNT_RATE_LIMITS={"reauthenticate": "2/m/user"})
def test_guessing_the_password_is_rate_limited(signed_in, ada):
    for _ in range(2):
        assert signed_in.post("/account/delete/", {"password": "guess"}).status_code == 200
    assert signed_in.post("/account/delete/", {"password": RIGHT}).status_code == 429
    assert User.objects.filter(pk=ada.user_id).exists()


def test_the_delete_page_asks_for_the_password(signed_in):
    page = signed_in.get("/account/delete/").content.decode()
    assert 'type="password"' in page
    assert '<label for="id_password">Your password</label>' in page


def test_a_listener_of_the_signal_that_fails_deletes_nothing(ada):
    def failing(sender, user, **kwargs):
        raise RuntimeError("the community could not apply its policy")

    account_deleting.connect(failing)
    try:
        with pytest.raises(RuntimeError):
            services.delete_account(user=ada.user)
    finally:
        account_deleting.disconnect(failing)
    assert User.objects.filter(pk=ada.user_id).exists()
    assert Profile.objects.filter(pk=ada.pk).exists()
