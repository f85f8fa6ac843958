"""arXiv and doi.org as recorded in tests/fixtures/papers/: the real clients, no network.

`recorded_sources()` is `papers.sources.open_sources()` with an httpx transport that answers
each request from tests/fixtures/papers/recordings.json, so the clients' own code (requests,
redirects, status handling, parsing) runs for real. A request with no recording fails the
test, saying which.
"""

import json
from pathlib import Path

import httpx

from papers import sources

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "papers"


def _key(method, url):
    url = httpx.URL(url)
    return (method, url.scheme, url.host, url.path, tuple(sorted(url.params.multi_items())))


def recordings():
    data = json.loads((FIXTURES / "recordings.json").read_text())
    table = {}
    for recording in data["recordings"]:
        method, url = recording["request"].split(" ", 1)
        table[_key(method, url)] = recording
    return table


def fixture(name):
    return (FIXTURES / name).read_bytes()


class NoRecording(LookupError):
    pass


def replay(requests=None):
    """A transport serving the recordings; each request is appended to `requests`."""
    table = recordings()

    def handler(request):
        if requests is not None:
            requests.append(request)
        recording = table.get(_key(request.method, str(request.url)))
        if recording is None:
            raise NoRecording(
                f"No recorded response for {request.method} {request.url}: add one to "
                "tests/fixtures/papers/recordings.json."
            )
        body = fixture(recording["body"]) if recording.get("body") else b""
        return httpx.Response(recording["status"], headers=recording["headers"], content=body)

    return httpx.MockTransport(handler)


_open_sources = sources.open_sources  # the real one, even when a test has replaced it


def recorded_sources(requests=None):
    """What `papers.sources.open_sources()` returns, answering from the recordings."""
    return _open_sources(transport=replay(requests), arxiv_pause=0)


def use_recordings(monkeypatch, requests=None):
    """Make the command and the admin use the recordings instead of the network."""
    monkeypatch.setattr(sources, "open_sources", lambda **kwargs: recorded_sources(requests))
