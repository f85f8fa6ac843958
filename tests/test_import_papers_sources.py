"""The metadata sources (papers/sources/): the real clients against recorded responses.

arXiv and doi.org answer from tests/fixtures/papers/ through an httpx transport, so requests,
redirects, status handling and parsing all run as they would on the network. Timeouts and
unreachable servers are real, on 127.0.0.1.
"""

import datetime
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from core import http as core_http
from papers import sources
from papers.sources import (
    BadResponse,
    Identifier,
    NotFound,
    PaperMetadata,
    SourceUnavailable,
    parse_identifier,
)
from papers.sources import http as sources_http
from papers.sources.arxiv import ArxivSource, parse_feed
from papers.sources.doi import DoiSource, parse_csl
from tests.recorded_papers import fixture, recorded_sources


@pytest.fixture(autouse=True)
def local_servers_allowed(settings):
    """The slow and closed servers are on 127.0.0.1, which is refused unless allowed."""
    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1:*"]


PRH_ABSTRACT_START = "We argue that representations in AI models, particularly deep networks"


def fetch(text, requests=None):
    with recorded_sources(requests) as found:
        return found.fetch(parse_identifier(text))


# arXiv


def test_arxiv_gives_the_paper_with_its_authors_in_order():
    requests = []
    paper = fetch("2405.07987", requests)
    assert paper.title == "The Platonic Representation Hypothesis"
    assert paper.authors == ["Minyoung Huh", "Brian Cheung", "Tongzhou Wang", "Phillip Isola"]
    assert paper.year == 2024
    assert paper.published_on == datetime.date(2024, 5, 13)  # the first version's date
    assert paper.arxiv_id == "2405.07987"  # without the version
    assert (paper.venue, paper.doi, paper.url) == ("", "", "")
    assert paper.source == "arXiv 2405.07987"
    (request,) = requests
    assert request.url.host == "export.arxiv.org"
    assert dict(request.url.params) == {"id_list": "2405.07987", "max_results": "1"}


def test_arxiv_abstracts_are_one_paragraph_without_the_feeds_line_breaks():
    abstract = fetch("2405.07987").abstract
    assert abstract.startswith(PRH_ABSTRACT_START)
    assert "\n" not in abstract
    assert "  " not in abstract
    assert abstract.endswith("counterexamples to our analysis.")


def test_arxiv_old_style_ids_and_the_journal_reference_as_venue():
    paper = fetch("arXiv:physics/0004057")
    assert paper.arxiv_id == "physics/0004057"
    assert paper.title == "The information bottleneck method"
    assert paper.authors == ["Naftali Tishby", "Fernando C. Pereira", "William Bialek"]
    assert paper.venue == (
        "Proceedings of the 37th Allerton Conference on Communication, Control and "
        "Computation, 1999"
    )


def test_an_arxiv_id_arxiv_does_not_have_is_not_found():
    with pytest.raises(NotFound, match=r"arXiv has no paper 2405\.99999\. Check the id"):
        fetch("2405.99999")


def test_an_id_arxiv_refuses_is_not_found_with_arxivs_reason():
    with (
        recorded_sources() as found,
        pytest.raises(NotFound, match=r"incorrect id format for 2405\.7987"),
    ):
        found.by_kind["arxiv"].fetch("2405.7987")


def test_a_broken_arxiv_answer_says_to_try_again():
    with pytest.raises(
        BadResponse, match=r"arXiv sent a broken answer for 2405\.00001.*try again"
    ):
        fetch("2405.00001")


def test_an_arxiv_answer_about_another_paper_is_refused():
    with pytest.raises(BadResponse, match="another paper"):
        parse_feed(fixture("arxiv-2405.07987.xml"), "1706.03762")


def test_an_arxiv_answer_that_is_not_a_feed_is_refused():
    with pytest.raises(BadResponse, match="not a feed"):
        parse_feed(b"<html><body>Service unavailable</body></html>", "2405.07987")


def test_an_arxiv_feed_with_entities_is_read_without_expanding_them():
    hostile = (
        b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/'
        b"2405.07987v1</id><title>T &x;</title></entry></feed>"
    )
    paper = parse_feed(hostile, "2405.07987")
    assert "root:" not in paper.title


def test_arxiv_sources_wait_three_seconds_between_requests():
    waits, now = [], [100.0]
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, content=fixture("arxiv-2405.07987.xml"))
    )
    source = ArxivSource(
        sources_http.make_client(transport=transport), clock=lambda: now[0], sleep=waits.append
    )
    source.fetch("2405.07987")
    now[0] += 1.0
    source.fetch("2405.07987")
    assert waits == [2.0]


# doi.org


def test_an_arxiv_doi_is_read_from_datacite_through_doi_org():
    requests = []
    paper = fetch("10.48550/arXiv.2405.07987", requests)
    assert paper.title == "The Platonic Representation Hypothesis"
    assert paper.authors == ["Minyoung Huh", "Brian Cheung", "Tongzhou Wang", "Phillip Isola"]
    assert (paper.year, paper.published_on) == (2024, None)
    assert paper.arxiv_id == "2405.07987"
    assert paper.doi == "10.48550/arXiv.2405.07987"  # as asked, not DataCite's capitals
    assert paper.venue == ""  # arXiv is the publisher, not a venue
    assert paper.url == ""  # the arXiv id links there
    assert paper.abstract.startswith(PRH_ABSTRACT_START)
    assert [r.url.host for r in requests] == ["doi.org", "api.datacite.org"]
    assert requests[0].headers["Accept"].startswith("application/vnd.citationstyles.csl+json")


def test_a_journal_doi_is_read_from_crossref_through_doi_org():
    paper = fetch("https://doi.org/10.1038/nature14539")
    assert paper == PaperMetadata(
        title="Deep learning",
        authors=["Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton"],
        year=2015,
        published_on=datetime.date(2015, 5, 27),
        venue="Nature",
        abstract=paper.abstract,
        doi="10.1038/nature14539",
        source="DOI 10.1038/nature14539",
    )
    assert paper.abstract.startswith("Deep learning allows computational models")
    assert "jats" not in paper.abstract


def test_crossrefs_works_api_json_is_read_too():
    record = json.loads(fixture("doi-10.1038_nature14539.json"))
    record["title"], record["container-title"] = ["Deep learning"], ["Nature"]
    paper = parse_csl({"status": "ok", "message-type": "work", "message": record}, "10.1038/x")
    assert (paper.title, paper.venue, paper.doi) == (
        "Deep learning",
        "Nature",
        "10.1038/nature14539",
    )


def test_csl_names_keep_particles_and_organizations():
    paper = parse_csl(
        {
            "title": "T",
            "author": [
                {"given": "Laurens", "non-dropping-particle": "van der", "family": "Maaten"},
                {"literal": "The ATLAS Collaboration"},
                {"family": "Plato"},
                "not a name",
            ],
        },
        "10.1/x",
    )
    assert paper.authors == ["Laurens van der Maaten", "The ATLAS Collaboration", "Plato"]


def test_a_doi_doi_org_does_not_know_is_not_found():
    with pytest.raises(NotFound, match=r"doi.org does not know the DOI 10\.1234/not-a-real-doi"):
        fetch("10.1234/not-a-real-doi")


def test_broken_citation_data_says_what_to_do():
    with pytest.raises(BadResponse, match=r"broken citation data.*add the paper by hand"):
        fetch("10.5555/broken-json")


def test_a_doi_without_citation_data_says_so():
    with pytest.raises(BadResponse, match=r"no citation data for 10\.5555/landing-page"):
        fetch("10.5555/landing-page")


def test_citation_data_without_a_title_is_refused():
    with pytest.raises(BadResponse, match="no title"):
        parse_csl({"author": [{"family": "X"}]}, "10.1/x")


# Identifiers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2405.07987", Identifier("arxiv", "2405.07987")),
        (" arXiv:2405.07987v2 ", Identifier("arxiv", "2405.07987v2")),
        ("https://arxiv.org/abs/2405.07987", Identifier("arxiv", "2405.07987")),
        ("https://arxiv.org/pdf/2405.07987.pdf", Identifier("arxiv", "2405.07987")),
        ("cs/0112017", Identifier("arxiv", "cs/0112017")),
        ("10.1038/nature14539", Identifier("doi", "10.1038/nature14539")),
        ("doi:10.1038/nature14539", Identifier("doi", "10.1038/nature14539")),
        (
            "https://doi.org/10.48550/arXiv.2405.07987",
            Identifier("doi", "10.48550/arXiv.2405.07987"),
        ),
    ],
)
def test_identifiers_are_recognized_in_what_people_paste(text, expected):
    assert parse_identifier(text) == expected


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("hello", None, "give an arXiv id .* or a DOI"),
        ("10.1038/nature14539", "arxiv", "an arXiv id looks like 2405.07987"),
        ("2405.07987", "doi", "a DOI looks like"),
        ("", None, "is not an id we know"),
    ],
)
def test_a_wrong_identifier_says_what_one_looks_like(text, kind, message):
    with pytest.raises(ValueError, match=message):
        parse_identifier(text, kind)


# The HTTP client: a polite User-Agent, timeouts, one retry.


def test_requests_name_the_site_and_a_contact_when_there_is_one(settings):
    settings.CONTACT_EMAIL = "editors@informationbottleneck.test"
    requests = []
    fetch("2405.07987", requests)
    assert requests[0].headers["User-Agent"] == (
        "TheInformationBottleneck/1.0 (https://informationbottleneck.test; "
        "mailto:editors@informationbottleneck.test)"
    )


def test_without_a_contact_the_user_agent_names_the_site():
    assert core_http.user_agent() == (
        "TheInformationBottleneck/1.0 (https://informationbottleneck.test)"
    )


def responses(*statuses):
    """A transport answering with these statuses in turn; it records what it was asked."""
    asked = []

    def handler(request):
        asked.append(request)
        return httpx.Response(statuses[len(asked) - 1], headers={"Retry-After": "2"})

    return httpx.MockTransport(handler), asked


def test_a_busy_service_is_asked_once_more_after_the_pause_it_asks_for():
    transport, asked = responses(503, 200)
    pauses = []
    client = sources_http.make_client(transport=transport)
    response = sources_http.get(client, "https://x.test/", service="X", sleep=pauses.append)
    assert response.status_code == 200
    assert len(asked) == 2
    assert pauses == [2.0]


def test_a_service_failing_twice_is_not_asked_a_third_time():
    transport, asked = responses(503, 502, 200)
    client = sources_http.make_client(transport=transport)
    with pytest.raises(SourceUnavailable, match=r"X is having trouble \(HTTP 502, twice\)"):
        sources_http.get(client, "https://x.test/", service="X", sleep=lambda s: None)
    assert len(asked) == 2


def test_not_found_is_an_answer_not_a_failure():
    transport, asked = responses(404)
    client = sources_http.make_client(transport=transport)
    assert sources_http.get(client, "https://x.test/", service="X").status_code == 404
    assert len(asked) == 1


@pytest.fixture
def slow_server():
    """A server on 127.0.0.1 that takes its time: until the test ends, at most 5 s."""
    done = threading.Event()

    class Slow(BaseHTTPRequestHandler):
        def do_GET(self):
            done.wait(5)
            try:
                self.send_response(200)
                self.end_headers()
            except OSError:
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    done.set()
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_a_service_that_does_not_answer_in_time_is_given_up_on(slow_server):
    client = sources_http.make_client(timeout=0.2)
    source = ArxivSource(client, api_url=f"{slow_server}/api/query")
    with pytest.raises(SourceUnavailable) as raised:
        source.fetch("2405.07987")
    assert str(raised.value) == "arXiv did not answer within 0.2 s, try again in a minute."


def test_a_doi_lookup_that_does_not_answer_in_time_is_given_up_on(slow_server):
    client = sources_http.make_client(timeout=0.2)
    source = DoiSource(client, resolver=f"{slow_server}/")
    with pytest.raises(SourceUnavailable, match=r"doi.org did not answer within 0.2 s"):
        source.fetch("10.1038/nature14539")


def test_an_unreachable_service_is_tried_twice_then_reported():
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    pauses = []
    client = sources_http.make_client(timeout=2)
    with pytest.raises(SourceUnavailable, match=r"Could not reach X .*Check the network"):
        sources_http.get(client, f"http://127.0.0.1:{port}/", service="X", sleep=pauses.append)
    assert pauses == [1.0]


def test_the_default_timeout_is_ten_seconds():
    with sources.open_sources() as found:
        assert found.client.timeout.read == 10
        assert found.client.timeout.connect == 10
