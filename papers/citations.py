"""Citations out: BibTeX and CSL-JSON for lists of papers, and how to cite an episode.

The papers passed in should have their bylines prefetched (`authorships__person`), so that a
list of any length costs no query here.
"""

import string

from django.utils import timezone

from core.links import absolute
from papers.bibtex import escape, family_first, make_key, paper_to_bibtex, split_name, venue_kind

CSL_TYPES = {"conference": "paper-conference", "journal": "article-journal"}
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


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


# Citing an episode.


def _episode_people(episode):
    """(hosts, guest appearances) of an episode, from its prefetched appearances.

    Hosts are the episode's; when it names none, the show's.
    """
    hosts = [appearance.person for appearance in episode.hosts()]
    if not hosts:
        hosts = list(episode.show.hosts.all())
    return hosts, episode.guests()


def _published_on(episode):
    return timezone.localtime(episode.published_at).date() if episode.published_at else None


def episode_url(episode):
    return absolute(episode.get_absolute_url())


def episode_to_bibtex(episode):
    """A @misc entry: the hosts as authors, the guests in a note, the show as publisher."""
    hosts, guests = _episode_people(episode)
    date = _published_on(episode)
    key = make_key([host.name for host in hosts], date.year if date else None, episode.title)
    kind = f"Podcast episode {episode.number}" if episode.number else "Podcast episode"
    with_guests = ", ".join(
        f"{a.person.name} ({a.affiliation})" if a.affiliation else a.person.name for a in guests
    )
    note = f"{kind}{f', with {with_guests}' if with_guests else ''}"
    fields = [
        ("title", "{{" + escape(episode.title) + "}}"),
        ("author", "{" + " and ".join(escape(family_first(h.name)) for h in hosts) + "}"),
        ("howpublished", "{" + escape(episode.show.title) + "}"),
        ("year", f"{{{date.year}}}" if date else ""),
        ("month", MONTHS[date.month - 1] if date else ""),  # a macro: styles write the name
        ("note", "{" + escape(note) + "}"),
        ("url", "{" + episode_url(episode) + "}"),
    ]
    body = ",\n".join(f"  {name} = {value}" for name, value in fields if value not in ("", "{}"))
    return f"@misc{{{key},\n{body}\n}}\n"


def _initials(given):
    """ "Ravid" -> "R.", "Chieh-Hsin Jesse" -> "C.-H. J."."""
    return " ".join(
        "-".join(f"{part[0]}." for part in word.split("-") if part) for word in given.split()
    )


def _apa_name(name):
    given, family = split_name(name)
    return f"{family}, {_initials(given)}" if given else family


def _apa_names(names):
    """APA's list: "A", "A, & B", "A, B, & C"; past 20, the first 19, "...", the last."""
    names = [_apa_name(name) for name in names]
    if len(names) > 20:
        return ", ".join(names[:19]) + ", . . . " + names[-1]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + ", & " + names[-1]


def episode_citation(episode):
    """An APA-style citation: "Shwartz-Ziv, R., & Roush, A. (2026, June 4). Title (No. 12)
    [Audio podcast episode]. In The Information Bottleneck. https://..."."""
    hosts, _ = _episode_people(episode)
    date = _published_on(episode)
    when = f"({date.year}, {date:%B} {date.day})" if date else "(n.d.)"
    number = f" (No. {episode.number})" if episode.number else ""
    what = f"{episode.title}{number} [Audio podcast episode]"
    where = f"In {episode.show.title}. {episode_url(episode)}"
    if not hosts:  # APA moves the title to the author's place
        return f"{what}. {when}. {where}"
    names = _apa_names([host.name for host in hosts])
    return f"{names}{'' if names.endswith('.') else '.'} {when}. {what}. {where}"
