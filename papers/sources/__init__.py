"""Where paper metadata comes from: arXiv and doi.org, behind one small interface.

    with sources.open_sources() as found:
        metadata = found.fetch(sources.parse_identifier("2405.07987"))

`open_sources()` is the one place that builds the network clients; the import command and
the admin call it through this module, so tests replace it with clients that serve recorded
responses (tests/recorded_papers.py), never the network.
"""

import re
from dataclasses import dataclass

from papers.sources.arxiv import ID as ARXIV_ID
from papers.sources.arxiv import ArxivSource, base_id
from papers.sources.base import (
    BadResponse,
    MetadataSource,
    NotFound,
    PaperMetadata,
    SourceError,
    SourceUnavailable,
)
from papers.sources.doi import DoiSource
from papers.sources.http import DEFAULT_TIMEOUT, make_client

__all__ = [
    "BadResponse",
    "Identifier",
    "MetadataSource",
    "NotFound",
    "PaperMetadata",
    "SourceError",
    "SourceUnavailable",
    "Sources",
    "base_id",
    "open_sources",
    "parse_identifier",
]

DOI = re.compile(r"10\.\d{4,9}/\S+")
_DOI_PREFIX = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)
_ARXIV_PREFIX = re.compile(
    r"^(?:arxiv:\s*|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)", re.IGNORECASE
)


@dataclass(frozen=True)
class Identifier:
    kind: str  # "arxiv" or "doi"
    value: str

    def __str__(self):
        return f"arXiv {self.value}" if self.kind == "arxiv" else f"DOI {self.value}"


def parse_identifier(text, kind=None):
    """An arXiv id or a DOI, from what someone typed or pasted (URLs and prefixes too).

    `kind` ("arxiv" or "doi") says which is expected; otherwise it is recognized. Raises
    ValueError with a message saying what an id looks like.
    """
    text = text.strip()
    if kind in (None, "arxiv"):
        candidate = _ARXIV_PREFIX.sub("", text).removesuffix(".pdf").rstrip("/")
        if ARXIV_ID.fullmatch(candidate):
            return Identifier("arxiv", candidate)
    if kind in (None, "doi"):
        candidate = _DOI_PREFIX.sub("", text)
        if DOI.fullmatch(candidate):
            return Identifier("doi", candidate)
    examples = {
        "arxiv": "an arXiv id looks like 2405.07987 (or cs/0112017 for old papers)",
        "doi": "a DOI looks like 10.48550/arXiv.2405.07987",
        None: "give an arXiv id (like 2405.07987) or a DOI (like 10.1038/nature14539)",
    }
    raise ValueError(f"{text!r} is not an id we know: {examples[kind]}.")


class Sources:
    """The metadata sources by kind, sharing one HTTP client; close it when done."""

    def __init__(self, client, **by_kind):
        self.client = client
        self.by_kind = by_kind

    def fetch(self, identifier):
        """The PaperMetadata for an Identifier. Raises SourceError saying what went wrong."""
        return self.by_kind[identifier.kind].fetch(identifier.value)

    def close(self):
        if self.client is not None:
            self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def open_sources(*, timeout=DEFAULT_TIMEOUT, transport=None, arxiv_pause=None):
    """arXiv and doi.org over the network (or over `transport`, for tests)."""
    client = make_client(timeout=timeout, transport=transport)
    arxiv = ArxivSource(client) if arxiv_pause is None else ArxivSource(client, pause=arxiv_pause)
    return Sources(client, arxiv=arxiv, doi=DoiSource(client))
