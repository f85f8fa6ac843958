"""How to cite an episode (APA, BibTeX), and an episode's reading list (the papers it
discussed, as BibTeX or CSL-JSON).

The episode passed in should have its people prefetched (`Episode.objects.with_people()`),
so that citing it costs no query (one for the show's hosts when it names none); a reading
list costs two.
"""

from django.db.models import Prefetch
from django.utils import timezone

from core.links import absolute
from episodes.models import Discussion
from papers.bibtex import escape, family_first, make_key, split_name
from papers.citations import papers_to_bibtex, papers_to_csl
from papers.models import Authorship

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


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


# The reading list: the papers an episode discussed.


def reading_list(episode):
    """The papers discussed in the episode, in the order they come up, bylines preloaded."""
    discussions = Discussion.objects.filter(episode=episode).prefetch_related(
        Prefetch("paper__authorships", queryset=Authorship.objects.select_related("person"))
    )
    return [discussion.paper for discussion in discussions.select_related("paper")]


def _heading(episode):
    return (
        f"Papers discussed in \u201c{episode.title}\u201d, {episode.show.title}: "
        f"{episode_url(episode)}"
    )


def reading_list_bibtex(episode):
    """The reading list as a .bib file, under a comment saying where it comes from."""
    return papers_to_bibtex(reading_list(episode), _heading(episode))


def reading_list_csl(episode):
    """The reading list as CSL-JSON items."""
    return papers_to_csl(reading_list(episode))
