from django.shortcuts import get_object_or_404, render

from posts.models import Post


def post_detail(request, slug):
    posts = Post.objects.visible_to(request.user).select_related("author")
    post = get_object_or_404(posts, slug=slug)
    return render(request, "posts/post_detail.html", {"post": post})
