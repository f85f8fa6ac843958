from django.shortcuts import get_object_or_404, render

from episodes.filters import EpisodeFilter
from episodes.models import Episode
from ibsite import structured_data
from ibsite.durations import parse_timestamp
from ibsite.pagination import paginate


def episode_list(request):
    filterset = EpisodeFilter(request.GET, queryset=Episode.objects.published().with_people())
    page = paginate(request, filterset.qs)
    return render(request, "episodes/episode_list.html", {"filter": filterset, "page": page})


def episode_detail(request, slug):
    episodes = Episode.objects.visible_to(request.user).for_detail()
    episode = get_object_or_404(episodes, slug=slug)
    # ?t=1:04:18 opens the page at that moment: the audio starts there even without JS.
    start = parse_timestamp(request.GET.get("t", ""))
    if start is not None and episode.duration is not None and start >= episode.duration:
        start = None
    context = {
        "episode": episode,
        "start": start,
        "current_chapter": episode.chapter_at(start) if start is not None else None,
        "previous_episode": episode.previous_episode(),
        "next_episode": episode.next_episode(),
        "related_episodes": episode.related_episodes(),
        "structured_data": structured_data.podcast_episode(episode),
    }
    return render(request, "episodes/episode_detail.html", context)
