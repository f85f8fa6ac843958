"""Upload and file size limits: a feed upload, every uploaded file, compressed answers.

Each limit is tested at its boundary: a file of exactly the limit passes, one byte more is
refused with the message, and the form keeps what else was typed.
"""

import gzip
import html
import io
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from core import http
from core.uploads import OversizedUpload
from episodes.models import Episode, Show
from tests.factories import ShowFactory
from tests.test_http import Server, answer

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
GOOD = (FEEDS / "good.xml").read_bytes()
IMPORT_URL = "/admin/episodes/episode/import-feed/"


def upload(content, name="good.xml"):
    return SimpleUploadedFile(name, content, content_type="application/rss+xml")


# The feed import page.


def test_a_feed_file_of_exactly_the_limit_is_imported(
    editor_client, settings, django_capture_on_commit_callbacks
):
    settings.FEED_MAX_BYTES = len(GOOD)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(IMPORT_URL, {"file": upload(GOOD)})
    # Queued as a job (run in-process here, with no broker), and the editor sent to its page.
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/jobs/job/")
    assert Episode.objects.count() == 3


def test_a_feed_file_over_the_limit_is_refused_and_the_form_keeps_the_rest(
    editor_client, settings
):
    settings.FEED_MAX_BYTES = len(GOOD) - 1
    chosen = ShowFactory(title="Chosen")
    response = editor_client.post(
        IMPORT_URL, {"file": upload(GOOD), "show": chosen.pk, "dry_run": "on"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        f"This file is {len(GOOD):,} bytes, larger than {len(GOOD) - 1:,} bytes: too large "
        "for a podcast feed."
    ]
    page = html.unescape(response.content.decode())
    assert f'<option value="{chosen.pk}" selected>Chosen</option>' in page
    assert 'name="dry_run" id="id_dry_run" checked' in page
    assert not Episode.objects.exists()


def test_the_default_limits_are_sane():
    from ibsite import settings as site_settings

    assert site_settings.FEED_MAX_BYTES == 64 * 1024 * 1024
    assert site_settings.FILE_UPLOAD_MAX_BYTES == 64 * 1024 * 1024
    assert site_settings.FILE_UPLOAD_HANDLERS[0] == "core.uploads.CappedUploadHandler"


# Every upload: past FILE_UPLOAD_MAX_BYTES nothing more is stored.


def posted_file(content, settings):
    request = RequestFactory().post("/", {"file": upload(content, name="big.bin")})
    request.upload_handlers  # noqa: B018  (built from settings here)
    return request.FILES["file"]


@pytest.mark.parametrize("limit", [1000, 3 * 1024 * 1024])  # in memory, in a temporary file
def test_an_upload_of_exactly_the_limit_is_kept_whole(settings, limit):
    settings.FILE_UPLOAD_MAX_BYTES = limit
    content = os.urandom(limit)
    file = posted_file(content, settings)
    assert not isinstance(file, OversizedUpload)
    assert file.read() == content


@pytest.mark.parametrize("limit", [1000, 3 * 1024 * 1024])
def test_an_upload_over_the_limit_is_dropped_and_only_its_size_kept(settings, limit):
    settings.FILE_UPLOAD_MAX_BYTES = limit
    file = posted_file(os.urandom(limit + 1), settings)
    assert isinstance(file, OversizedUpload)
    assert file.size == limit + 1
    assert file.name == "big.bin"
    assert file.read() == b""


def test_the_feed_page_says_so_for_an_upload_over_every_limit(editor_client, settings):
    settings.FILE_UPLOAD_MAX_BYTES = 1000
    settings.FEED_MAX_BYTES = 1000
    response = editor_client.post(IMPORT_URL, {"file": upload(GOOD)})
    assert response.context["form"].errors["file"] == [
        f"This file is {len(GOOD):,} bytes, larger than 1,000 bytes: too large for a podcast feed."
    ]
    assert not Show.objects.exists()


# Compressed answers (Content-Encoding: gzip) are capped while they are unpacked.


@pytest.fixture
def server(settings):
    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1:*"]
    with Server() as server:
        yield server


def gzipped(data):
    return answer(body=gzip.compress(data), headers=[("Content-Encoding", "gzip")])


def test_a_small_answer_may_unpack_to_any_ratio(server):
    server.routes["/"] = gzipped(b"\0" * http.UNPACKED_FREELY)  # about 1000 to 1
    with http.Client(timeout=2) as client:
        assert len(client.get(f"{server.url}/").content) == http.UNPACKED_FREELY


def test_ordinary_compressed_text_passes(server):
    text = os.urandom(2 * 1024 * 1024).hex().encode()  # 4 MB, about 2 to 1
    server.routes["/"] = gzipped(text)
    with http.Client(timeout=5) as client:
        assert client.get(f"{server.url}/").content == text


def test_a_gzip_bomb_is_stopped_soon_after_the_free_size(server):
    bomb = b"\0" * (64 * 1024 * 1024)
    server.routes["/"] = gzipped(bomb)  # 64 MB from about 64 KB
    file = io.BytesIO()
    with http.Client(timeout=5) as client, pytest.raises(http.TooCompressed) as raised:
        client.download(f"{server.url}/", file, max_bytes=len(bomb) + 1, max_seconds=10)
    assert raised.value.ratio == http.MAX_COMPRESSION_RATIO
    assert len(file.getvalue()) < 4 * 1024 * 1024  # not 64 MB


def test_the_feed_importer_refuses_a_gzip_bomb(db, server):
    server.routes["/feed.xml"] = gzipped(b" " * (32 * 1024 * 1024))
    url = f"{server.url}/feed.xml"
    with pytest.raises(CommandError) as raised:
        call_command("import_feed", url, stdout=io.StringIO(), stderr=io.StringIO())
    assert (
        f"{url} unpacks to more than 100 times its compressed size: that is not a podcast feed."
    ) in str(raised.value)
    assert not Show.objects.exists()
