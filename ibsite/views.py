from django.shortcuts import render

from episodes.models import Episode, Show
from posts.models import Post


def home(request):
    show = Show.objects.prefetch_related("hosts").first()
    episodes = Episode.objects.published().with_people()[:10]
    posts = Post.objects.published()[:5]
    return render(request, "home.html", {"show": show, "episodes": episodes, "posts": posts})
