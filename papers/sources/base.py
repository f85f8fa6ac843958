"""What every metadata source returns, and the ways fetching can fail."""

import datetime
from dataclasses import dataclass, field
from typing import Protocol


@dataclass
class PaperMetadata:
    """A paper as a source describes it, before it is matched to the database.

    `authors` are names as written ("Minyoung Huh"), in byline order. `source` says where the
    description came from, for messages: "arXiv 2405.07987", "refs.bib: huh2024 (line 2)".
    """

    title: str
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    published_on: datetime.date | None = None
    venue: str = ""
    abstract: str = ""
    arxiv_id: str = ""
    doi: str = ""
    url: str = ""
    source: str = ""


class SourceError(Exception):
    """Metadata could not be fetched. The message says why, and what to do next."""


class NotFound(SourceError):
    """The service answered, and has no such paper."""


class SourceUnavailable(SourceError):
    """The service did not answer in time, could not be reached, or is failing."""


class BadResponse(SourceError):
    """The service answered with something we cannot read."""


class MetadataSource(Protocol):
    """Anything that turns an identifier into a `PaperMetadata` (or raises a SourceError)."""

    name: str  # "arXiv", "doi.org": for messages

    def fetch(self, identifier: str) -> PaperMetadata: ...
