import django_filters
from taggit.models import Tag

from core import versions
from core.filters import StrictFilterSet, offer_most_used
from core.tagging import count_per_tag
from posts.models import Post


def published_topics(request=None):
    """Topics of published posts (a draft's topics are not shown before it is out)."""
    return Tag.objects.filter(post__in=Post.objects.live().values("pk")).distinct()


def offered_topics():
    """The topics of the most published posts, for the topic select (once per version)."""
    live = Post.objects.live()
    topics = Tag.objects.filter(pk__in=published_topics().values("pk"))
    return versions.memoize(
        "post-filter:topics", lambda: offer_most_used(topics, count_per_tag(Post, live))
    )


class PostFilter(StrictFilterSet):
    """The post list's filter: ?tag=<slug>."""

    tag = django_filters.ModelChoiceFilter(
        to_field_name="slug",
        queryset=published_topics,
        method="filter_tag",
        empty_label="Any topic",
        label="Topic",
    )
    offered = {"tag": offered_topics}

    class Meta:
        model = Post
        fields = ["tag"]

    def filter_tag(self, queryset, name, topic):
        return queryset.on_topic(topic)
