"""Papers by DOI, through doi.org's content negotiation.

Asking https://doi.org/<DOI> for `application/vnd.citationstyles.csl+json` works for every
registration agency: Crossref answers for journals and proceedings, DataCite for arXiv's own
DOIs (10.48550/arXiv.*), which Crossref's works API does not know. The answer is CSL-JSON;
Crossref's works API JSON (`{"message": {...}}`, titles in lists) is read as well.
"""

import datetime
import html
import json
import re
from urllib.parse import quote

from papers.sources import http
from papers.sources.arxiv import ID as ARXIV_ID
from papers.sources.base import BadResponse, NotFound, PaperMetadata

RESOLVER = "https://doi.org/"
CSL_JSON = "application/vnd.citationstyles.csl+json"
ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(.+)", re.IGNORECASE)
ARXIV_URL = re.compile(r"https?://(?:export\.)?arxiv\.org/(?:abs|pdf)/(.+?)(?:\.pdf)?/?$")
DATE_FIELDS = ["issued", "published-print", "published-online", "published", "created"]


def _plain(value):
    """Text from a CSL value: a string or Crossref's one-item list, markup (JATS) removed."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if not isinstance(value, str):
        return ""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", value)).split())


def _name(author):
    if not isinstance(author, dict):
        return ""
    if author.get("literal") or author.get("name"):  # organizations, consortia
        return _plain(author.get("literal") or author.get("name"))
    particle = author.get("non-dropping-particle", "")
    parts = [author.get("given", ""), particle, author.get("family", ""), author.get("suffix")]
    return " ".join(_plain(part) for part in parts if part)


def _date(data):
    """(year, exact date or None) from the first CSL date the record has."""
    for name in DATE_FIELDS:
        value = data.get(name)
        parts = value.get("date-parts") if isinstance(value, dict) else None
        if not (isinstance(parts, list) and parts and isinstance(parts[0], list)):
            continue
        try:
            numbers = [int(part) for part in parts[0] if part is not None]
        except (TypeError, ValueError):
            continue
        if not numbers:
            continue
        try:
            exact = datetime.date(*numbers[:3]) if len(numbers) >= 3 else None
        except ValueError:
            exact = None
        return numbers[0], exact
    return None, None


def arxiv_id_from(doi="", url=""):
    """The arXiv id an arXiv DOI or arXiv URL stands for, or ""."""
    for pattern, text in [(ARXIV_DOI, doi), (ARXIV_URL, url)]:
        match = pattern.fullmatch(text.strip()) if text else None
        if match and (found := ARXIV_ID.fullmatch(match.group(1))):
            return found.group(1)
    return ""


def parse_csl(data, doi):
    """The paper in a CSL-JSON record (a dict) for `doi`. Raises BadResponse."""
    if isinstance(data, dict) and isinstance(data.get("message"), dict):
        data = data["message"]  # Crossref's works API wraps the record
    if not isinstance(data, dict):
        raise BadResponse(f"doi.org sent citation data we cannot read for {doi}.")
    title = _plain(data.get("title"))
    if not title:
        raise BadResponse(
            f"The citation data for {doi} has no title; add the paper by hand in the admin."
        )
    found_doi = _plain(data.get("DOI")) or doi
    url = _plain(data.get("URL"))
    arxiv_id = arxiv_id_from(found_doi, url)
    year, published_on = _date(data)
    venue = _plain(data.get("container-title"))
    abstract = _plain(data.get("abstract"))
    if abstract.lower().startswith("abstract "):  # JATS abstracts start with their heading
        abstract = abstract[len("abstract ") :]
    if url.startswith(("https://doi.org/", "http://dx.doi.org/")) or arxiv_id:
        url = ""  # the DOI or the arXiv id links there already
    return PaperMetadata(
        title=title,
        authors=[name for author in data.get("author") or [] if (name := _name(author))],
        year=year,
        published_on=published_on,
        venue=venue,
        abstract=abstract,
        arxiv_id=arxiv_id,
        # DOIs ignore case; keep the one asked for when it is the same.
        doi=doi if found_doi.lower() == doi.lower() else found_doi,
        url=url,
        source=f"DOI {doi}",
    )


class DoiSource:
    """Papers by DOI ("10.1038/nature14539"), from whichever agency registered it."""

    name = "doi.org"

    def __init__(self, client, *, resolver=RESOLVER):
        self.client = client
        self.resolver = resolver

    def fetch(self, identifier):
        response = http.get(
            self.client,
            self.resolver + quote(identifier, safe="/:;()._-"),
            service=self.name,
            headers={"Accept": f"{CSL_JSON}, application/json;q=0.5"},
        )
        if response.status_code in (404, 410):
            raise NotFound(
                f"doi.org does not know the DOI {identifier}. Check it (like "
                "10.48550/arXiv.2405.07987), or add the paper by its arXiv id."
            )
        if response.status_code != 200:
            raise BadResponse(
                f"doi.org answered HTTP {response.status_code} for {identifier}; try again later."
            )
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if "json" not in content_type:
            raise BadResponse(
                f"doi.org has no citation data for {identifier} (it sent a web page). Add "
                "the paper by hand, or by its arXiv id."
            )
        try:
            data = json.loads(response.content)
        except ValueError as error:
            raise BadResponse(
                f"doi.org sent broken citation data for {identifier}; try again later, or "
                "add the paper by hand."
            ) from error
        return parse_csl(data, identifier)
