"""Sign-up, sign-in and password reset never tell whether an address has an account, are rate
limited in the shared cache (429 with a page that says so), and sign-in keeps django-axes'
lockout for listeners as for editors.
"""

import re

import pytest
from django.core import mail
from django.test import override_settings

from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db

KNOWN = "known@example.com"
UNKNOWN = "nobody@example.com"
RIGHT = "correct horse battery staple"


@pytest.fixture
def known(db):
    return ProfileFactory(user__username="known", user__email=KNOWN)


def page_text(response, typed):
    """The page without its CSRF token and without what was typed in."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return text.replace(typed, "ADDRESS")


def answer(response, typed):
    return (
        response.status_code,
        response.get("Location"),
        page_text(response, typed) if response.status_code == 200 else None,
    )


def test_signing_up_with_a_taken_address_looks_like_a_new_sign_up(client, known):
    taken = client.post(
        "/account/signup/",
        {"email": KNOWN, "password1": "x long passphrase 1", "password2": "x long passphrase 1"},
    )
    new = client.post(
        "/account/signup/",
        {"email": UNKNOWN, "password1": "x long passphrase 1", "password2": "x long passphrase 1"},
    )
    assert answer(taken, KNOWN) == answer(new, UNKNOWN)
    assert taken["Location"] == "/account/confirm-email/"
    # Each address is told by e-mail, the known one that it has an account already.
    assert sorted(message.to[0] for message in mail.outbox) == [KNOWN, UNKNOWN]
    page_taken = client.get(taken["Location"])
    assert page_taken.status_code == 200


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(client, known):
    wrong = client.post("/account/login/", {"login": KNOWN, "password": "not it"})
    unknown = client.post("/account/login/", {"login": UNKNOWN, "password": "not it"})
    assert wrong.status_code == unknown.status_code == 200
    assert page_text(wrong, KNOWN) == page_text(unknown, UNKNOWN)
    assert "The email address and/or password you specified are not correct." in page_text(
        wrong, KNOWN
    )


def test_a_reset_for_an_unknown_address_looks_like_one_for_a_known_address(client, known):
    known_reset = client.post("/account/password/reset/", {"email": KNOWN})
    unknown_reset = client.post("/account/password/reset/", {"email": UNKNOWN})
    assert answer(known_reset, KNOWN) == answer(unknown_reset, UNKNOWN)
    done = client.get(known_reset["Location"])
    assert done.status_code == 200
    assert KNOWN not in done.content.decode()
    # The unknown address learns there is no account there, by e-mail, never on the page.
    assert sorted(message.to[0] for message in mail.outbox) == [KNOWN, UNKNOWN]


@override_settings(ACCOUNT_RATE_LIMITS={"signup": "2/m/ip"})
def test_too_many_sign_ups_from_one_address_get_429(client):
    for n in range(2):
        response = client.post(
            "/account/signup/",
            {
                "email": f"n{n}@example.com",
                "password1": "x long passphrase 1",
                "password2": "x long passphrase 1",
            },
        )
        assert response.status_code == 302
    response = client.post(
        "/account/signup/",
        {
            "email": "n3@example.com",
            "password1": "x long passphrase 1",
            "password2": "x long passphrase 1",
        },
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    # Another address is not held back.
    other = client.post(
        "/account/signup/",
        {
            "email": "n4@example.com",
            "password1": "x long passphrase 1",
            "password2": "x long passphrase 1",
        },
        REMOTE_ADDR="192.0.2.99",
    )
    assert other.status_code == 302


@override_settings(ACCOUNT_RATE_LIMITS={"login": "3/m/ip"})
def test_too_many_sign_ins_from_one_address_get_429(client, known):
    for _ in range(3):
        client.post("/account/login/", {"login": UNKNOWN, "password": "not it"})
    response = client.post("/account/login/", {"login": KNOWN, "password": RIGHT})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(ACCOUNT_RATE_LIMITS={"reset_password": "20/m/ip,2/m/key"})
def test_too_many_resets_for_one_address_get_429(client, known):
    for _ in range(2):
        assert client.post("/account/password/reset/", {"email": KNOWN}).status_code == 302
    assert client.post("/account/password/reset/", {"email": KNOWN}).status_code == 429
    assert len(mail.outbox) == 2


def test_the_rate_limits_count_in_the_shared_cache(client, known):
    from django.core.cache import cache

    client.post("/account/login/", {"login": KNOWN, "password": "not it"})
    assert any("allauth" in str(key) or "rl:" in str(key) for key in _cache_keys(cache))


def _cache_keys(cache):
    if hasattr(cache, "_cache") and isinstance(cache._cache, dict):  # local memory
        return list(cache._cache)
    client = cache._cache.get_client()  # Redis
    return [key.decode() for key in client.keys("*")]


def test_after_five_wrong_passwords_even_the_right_one_is_refused_for_a_while(client, known):
    for _ in range(5):
        client.post("/account/login/", {"login": KNOWN, "password": "wrong"})
    response = client.post("/account/login/", {"login": KNOWN, "password": RIGHT})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


# allauth's own limit on failed sign-ins per account answers first; without it (or from other
# addresses once it has expired) django-axes' lockout still holds, as for the admin.
@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": None})
def test_django_axes_locks_a_listener_out_after_many_wrong_passwords(client, known):
    for n in range(30):
        client.post(
            "/account/login/",
            {"login": KNOWN, "password": "wrong"},
            REMOTE_ADDR=f"192.0.2.{n + 1}",
        )
    response = client.post(
        "/account/login/", {"login": KNOWN.upper(), "password": RIGHT}, REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session
