"""Tags across kinds: core/tagging.py (counts and "in use" per kind) and pages/tags.py (the
topic index, popular topics)."""

import datetime

import pytest
from django.utils import timezone
from taggit.models import Tag

from core.tagging import count_per_tag, is_tagged
from episodes.models import Episode
from pages.tags import popular_tags, tag_index, tags_with_counts
from papers.models import Paper
from tests.factories import EpisodeFactory, PaperFactory, PersonFactory, PostFactory
from tests.pages import Page, saved, tagged

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


def test_a_scheduled_post_or_episode_is_not_counted_before_its_time():
    later = timezone.now() + datetime.timedelta(days=1)
    PostFactory(tags=["soon"], published_at=later)
    EpisodeFactory(tags=["soon"], scheduled=True)
    PaperFactory().tags.add("soon")
    tag = tags_with_counts().get(slug="soon")
    assert (tag.episode_count, tag.paper_count, tag.post_count) == (0, 1, 0)


def test_a_tag_only_a_scheduled_post_carries_is_not_in_use():
    PostFactory(tags=["soon"], published_at=timezone.now() + datetime.timedelta(days=1))
    assert list(tags_with_counts()) == []


def test_the_topic_index_follows_an_edit_at_once():
    tagged(saved(PaperFactory, 2), "t")
    assert [(tag.slug, tag.paper_count) for tag in tag_index()] == [("t", 2)]
    PaperFactory().tags.add("t")
    EpisodeFactory(tags=["u"])
    index = [(tag.slug, tag.paper_count, tag.episode_count) for tag in tag_index()]
    assert index == [("t", 3, 0), ("u", 0, 1)]


# Through the pages, rendered each time: what is kept per content version follows an edit.


@pytest.fixture
def page_cache_off(settings):
    settings.PAGE_CACHE_SECONDS = 0


def popular_on_home(client):
    (section,) = Page(client.get("/")).text_of("section", aria_labelledby="popular-topics")
    return section.split()[2:]  # after the heading


def test_the_home_pages_popular_topics_follow_an_edit_at_once(client, page_cache_off):
    # Papers carry the topics: an episode's card would show its topics on the home page too.
    tagged(saved(PaperFactory, 2), "old")
    PaperFactory().tags.add("rare")
    assert popular_on_home(client) == ["#old", "#rare"]
    for _ in range(3):
        PaperFactory().tags.add("new")
    assert popular_on_home(client) == ["#new", "#old", "#rare"]
    Tag.objects.get(slug="rare").delete()
    assert popular_on_home(client) == ["#new", "#old"]


def test_the_topics_page_counts_each_kind_and_follows_an_edit(client, page_cache_off):
    tagged(saved(PaperFactory, 3), "shared")
    for _ in range(2):
        EpisodeFactory(tags=["shared"])
    EpisodeFactory(tags=["shared"], draft=True)
    (before,) = Page(client.get("/tags/")).text_of("ul", class_="tag-index")
    PaperFactory().tags.add("shared")
    (after,) = Page(client.get("/tags/")).text_of("ul", class_="tag-index")
    assert "2 episodes" in before and "3 papers" in before
    assert "2 episodes" in after and "4 papers" in after
