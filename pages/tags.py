"""Tags across the graph: one vocabulary shared by episodes, papers, posts and people."""

from django.db.models import Count, Q
from taggit.models import Tag

from episodes.models import Episode
from posts.models import Post


def tags_with_counts():
    """Every tag in use by something public, with how many of each kind carry it."""
    episodes = Episode.objects.live().values("pk")
    posts = Post.objects.live().values("pk")
    return (
        Tag.objects.annotate(
            episode_count=Count("episode", filter=Q(episode__in=episodes), distinct=True),
            paper_count=Count("paper", distinct=True),
            post_count=Count("post", filter=Q(post__in=posts), distinct=True),
            person_count=Count("person", distinct=True),
        )
        .filter(
            Q(episode_count__gt=0)
            | Q(paper_count__gt=0)
            | Q(post_count__gt=0)
            | Q(person_count__gt=0)
        )
        .order_by("name")
    )


def total(tag):
    return tag.episode_count + tag.paper_count + tag.post_count + tag.person_count


def popular_tags(limit=12):
    """The most used tags, most used first (one query)."""
    return sorted(tags_with_counts(), key=lambda tag: (-total(tag), tag.name))[:limit]
