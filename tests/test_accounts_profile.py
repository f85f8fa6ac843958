"""A listener's public profile and private settings page: escaped, bounded, links http(s)
only and marked as user content, an activity section the apps above fill, constant queries.
"""

import datetime

import pytest
from django.utils import timezone

from accounts import activity
from accounts.models import Profile
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def ada(db):
    return ProfileFactory(
        handle="ada",
        display_name="Ada L.",
        bio="Listens on the train.\nLikes compression.",
        link_1="https://ada.example/",
        user__username="ada",
        user__email="ada@example.com",
    )


@pytest.fixture
def signed_in(client, ada):
    client.force_login(ada.user)
    return client


def test_the_profile_shows_name_bio_and_links_marked_as_user_content(client, ada):
    response = client.get("/listeners/ada/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Ada L.</h1>" in page
    assert "Listens on the train.<br>Likes compression." in page
    assert '<a href="https://ada.example/" rel="nofollow ugc noopener">' in page
    assert "No reviews or comments yet." in page
    assert "ada@example.com" not in page  # the address is never public
    assert response["Cache-Control"] == "public, max-age=300"


def test_the_profile_escapes_whatever_was_typed(client):
    ProfileFactory(handle="mallory", display_name=HOSTILE, bio=HOSTILE)
    page = client.get("/listeners/mallory/").content.decode()
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_an_inactive_or_unknown_listener_has_no_page(client, ada):
    assert client.get("/listeners/nobody/").status_code == 404
    ada.user.is_active = False
    ada.user.save()
    assert client.get("/listeners/ada/").status_code == 404


def test_activity_lists_what_the_registered_sources_return_newest_first(client, ada):
    now = timezone.now()

    def reviews(user):
        return [
            activity.Item("Reviewed", HOSTILE, "/episodes/one/", now - datetime.timedelta(days=2))
        ]

    def comments(user):
        return [activity.Item("Commented on", "Episode two", "/episodes/two/", now)]

    activity.register(reviews)
    activity.register(comments)
    activity.register(comments)  # once only
    try:
        page = client.get("/listeners/ada/").content.decode()
    finally:
        activity.unregister(reviews)
        activity.unregister(comments)
    assert "No reviews or comments yet." not in page
    assert page.count('href="/episodes/two/"') == 1
    assert page.index("/episodes/two/") < page.index("/episodes/one/")
    assert "<script>alert" not in page


@pytest.mark.parametrize("count", [1, 50])
def test_the_profile_makes_a_constant_number_of_queries(
    client, django_assert_max_num_queries, count
):
    profile = ProfileFactory(handle="busy")
    now = timezone.now()

    def many(user):
        return [
            activity.Item("Reviewed", f"Episode {n}", f"/episodes/{n}/", now) for n in range(count)
        ]

    activity.register(many)
    try:
        with django_assert_max_num_queries(3):
            assert client.get(profile.get_absolute_url()).status_code == 200
    finally:
        activity.unregister(many)


# The settings page.


def test_the_settings_page_needs_a_signed_in_listener(client):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/?next=/account/")


def test_the_settings_page_saves_the_profile(signed_in, ada):
    response = signed_in.post(
        "/account/",
        {
            "display_name": "  Ada   Lovelace ",
            "handle": "Ada-L",
            "bio": "New bio",
            "link_1": "",
            "link_2": "http://two.example/",
            "link_3": "https://three.example/",
        },
    )
    assert response.status_code == 302
    ada.refresh_from_db()
    assert ada.display_name == "Ada Lovelace"
    assert ada.handle == "ada-l"
    assert ada.links == ["http://two.example/", "https://three.example/"]
    assert signed_in.get("/listeners/ada-l/").status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("link_1", "javascript:alert(1)", "Enter an http:// or https:// link."),
        ("link_1", "data:text/html,<script>x</script>", "Enter an http:// or https:// link."),
        ("link_2", "ftp://files.example/", "Enter an http:// or https:// link."),
        ("handle", "no spaces", "Use lower-case letters"),
        ("handle", "taken", "This handle is taken"),
        ("display_name", "x" * 81, "at most 80 characters"),
        ("bio", "x" * 1001, "at most 1000 characters"),
    ],
)
def test_the_settings_form_refuses_bad_input_and_keeps_what_was_typed(
    signed_in, ada, field, value, error
):
    ProfileFactory(handle="taken")
    data = {
        "display_name": "Typed name",
        "handle": "typed-handle",
        "bio": "Typed bio",
        "link_1": "https://kept.example/",
        "link_2": "",
        "link_3": "",
    }
    data[field] = value
    response = signed_in.post("/account/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert error in page
    for name, typed in data.items():
        if name != field and typed:
            assert typed in page  # the other fields as typed
    assert "<script>x</script>" not in page
    ada.refresh_from_db()
    assert ada.display_name == "Ada L."  # nothing saved


def test_an_account_without_a_profile_gets_one_on_the_settings_page(client, editor):
    client.force_login(editor)
    assert client.get("/account/").status_code == 200
    assert Profile.objects.filter(user=editor).exists()


# The header and the page cache.


def test_the_header_offers_sign_in_to_visitors_and_the_account_to_listeners(client, ada):
    page = client.get("/about/").content.decode()
    assert '<a href="/account/login/">Sign in</a>' in page
    assert "Your account" not in page
    client.force_login(ada.user)
    page = client.get("/about/").content.decode()
    assert '<a href="/account/">Your account</a>' in page
    assert "Sign in" not in page


def test_the_home_page_is_still_served_from_the_page_cache_to_visitors(
    client, django_assert_num_queries
):
    first = client.get("/")
    assert first.status_code == 200
    assert not first.cookies  # no session made by looking
    with django_assert_num_queries(0):
        again = client.get("/")
    assert again.templates == []
    assert again.content == first.content
    assert again["Cache-Control"] == "public, max-age=300"


def test_a_profile_page_is_served_from_the_page_cache_and_follows_an_edit(client, ada):
    client.get("/listeners/ada/")
    assert client.get("/listeners/ada/").templates == []
    ada.display_name = "Renamed"
    ada.save()
    assert "Renamed" in client.get("/listeners/ada/").content.decode()


def test_a_suspended_listener_leaves_the_cached_profile_at_once(client, ada):
    assert client.get("/listeners/ada/").status_code == 200
    ada.user.is_active = False
    ada.user.save()
    assert client.get("/listeners/ada/").status_code == 404


def test_signing_in_does_not_renew_the_public_pages(client, ada):
    from core import versions

    before = versions.current()
    client.post(
        "/account/login/", {"login": "ada@example.com", "password": "correct horse battery staple"}
    )
    assert "_auth_user_id" in client.session
    assert versions.current() == before


def test_a_listener_active_again_is_back_on_the_cached_profile_at_once(client, ada):
    ada.user.is_active = False
    ada.user.save()
    assert client.get("/listeners/ada/").status_code == 404
    ada.user.is_active = True
    ada.user.save(update_fields=["is_active"])
    assert client.get("/listeners/ada/").status_code == 200


def test_creating_or_editing_an_account_otherwise_renews_nothing(ada):
    from core import versions
    from tests.factories import UserFactory

    before = versions.current()
    UserFactory()
    ada.user.first_name = "Ada"
    ada.user.save()
    assert versions.current() == before
