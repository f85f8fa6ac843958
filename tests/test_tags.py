"""Tags across kinds: core/tagging.py (counts and "in use" per kind) and pages/tags.py (the
topic index, popular topics)."""

import pytest
from taggit.models import Tag

from core.tagging import count_per_tag, is_tagged
from episodes.models import Episode
from pages.tags import popular_tags, tag_index, tags_with_counts
from papers.models import Paper
from tests.factories import EpisodeFactory, PaperFactory, PersonFactory, PostFactory
from tests.pages import saved, tagged

pytestmark = pytest.mark.django_db


def test_each_kind_is_counted_on_its_own_not_multiplied_by_the_others():
    # One grouped join over episodes and papers counted 6 of each here (3 times 2).
    for _ in range(2):
        EpisodeFactory(tags=["shared"])
    tagged(saved(PaperFactory, 3), "shared")
    tagged(saved(PersonFactory, 4), "shared")
    PostFactory(tags=["shared"])
    tag = tags_with_counts().get(slug="shared")
    counts = tag.episode_count, tag.paper_count, tag.post_count, tag.person_count
    assert counts == (2, 3, 1, 4)


def test_only_published_episodes_and_posts_count():
    EpisodeFactory(tags=["t"])
    EpisodeFactory(tags=["t"], draft=True)
    EpisodeFactory(tags=["t"], scheduled=True)
    PostFactory(tags=["t"], draft=True)
    tag = tags_with_counts().get(slug="t")
    assert (tag.episode_count, tag.post_count) == (1, 0)


def test_a_tag_only_drafts_carry_is_not_in_use():
    EpisodeFactory(tags=["secret"], draft=True)
    PostFactory(tags=["secret"], draft=True)
    EpisodeFactory(tags=["open"])
    assert [tag.slug for tag in tags_with_counts()] == ["open"]
    assert [tag.slug for tag in tag_index()] == ["open"]


def test_count_per_tag_and_is_tagged_take_the_rows_given():
    live = EpisodeFactory(tags=["t"])
    EpisodeFactory(tags=["t"])
    only_one = Episode.objects.filter(pk=live.pk)
    tag = Tag.objects.annotate(
        all_episodes=count_per_tag(Episode), one=count_per_tag(Episode, only_one)
    ).get(slug="t")
    assert (tag.all_episodes, tag.one) == (2, 1)
    assert not Tag.objects.filter(is_tagged(Paper)).exists()
    assert Tag.objects.filter(is_tagged(Episode, only_one)).exists()


def test_popular_topics_are_the_most_used_then_by_name():
    for name, uses in [("b", 3), ("a", 3), ("c", 1), ("d", 2)]:
        tagged(saved(PaperFactory, uses), name)
    assert [tag.name for tag in popular_tags(limit=3)] == ["a", "b", "d"]


def test_popular_topics_follow_an_edit_at_once():
    tagged(saved(PaperFactory, 2), "old")
    assert [tag.name for tag in popular_tags()] == ["old"]
    EpisodeFactory(tags=["new"])
    assert [tag.name for tag in popular_tags()] == ["old", "new"]
