"""core.http's guard: only public http(s) addresses on the standard ports are fetched.

An editor's feed URL (and anything it redirects to) must not reach the site's own services
(Redis, PostgreSQL, the API), the cloud's metadata address or the office network, and the
answer must not tell an open port from a closed one. The servers here are real, on
127.0.0.1; host names are resolved by a resolver the tests replace (`http.resolve`).
"""

import io
import socket
import ssl
import subprocess
import threading
import time

import pytest
from django.core.management import CommandError, call_command

from core import http
from episodes.models import Show
from tests.test_http import Server, answer, closed_port, redirect

REFUSED = (
    "That address can't be fetched: only public http(s) addresses on the standard ports are "
    "allowed."
)
FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Guarded</title>
<item><title>One</title><guid>one</guid><enclosure url="https://cdn.example.com/1.mp3"
type="audio/mpeg" length="1"/></item></channel></rss>"""


@pytest.fixture
def server():
    with Server() as server:
        yield server


@pytest.fixture
def other():
    with Server() as other:
        yield other


def port_of(server):
    return server.httpd.server_address[1]


def resolving_to(*addresses, calls=None):
    """A resolver answering `addresses` for every name, noting each lookup in `calls`."""

    def resolve(host, port):
        if calls is not None:
            calls.append((host, port))
        return list(addresses)

    return resolve


def fetch(url, **client_options):
    with http.Client(timeout=2, **client_options) as client:
        return client.get(url, retry_pause=0)


# Which addresses are public.


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "::1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # the cloud's metadata service
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "::",
        "224.0.0.1",
        "ff02::1",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.1",  # documentation
        "198.18.0.1",  # benchmarking
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "fec0::1",  # site-local
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::a9fe:a9fe",  # NAT64 for 169.254.169.254
        "2002:7f00:1::1",  # 6to4 for 127.0.0.1
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    ],
)
def test_special_purpose_addresses_are_not_public(address):
    assert not http.is_public(address)


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "93.184.215.14", "2606:4700::1111", "::ffff:1.1.1.1"]
)
def test_public_addresses_are(address):
    assert http.is_public(address)


# The client.


def test_a_server_on_the_loopback_is_refused_and_never_reached(server):
    server.routes["/"] = answer(body=b"secret")
    with pytest.raises(http.Refused) as raised:
        fetch(f"{server.url}/")
    assert raised.value.reason == REFUSED
    assert server.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1]/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]/",
        "http://2130706433/",  # 127.0.0.1 as one number
        "http://127.1/",
        "http://localhost/",
        "https://[fe80::1]/",
    ],
)
def test_private_addresses_are_refused_however_they_are_written(url):
    with pytest.raises(http.Refused) as raised:
        fetch(url)
    assert str(raised.value) == f"{url}: {REFUSED}"


@pytest.mark.parametrize(
    "answers",
    [
        ["10.0.0.5"],
        ["127.0.0.1"],
        ["::1"],
        ["169.254.169.254"],
        ["::ffff:127.0.0.1"],
        ["93.184.215.14", "10.0.0.5"],  # one private answer is enough
    ],
)
def test_a_name_whose_address_is_private_is_refused(answers):
    calls = []
    guard = http.Guard(resolve=resolving_to(*answers, calls=calls))
    with pytest.raises(http.Refused) as raised:
        fetch("https://feeds.example.com/show.xml", guard=guard)
    assert raised.value.reason == REFUSED
    assert calls == [("feeds.example.com", 443)]


def test_the_resolver_can_be_replaced_for_the_whole_site(monkeypatch):
    monkeypatch.setattr(http, "resolve", resolving_to("192.168.0.10"))
    with pytest.raises(http.Refused):
        fetch("http://feeds.example.com/show.xml")


def test_a_redirect_from_an_allowed_server_to_a_refused_one_is_not_followed(
    server, other, settings
):
    settings.OUTBOUND_ALLOWED_HOSTS = [f"127.0.0.1:{port_of(server)}"]
    server.routes["/feed.xml"] = redirect(f"{other.url}/private")
    other.routes["/private"] = answer(body=b"secret")
    with pytest.raises(http.Refused) as raised:
        fetch(f"{server.url}/feed.xml")
    assert raised.value.target == f"{other.url}/private"
    assert raised.value.reason == REFUSED
    assert server.paths() == ["/feed.xml"]
    assert other.requests == []


def test_a_redirect_to_a_name_resolving_to_a_private_address_is_refused(server, settings):
    settings.OUTBOUND_ALLOWED_HOSTS = [f"127.0.0.1:{port_of(server)}"]
    server.routes["/feed.xml"] = redirect("http://internal.example.com/")
    guard = http.Guard(resolve=resolving_to("10.0.0.5"))
    with pytest.raises(http.Refused) as raised:
        fetch(f"{server.url}/feed.xml", guard=guard)
    assert raised.value.target == "http://internal.example.com/"


def test_open_and_closed_ports_are_refused_alike(server, settings):
    """No port scanning: nothing is sent, and the message does not depend on the port."""
    server.routes["/"] = answer(body=b"+PONG")
    open_port, shut_port = port_of(server), closed_port()
    settings.OUTBOUND_ALLOWED_PORTS = [80, 443, open_port, shut_port]
    guard = http.Guard(resolve=resolving_to("127.0.0.1"))
    reasons = []
    for port in (open_port, shut_port):
        for url in (f"http://127.0.0.1:{port}/", f"http://redis.example.com:{port}/"):
            with pytest.raises(http.Refused) as raised:
                fetch(url, guard=guard)
            reasons.append(raised.value.reason)
    assert reasons == [REFUSED] * 4
    assert server.requests == []


@pytest.mark.parametrize("port", [22, 5432, 6379, 8000, 8080])
def test_only_the_standard_ports_are_fetched_from_public_hosts(port):
    calls = []
    guard = http.Guard(resolve=resolving_to("93.184.215.14", calls=calls))
    with pytest.raises(http.Refused):
        fetch(f"http://feeds.example.com:{port}/", guard=guard)
    assert calls == []  # refused before any lookup


# The connection goes to the address checked, named as asked.


def test_a_name_is_resolved_once_and_the_address_checked_is_the_one_connected_to(server, settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.OUTBOUND_ALLOWED_PORTS = [port_of(server)]
    server.routes["/feed.xml"] = answer(body=b"the feed")
    calls = []
    guard = http.Guard(resolve=resolving_to("127.0.0.1", calls=calls))
    url = f"http://feeds.example.com:{port_of(server)}/feed.xml"
    assert fetch(url, guard=guard).content == b"the feed"
    assert calls == [("feeds.example.com", port_of(server))]
    _, headers = server.requests[0]
    assert headers["Host"] == f"feeds.example.com:{port_of(server)}"


def test_a_port_is_fetched_once_the_operator_allows_it(server, settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    server.routes["/"] = answer(body=b"ok")
    with pytest.raises(http.Refused):
        fetch(f"{server.url}/")
    settings.OUTBOUND_ALLOWED_PORTS = [80, 443, port_of(server)]
    assert fetch(f"{server.url}/").content == b"ok"


def test_a_trusted_host_is_fetched_on_its_port_only(server, other, settings):
    server.routes["/"] = answer(body=b"ok")
    other.routes["/"] = answer(body=b"ok")
    settings.OUTBOUND_ALLOWED_HOSTS = [f"127.0.0.1:{port_of(server)}"]
    assert fetch(f"{server.url}/").content == b"ok"
    with pytest.raises(http.Refused):
        fetch(f"{other.url}/")


@pytest.mark.parametrize(
    ("entry", "trusted", "untrusted"),
    [
        ("feeds.internal:80", [80], [443, 8080]),  # port 80 alone, though it is http's default
        ("feeds.internal:443", [443], [80]),
        ("feeds.internal", [80, 443], [8080]),  # on the allowed ports
        ("feeds.internal:*", [80, 443, 8080], []),
        ("Feeds.Internal.:8080", [8080], [80]),
    ],
)
def test_a_trusted_host_entry_is_read_with_its_port_as_written(entry, trusted, untrusted):
    guard = http.Guard(hosts=[entry])
    assert [port for port in trusted if guard.trusts_host("feeds.internal", port)] == trusted
    assert not [port for port in untrusted if guard.trusts_host("feeds.internal", port)]


def test_a_trusted_ipv6_host_is_written_in_brackets():
    guard = http.Guard(hosts=["[fd00::1]:80"])
    assert guard.trusts_host("fd00::1", 80) and not guard.trusts_host("fd00::1", 443)


@pytest.mark.parametrize(
    "entry", ["feeds.internal:http", "feeds.internal:0", "h:70000", "fd00::1"]
)
def test_a_malformed_trusted_host_entry_is_refused_naming_the_setting(entry):
    with pytest.raises(ValueError, match="OUTBOUND_ALLOWED_HOSTS"):
        http.Guard(hosts=[entry])


# Looking names up: within the connect timeout.


def test_a_name_server_that_never_answers_is_given_up_on_at_the_connect_timeout():
    let_go = threading.Event()

    def never_answers(host, port):
        let_go.wait(5)  # the system resolver, waiting on a name server that is not there
        return ["10.0.0.1"]

    guard = http.Guard(resolve=never_answers)
    started = time.monotonic()
    try:
        with (
            pytest.raises(http.TooSlow) as error,
            http.Client(timeout=5, connect_timeout=0.5, guard=guard) as client,
        ):
            client.get("http://feeds.example.com/feed.xml", retry_pause=0)
    finally:
        let_go.set()
    assert time.monotonic() - started < 2
    assert error.value.phase == http.CONNECT
    assert error.value.reason == "no connection within 0.5 s"


def test_a_name_that_does_not_exist_is_unavailable_at_once():
    def no_such_name(host, port):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(http.Unavailable, match=r"could not resolve feeds\.example\.com"):
        fetch("http://feeds.example.com/feed.xml", guard=http.Guard(resolve=no_such_name))


@pytest.fixture
def tls_server(tmp_path):
    """An https server on 127.0.0.1 with a self-signed certificate; `names` holds the SNI."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=feeds.example.com", "-keyout", key, "-out", cert),
        ],
        check=True,
        capture_output=True,
    )
    names = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    with Server() as server:
        server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
        server.names = names
        yield server


def test_tls_names_the_host_and_checks_its_certificate(tls_server, settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.OUTBOUND_ALLOWED_PORTS = [port_of(tls_server)]
    guard = http.Guard(resolve=resolving_to("127.0.0.1"))
    url = f"https://feeds.example.com:{port_of(tls_server)}/"
    with pytest.raises(http.Unavailable, match="CERTIFICATE_VERIFY_FAILED"):
        fetch(url, guard=guard)
    assert "feeds.example.com" in tls_server.names  # SNI: the name, not 127.0.0.1


# The feed importer.


def run_import(url):
    call_command("import_feed", url, stdout=io.StringIO(), stderr=io.StringIO(), timeout=2)


def test_the_importer_refuses_a_feed_on_the_loopback(db, server):
    server.routes["/feed.xml"] = answer(body=FEED)
    with pytest.raises(CommandError) as raised:
        run_import(f"{server.url}/feed.xml")
    assert REFUSED in str(raised.value)
    assert server.requests == []
    assert not Show.objects.exists()


def test_the_importer_refuses_a_redirect_to_the_loopback(db, server, other, settings):
    settings.OUTBOUND_ALLOWED_HOSTS = [f"127.0.0.1:{port_of(server)}"]
    server.routes["/feed.xml"] = redirect(f"{other.url}/feed.xml")
    other.routes["/feed.xml"] = answer(body=FEED)
    with pytest.raises(CommandError) as raised:
        run_import(f"{server.url}/feed.xml")
    assert f"redirects to {other.url}/feed.xml. {REFUSED}" in str(raised.value)
    assert other.requests == []
    assert not Show.objects.exists()


def test_the_importer_imports_from_a_trusted_host(db, server, settings):
    settings.OUTBOUND_ALLOWED_HOSTS = [f"127.0.0.1:{port_of(server)}"]
    server.routes["/feed.xml"] = answer(body=FEED)
    run_import(f"{server.url}/feed.xml")
    assert Show.objects.get().title == "Guarded"


def test_the_admin_says_the_same_for_an_open_and_a_closed_port(
    admin_client, server, django_capture_on_commit_callbacks
):
    """The import runs as a job (in-process here): its page says the same for both."""
    from jobs.models import Job

    open_url = f"{server.url}/"
    closed_url = f"http://127.0.0.1:{closed_port()}/"
    errors = []
    for url in (open_url, closed_url):
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post("/admin/episodes/episode/import-feed/", {"url": url})
        job = Job.objects.latest("pk")
        assert job.state == Job.State.FAILED
        errors.append(job.errors.replace(url, "URL"))
    assert errors[0] == errors[1]
    assert REFUSED in errors[0]
    assert server.requests == []


def test_the_settings_fail_loudly_on_a_malformed_value():
    from tests.test_settings import PRODUCTION_ENV, manage

    for name, value in [
        ("OUTBOUND_ALLOWED_PORTS", "80,http"),
        ("OUTBOUND_ALLOWED_PORTS", "80,70000"),
        ("OUTBOUND_ALLOWED_NETWORKS", "10.0.0.0/33"),
        ("OUTBOUND_ALLOWED_HOSTS", "feeds.internal:http"),
    ]:
        result = manage("check", env={**PRODUCTION_ENV, name: value})
        assert result.returncode != 0
        assert name in result.stderr
