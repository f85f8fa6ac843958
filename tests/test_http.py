"""core.http, the site's outbound HTTP client, against a real server on 127.0.0.1.

The server runs in a thread and answers each path from `routes`: a handler, or a list of
handlers taken in turn. Nothing here mocks httpx; time limits are real and short.
"""

import contextlib
import gzip
import io
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from core import http


@pytest.fixture(autouse=True)
def local_servers_allowed(settings):
    """The test servers are on 127.0.0.1, which the site refuses to fetch unless told to."""
    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1:*"]


class Server:
    """An HTTP server on 127.0.0.1; `requests` lists (path, headers) as they came."""

    def __init__(self):
        self.routes = {}
        self.requests = []
        self.release = threading.Event()  # set when the test ends: stalled handlers return
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path.split("?")[0])
                if isinstance(route, list):
                    route = route.pop(0)
                if route is None:
                    self.send_error(404)
                    return
                with contextlib.suppress(OSError):  # the client hung up, as it should have
                    route(self, server)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def paths(self):
        return [path for path, _ in self.requests]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture
def server():
    with Server() as server:
        yield server


def answer(status=200, body=b"", headers=(), length=True):
    """A route answering `status` with `body`, with a Content-Length unless told not to."""

    def respond(handler, server):
        handler.send_response(status)
        for name, value in headers:
            handler.send_header(name, value)
        if length:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return respond


def redirect(location, status=302):
    return answer(status, headers=[("Location", location)])


def stall(handler, server):
    """Accepts the request, never answers."""
    server.release.wait(10)


def drip(handler, server):
    """Answers 200, then a byte every 50 ms for 3 s (or until the test ends)."""
    handler.send_response(200)
    handler.end_headers()
    for _ in range(60):
        if server.release.wait(0.05):
            break
        handler.wfile.write(b"x")
        handler.wfile.flush()


def closed_port():
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def client():
    with http.Client(timeout=2) as client:
        yield client


def no_sleep(seconds):
    pass


# What it sends, and what it gives back.


def test_it_names_the_site_and_a_contact_in_the_user_agent(server, settings):
    settings.CONTACT_EMAIL = "editors@informationbottleneck.test"
    server.routes["/"] = answer(body=b"hello")
    with http.Client() as client:
        client.get(f"{server.url}/")
    _, headers = server.requests[0]
    assert headers["User-Agent"] == (
        "TheInformationBottleneck/1.0 (https://informationbottleneck.test; "
        "mailto:editors@informationbottleneck.test)"
    )


def test_get_gives_the_whole_answer(server, client):
    server.routes["/paper"] = answer(
        body=b'{"title": "T"}', headers=[("Content-Type", "application/json")]
    )
    response = client.get(f"{server.url}/paper", params={"id": "1"})
    assert response.status_code == 200
    assert response.reason_phrase == "OK"
    assert response.headers["Content-Type"] == "application/json"
    assert response.content == b'{"title": "T"}'
    assert server.paths() == ["/paper?id=1"]


def test_a_compressed_answer_is_decoded(server, client):
    server.routes["/"] = answer(
        body=gzip.compress(b"plain text"), headers=[("Content-Encoding", "gzip")]
    )
    assert client.get(f"{server.url}/").content == b"plain text"


def test_a_broken_compressed_answer_is_a_bad_response(server, client):
    server.routes["/"] = answer(body=b"not gzip at all", headers=[("Content-Encoding", "gzip")])
    with pytest.raises(http.BadResponse):
        client.get(f"{server.url}/")


def test_not_found_is_an_answer_not_a_failure(server, client):
    response = client.get(f"{server.url}/nowhere", sleep=no_sleep)
    assert response.status_code == 404
    assert server.paths() == ["/nowhere"]


# One retry.


def test_a_busy_server_is_asked_once_more_then_answers(server, client):
    server.routes["/"] = [answer(503, headers=[("Retry-After", "2")]), answer(body=b"ok")]
    pauses = []
    response = client.get(f"{server.url}/", sleep=pauses.append)
    assert response.content == b"ok"
    assert server.paths() == ["/", "/"]
    assert pauses == [2.0]


def test_without_retry_after_it_pauses_for_the_default(server, client):
    server.routes["/"] = [answer(503), answer(body=b"ok")]
    pauses = []
    client.get(f"{server.url}/", retry_pause=0.5, sleep=pauses.append)
    assert pauses == [0.5]


@pytest.mark.parametrize(
    ("retry_after", "pause"),
    [
        ("3600", http.MAX_RETRY_PAUSE),  # an hour: not worth waiting for
        ("-5", 0.0),
        ("nan", 1.0),
        ("Wed, 21 Oct 2026 07:28:00 GMT", 1.0),  # a date: the default pause
    ],
)
def test_the_pause_retry_after_asks_for_is_capped(server, client, retry_after, pause):
    server.routes["/"] = [answer(429, headers=[("Retry-After", retry_after)]), answer()]
    pauses = []
    client.get(f"{server.url}/", retry_pause=1.0, sleep=pauses.append)
    assert pauses == [pause]


def test_a_server_failing_twice_is_not_asked_a_third_time(server, client):
    server.routes["/"] = [answer(503), answer(502), answer()]
    with pytest.raises(http.Unavailable) as raised:
        client.get(f"{server.url}/", sleep=no_sleep)
    assert raised.value.status_code == 502
    assert server.paths() == ["/", "/"]


def test_an_unreachable_server_is_tried_twice_then_reported(client):
    pauses = []
    with pytest.raises(http.Unavailable) as raised:
        client.get(f"http://127.0.0.1:{closed_port()}/", sleep=pauses.append)
    assert raised.value.status_code is None
    assert "refused" in raised.value.reason.lower()
    assert pauses == [1.0]


def test_a_download_is_not_retried(server, client):
    server.routes["/feed.xml"] = [answer(503), answer(body=b"<rss/>")]
    with pytest.raises(http.BadStatus) as raised:
        client.download(f"{server.url}/feed.xml", io.BytesIO(), max_bytes=100, max_seconds=5)
    assert (raised.value.status_code, raised.value.reason_phrase) == (503, "Service Unavailable")
    assert server.paths() == ["/feed.xml"]


# Time limits.


def test_a_server_that_never_answers_is_given_up_on_after_the_read_timeout(server):
    server.routes["/"] = stall
    started = time.monotonic()
    with http.Client(timeout=0.3) as client, pytest.raises(http.TooSlow) as raised:
        client.get(f"{server.url}/", sleep=no_sleep)
    assert (raised.value.phase, raised.value.seconds) == (http.READ, 0.3)
    assert time.monotonic() - started < 2
    assert server.paths() == ["/"]  # a timeout is not retried: it has cost the whole wait


def test_a_server_that_accepts_no_connection_is_given_up_on_after_the_connect_timeout():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        address = listener.getsockname()
        waiting = []  # connections nobody accepts, until the queue is full
        try:
            for _ in range(16):
                sock = socket.socket()
                waiting.append(sock)
                sock.settimeout(0.2)
                try:
                    sock.connect(address)
                except TimeoutError:
                    break
            else:
                pytest.skip("this system never refuses to queue a connection")
            client = http.Client(timeout=5, connect_timeout=0.3)
            with client, pytest.raises(http.TooSlow) as raised:
                client.get(f"http://{address[0]}:{address[1]}/", sleep=no_sleep)
        finally:
            for sock in waiting:
                sock.close()
    assert (raised.value.phase, raised.value.seconds) == (http.CONNECT, 0.3)


def test_a_download_dripping_a_byte_at_a_time_is_cut_off_at_the_deadline(server):
    # Each byte comes well within the read timeout, so only the deadline can stop it.
    server.routes["/feed.xml"] = drip
    file = io.BytesIO()
    started = time.monotonic()
    with http.Client(timeout=2) as client, pytest.raises(http.TooSlow) as raised:
        client.download(f"{server.url}/feed.xml", file, max_bytes=10**6, max_seconds=0.5)
    assert (raised.value.phase, raised.value.seconds) == (http.TOTAL, 0.5)
    assert time.monotonic() - started < 1.5
    assert 0 < len(file.getvalue()) < 20


def test_a_get_dripping_a_byte_at_a_time_is_cut_off_at_the_deadline(server, client):
    server.routes["/"] = drip
    started = time.monotonic()
    with pytest.raises(http.TooSlow) as raised:
        client.get(f"{server.url}/", max_seconds=0.5, sleep=no_sleep)
    assert raised.value.phase == http.TOTAL
    assert time.monotonic() - started < 1.5
    assert server.paths() == ["/"]


# Size limits.


def test_a_download_is_written_to_the_file(server, client):
    server.routes["/feed.xml"] = answer(body=b"<rss>" + b"x" * 200_000 + b"</rss>")
    file = io.BytesIO()
    size = client.download(f"{server.url}/feed.xml", file, max_bytes=300_000, max_seconds=5)
    assert size == 200_011
    assert file.getvalue() == b"<rss>" + b"x" * 200_000 + b"</rss>"


def test_an_answer_announced_too_large_is_refused_before_it_is_read(server, client):
    server.routes["/feed.xml"] = answer(body=b"x" * 1001)
    file = io.BytesIO()
    with pytest.raises(http.TooLarge) as raised:
        client.download(f"{server.url}/feed.xml", file, max_bytes=1000, max_seconds=5)
    assert raised.value.limit == 1000
    assert file.getvalue() == b""


def test_an_answer_that_does_not_say_its_size_is_cut_off_at_the_limit(server, client):
    server.routes["/feed.xml"] = answer(body=b"x" * 300_000, length=False)
    file = io.BytesIO()
    with pytest.raises(http.TooLarge):
        client.download(f"{server.url}/feed.xml", file, max_bytes=100_000, max_seconds=5)
    assert len(file.getvalue()) <= 100_000


def test_the_size_limit_is_on_the_decoded_answer(server, client):
    bomb = gzip.compress(b"\0" * 1_000_000)
    server.routes["/"] = answer(body=bomb, headers=[("Content-Encoding", "gzip")])
    assert len(bomb) < 100_000
    with pytest.raises(http.TooLarge):
        client.get(f"{server.url}/", max_bytes=100_000)


def test_an_answer_exactly_at_the_limit_is_fine(server, client):
    server.routes["/"] = answer(body=b"x" * 1000, length=False)
    assert len(client.get(f"{server.url}/", max_bytes=1000).content) == 1000


# Addresses and redirects.


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/feed.xml", "file:///etc/passwd", "gopher://127.0.0.1/"]
)
def test_only_http_and_https_addresses_are_fetched(client, url):
    with pytest.raises(http.Refused) as raised:
        client.get(url)
    assert raised.value.target == url
    with pytest.raises(http.Refused):
        client.download(url, io.BytesIO(), max_bytes=100, max_seconds=5)


def test_redirects_are_followed(server, client):
    server.routes["/old"] = redirect("/moved", status=301)
    server.routes["/moved"] = redirect(f"{server.url}/new", status=307)
    server.routes["/new"] = answer(body=b"here")
    response = client.get(f"{server.url}/old")
    assert response.content == b"here"
    assert response.url == f"{server.url}/new"
    assert server.paths() == ["/old", "/moved", "/new"]
    file = io.BytesIO()
    client.download(f"{server.url}/old", file, max_bytes=100, max_seconds=5)
    assert file.getvalue() == b"here"


def test_every_redirect_is_checked_like_the_first_address(server, client):
    server.routes["/"] = redirect("file:///etc/passwd")
    with pytest.raises(http.Refused) as raised:
        client.get(f"{server.url}/")
    assert raised.value.target.startswith("file://")
    assert raised.value.reason == http.REFUSED
    assert server.paths() == ["/"]


def test_a_redirect_loop_is_given_up_on(server, client):
    server.routes["/a"] = redirect("/b")
    server.routes["/b"] = redirect("/a")
    with pytest.raises(http.TooManyRedirects):
        client.get(f"{server.url}/a")
    assert len(server.requests) == http.MAX_REDIRECTS + 1


def test_a_download_that_ends_in_an_error_says_which(server, client):
    server.routes["/old"] = redirect("/gone")
    with pytest.raises(http.BadStatus) as raised:
        client.download(f"{server.url}/old", io.BytesIO(), max_bytes=100, max_seconds=5)
    assert (raised.value.status_code, raised.value.reason_phrase) == (404, "Not Found")
    assert raised.value.url == f"{server.url}/old"


def test_every_failure_is_a_fetch_error():
    for failure in [
        http.Refused,
        http.Unavailable,
        http.TooSlow,
        http.TooLarge,
        http.BadResponse,
        http.BadStatus,
        http.TooManyRedirects,
    ]:
        assert issubclass(failure, http.FetchError)
