"""Tags across the graph: one vocabulary shared by episodes, papers, posts and people."""

from taggit.models import Tag

from core import versions
from core.tagging import count_per_tag, is_tagged
from episodes.models import Episode
from papers.models import Paper
from people.models import Person
from posts.models import Post


def tags_in_use():
    """Every tag carried by something public (a topic page has something to show): a test
    per kind that stops at the first row, with no counting."""
    return Tag.objects.filter(
        is_tagged(Episode, Episode.objects.live())
        | is_tagged(Paper)
        | is_tagged(Post, Post.objects.live())
        | is_tagged(Person)
    )


def tags_with_counts():
    """Every tag in use by something public, with how many of each kind carry it."""
    live_episodes, live_posts = Episode.objects.live(), Post.objects.live()
    return (
        tags_in_use()
        .annotate(
            episode_count=count_per_tag(Episode, live_episodes),
            paper_count=count_per_tag(Paper),
            post_count=count_per_tag(Post, live_posts),
            person_count=count_per_tag(Person),
        )
        .order_by("name")
    )


def total(tag):
    return tag.episode_count + tag.paper_count + tag.post_count + tag.person_count


def popular_tags(limit=12):
    """The most used tags, most used first: one query, once per content version (it counts
    every tagged row, too much to do on each visit of the home page)."""

    def compute():
        return sorted(tags_with_counts(), key=lambda tag: (-total(tag), tag.name))[:limit]

    return versions.memoize(f"popular-tags:{limit}", compute)


def tag_index():
    """Every public tag with its counts, by name, as the topics page lists them (once per
    content version: counting every tagged row takes a few hundred milliseconds at scale)."""
    return versions.memoize("tag-index", lambda: list(tags_with_counts()))
