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
- **Size limit**: `max_bytes` of (decoded) body, refused early when Content-Length says more;
  a compressed body may unpack to at most MAX_COMPRESSION_RATIO times its size (a gzip bomb).
- **Addresses** (`Guard`): public http and https addresses on ports 80 and 443 only (the
  OUTBOUND_* settings add ports, and private hosts or networks the operator trusts), on the
  first request and on every redirect (`MAX_REDIRECTS` of them at most), which
  `Client._open` follows itself, hop by hop. A host name is resolved once, when connecting,
  within the connect timeout (the system resolver has no timeout of its own), every
  address it has is checked, and the connection goes to the address checked. A refusal
  always says the same (REFUSED) and sends nothing, whatever listens there.
- **One retry** (`get` only): a request that fails quickly (no connection, HTTP 429 or 5xx) is
  tried once more after a pause, Retry-After's if it asks for one, capped at MAX_RETRY_PAUSE.
  A timeout is not retried: it has already cost the whole wait.

Failures are FetchError subclasses carrying what happened (the phase and seconds of a
timeout, the status of a bad answer, the limit passed); callers write their own messages.
Their own messages here are for logs and tracebacks.

`Client._open` is the one function that sends requests: protection against requests to
private addresses is in `_check_address` (the URL) and the transport it sends through
(`_GuardedTransport`, whose network backend resolves, checks and connects), and nowhere else.
"""

import ipaddress
import math
import re
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

import httpcore
import httpx
from django.conf import settings

DEFAULT_TIMEOUT = 10.0  # seconds, for connecting and for each read
MAX_REDIRECTS = 5
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_PAUSE = 5.0  # seconds; a longer Retry-After is not worth waiting for
MAX_RESPONSE_BYTES = 16 * 1024 * 1024  # for `get`, which holds the answer in memory
MAX_RESPONSE_SECONDS = 120.0  # for `get`, retry included
# A compressed answer may unpack to this many times its size (text rarely passes 20), once
# past UNPACKED_FREELY bytes: a small gzip bomb is stopped after a few MB, not at max_bytes.
MAX_COMPRESSION_RATIO = 100
UNPACKED_FREELY = 1024 * 1024

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
    """We do not send requests to `target`, `url` or a redirect's: see Guard. The reason is
    always REFUSED, whatever the address, and nothing was sent (so no port scanning)."""

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


class TooCompressed(TooLarge):
    """The answer unpacks (Content-Encoding) to more than `ratio` times what was sent: a bomb."""

    def __init__(self, reason, *, url, limit, ratio):
        super().__init__(reason, url=url, limit=limit)
        self.ratio = ratio


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


# Which addresses we send requests to.

REFUSED = (
    "That address can't be fetched: only public http(s) addresses on the standard ports are "
    "allowed."
)
STANDARD_PORTS = (80, 443)
DEFAULT_PORTS = {"http": 80, "https": 443}
ANY_PORT = "*"
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # IPv6 addresses standing for IPv4 ones


class _AddressRefused(Exception):
    """Raised by the guard's network backend; `_open` turns it into Refused."""


def resolve(host, port):
    """The IP addresses of `host`, from the system's resolver (tests replace this function)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def _within(seconds, function, *args):
    """`function(*args)`, given at most `seconds` (None: as long as it takes); TimeoutError
    past them.

    The system's resolver (getaddrinfo) has no timeout of its own that we can set: a name
    server that never answers would hold the job for as long as resolv.conf's tries take,
    or for ever. So the lookup runs in a thread of its own, and we stop waiting for it at
    the deadline; the thread ends when the resolver gives up, its answer unused.
    """
    if seconds is None:
        return function(*args)
    outcome = {}

    def work():
        try:
            outcome["value"] = function(*args)
        except BaseException as error:  # handed to the caller, whatever it is
            outcome["error"] = error

    thread = threading.Thread(target=work, name="core.http resolve", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise TimeoutError(f"no answer within {seconds:g} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def is_public(address):
    """Whether the IP `address` (a string or an ipaddress object) is on the public Internet.

    Not loopback, private, link-local, multicast, reserved, unspecified, shared (100.64/10) or
    any other special-purpose range; an IPv6 address carrying an IPv4 one (mapped, 6to4,
    NAT64) is judged by the IPv4 address too, and Teredo is refused.
    """
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return is_public(ip.ipv4_mapped)
        if ip.teredo is not None:
            return False
        embedded = ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and not is_public(embedded):
            return False
        if ip.is_site_local:
            return False
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


_HOST_ENTRY = re.compile(r"(?P<host>\[[^\]]+\]|[^:\[\]]+)(?::(?P<port>[0-9]{1,5}|\*))?")


def parse_host_entry(entry):
    """("host", port, or ANY_PORT, or None for the allowed ports) from "host[:port|:*]".

    The port is read as written: "feeds.internal:80" trusts port 80 alone. (Read as a URL,
    http://host:80 would drop its default port and trust the host on every allowed port.)
    """
    match = _HOST_ENTRY.fullmatch(entry.strip())
    port = match and match["port"]
    if not match or (port not in (None, ANY_PORT) and not 0 < int(port) < 65536):
        raise ValueError(
            f"OUTBOUND_ALLOWED_HOSTS: {entry!r} is not a host, host:port or host:* "
            "(IPv6 in brackets: [2001:db8::1]:8080)."
        )
    host = _host_name(httpx.URL(f"http://{match['host']}"))
    if port is None or port == ANY_PORT:
        return (host, port)
    return (host, int(port))


def _host_name(url):
    """The host of `url` as httpcore connects to it: ASCII (IDNA), lower case, no final dot."""
    return url.raw_host.decode("ascii").lower().rstrip(".")


class Guard:
    """Which addresses the client may send requests to, from the OUTBOUND_* settings.

    Public addresses, http and https, on OUTBOUND_ALLOWED_PORTS (80 and 443 unless the
    operator adds more). Besides these, the operator may trust hosts (OUTBOUND_ALLOWED_HOSTS:
    "host", "host:port" or "host:*" for any port) and networks (OUTBOUND_ALLOWED_NETWORKS,
    on the allowed ports), say an internal feed server.

    `resolve(host, port)` returns the addresses of a host name; the client's network backend
    calls `addresses` once per connection and connects only to what it returns, so the
    address checked is the address connected to (no second lookup to rebind).
    """

    def __init__(self, *, ports=None, hosts=None, networks=None, resolve=None):
        self.ports = frozenset(
            getattr(settings, "OUTBOUND_ALLOWED_PORTS", STANDARD_PORTS) if ports is None else ports
        )
        hosts = getattr(settings, "OUTBOUND_ALLOWED_HOSTS", ()) if hosts is None else hosts
        self.hosts = frozenset(parse_host_entry(entry) for entry in hosts)
        networks = (
            getattr(settings, "OUTBOUND_ALLOWED_NETWORKS", ()) if networks is None else networks
        )
        self.networks = tuple(ipaddress.ip_network(network, strict=False) for network in networks)
        self._resolve = resolve

    def trusts_host(self, host, port):
        """Whether the operator trusts `host` (a name or an IP) on `port`."""
        host = host.lower().rstrip(".")
        return (
            (host, port) in self.hosts
            or (host, ANY_PORT) in self.hosts
            or ((host, None) in self.hosts and port in self.ports)
        )

    def allows_address(self, address):
        ip = ipaddress.ip_address(address.split("%")[0])  # no IPv6 zone ("fe80::1%eth0")
        if ip.version == 6 and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        return self.networks_hold(ip) or is_public(ip)

    def networks_hold(self, ip):
        return any(ip.version == network.version and ip in network for network in self.networks)

    def check_url(self, target):
        """Whether a request to the URL `target` may be sent at all (before any lookup)."""
        url = httpx.URL(target)
        if url.scheme not in DEFAULT_PORTS or not url.host:
            return False
        port = url.port or DEFAULT_PORTS[url.scheme]
        if self.trusts_host(_host_name(url), port):
            return True
        if port not in self.ports:
            return False
        try:
            literal = ipaddress.ip_address(url.host)
        except ValueError:
            return True  # a name: its addresses are checked when connecting
        return self.allows_address(str(literal))

    def addresses(self, host, port, timeout=None):
        """The addresses to connect to for `host`: all checked, or _AddressRefused.

        One lookup, given at most `timeout` seconds (the connect timeout: a name server that
        never answers is a connection that is not made, httpcore.ConnectTimeout); if any
        address it gives is refused, the host is refused (a name that answers both a public
        and a private address is not one to trust).
        """
        resolve_host = self._resolve or resolve
        try:
            found = [str(ipaddress.ip_address(host))]  # a literal address: nothing to look up
        except ValueError:
            found = None
        try:
            found = found or _within(timeout, resolve_host, host, port)
        except TimeoutError as error:
            raise httpcore.ConnectTimeout(f"could not resolve {host}: {error}") from error
        except OSError as error:  # socket.gaierror: no such name
            raise httpcore.ConnectError(f"could not resolve {host}: {error}") from error
        if not found:
            raise httpcore.ConnectError(f"{host} has no address")
        if not self.trusts_host(host, port) and not all(map(self.allows_address, found)):
            raise _AddressRefused(host)
        return found


class _GuardedBackend(httpcore.SyncBackend):
    """Connects only to addresses the guard checked: resolve once, check, connect to those.

    httpcore still does TLS over the connection with the URL's host name, so SNI and the
    certificate check are for the name, and the Host header is the URL's.
    """

    def __init__(self, guard):
        self.guard = guard

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        failure = None
        for address in self.guard.addresses(host, port, timeout):
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as error:  # try the next address, as browsers do
                failure = error
        raise failure


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's transport, its connection pool on the guarded backend; no proxy from the env."""

    def __init__(self, guard):
        super().__init__(trust_env=False)
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)  # httpx's
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_GuardedBackend(guard),
        )


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
    Tests pass an httpx `transport` (httpx.MockTransport) to answer without the network;
    then only the URLs are checked (scheme, port, literal addresses), not what names resolve
    to. `guard` says which addresses may be fetched (by default the OUTBOUND_* settings).
    """

    def __init__(
        self,
        *,
        timeout=DEFAULT_TIMEOUT,
        connect_timeout=None,
        max_redirects=MAX_REDIRECTS,
        transport=None,
        guard=None,
    ):
        connect = timeout if connect_timeout is None else connect_timeout
        self.timeout = httpx.Timeout(timeout, connect=connect)
        self.max_redirects = max_redirects
        self.guard = Guard() if guard is None else guard
        self._client = httpx.Client(
            timeout=self.timeout,
            headers={"User-Agent": user_agent()},
            follow_redirects=False,  # _open follows them, checking each address
            transport=_GuardedTransport(self.guard) if transport is None else transport,
            trust_env=False,  # no proxy from the environment: we connect where we checked
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
                target = str(request.url) if hop else str(url)
                self._check_address(target, url=url)
                deadline.check()
                try:
                    response = self._client.send(request, stream=True, follow_redirects=False)
                except _AddressRefused:
                    raise Refused(REFUSED, url=url, target=target) from None
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

    def _check_address(self, target, *, url):
        """Refuse what we never fetch. `target` is the address about to be requested for `url`.

        The scheme, the port and a literal IP address are checked here; the addresses a name
        resolves to, when connecting (`_GuardedBackend`).
        """
        try:
            allowed = self.guard.check_url(target)
        except httpx.InvalidURL:
            allowed = False
        if not allowed:
            raise Refused(REFUSED, url=url, target=target)

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
        sent = response.num_bytes_downloaded  # before decoding
        if received > UNPACKED_FREELY and received > MAX_COMPRESSION_RATIO * sent:
            raise TooCompressed(
                f"{sent} bytes unpacked to more than {received}",
                url=url,
                limit=max_bytes,
                ratio=MAX_COMPRESSION_RATIO,
            )
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
