"""Listener accounts through allauth's real views: sign up, verify the address from the
e-mail, sign in and out, reset a password, change the address; mails sent as background jobs.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core import mail

from accounts.models import Profile
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a quiet listener's long passphrase"


def sign_up(client, email, password=PASSWORD, **extra):
    return client.post(
        "/account/signup/", {"email": email, "password1": password, "password2": password}, **extra
    )


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post("/account/login/", {"login": email, "password": password}, **extra)


def link_in(message):
    (url,) = re.findall(r"https?://\S+", message.body)
    return url.removeprefix("http://testserver")


def signed_in(client):
    return "_auth_user_id" in client.session


def test_sign_up_verify_the_address_from_the_email_then_sign_in(client):
    response = sign_up(client, "ada@example.com")
    assert response.status_code == 302
    assert response["Location"] == "/account/confirm-email/"
    assert not signed_in(client)  # mandatory verification: no sign-in before it
    user = User.objects.get(email="ada@example.com")
    assert user.password.startswith("md5$")  # hashed (Argon2 outside tests)
    profile = Profile.objects.get(user=user)
    assert profile.handle.startswith("listener-")
    assert "ada" not in profile.handle  # nothing of the address is public

    (message,) = mail.outbox
    assert message.to == ["ada@example.com"]
    assert message.subject.startswith("[The Information Bottleneck] ")
    assert message.alternatives == []  # plain text only
    confirm = link_in(message)
    assert confirm.startswith("/account/confirm-email/")

    page = client.get(confirm)
    assert page.status_code == 200
    assert b"site-header" in page.content  # in the site's layout
    response = client.post(confirm)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="ada@example.com").verified
    assert signed_in(client)  # confirmed in the same browser: signed in

    client.post("/account/logout/")
    assert not signed_in(client)
    response = sign_in(client, "ada@example.com")
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert signed_in(client)
    assert b"Your account" in client.get("/account/").content


def test_an_unverified_address_cannot_sign_in(client):
    sign_up(client, "bob@example.com")
    client.logout()
    mail.outbox.clear()
    response = sign_in(client, "bob@example.com")
    assert response.status_code == 302
    assert response["Location"] == "/account/confirm-email/"
    assert not signed_in(client)
    assert mail.outbox == []  # the link was sent a moment ago: not again (a cooldown)


def test_the_signup_form_refuses_a_weak_password_and_keeps_the_address(client):
    response = sign_up(client, "carol@example.com", password="password")
    assert response.status_code == 200
    assert b"This password is too common." in response.content
    assert b'value="carol@example.com"' in response.content
    assert not User.objects.filter(email="carol@example.com").exists()


def test_sign_in_is_case_insensitive_on_the_address(client):
    ProfileFactory(user__username="dora", user__email="dora@example.com")
    assert sign_in(client, "DORA@example.com", "correct horse battery staple").status_code == 302
    assert signed_in(client)


def test_a_password_reset_from_the_email_link(client):
    profile = ProfileFactory(user__username="erin", user__email="erin@example.com")
    response = client.post("/account/password/reset/", {"email": "erin@example.com"})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["erin@example.com"]
    assert "erin" not in message.body.replace("erin@example.com", "")  # no username shown
    link = link_in(message)
    response = client.get(link)  # allauth moves the key into the session, then redirects
    assert response.status_code == 302
    form_url = response["Location"]
    response = client.post(
        form_url, {"password1": "new long passphrase 42", "password2": "new long passphrase 42"}
    )
    assert response.status_code == 302
    profile.user.refresh_from_db()
    assert profile.user.check_password("new long passphrase 42")
    assert sign_in(client, "erin@example.com", "new long passphrase 42").status_code == 302


def test_change_the_email_address_after_verifying_the_new_one(client):
    profile = ProfileFactory(user__username="fay", user__email="fay@example.com")
    client.force_login(profile.user)
    page = client.get("/account/email/")
    assert page.status_code == 200
    response = client.post("/account/email/", {"action_add": "", "email": "fay@new.example"})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["fay@new.example"]
    client.post(link_in(message))
    profile.user.refresh_from_db()
    assert profile.user.email == "fay@new.example"
    assert list(
        EmailAddress.objects.filter(user=profile.user).values_list("email", flat=True)
    ) == ["fay@new.example"]


def test_change_the_password(client):
    profile = ProfileFactory(user__username="gus", user__email="gus@example.com")
    client.force_login(profile.user)
    response = client.post(
        "/account/password/change/",
        {
            "oldpassword": "correct horse battery staple",
            "password1": "another long passphrase",
            "password2": "another long passphrase",
        },
    )
    assert response.status_code == 302
    profile.user.refresh_from_db()
    assert profile.user.check_password("another long passphrase")
    assert signed_in(client)


def test_mails_are_queued_as_background_jobs_not_sent_in_the_request(client, monkeypatch):
    queued = []
    monkeypatch.setattr("accounts.tasks.send_email.delay", lambda **kw: queued.append(kw))
    sign_up(client, "hal@example.com")
    assert mail.outbox == []  # nothing sent by the request itself
    (job,) = queued
    assert job["to"] == ["hal@example.com"]
    assert "/account/confirm-email/" in job["body"]
    # What the job carries is all rendered: the task needs no request and no database.
    from accounts.tasks import send_email

    send_email.run(**job)
    assert mail.outbox[0].body == job["body"]


def test_a_notification_names_no_browser_string_the_client_sent(client):
    profile = ProfileFactory(user__username="ivy", user__email="ivy@example.com")
    client.force_login(profile.user)
    client.post(
        "/account/password/change/",
        {
            "oldpassword": "correct horse battery staple",
            "password1": "another long passphrase",
            "password2": "another long passphrase",
        },
        HTTP_USER_AGENT="Evil\nVisit http://phish.example/ now",
    )
    (message,) = mail.outbox
    assert message.to == ["ivy@example.com"]
    assert "phish.example" not in message.body
    assert message.alternatives == []


@pytest.mark.parametrize(
    "url", ["/account/login/", "/account/signup/", "/account/password/reset/", "/account/"]
)
def test_account_pages_have_the_site_layout_headers_and_no_inline_script(client, url):
    profile = ProfileFactory()
    if url == "/account/":
        client.force_login(profile.user)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert 'class="site-header"' in page
    assert '<meta name="robots" content="noindex">' in page
    assert "private" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_with_the_queue_away_the_mail_is_sent_from_the_request(client, monkeypatch):
    from kombu.exceptions import OperationalError

    def away(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("accounts.tasks.send_email.delay", away)
    assert sign_up(client, "jay@example.com").status_code == 302
    (message,) = mail.outbox
    assert message.to == ["jay@example.com"]
