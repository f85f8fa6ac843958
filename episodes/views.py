from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from episodes.models import Appearance, Discussion, Episode


def episode_list(request):
    episodes = Episode.objects.published().with_people()
    return render(request, "episodes/episode_list.html", {"episodes": episodes})


def episode_detail(request, slug):
    episodes = (
        Episode.objects.visible_to(request.user)
        .select_related("show")
        .prefetch_related(
            Prefetch("appearances", queryset=Appearance.objects.select_related("person")),
            "chapters",
            Prefetch(
                "discussions", queryset=Discussion.objects.select_related("paper", "chapter")
            ),
            "tags",
        )
    )
    episode = get_object_or_404(episodes, slug=slug)
    return render(request, "episodes/episode_detail.html", {"episode": episode})
