"""Where a feed comes from: a file on disk, an uploaded file, or a URL.

A URL is downloaded by core.http in pieces into a temporary file (on disk, never whole in
memory), with a time limit on connecting, on each piece, and on the whole download, and a
size limit (FEED_MAX_BYTES, once decompressed), and only from public addresses (core.http's
guard); the importer then reads that file twice (once to check it, once to import), as
it does a file. Here is what those limits are for a feed, and what a failure says.
"""

import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from core import http
from episodes.importers.rss import FeedError


class FeedUnavailable(FeedError):
    """The feed's server could not be reached, was too slow or failing: worth a retry later."""


DEFAULT_TIMEOUT = 30.0  # seconds to wait for each piece of the answer
CONNECT_TIMEOUT = 10.0  # seconds to wait for the connection, at most
MAX_DOWNLOAD_SECONDS = 600.0  # for the whole download, however steadily it trickles in


def is_url(source):
    return isinstance(source, str) and "://" in source


@contextmanager
def open_feed(source, *, timeout=DEFAULT_TIMEOUT):
    """The feed as a binary, seekable file, and a label naming it in messages.

    `source` is a URL (http or https), a path, or an open binary file (an upload).
    Raises FeedError when it can't be had.
    """
    if hasattr(source, "read"):
        source.seek(0)
        yield source, getattr(source, "name", None) or "the uploaded file"
    elif is_url(source):
        with download(source, timeout=timeout) as file:
            yield file, source
    else:
        path = Path(source)
        try:
            file = path.open("rb")
        except FileNotFoundError:
            raise FeedError(f"There is no file at {path}.") from None
        except IsADirectoryError:
            raise FeedError(f"{path} is a folder; give the path of the feed file.") from None
        except OSError as error:
            raise FeedError(f"Could not open {path} ({error.strerror}).") from None
        with file:
            yield file, str(path)


@contextmanager
def download(url, *, timeout=DEFAULT_TIMEOUT):
    """The answer to GET `url`, in a temporary file deleted afterwards. Raises FeedError."""
    with tempfile.TemporaryFile() as spool:
        _fetch(url, spool, timeout)
        spool.seek(0)
        yield spool


def _fetch(url, spool, timeout):
    connect = min(CONNECT_TIMEOUT, timeout)
    try:
        with http.Client(timeout=timeout, connect_timeout=connect) as client:
            client.download(
                url, spool, max_bytes=settings.FEED_MAX_BYTES, max_seconds=MAX_DOWNLOAD_SECONDS
            )
    except http.FetchError as error:
        transient = isinstance(error, http.Unavailable | http.TooSlow) or (
            isinstance(error, http.BadStatus)
            and (error.status_code == 429 or error.status_code >= 500)
        )
        raise (FeedUnavailable if transient else FeedError)(_failure_message(url, error)) from None


def _failure_message(url, error):
    """What a core.http.FetchError means for someone importing the feed at `url`."""
    match error:
        case http.Refused(target=target) if target != url:
            return f"{url} redirects to {target}. {http.REFUSED}"
        case http.Refused():
            return f"{url}: {http.REFUSED}"
        case http.TooCompressed():
            return (
                f"{url} unpacks to more than {error.ratio} times its compressed size: that is "
                "not a podcast feed."
            )
        case http.BadStatus():
            return f"{url} answered {error.status_code} {error.reason_phrase}: check the address."
        case http.TooLarge():
            return (
                f"{url} is larger than {error.limit // (1024 * 1024)} MB, too large for a "
                "podcast feed."
            )
        case http.TooSlow(phase=http.TOTAL):
            return (
                f"{url} took longer than {error.seconds:g} s to download; try again later, or "
                "download the file and import it."
            )
        case http.TooSlow(phase=http.CONNECT):
            return (
                f"{url} timed out after {error.seconds:g} s: no connection to the server. Try "
                "again later."
            )
        case http.TooSlow():
            return (
                f"{url} timed out after {error.seconds:g} s: the server stopped answering. Try "
                "again later."
            )
    return f"Could not download {url}: {error.reason}."
