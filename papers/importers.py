"""Papers into the database: from a metadata source (arXiv, doi.org) or a BibTeX file.

`import_paper(metadata)` finds the paper the metadata describes (by arXiv id, then DOI, then
exact title) or creates it, with its authors matched to the people already here, in byline
order. It runs in one transaction: when anything fails, nothing of that paper is written.

`read_bibtex(text)` turns a BibTeX file into one `BibtexEntry` per entry: the metadata of
each readable entry, and the reason for each one that is not.
"""

import contextlib
import datetime
import logging
import re
from dataclasses import dataclass, field

import bibtexparser
from bibtexparser.middlewares.names import (
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ParsingFailedBlock
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, transaction
from django.db.models import Q
from pylatexenc.latex2text import (
    LatexNodes2Text,
    MacroTextSpec,
    get_default_latex_context_db,
)

from core.text import name_key
from papers.bibtex import venue_kind
from papers.models import Paper
from papers.services import replace_authors, save_paper
from papers.sources import Identifier, PaperMetadata, SourceError, base_id, parse_identifier
from papers.sources.doi import arxiv_id_from
from people.models import Person
from people.services import find_or_create_person

CREATED, UPDATED, UNCHANGED, SKIPPED = "created", "updated", "unchanged", "skipped"

# Fields an import may fill in on a paper that is already here, when they are empty there.
FILLABLE = ["year", "published_on", "venue", "abstract", "arxiv_id", "doi", "url"]


class ImportProblem(Exception):
    """This paper cannot be imported. The message says why and what to do."""


@dataclass
class ImportResult:
    """What importing one paper did."""

    source: str
    status: str  # CREATED, UPDATED, UNCHANGED or SKIPPED
    paper: Paper | None = None
    filled: list[str] = field(default_factory=list)  # fields filled in on an existing paper
    authors: int = 0  # authorships written
    new_people: list[Person] = field(default_factory=list)
    reason: str = ""  # why it was skipped

    def describe(self, dry_run=False):
        """One line for a person: what happened, or would have."""
        if self.status == SKIPPED:
            return f"skipped: {self.reason}"
        title = f"\u201c{self.paper.title}\u201d"
        people = f", {_count(len(self.new_people), 'new person', 'new people')}"
        people = people if self.new_people else ""
        if self.status == CREATED:
            verb = "would create" if dry_run else "created"
            return f"{verb} {title} ({_count(self.authors, 'author')}{people})"
        if self.status == UPDATED:
            verb = "would fill in" if dry_run else "filled in"
            what = [_LABELS[name] for name in self.filled]
            if self.authors:
                what.append(_count(self.authors, "author"))
            return f"{verb} {', '.join(what)} on {title}{people}"
        return f"{title} is already here, nothing new"


_LABELS = {
    "year": "year",
    "published_on": "date",
    "venue": "venue",
    "abstract": "abstract",
    "arxiv_id": "arXiv id",
    "doi": "DOI",
    "url": "URL",
}


def _count(n, singular, plural=None):
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def _clean(metadata):
    """The metadata, tidied and checked against the model's rules. Raises ImportProblem."""
    title = " ".join(metadata.title.split())
    if not title:
        raise ImportProblem("it has no title.")
    if len(title) > Paper._meta.get_field("title").max_length:
        raise ImportProblem(f"its title is longer than 500 characters ({title[:60]}...).")
    arxiv_id = metadata.arxiv_id.strip()
    if arxiv_id:
        try:
            arxiv_id = base_id(parse_identifier(arxiv_id, "arxiv").value)
        except ValueError as error:
            raise ImportProblem(f"its arXiv id is not valid: {error}") from error
    doi = metadata.doi.strip()
    if doi:
        try:
            doi = parse_identifier(doi, "doi").value
        except ValueError as error:
            raise ImportProblem(f"its DOI is not valid: {error}") from error
    url = metadata.url.strip()
    if url:
        # A link the site could not show is no loss: the ids link the paper.
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            url = ""
        if len(url) > Paper._meta.get_field("url").max_length:
            url = ""
    venue = " ".join(metadata.venue.split())
    max_venue = Paper._meta.get_field("venue").max_length
    if len(venue) > max_venue:
        venue = venue[: max_venue - 1].rsplit(" ", 1)[0] + "\u2026"
    year = metadata.year if metadata.year and 1 <= metadata.year <= 9999 else None
    published_on = metadata.published_on
    if published_on and year and published_on.year != year:
        published_on = None  # two sources disagreeing: trust the year alone
    authors, seen = [], set()
    for name in metadata.authors:
        name = " ".join(name.split())[: Person._meta.get_field("name").max_length]
        if name and name_key(name) not in seen:
            seen.add(name_key(name))
            authors.append(name)
    return {
        "title": title,
        "year": year or (published_on.year if published_on else None),
        "published_on": published_on,
        "venue": venue,
        "abstract": metadata.abstract.strip(),
        "arxiv_id": arxiv_id,
        "doi": doi,
        "url": url,
    }, authors


def _find_existing(values):
    """The paper these values describe, if it is here already. Raises ImportProblem."""
    by_arxiv = by_doi = None
    if values["arxiv_id"]:
        arxiv_id = values["arxiv_id"]
        by_arxiv = Paper.objects.filter(
            Q(arxiv_id=arxiv_id) | Q(arxiv_id__startswith=f"{arxiv_id}v")
        ).first()
    if values["doi"]:
        by_doi = Paper.objects.filter(doi__iexact=values["doi"]).first()
    if by_arxiv and by_doi and by_arxiv.pk != by_doi.pk:
        raise ImportProblem(
            f"its arXiv id {values['arxiv_id']} is on \u201c{by_arxiv.title}\u201d but its "
            f"DOI {values['doi']} is on \u201c{by_doi.title}\u201d. If they are one paper, "
            "merge them in the admin first."
        )
    if by_arxiv or by_doi:
        return by_arxiv or by_doi
    # The same title is the same paper, unless an id says otherwise.
    for paper in Paper.objects.filter(title__iexact=values["title"]):
        if (not values["arxiv_id"] or not paper.arxiv_id) and (not values["doi"] or not paper.doi):
            return paper
    return None


def _describe(error):
    """A ValidationError of the paper, as one sentence."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    problems = []
    for name, messages in error.message_dict.items():
        text = " ".join(messages)
        if name != "__all__":
            text = f"{Paper._meta.get_field(name).verbose_name}: {text}"
        problems.append(text)
    return "; ".join(problems)


def _people(names):
    """The Person for each name, in order, matched ignoring case and accents; and the new ones."""
    people, created = [], []
    for name in names:
        person, new = find_or_create_person(name=name)
        people.append(person)
        if new:
            created.append(person)
    return people, created


@transaction.atomic
def import_paper(metadata):
    """Create or complete the paper `metadata` describes. Returns an ImportResult.

    An existing paper (same arXiv id, DOI, or exact title) only gets the fields it lacks,
    and its authors if it has none; its title and byline are the editors'. Raises
    ImportProblem when the metadata cannot be imported; then nothing is written.
    """
    values, names = _clean(metadata)
    paper = _find_existing(values)
    result = ImportResult(source=metadata.source, status=UNCHANGED, paper=paper)
    if paper is None:
        paper = result.paper = Paper(**values)
        result.status = CREATED
    else:
        if paper.year and values["published_on"] and values["published_on"].year != paper.year:
            values["published_on"] = None  # a date that contradicts the editors' year
        for name in FILLABLE:
            if values[name] and not getattr(paper, name):
                setattr(paper, name, values[name])
                result.filled.append(name)
        if result.filled:
            result.status = UPDATED
    authors = None
    if names and (result.status == CREATED or not paper.authorships.exists()):
        authors, result.new_people = _people(names)
    try:
        if result.status != UNCHANGED:
            save_paper(paper=paper, authors=authors)
        elif authors is not None:
            replace_authors(paper=paper, people=authors)
    except ValidationError as error:
        raise ImportProblem(_describe(error)) from error
    if authors is not None:
        result.authors = len(authors)
        if result.status == UNCHANGED:
            result.status = UPDATED
    return result


class TooManyPapers(Exception):
    """More papers in one import than PAPERS_IMPORT_MAX_ITEMS; the message says so."""


def check_batch_size(count):
    """Refuse an import of `count` papers (entries, ids) past PAPERS_IMPORT_MAX_ITEMS, before
    anything is written or looked up: one import is one transaction, which this bounds."""
    limit = settings.PAPERS_IMPORT_MAX_ITEMS
    if count > limit:
        raise TooManyPapers(
            f"{count:,} papers are more than the {limit:,} one import takes (the "
            "PAPERS_IMPORT_MAX_ITEMS setting): import them in smaller files, or raise the "
            "setting."
        )


def import_item(label, what, *, network=None, reraise=()):
    """Import one paper of a batch (a file's entries, a list of ids); an ImportResult.

    `what` is a PaperMetadata, an Identifier to look up with `network` (what
    `papers.sources.open_sources()` gives), or the reason an entry can't be read. A paper
    that can't be imported is SKIPPED with the reason and leaves nothing behind
    (`import_paper` rolls back to its savepoint), so the batch goes on. Exceptions of the
    types in `reraise` go through instead: the job lets SourceUnavailable out, for Celery
    to try the whole job again later.
    """
    if isinstance(what, str):
        return ImportResult(source=label, status=SKIPPED, reason=what)
    try:
        if isinstance(what, Identifier):
            what = network.fetch(what)
        result = import_paper(what)
    except reraise:
        raise
    except (SourceError, ImportProblem) as error:
        return ImportResult(source=label, status=SKIPPED, reason=str(error))
    except DatabaseError as error:  # another process wrote the same paper meanwhile
        return ImportResult(
            source=label,
            status=SKIPPED,
            reason=f"the database refused it ({error}); import it again.",
        )
    result.source = label
    return result


# BibTeX files.


@contextlib.contextmanager
def quiet(logger_name):
    """Only errors from this logger, for a while."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


@dataclass
class BibtexEntry:
    """One entry of a BibTeX file: its metadata, or why it cannot be read."""

    label: str  # "refs.bib: huh2024 (line 2)"
    metadata: PaperMetadata | None = None
    problem: str = ""


class NotBibtex(Exception):
    """The file has no BibTeX entry at all."""


def _latex_decoder():
    context = get_default_latex_context_db()
    context.add_context_category(
        "ibsite", prepend=True, macros=[MacroTextSpec("url", simplify_repl="%s")]
    )
    return LatexNodes2Text(latex_context=context, math_mode="verbatim")


_DECODER = _latex_decoder()


def decode_latex(text):
    """Plain text from BibTeX's LaTeX: {\\"u} -> ü, {Platonic} -> Platonic, math kept."""
    # pylatexenc is tolerant; should it still fail, the raw text will do.
    with contextlib.suppress(Exception):
        text = _DECODER.latex_to_text(text)
    return " ".join(text.split())


def bibtex_names(value):
    """Names from a BibTeX author field, in order, as people write them ("First von Last").

    "Last, First", "First Last" and "von Last, Jr, First" are understood; braces keep a
    name whole ({OpenAI Team}); "and others" is dropped.
    """
    names = []
    for raw in split_multiple_persons_names(value):
        if raw.strip().lower() == "others":
            continue
        try:
            parts = parse_single_name_into_parts(raw, strict=False)
        except Exception:
            words = [raw]
        else:
            words = parts.first + parts.von + parts.last + parts.jr
        words = " ".join(decode_latex(word) for word in words).split()
        # "Fernando C Pereira" (Google Scholar) is "Fernando C. Pereira" (arXiv, the papers).
        words = [
            f"{w}." if len(w) == 1 and w.isupper() and i < len(words) - 1 else w
            for i, w in enumerate(words)
        ]
        if words:
            names.append(" ".join(words))
    return names


_ARXIV_IN_TEXT = re.compile(
    r"arxiv(?:\s+preprint)?\s*(?:arxiv)?[:\s/]*(?:abs/)?"
    r"(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})",
    re.IGNORECASE,
)
_DOI_PREFIX = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)


def _arxiv_id(fields):
    eprint = fields.get("eprint", "").strip()
    archive = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip().lower()
    if eprint and archive in ("", "arxiv"):
        eprint = re.sub(r"^arxiv:\s*", "", eprint, flags=re.IGNORECASE)
        try:
            return parse_identifier(eprint, "arxiv").value
        except ValueError:
            if archive == "arxiv":
                return eprint  # checked, and reported, by the import
    # Google Scholar: journal = {arXiv preprint arXiv:2405.07987}; DBLP: volume = {abs/...}
    for name in ["journal", "note", "howpublished", "volume", "url"]:
        if match := _ARXIV_IN_TEXT.search(fields.get(name, "")):
            return match.group(1)
    corr = re.fullmatch(r"abs/(.+)", fields.get("volume", "").strip())
    if corr and fields.get("journal", "").strip() == "CoRR":
        return corr.group(1)
    return arxiv_id_from(fields.get("doi", ""), fields.get("url", ""))


def _year_and_date(fields):
    date = fields.get("date", "").strip()  # biblatex
    published_on = None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        try:
            published_on = datetime.date.fromisoformat(date)
        except ValueError:
            published_on = None
    year = re.search(r"\d{4}", fields.get("year", "") or date)
    return (int(year.group()) if year else None), published_on


def entry_metadata(entry, label):
    """PaperMetadata for a parsed bibtexparser Entry. Raises ImportProblem."""
    fields = {field.key.lower(): str(field.value) for field in entry.fields}
    title = decode_latex(fields.get("title", ""))
    if not title:
        raise ImportProblem("it has no title.")
    year, published_on = _year_and_date(fields)
    venue = decode_latex(
        fields.get("booktitle") or fields.get("journal") or fields.get("journaltitle") or ""
    )
    if venue_kind(venue) == "preprint":
        venue = ""  # "arXiv preprint arXiv:...": the arXiv id says it better
    doi = _DOI_PREFIX.sub("", fields.get("doi", "").strip())
    url = fields.get("url", "").strip()
    arxiv_id = _arxiv_id(fields)
    if arxiv_id_from(url=url) or _DOI_PREFIX.match(url):
        url = ""  # the arXiv id or the DOI links there already
    return PaperMetadata(
        title=title,
        authors=bibtex_names(fields.get("author", "")),
        year=year,
        published_on=published_on,
        venue=venue,
        abstract=decode_latex(fields.get("abstract", "")),
        arxiv_id=arxiv_id,
        doi=doi,
        url=url,
        source=label,
    )


def _failed_label(block, name):
    key = re.match(r"\s*@\s*\w+\s*[{(]\s*([^,\s]+)", block.raw or "")
    line = (block.start_line or 0) + 1
    return f"{name}: {key.group(1)} (line {line})" if key else f"{name}: line {line}"


def read_bibtex(text, name="BibTeX"):
    """Every entry of a BibTeX file, in order, with its metadata or its problem.

    `name` (the file's) starts each label. Raises NotBibtex when there is no entry at all.
    """
    with quiet("bibtexparser"):  # it logs each broken entry; they are reported here
        library = bibtexparser.parse_string(text)
    entries = []
    for block in library.blocks:
        if isinstance(block, DuplicateBlockKeyBlock):
            entries.append(
                BibtexEntry(
                    _failed_label(block, name),
                    problem=f"a second entry with the key {block.key!r}; give each entry its "
                    "own key.",
                )
            )
        elif isinstance(block, ParsingFailedBlock):
            reason = getattr(block.error, "abort_reason", "") or str(block.error) or "broken"
            reason = " ".join(reason.split()).rstrip(". ")
            entries.append(
                BibtexEntry(
                    _failed_label(block, name),
                    problem=f"not valid BibTeX ({reason}); fix the entry.",
                )
            )
        elif isinstance(block, Entry):
            label = f"{name}: {block.key} (line {(block.start_line or 0) + 1})"
            try:
                entries.append(BibtexEntry(label, metadata=entry_metadata(block, label)))
            except ImportProblem as problem:
                entries.append(BibtexEntry(label, problem=str(problem)))
    if not any(entry.metadata for entry in entries):
        found = f" ({entries[0].label}: {entries[0].problem})" if entries else ""
        raise NotBibtex(
            f"{name} has no BibTeX entry we can read{found}. Is it the right file? An entry "
            "looks like @article{key, title = {...}, author = {...}, year = {2024}}."
        )
    return entries
