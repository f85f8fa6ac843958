"""Where a feed comes from: a file on disk, an uploaded file, or a URL.

A URL is downloaded in pieces into a temporary file (on disk, never whole in memory), with
a time limit on connecting, on each piece, and on the whole download, and a size limit; the
importer then reads that file twice (once to check it, once to import), as it does a file.
"""

import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from episodes.importers.rss import FeedError

DEFAULT_TIMEOUT = 30.0  # seconds to wait for each piece of the answer
CONNECT_TIMEOUT = 10.0  # seconds to wait for the connection, at most
MAX_DOWNLOAD_SECONDS = 600.0  # for the whole download, however steadily it trickles in
MAX_FEED_BYTES = 512 * 1024 * 1024
CHUNK_BYTES = 64 * 1024
USER_AGENT = "TheInformationBottleneck-FeedImport/1.0"


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
    """The answer to GET `url`, in a temporary file deleted afterwards."""
    if urlsplit(url).scheme.lower() not in {"http", "https"}:
        raise FeedError(f"{url}: only http:// and https:// addresses can be imported.")
    with tempfile.TemporaryFile() as spool:
        _fetch(url, spool, timeout)
        spool.seek(0)
        yield spool


def _fetch(url, spool, timeout):
    timeouts = httpx.Timeout(timeout, connect=min(CONNECT_TIMEOUT, timeout))
    deadline = time.monotonic() + MAX_DOWNLOAD_SECONDS
    received = 0
    try:
        with (
            httpx.Client(
                timeout=timeouts,
                follow_redirects=True,
                max_redirects=5,
                headers={"User-Agent": USER_AGENT},
            ) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code >= 400:
                raise FeedError(
                    f"{url} answered {response.status_code} {response.reason_phrase}: "
                    "check the address."
                )
            for chunk in response.iter_bytes(CHUNK_BYTES):
                received += len(chunk)
                if received > MAX_FEED_BYTES:
                    raise FeedError(
                        f"{url} is larger than {MAX_FEED_BYTES // (1024 * 1024)} MB, too large "
                        "for a podcast feed."
                    )
                if time.monotonic() > deadline:
                    raise FeedError(
                        f"{url} took longer than {MAX_DOWNLOAD_SECONDS:g} s to download; try "
                        "again later, or download the file and import it."
                    )
                spool.write(chunk)
    except httpx.ConnectTimeout:
        raise FeedError(
            f"{url} timed out after {min(CONNECT_TIMEOUT, timeout):g} s: no connection to the "
            "server. Try again later."
        ) from None
    except httpx.TimeoutException:
        raise FeedError(
            f"{url} timed out after {timeout:g} s: the server stopped answering. Try again later."
        ) from None
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as error:
        raise FeedError(f"Could not download {url}: {error or type(error).__name__}.") from None
