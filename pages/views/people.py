from django.shortcuts import get_object_or_404, render

from core.links import absolute
from core.pagination import paginate
from core.versions import versioned
from episodes.models import Episode
from pages import structured_data
from pages.filters import PersonFilter
from pages.views.papers import BIBTEX, download
from papers.citations import papers_to_bibtex
from papers.models import Paper
from people.models import Person
from posts.models import Post


def listed(people):
    """People as lists show them, by name: current positions, and how many published
    episodes they were in and papers they wrote (`person_summary` in core's tags)."""
    return (
        people.with_current_positions()
        .annotate(
            episode_count=Episode.objects.live().count_per_person(),
            paper_count=Paper.objects.count_per_person(),
        )
        .order_by("name")
    )


def recent_mentions(person, limit=10):
    """Published episodes and posts that mention `person` or discuss their papers.

    Returns (date, item) pairs, newest first. Two queries. Each app says which of its own
    rows mention someone (`EpisodeQuerySet.mentioning()`, `PostQuerySet.mentioning()`); the
    mixing of two kinds of content into one list is what the person's page shows, so it
    lives with the page rather than in either app.
    """
    # A mention shows its title and date: the rows' long texts stay in the database.
    episodes = Episode.objects.live().mentioning(person).order_by("-published_at")
    episodes = episodes.only("title", "slug", "published_at")
    posts = Post.objects.live().mentioning(person).order_by("-published_at")
    posts = posts.only("title", "slug", "published_at")
    mentions = [(e.published_at, e) for e in episodes[:limit]]
    mentions += [(p.published_at, p) for p in posts[:limit]]
    mentions.sort(key=lambda pair: pair[0], reverse=True)
    return mentions[:limit]


@versioned
def person_list(request):
    filterset = PersonFilter(request.GET, queryset=listed(Person.objects.all()))
    page = paginate(request, filterset.qs)
    return render(request, "people/person_list.html", {"filter": filterset, "page": page})


@versioned
def person_detail(request, slug):
    person = get_object_or_404(Person.objects.with_profile(), slug=slug)
    affiliations = person.affiliations.all()
    context = {
        "person": person,
        "affiliations": affiliations,
        # Lists of links: only the fields they show (an episode's transcript, a paper's
        # abstract, a person's biography can be long).
        "appearances": Episode.objects.live()
        .appearances_of(person)
        .defer("episode__description", "episode__transcript", "episode__music_credits"),
        "papers": Paper.objects.by(person).with_authors().defer("abstract", "summary"),
        "coauthors": Paper.objects.coauthors_of(person).only("name", "slug"),
        "cited_by": Paper.objects.citing_work_of(person).only("title", "slug"),
        "mentions": recent_mentions(person),
        "structured_data": structured_data.person(person, affiliations),
    }
    return render(request, "people/person_detail.html", context)


@versioned
def person_papers_bibtex(request, slug):
    """Everything this person wrote, as one .bib file (one entry a paper, unique keys)."""
    person = get_object_or_404(Person, slug=slug)
    papers = Paper.objects.by(person).with_authors()
    url = absolute(person.get_absolute_url())
    heading = f"Papers by {person.name}, from The Information Bottleneck: {url}"
    return download(papers_to_bibtex(papers, heading), BIBTEX, f"{person.slug}-papers.bib")
