"""The admin's "Import a podcast feed" page: who may use it, what it queues, and what the
job's page shows once the import ran (here in-process: the tests have no broker)."""

import html
import socket
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse

from episodes.models import Appearance, Episode, Show
from tests.factories import ShowFactory, UserFactory

pytestmark = pytest.mark.django_db

FEEDS = Path(__file__).parent / "fixtures" / "feeds"


@pytest.fixture(autouse=True)
def local_servers_allowed(settings):
    """The test servers are on 127.0.0.1, which the site refuses to fetch unless told to."""
    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1:*"]


IMPORT_URL = "/admin/episodes/episode/import-feed/"


def text(response):
    """The page as a reader sees it: entities decoded."""
    return html.unescape(response.content.decode())


def upload(name):
    path = FEEDS / name
    return SimpleUploadedFile(name, path.read_bytes(), content_type="application/rss+xml")


def run_import(client, data):
    """Post the form, run the queued job as the commit would, and open the job's page."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(IMPORT_URL, data)
    assert response.status_code == 302, response.content
    assert response["Location"].startswith("/admin/jobs/job/")
    return client.get(response["Location"])


def closed_port_url():
    """A loopback address nobody listens on: the connection is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed.xml"


def test_the_page_has_its_address():
    assert reverse("admin:episodes_episode_import_feed") == IMPORT_URL


def test_the_episode_list_links_to_the_import_page_for_an_editor(editor_client):
    response = editor_client.get(reverse("admin:episodes_episode_changelist"))
    assert response.status_code == 200
    assert f'href="{IMPORT_URL}"' in response.text
    assert "Import a podcast feed" in response.text


def test_an_editor_sees_the_form_with_a_csrf_token(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.get(IMPORT_URL)
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in response.text
    assert 'enctype="multipart/form-data"' in response.text
    assert 'name="url"' in response.text
    assert 'name="file"' in response.text


def test_a_post_without_the_csrf_token_is_refused(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(IMPORT_URL, {"file": upload("good.xml")})
    assert response.status_code == 403
    assert not Episode.objects.exists()


def test_an_editor_uploads_a_feed_and_sees_the_summary(editor_client):
    response = run_import(editor_client, {"file": upload("good.xml")})
    assert response.status_code == 200
    assert Episode.objects.count() == 3
    page = text(response)
    assert "Feed import: succeeded" in page
    assert 'Show "The Information Bottleneck": created.' in page
    assert "Episodes: 3 items: 3 created, 0 updated, 0 unchanged, 0 skipped." in page
    assert "3 people were created: Phillip Isola, Julia Kempe, Mengye Ren." in page
    assert 'Item 2 "EP2: After Math Falls' in page
    assert "was not downloaded" in page
    assert reverse("admin:episodes_episode_changelist") in page


def test_the_page_shows_skipped_items_with_their_reasons_and_the_warnings(editor_client):
    response = run_import(editor_client, {"file": upload("troubles.xml")})
    page = text(response)
    assert "9 items: 5 created, 0 updated, 0 unchanged, 4 skipped." in page
    assert 'Skipped item 2 "A blog post, not an episode": it has no <enclosure>' in page
    assert "its GUID (t-first) is also the GUID of item 1" in page
    assert 'itunes:duration "1:75:00" is not a length of time' in page


def test_a_second_upload_says_nothing_changed(editor_client):
    run_import(editor_client, {"file": upload("good.xml")})
    response = run_import(editor_client, {"file": upload("good.xml")})
    assert "0 created, 0 updated, 3 unchanged, 0 skipped" in response.text
    assert "Nothing changed: the database already matched the feed." in response.text


def test_a_preview_saves_nothing(editor_client):
    response = run_import(editor_client, {"file": upload("good.xml"), "dry_run": "on"})
    assert "A preview: nothing was saved." in response.text
    assert "3 created" in response.text
    assert not Episode.objects.exists()
    assert not Show.objects.exists()


def test_the_show_can_be_chosen(editor_client):
    ShowFactory(title="Another Show", slug="another-show")
    chosen = ShowFactory(title="A Third Show", slug="a-third-show")
    run_import(editor_client, {"file": upload("good.xml"), "show": chosen.pk})
    assert Episode.objects.filter(show=chosen).count() == 3


def test_a_file_that_is_not_a_feed_is_refused_with_the_reason(editor_client):
    response = run_import(editor_client, {"file": upload("page.html")})
    assert response.status_code == 200
    assert "Feed import: failed" in response.text
    assert "It is a web page (HTML), not a podcast feed." in response.text
    assert "Nothing was saved." in response.text
    assert not Show.objects.exists()


def feed_of(n):
    items = "".join(
        f"<item><title>Episode {i}</title><guid>ep-{i}</guid>"
        f'<enclosure url="https://media.example.com/{i}.mp3" length="1" type="audio/mpeg"/>'
        "</item>"
        for i in range(n)
    )
    content = f'<rss version="2.0"><channel><title>A Show</title>{items}</channel></rss>'
    return SimpleUploadedFile("feed.xml", content.encode(), content_type="application/rss+xml")


def test_a_feed_at_the_item_limit_is_imported_and_one_more_is_refused(editor_client, settings):
    settings.FEED_IMPORT_MAX_ITEMS = 3
    response = run_import(editor_client, {"file": feed_of(3)})
    assert "Feed import: succeeded" in response.text
    assert Episode.objects.count() == 3
    Episode.objects.all().delete()
    Show.objects.all().delete()

    response = run_import(editor_client, {"file": feed_of(4)})
    assert "Feed import: failed" in response.text
    assert (
        "The feed has 4 items, more than the 3 one import takes (the FEED_IMPORT_MAX_ITEMS "
        "setting): raise the setting to import it. Nothing was saved."
    ) in text(response)
    assert not Show.objects.exists()
    assert not Episode.objects.exists()


def test_a_url_that_fails_says_why_and_can_be_run_again(editor_client):
    url = closed_port_url()
    response = run_import(editor_client, {"url": url})
    assert response.status_code == 200
    assert url in response.text
    assert "Could not download" in response.text
    assert "Run it again" in response.text
    assert not Episode.objects.exists()


def test_it_needs_a_url_or_a_file_but_not_both(editor_client):
    response = editor_client.post(IMPORT_URL, {})
    assert "Give the feed's URL or upload the feed file" in text(response)
    response = editor_client.post(
        IMPORT_URL, {"url": "https://feeds.example.com/ib.xml", "file": upload("good.xml")}
    )
    assert "Give the feed's URL or upload the feed file" in text(response)
    assert not Episode.objects.exists()


def test_only_web_addresses_are_accepted(editor_client):
    response = editor_client.post(IMPORT_URL, {"url": "ftp://feeds.example.com/ib.xml"})
    assert "Enter a valid URL." in response.text


def test_a_listener_cannot_open_the_page(client, listener):
    client.force_login(listener)
    response = client.get(IMPORT_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    response = client.post(IMPORT_URL, {"file": upload("good.xml")})
    assert response.status_code == 302
    assert not Episode.objects.exists()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.fixture
def viewer(db):
    """Staff who may only look at episodes, not add them."""
    user = UserFactory(username="vera", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_episode"))
    return user


def test_staff_without_the_add_permission_are_refused(client, viewer):
    client.force_login(viewer)
    assert client.get(IMPORT_URL).status_code == 403
    response = client.post(IMPORT_URL, {"file": upload("good.xml")})
    assert response.status_code == 403
    assert not Appearance.objects.exists()


def test_staff_without_the_add_permission_see_no_import_link(client, viewer):
    client.force_login(viewer)
    response = client.get(reverse("admin:episodes_episode_changelist"))
    assert response.status_code == 200
    assert IMPORT_URL not in response.text
