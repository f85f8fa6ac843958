from core.filters import StrictFilterSet, offered_topics, topic_filter
from posts.models import Post


def live():
    """The posts the public sees (a function: "now" is when it is called)."""
    return Post.objects.live()


class PostFilter(StrictFilterSet):
    """The post list's filter: ?tag=<slug>."""

    tag = topic_filter(Post, live)
    offered = {"tag": lambda: offered_topics(Post, live)}

    class Meta:
        model = Post
        fields = ["tag"]
