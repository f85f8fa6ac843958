"""arXiv's API: the Atom feed that `query?id_list=` returns for one paper.

https://info.arxiv.org/help/api/user-manual.html. arXiv asks for no more than one request
every three seconds, so a source waits that long between its own requests.
"""

import datetime
import re
import time

from lxml import etree

from papers.sources import http
from papers.sources.base import BadResponse, NotFound, PaperMetadata

API_URL = "https://export.arxiv.org/api/query"
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"

ID = re.compile(r"(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?")
PAUSE = 3.0  # seconds between requests, as arXiv asks

# No DTDs, no entities, no network: a feed is data.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def base_id(arxiv_id):
    """ "2405.07987v3" -> "2405.07987": the paper, whatever its version."""
    match = ID.fullmatch(arxiv_id)
    return match.group(1) if match else arxiv_id


def _text(element, path):
    return " ".join((element.findtext(path) or "").split())


def parse_feed(body, arxiv_id):
    """The paper in an arXiv API feed (bytes). Raises NotFound or BadResponse."""
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError as error:
        raise BadResponse(
            f"arXiv sent a broken answer for {arxiv_id} ({error}); try again in a minute."
        ) from error
    if root.tag != f"{ATOM}feed":
        raise BadResponse(
            f"arXiv answered with a {etree.QName(root).localname} document, not a feed, for "
            f"{arxiv_id}; try again later."
        )
    entries = root.findall(f"{ATOM}entry")
    if not entries:
        raise NotFound(f"arXiv has no paper {arxiv_id}. Check the id (like 2405.07987).")
    entry = entries[0]
    entry_id = _text(entry, f"{ATOM}id")
    if "/api/errors" in entry_id:
        reason = _text(entry, f"{ATOM}summary") or "an error"
        raise NotFound(f"arXiv refused {arxiv_id!r}: {reason}. An arXiv id looks like 2405.07987.")
    title = _text(entry, f"{ATOM}title")
    if not title:  # arXiv's older answer to an id it does not have: an empty entry
        raise NotFound(f"arXiv has no paper {arxiv_id}. Check the id (like 2405.07987).")
    found = ID.search(entry_id.rsplit("/abs/", 1)[-1])
    if not found or found.group(1) != base_id(arxiv_id):
        raise BadResponse(
            f"arXiv answered about another paper ({entry_id}) when asked for {arxiv_id}; "
            "try again later."
        )
    published = _text(entry, f"{ATOM}published")
    try:
        published_on = datetime.date.fromisoformat(published[:10]) if published else None
    except ValueError:
        published_on = None
    return PaperMetadata(
        title=title,
        authors=[
            name
            for author in entry.findall(f"{ATOM}author")
            if (name := _text(author, f"{ATOM}name"))
        ],
        year=published_on.year if published_on else None,
        published_on=published_on,
        venue=_text(entry, f"{ARXIV}journal_ref"),
        abstract=_text(entry, f"{ATOM}summary"),
        arxiv_id=found.group(1),
        doi=_text(entry, f"{ARXIV}doi"),
        source=f"arXiv {arxiv_id}",
    )


class ArxivSource:
    """Papers from arXiv by id ("2405.07987", "2405.07987v2", "cs/0112017")."""

    name = "arXiv"

    def __init__(
        self, client, *, api_url=API_URL, pause=PAUSE, clock=time.monotonic, sleep=time.sleep
    ):
        self.client = client
        self.api_url = api_url
        self.pause = pause
        self.clock = clock
        self.sleep = sleep
        self._last_request = None

    def fetch(self, identifier):
        if self._last_request is not None:
            wait = self.pause - (self.clock() - self._last_request)
            if wait > 0:
                self.sleep(wait)
        try:
            response = http.get(
                self.client,
                self.api_url,
                service=self.name,
                params={"id_list": identifier, "max_results": "1"},
            )
        finally:
            self._last_request = self.clock()
        # A malformed id is an HTTP 400 whose feed explains; parse_feed reports it.
        if response.status_code not in (200, 400):
            raise BadResponse(
                f"arXiv answered HTTP {response.status_code} for {identifier}; try again later."
            )
        return parse_feed(response.content, identifier)
