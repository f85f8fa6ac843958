"""The site's one outbound HTTP client: every request to another server goes through here.

    with http.Client(timeout=10) as client:
        response = client.get("https://export.arxiv.org/api/query", params={...})
        client.download("https://feeds.example.com/show.xml", file, max_bytes=..., max_seconds=...)

What it does for every caller:

- **Who we are**: a User-Agent naming the site and, when the CONTACT_EMAIL setting is set, a
  mailto (scholarly APIs ask for it; Crossref serves such callers from its "polite" pool).
- **Time limits**: one to connect, one for each read of the socket, and one for the whole
  answer (`max_seconds`), checked after every read, so a server dripping a byte at a time is
  cut off at most one read timeout after the deadline.
- **Size limit**: `max_bytes` of (decoded) body, refused early when Content-Length says more.
- **Addresses**: http and https only, on the first request and on every redirect
  (`MAX_REDIRECTS` of them at most), which `Client._open` follows itself, hop by hop.
- **One retry** (`get` only): a request that fails quickly (no connection, HTTP 429 or 5xx) is
  tried once more after a pause, Retry-After's if it asks for one, capped at MAX_RETRY_PAUSE.
  A timeout is not retried: it has already cost the whole wait.

Failures are FetchError subclasses carrying what happened (the phase and seconds of a
timeout, the status of a bad answer, the limit passed); callers write their own messages.
Their own messages here are for logs and tracebacks.

`Client._open` is the one function that sends requests: protection against requests to
private addresses (resolve, check, then connect to the address checked, on every redirect)
belongs in `_check_address` and the transport it sends through, and nowhere else.
"""

import math
import time
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
from django.conf import settings

DEFAULT_TIMEOUT = 10.0  # seconds, for connecting and for each read
MAX_REDIRECTS = 5
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_PAUSE = 5.0  # seconds; a longer Retry-After is not worth waiting for
MAX_RESPONSE_BYTES = 16 * 1024 * 1024  # for `get`, which holds the answer in memory
MAX_RESPONSE_SECONDS = 120.0  # for `get`, retry included
SCHEMES = frozenset({"http", "https"})

# When a TooSlow happened.
CONNECT = "connect"  # no connection within the connect timeout
READ = "read"  # the server stopped sending for longer than the read timeout
TOTAL = "total"  # the whole answer took longer than `max_seconds`


class FetchError(Exception):
    """An outbound request failed. `url` is the address asked for, `reason` says why."""

    def __init__(self, reason, *, url):
        super().__init__(f"{url}: {reason}")
        self.url = str(url)
        self.reason = reason


class Refused(FetchError):
    """We do not send requests to `target` (not http or https): `url`, or a redirect's."""

    def __init__(self, reason, *, url, target):
        super().__init__(reason, url=url)
        self.target = str(target)


class Unavailable(FetchError):
    """No connection, the connection failed, or the server kept failing (`status_code`)."""

    def __init__(self, reason, *, url, status_code=None):
        super().__init__(reason, url=url)
        self.status_code = status_code


class TooSlow(FetchError):
    """A time limit passed: `phase` is CONNECT, READ or TOTAL, `seconds` the limit."""

    def __init__(self, reason, *, url, phase, seconds):
        super().__init__(reason, url=url)
        self.phase = phase
        self.seconds = seconds


class TooLarge(FetchError):
    """The answer is longer than `limit` bytes."""

    def __init__(self, reason, *, url, limit):
        super().__init__(reason, url=url)
        self.limit = limit


class BadResponse(FetchError):
    """The server answered with something we cannot use."""


class BadStatus(BadResponse):
    """A download answered with an HTTP error (`status_code`, `reason_phrase`)."""

    def __init__(self, reason, *, url, status_code, reason_phrase):
        super().__init__(reason, url=url)
        self.status_code = status_code
        self.reason_phrase = reason_phrase


class TooManyRedirects(BadResponse):
    """More than MAX_REDIRECTS redirects, most likely a loop."""


@dataclass(frozen=True)
class Response:
    """A whole answer, as `Client.get` returns it: the body is read and decoded."""

    url: str  # where it came from, after redirects
    status_code: int
    reason_phrase: str
    headers: httpx.Headers
    content: bytes


def user_agent():
    contact = getattr(settings, "CONTACT_EMAIL", "")
    parts = [settings.SITE_URL, f"mailto:{contact}" if contact else ""]
    details = "; ".join(part for part in parts if part)
    return f"TheInformationBottleneck/1.0 ({details})"


class Client:
    """Outbound HTTP with the site's limits; use it as a context manager, or close() it.

    `timeout` is for each read (and connecting, unless `connect_timeout` says otherwise).
    Tests pass an httpx `transport` (httpx.MockTransport) to answer without the network.
    """

    def __init__(
        self,
        *,
        timeout=DEFAULT_TIMEOUT,
        connect_timeout=None,
        max_redirects=MAX_REDIRECTS,
        transport=None,
    ):
        connect = timeout if connect_timeout is None else connect_timeout
        self.timeout = httpx.Timeout(timeout, connect=connect)
        self.max_redirects = max_redirects
        self._client = httpx.Client(
            timeout=self.timeout,
            headers={"User-Agent": user_agent()},
            follow_redirects=False,  # _open follows them, checking each address
            transport=transport,
        )

    def close(self):
        self._client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def get(
        self,
        url,
        *,
        params=None,
        headers=None,
        max_bytes=MAX_RESPONSE_BYTES,
        max_seconds=MAX_RESPONSE_SECONDS,
        retry_pause=1.0,
        sleep=time.sleep,
    ):
        """GET `url` and return the whole Response, whatever its status but 429 and 5xx.

        A connection failure, 429 or 5xx is tried once more after `retry_pause` seconds (or
        the Retry-After asked for, at most MAX_RETRY_PAUSE); twice is Unavailable.
        Raises FetchError.
        """
        deadline = _Deadline(url, max_seconds)
        for attempt in (1, 2):
            opened = self._open("GET", url, params=params, headers=headers, deadline=deadline)
            try:
                with opened as response:
                    status = response.status_code
                    if status not in RETRY_STATUSES:
                        body = bytearray()
                        _read(
                            response, body.extend, url=url, max_bytes=max_bytes, deadline=deadline
                        )
                        return Response(
                            url=str(response.url),
                            status_code=status,
                            reason_phrase=response.reason_phrase,
                            headers=response.headers,
                            content=bytes(body),
                        )
                    if attempt == 2:
                        raise Unavailable(f"HTTP {status}, twice", url=url, status_code=status)
                    pause = _retry_pause(response, retry_pause)
            except Unavailable as error:
                if attempt == 2 or error.status_code is not None:
                    raise
                pause = retry_pause
            sleep(pause)
        raise AssertionError("unreachable")  # pragma: no cover

    def download(self, url, file, *, max_bytes, max_seconds):
        """GET `url` into the binary `file`, piece by piece; return the number of bytes.

        An HTTP error status is BadStatus; no retry. Raises FetchError.
        """
        deadline = _Deadline(url, max_seconds)
        with self._open("GET", url, deadline=deadline) as response:
            if not response.is_success:
                raise BadStatus(
                    f"HTTP {response.status_code} {response.reason_phrase}",
                    url=url,
                    status_code=response.status_code,
                    reason_phrase=response.reason_phrase,
                )
            return _read(response, file.write, url=url, max_bytes=max_bytes, deadline=deadline)

    @contextmanager
    def _open(self, method, url, *, params=None, headers=None, deadline):
        """Send the request and follow its redirects; yield the last answer, unread.

        Every request this client makes is sent here, each hop checked first. httpx errors,
        here or while the caller reads the body, become FetchErrors.
        """
        with self._translated(url):
            request = self._client.build_request(method, url, params=params, headers=headers)
            for hop in range(self.max_redirects + 1):
                _check_address(request.url if hop else url, url=url)
                deadline.check()
                response = self._client.send(request, stream=True, follow_redirects=False)
                if not response.has_redirect_location:
                    break
                request = response.next_request
                response.close()
            else:
                raise TooManyRedirects(f"more than {self.max_redirects} redirects", url=url)
            try:
                yield response
            finally:
                response.close()

    @contextmanager
    def _translated(self, url):
        try:
            yield
        except (httpx.ConnectTimeout, httpx.PoolTimeout) as error:
            seconds = self.timeout.connect
            raise TooSlow(
                f"no connection within {seconds:g} s", url=url, phase=CONNECT, seconds=seconds
            ) from error
        except httpx.TimeoutException as error:
            seconds = self.timeout.read
            raise TooSlow(
                f"nothing received for {seconds:g} s", url=url, phase=READ, seconds=seconds
            ) from error
        except httpx.DecodingError as error:
            raise BadResponse(_reason(error), url=url) from error
        except httpx.HTTPError as error:  # no connection, or it broke: TransportError mostly
            raise Unavailable(_reason(error), url=url) from error
        except httpx.InvalidURL as error:
            raise FetchError(_reason(error), url=url) from error


class _Deadline:
    """The time by which a whole answer must be in."""

    def __init__(self, url, seconds):
        self.url = url
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def check(self):
        if time.monotonic() > self.at:
            raise TooSlow(
                f"not done within {self.seconds:g} s",
                url=self.url,
                phase=TOTAL,
                seconds=self.seconds,
            )


def _check_address(target, *, url):
    """Refuse what we never fetch. `target` is the address about to be requested for `url`."""
    if httpx.URL(target).scheme not in SCHEMES:
        raise Refused(f"{target} is not an http or https address", url=url, target=target)


def _read(response, write, *, url, max_bytes, deadline):
    """Pass the body to `write` as it arrives, within the limits; return its length."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge(f"{declared} bytes announced", url=url, limit=max_bytes)
    received = 0
    # Without a chunk size, each piece comes as soon as a read of the socket returns, so
    # the deadline is checked after every read however few bytes it brought.
    for chunk in response.iter_bytes():
        received += len(chunk)
        if received > max_bytes:
            raise TooLarge(f"more than {max_bytes} bytes", url=url, limit=max_bytes)
        deadline.check()
        write(chunk)
    return received


def _retry_pause(response, default):
    try:
        pause = float(response.headers.get("Retry-After", default))
    except ValueError:  # an HTTP date: not worth parsing for a pause we cap anyway
        pause = default
    if not math.isfinite(pause):
        pause = default
    return min(max(pause, 0.0), MAX_RETRY_PAUSE)


def _reason(error):
    return str(error) or type(error).__name__
