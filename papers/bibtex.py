"""BibTeX for papers: what a researcher pastes into their reference manager."""

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


def citation_key(paper, authors):
    """huh2024platonic: first author's family name, year, first significant title word."""
    family = _ascii_word(authors[0].name.split()[-1]).lower() if authors else "anon"
    stop_words = {"a", "an", "the", "on", "of", "in", "for", "and", "to", "is", "are"}
    words = [_ascii_word(w).lower() for w in paper.title.split()]
    word = next((w for w in words if w and w not in stop_words), "paper")
    return f"{family}{paper.year or ''}{word}"


def family_first(name):
    """ "Phillip Isola" -> "Isola, Phillip", BibTeX's unambiguous form."""
    parts = name.split()
    if len(parts) < 2:
        return name
    return f"{parts[-1]}, {' '.join(parts[:-1])}"


def paper_to_bibtex(paper, authors=None):
    """One @article / @misc entry. `authors` in byline order (defaults to the paper's)."""
    authors = paper.ordered_authors() if authors is None else authors
    fields = [
        ("title", "{" + escape(paper.title) + "}"),  # Double braces keep the capitals.
        ("author", " and ".join(escape(family_first(a.name)) for a in authors)),
        ("year", str(paper.year) if paper.year else ""),
        ("journal" if paper.venue else "", escape(paper.venue)),
        ("doi", paper.doi),
        ("eprint", paper.arxiv_id),
        ("archivePrefix", "arXiv" if paper.arxiv_id else ""),
        ("url", paper.url or paper.arxiv_url() or paper.doi_url()),
    ]
    kind = "article" if paper.venue else "misc"
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if name and value)
    return f"@{kind}{{{citation_key(paper, authors)},\n{body}\n}}\n"
