from django.shortcuts import get_object_or_404, render

from core.pagination import paginate
from core.versions import versioned
from pages import structured_data
from posts.filters import PostFilter
from posts.models import Post


@versioned
def post_list(request):
    posts = Post.objects.live().select_related("author").prefetch_related("tags")
    filterset = PostFilter(request.GET, queryset=posts)
    page = paginate(request, filterset.qs)
    return render(request, "posts/post_list.html", {"filter": filterset, "page": page})


@versioned
def post_detail(request, slug):
    posts = (
        Post.objects.visible_to(request.user)
        .select_related("author")
        .prefetch_related("tags", "papers")
    )
    post = get_object_or_404(posts, slug=slug)
    context = {"post": post, "structured_data": structured_data.blog_posting(post)}
    return render(request, "posts/post_detail.html", context)
