"""Citations out: BibTeX and CSL-JSON for lists of papers.

The papers passed in should have their bylines prefetched (`authorships__person`), so that a
list of any length costs no query here.
"""

import string

from papers.bibtex import make_key, paper_to_bibtex, split_name, venue_kind

CSL_TYPES = {"conference": "paper-conference", "journal": "article-journal"}


def _suffix(n):
    """0 -> "a", 25 -> "z", 26 -> "aa": suffixes for keys that collide."""
    letters = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = string.ascii_lowercase[rest] + letters
    return letters


def unique_keys(keys):
    """The keys, made unique: colliding ones get a, b, c... ("huh2024platonica")."""
    counts = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    taken = {key for key, n in counts.items() if n == 1}
    next_suffix, unique = {}, []
    for key in keys:
        if counts[key] > 1:
            while True:
                candidate = key + _suffix(next_suffix.get(key, 0))
                next_suffix[key] = next_suffix.get(key, 0) + 1
                if candidate not in taken:
                    break
            key = candidate
            taken.add(key)
        unique.append(key)
    return unique


def _keyed(papers):
    """(paper, authors, key) for each paper, with keys unique across the list."""
    bylines = [(paper, paper.ordered_authors()) for paper in papers]
    keys = unique_keys(
        [make_key([a.name for a in authors], p.year, p.title) for p, authors in bylines]
    )
    return [(paper, authors, key) for (paper, authors), key in zip(bylines, keys, strict=True)]


def _comment(text):
    """A BibTeX comment line: text outside entries, with no @ to start an entry."""
    return "% " + " ".join(text.replace("@", "(at)").split()) + "\n"


def papers_to_bibtex(papers, heading=""):
    """A .bib file: one entry per paper, keys unique, under an optional comment line."""
    entries = [paper_to_bibtex(p, authors, key) for p, authors, key in _keyed(papers)]
    return (_comment(heading) + "\n" if heading else "") + "\n".join(entries)


def _csl_name(name):
    given, family = split_name(name)
    return {"family": family, "given": given} if given else {"literal": family}


def paper_to_csl(paper, authors, key):
    """One CSL-JSON item (https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html)."""
    kind = venue_kind(paper.venue)
    item = {
        "id": key,
        "type": CSL_TYPES.get(kind, "article"),
        "title": paper.title,
        "author": [_csl_name(author.name) for author in authors],
    }
    if paper.published_on:
        date = paper.published_on
        item["issued"] = {"date-parts": [[date.year, date.month, date.day]]}
    elif paper.year:
        item["issued"] = {"date-parts": [[paper.year]]}
    if kind in CSL_TYPES:
        item["container-title"] = paper.venue
    elif paper.arxiv_id:  # a preprint, as reference managers file arXiv papers
        item["publisher"] = "arXiv"
        item["number"] = f"arXiv:{paper.arxiv_id}"
    elif paper.venue:
        item["publisher"] = paper.venue
    if paper.doi:
        item["DOI"] = paper.doi
    url = paper.url or paper.arxiv_url() or paper.doi_url()
    if url:
        item["URL"] = url
    if paper.abstract:
        item["abstract"] = paper.abstract
    return item


def papers_to_csl(papers):
    """CSL-JSON: a list of items, ids unique and the same as the BibTeX keys."""
    return [paper_to_csl(paper, authors, key) for paper, authors, key in _keyed(papers)]
