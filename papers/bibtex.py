"""BibTeX for papers: what a researcher pastes into their reference manager.

Also the small pieces the other exports share (papers/citations.py): splitting a name into
given and family names, telling a conference from a journal, and citation keys.
"""

import re
import unicodedata

# Characters with a meaning in BibTeX/LaTeX, written so they come out as themselves. Braces
# are spelled out: BibTeX counts every brace, escaped or not, so one alone would break the file.
_LATEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def escape(text):
    return "".join(_LATEX_ESCAPES.get(char, char) for char in " ".join(text.split()))


def _ascii_word(text):
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]", "", folded)


# Words that belong to the family name when they come before it: "Laurens van der Maaten",
# "Jean de la Fontaine". Lower case, they are particles wherever they stand. Capitalized, they
# are only taken for one right before the last word ("Yann Le Cun", "Guido Van Rossum"): "Le"
# and "Van" are also given names and Vietnamese middle names, so this is a guess either way.
_PARTICLES = {
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "dos", "das", "la",
    "le", "ter", "ten", "zu", "af", "bin", "ibn", "al", "y",
}  # fmt: skip
_CAPITALIZED_PARTICLES = {
    "Le", "La", "De", "Van", "Von", "Der", "Den", "Del", "Della", "Dos", "Ter", "Ten",
}  # fmt: skip


def split_name(name):
    """(given, family) of a name as people write it: "Yann Le Cun" -> ("Yann", "Le Cun").

    "Family, Given" is understood too. A one-word name is all family name.
    """
    if "," in name:
        family, _, given = name.partition(",")
        return " ".join(given.split()), " ".join(family.split())
    words = name.split()
    if len(words) < 2:
        return "", " ".join(words)
    start = len(words) - 1
    while start > 1 and (
        words[start - 1] in _PARTICLES
        or (start == len(words) - 1 and words[start - 1] in _CAPITALIZED_PARTICLES)
    ):
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:])


def family_first(name):
    """ "Phillip Isola" -> "Isola, Phillip", BibTeX's unambiguous form."""
    given, family = split_name(name)
    return f"{family}, {given}" if given else family


def make_key(names, year, title):
    """huh2024platonic: first author's family name, year, first significant title word."""
    family = _ascii_word(split_name(names[0])[1]).lower() if names else ""
    stop_words = {"a", "an", "the", "on", "of", "in", "for", "and", "to", "is", "are"}
    words = [_ascii_word(w).lower() for w in title.split()]
    word = next((w for w in words if w and w not in stop_words), "paper")
    return f"{family or 'anon'}{year or ''}{word}"


def citation_key(paper, authors):
    return make_key([a.name for a in authors], paper.year, paper.title)


# Where a paper appeared decides its entry type: conference papers are @inproceedings (the
# venue is the booktitle), journal papers @article, preprints and the rest @misc.
_CONFERENCE_WORDS = re.compile(
    r"\b(conference|proceedings|symposium|workshop|meeting|neural information processing "
    r"systems)\b",
    re.IGNORECASE,
)
_CONFERENCE_ACRONYMS = re.compile(
    r"\b(ICML|NeurIPS|NIPS|ICLR|CVPR|ICCV|ECCV|ACL|EMNLP|NAACL|EACL|COLING|AAAI|IJCAI|COLT|"
    r"AISTATS|UAI|KDD|SIGIR|CoRL|ICRA|IROS|ICASSP|Interspeech|INTERSPEECH|WACV|BMVC|MICCAI|"
    r"CHI|WWW|SIGGRAPH|FAccT|ALT|RSS)\b"
)
_PREPRINT = re.compile(r"\b(arxiv|biorxiv|medrxiv|preprint|ssrn|(?-i:CoRR))\b", re.IGNORECASE)


def venue_kind(venue):
    """ "conference", "journal", "preprint", or "" when there is no venue."""
    if not venue.strip():
        return ""
    if _PREPRINT.search(venue):
        return "preprint"
    if _CONFERENCE_WORDS.search(venue) or _CONFERENCE_ACRONYMS.search(venue):
        return "conference"
    return "journal"


_ENTRY_TYPES = {"conference": ("inproceedings", "booktitle"), "journal": ("article", "journal")}


def paper_to_bibtex(paper, authors=None, key=None):
    """One @inproceedings / @article / @misc entry.

    `authors` in byline order (defaults to the paper's); `key` defaults to `citation_key`.
    """
    authors = paper.ordered_authors() if authors is None else authors
    kind, venue_field = _ENTRY_TYPES.get(venue_kind(paper.venue), ("misc", "howpublished"))
    fields = [
        ("title", "{" + escape(paper.title) + "}"),  # Double braces keep the capitals.
        ("author", " and ".join(escape(family_first(a.name)) for a in authors)),
        ("year", str(paper.year) if paper.year else ""),
        (venue_field, escape(paper.venue)),
        ("doi", paper.doi),
        ("eprint", paper.arxiv_id),
        ("archivePrefix", "arXiv" if paper.arxiv_id else ""),
        ("url", paper.url or paper.arxiv_url() or paper.doi_url()),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{kind}{{{key or citation_key(paper, authors)},\n{body}\n}}\n"
