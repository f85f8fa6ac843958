import json

from django.shortcuts import get_object_or_404, render

from core.durations import parse_timestamp
from core.pagination import paginate
from core.versions import versioned
from episodes import citations
from episodes.filters import EpisodeFilter
from episodes.models import Episode
from pages import structured_data
from pages.views.papers import BIBTEX, CSL_JSON, download
from pages.views.reviews import reviews_of


@versioned
def episode_list(request):
    filterset = EpisodeFilter(request.GET, queryset=Episode.objects.live().for_cards())
    page = paginate(request, filterset.qs)
    return render(request, "episodes/episode_list.html", {"filter": filterset, "page": page})


@versioned
def episode_detail(request, slug):
    episodes = Episode.objects.visible_to(request.user).for_detail()
    episode = get_object_or_404(episodes, slug=slug)
    # ?t=1:04:18 opens the page at that moment: the audio starts there even without JS.
    start = parse_timestamp(request.GET.get("t", ""))
    if start is not None and episode.duration is not None and start >= episode.duration:
        start = None
    # A draft or scheduled episode (editors see it) takes no reviews yet.
    reviews = reviews_of(request, episode) if episode.is_live() else None
    context = {
        "episode": episode,
        "reviews": reviews,
        "start": start,
        "current_chapter": episode.chapter_at(start) if start is not None else None,
        "previous_episode": episode.previous_episode(),
        "next_episode": episode.next_episode(),
        "related_episodes": episode.related_episodes(),
        "structured_data": structured_data.podcast_episode(episode, reviews),
        "citation": citations.episode_citation(episode),
        "citation_bibtex": citations.episode_to_bibtex(episode),
    }
    return render(request, "episodes/episode_detail.html", context)


# Downloads: the papers an episode discussed, and how to cite the episode.


def _episode(request, slug):
    """The episode, if this visitor may see it (drafts are the editors'), with its people."""
    return get_object_or_404(Episode.objects.visible_to(request.user).with_people(), slug=slug)


@versioned
def reading_list_bibtex(request, slug):
    episode = _episode(request, slug)
    content = citations.reading_list_bibtex(episode)
    return download(content, BIBTEX, f"{episode.slug}-reading-list.bib")


@versioned
def reading_list_csl(request, slug):
    episode = _episode(request, slug)
    content = json.dumps(citations.reading_list_csl(episode), ensure_ascii=False, indent=2)
    return download(content, CSL_JSON, f"{episode.slug}-reading-list.json")


@versioned
def cite_bibtex(request, slug):
    episode = _episode(request, slug)
    return download(citations.episode_to_bibtex(episode), BIBTEX, f"{episode.slug}.bib")
