"""The show, episodes, appearances, chapters and discussions (episodes/models.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from episodes.models import Appearance, Chapter, Episode, Show
from papers.models import Paper
from people.models import Person
from tests.conftest import days_ago
from tests.factories import (
    AppearanceFactory,
    ChapterFactory,
    DiscussionFactory,
    EpisodeFactory,
    PaperFactory,
    PersonFactory,
    ShowFactory,
)

pytestmark = pytest.mark.django_db


# The show


def test_a_show_reads_as_its_title():
    assert str(ShowFactory()) == "The Information Bottleneck"


def test_a_show_lists_its_categories_with_their_subcategories():
    show = ShowFactory.build(
        categories="Technology\nScience > Mathematics\n\n  Education >  Courses  \n> Orphan\n"
    )
    assert show.category_list() == [
        ("Technology", None),
        ("Science", "Mathematics"),
        ("Education", "Courses"),
    ]


@pytest.mark.parametrize("categories", ["Science", "Science >", " Science > "])
def test_a_category_without_a_subcategory_stands_alone(categories):
    assert ShowFactory.build(categories=categories).category_list() == [("Science", None)]


@pytest.mark.parametrize("categories", ["", "\n\n", " > Mathematics"])
def test_a_show_without_categories_lists_none(categories):
    assert ShowFactory.build(categories=categories).category_list() == []


def test_a_shows_website_must_be_a_web_address():
    show = ShowFactory(website="ftp://ftp.example.com/")
    with pytest.raises(ValidationError) as error:
        show.full_clean()
    assert error.value.message_dict["website"] == ["Enter an http:// or https:// URL."]


def test_the_current_show_is_the_first_by_title():
    assert Show.objects.current() is None
    later = ShowFactory(title="Zebra", slug="zebra")
    assert Show.objects.current() == later
    first = ShowFactory(title="Aardvark", slug="aardvark")
    ShowFactory(title="Aardvark", slug="aardvark-2")  # same title: the older one stays
    assert Show.objects.current() == first


def test_the_current_show_keeps_what_was_preloaded(django_assert_num_queries):
    ShowFactory().hosts.add(PersonFactory(name="Ravid"))
    with django_assert_num_queries(2):
        show = Show.objects.prefetch_related("hosts").current()
    with django_assert_num_queries(0):
        assert [host.name for host in show.hosts.all()] == ["Ravid"]


# Episodes


def test_an_episode_reads_as_its_title_and_lives_at_its_slug():
    episode = EpisodeFactory(title="Phillip Isola: Representations", slug="phillip-isola")
    assert str(episode) == "Phillip Isola: Representations"
    assert episode.get_absolute_url() == "/episodes/phillip-isola/"


@pytest.mark.parametrize(
    ("duration", "shown"), [(4500, "1h 15m"), (3540, "59 min"), (7200, "2h"), (None, "")]
)
def test_an_episode_shows_its_duration_at_a_glance(duration, shown):
    assert EpisodeFactory.build(duration=duration).duration_display() == shown


def test_an_episode_has_its_guests_and_hosts_in_order():
    episode = EpisodeFactory()
    second = AppearanceFactory(episode=episode, order=2)
    host = AppearanceFactory(episode=episode, role=Appearance.Role.HOST)
    first = AppearanceFactory(episode=episode, order=1)

    assert episode.guests() == [first, second]
    assert episode.hosts() == [host]


def test_guests_and_hosts_cost_no_query_once_preloaded(django_assert_num_queries):
    episode = EpisodeFactory()
    AppearanceFactory(episode=episode)
    AppearanceFactory(episode=episode, role=Appearance.Role.HOST)

    episode = Episode.objects.with_people().get(pk=episode.pk)

    with django_assert_num_queries(0):
        names = [str(a.person) for a in episode.guests() + episode.hosts()]
    assert len(names) == 2


def test_an_episode_gets_a_guid_of_its_own():
    first, second = EpisodeFactory(), EpisodeFactory()
    assert first.guid and second.guid
    assert first.guid != second.guid
    assert Episode.objects.get(pk=first.pk).guid == str(first.guid)


def test_an_episode_with_audio_needs_its_size():
    episode = EpisodeFactory.build(audio_url="https://media.example.com/1.mp3", audio_size=None)
    with pytest.raises(ValidationError) as error:
        episode.clean()
    assert error.value.message_dict["audio_size"] == [
        "Podcast apps need the audio file's size in bytes."
    ]


def test_an_episode_without_audio_needs_no_size():
    episode = EpisodeFactory.build(audio_url="", audio_size=None)
    episode.clean()


def test_an_episodes_audio_must_be_a_web_address():
    episode = EpisodeFactory(audio_url="ftp://media.example.com/1.mp3")
    with pytest.raises(ValidationError) as error:
        episode.full_clean()
    assert error.value.message_dict["audio_url"] == ["Enter an http:// or https:// URL."]


def test_a_valid_episode_passes_full_clean():
    EpisodeFactory().full_clean()


def test_the_database_refuses_two_episodes_with_one_slug():
    EpisodeFactory(slug="isola")
    with pytest.raises(IntegrityError), transaction.atomic():
        EpisodeFactory(slug="isola")


def test_the_database_refuses_two_episodes_with_one_guid():
    EpisodeFactory(guid="tag:example.com,2025:1")
    with pytest.raises(IntegrityError), transaction.atomic():
        EpisodeFactory(guid="tag:example.com,2025:1")


def test_the_database_refuses_two_episodes_with_one_number_in_a_season():
    EpisodeFactory(season=1, number=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        EpisodeFactory(season=1, number=5)


def test_the_database_refuses_two_episodes_with_one_number_and_no_season():
    EpisodeFactory(season=None, number=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        EpisodeFactory(season=None, number=5)


def test_an_episode_number_may_come_back_in_another_season_or_show():
    EpisodeFactory(season=1, number=5)
    EpisodeFactory(season=2, number=5)
    EpisodeFactory(season=None, number=5)
    EpisodeFactory(show=ShowFactory(title="Another Show", slug="another"), season=1, number=5)
    assert Episode.objects.filter(number=5).count() == 4


def test_many_episodes_may_go_without_a_number():
    EpisodeFactory(number=None, episode_type=Episode.EpisodeType.TRAILER)
    EpisodeFactory(number=None, episode_type=Episode.EpisodeType.BONUS)
    EpisodeFactory(season=1, number=None)
    EpisodeFactory(season=1, number=None)
    assert Episode.objects.filter(number=None).count() == 4


# Appearances


def test_an_appearance_reads_as_person_affiliation_and_role():
    person = PersonFactory(name="Yann LeCun")
    assert str(AppearanceFactory(person=person)) == "Yann LeCun (NYU/Meta), guest"
    host = AppearanceFactory(person=person, role=Appearance.Role.HOST, affiliation="")
    assert str(host) == "Yann LeCun, host"


def test_the_database_refuses_a_person_twice_in_one_role():
    first = AppearanceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AppearanceFactory(episode=first.episode, person=first.person)


def test_a_person_may_be_host_and_guest_of_one_episode():
    guest = AppearanceFactory()
    host = AppearanceFactory(episode=guest.episode, person=guest.person, role=Appearance.Role.HOST)
    assert host.pk


# Chapters


@pytest.mark.parametrize(("start", "timestamp"), [(0, "00:00"), (65, "01:05"), (3671, "1:01:11")])
def test_a_chapter_has_a_timestamp(start, timestamp):
    assert ChapterFactory.build(start=start).timestamp() == timestamp


def test_a_chapter_reads_as_timestamp_and_title():
    assert str(ChapterFactory(start=249, title="What makes a representation good")) == (
        "04:09 What makes a representation good"
    )


def test_a_chapter_links_to_its_moment_in_the_episode():
    chapter = ChapterFactory(episode=EpisodeFactory(slug="isola"), start=3671)
    assert chapter.get_absolute_url() == "/episodes/isola/?t=1:01:11"


def test_chapters_come_in_time_order():
    episode = EpisodeFactory()
    late = ChapterFactory(episode=episode, start=600)
    early = ChapterFactory(episode=episode, start=0)
    assert list(episode.chapters.all()) == [early, late]


@pytest.mark.parametrize("start", [3600, 4000])
def test_a_chapter_cannot_start_after_the_episode_ends(start):
    chapter = ChapterFactory.build(episode=EpisodeFactory(duration=3600), start=start)
    with pytest.raises(ValidationError) as error:
        chapter.clean()
    assert error.value.message_dict["start"] == [
        f"Starts at {chapter.timestamp()}, after the episode ends (1:00:00)."
    ]


def test_a_chapter_may_start_just_before_the_episode_ends():
    ChapterFactory.build(episode=EpisodeFactory(duration=3600), start=3599).clean()


def test_a_chapter_of_an_episode_of_unknown_length_may_start_anywhere():
    ChapterFactory.build(episode=EpisodeFactory(duration=None), start=99999).clean()


def test_a_chapter_of_an_episode_not_yet_saved_is_checked_against_its_duration():
    chapter = Chapter(episode=Episode(duration=60), start=120, title="Too late")
    with pytest.raises(ValidationError):
        chapter.clean()


def test_the_database_refuses_two_chapters_at_one_start():
    first = ChapterFactory(start=60)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChapterFactory(episode=first.episode, start=60)


def test_another_episode_may_have_a_chapter_at_the_same_start():
    ChapterFactory(start=60)
    assert ChapterFactory(start=60).pk


# Discussions


def test_a_discussion_reads_as_paper_in_episode():
    discussion = DiscussionFactory(
        paper=PaperFactory(title="Neural Thickets"), episode=EpisodeFactory(title="Isola")
    )
    assert str(discussion) == "Neural Thickets in Isola"


def test_a_discussion_cannot_point_to_a_chapter_of_another_episode():
    discussion = DiscussionFactory.build(episode=EpisodeFactory(), chapter=ChapterFactory())
    with pytest.raises(ValidationError) as error:
        discussion.clean()
    assert error.value.message_dict["chapter"] == ["That chapter belongs to another episode."]


def test_a_discussion_may_point_to_a_chapter_of_its_episode():
    chapter = ChapterFactory()
    DiscussionFactory.build(episode=chapter.episode, chapter=chapter).clean()


def test_a_discussion_needs_no_chapter():
    DiscussionFactory.build(episode=EpisodeFactory(), chapter=None).clean()


def test_the_database_refuses_discussing_a_paper_twice_in_one_episode():
    first = DiscussionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        DiscussionFactory(episode=first.episode, paper=first.paper)


def test_discussions_come_in_the_order_of_their_chapters():
    episode = EpisodeFactory()
    late = DiscussionFactory(episode=episode, chapter=ChapterFactory(episode=episode, start=900))
    early = DiscussionFactory(episode=episode, chapter=ChapterFactory(episode=episode, start=60))
    assert list(episode.discussions.all()) == [early, late]


# Reads: who was in which episode, what each discussed (EpisodeQuerySet)


def test_a_persons_episodes_are_the_published_ones_they_appear_in(phillip):
    older = EpisodeFactory(published_at=days_ago(30))
    newer = EpisodeFactory(published_at=days_ago(2))
    draft = EpisodeFactory(draft=True)
    scheduled = EpisodeFactory(scheduled=True)
    for episode in [older, newer, draft, scheduled]:
        AppearanceFactory(person=phillip, episode=episode)
    AppearanceFactory(person=phillip, episode=newer, role=Appearance.Role.HOST)
    AppearanceFactory()  # someone else's

    assert list(Episode.objects.live().with_person(phillip)) == [newer, older]


def test_a_persons_episodes_include_drafts_when_asked_of_every_episode(phillip):
    draft = EpisodeFactory(draft=True)
    AppearanceFactory(person=phillip, episode=draft)
    assert list(Episode.objects.with_person(phillip)) == [draft]
    assert not Episode.objects.live().with_person(phillip).exists()


def test_episodes_with_a_guest_leave_out_those_they_hosted(phillip):
    as_guest = EpisodeFactory()
    as_host = EpisodeFactory()
    AppearanceFactory(person=phillip, episode=as_guest)
    AppearanceFactory(person=phillip, episode=as_host, role=Appearance.Role.HOST)
    AppearanceFactory(episode=EpisodeFactory())  # someone else's
    assert list(Episode.objects.with_guest(phillip)) == [as_guest]
    assert list(Episode.objects.with_guest("phillip-isola")) == [as_guest]
    assert not Episode.objects.with_guest("nobody").exists()


def test_guests_are_people_each_once_and_no_upcoming_ones_when_published(phillip):
    host = PersonFactory(name="A Host")
    upcoming = PersonFactory(name="Upcoming")
    for episode in [EpisodeFactory(), EpisodeFactory()]:  # twice a guest, once in the list
        AppearanceFactory(person=phillip, episode=episode)
        AppearanceFactory(person=host, episode=episode, role=Appearance.Role.HOST)
    AppearanceFactory(person=upcoming, episode=EpisodeFactory(scheduled=True))
    PersonFactory(name="Never on the show")

    assert list(Episode.objects.live().guests()) == [phillip]
    assert list(Episode.objects.guests()) == [phillip, upcoming]
    assert isinstance(Episode.objects.guests().first(), Person)


def test_a_persons_appearances_are_newest_first_with_their_episode(
    phillip, django_assert_num_queries
):
    older = AppearanceFactory(person=phillip, episode=EpisodeFactory(published_at=days_ago(9)))
    newer = AppearanceFactory(person=phillip, episode=EpisodeFactory(published_at=days_ago(1)))
    AppearanceFactory(person=phillip, episode=EpisodeFactory(draft=True))
    AppearanceFactory(episode=older.episode)  # someone else's

    with django_assert_num_queries(1):
        appearances = list(Episode.objects.live().appearances_of(phillip))
        assert [a.episode.title for a in appearances] == [newer.episode.title, older.episode.title]
    assert Episode.objects.appearances_of(phillip).count() == 3


def test_a_papers_discussions_are_newest_first_with_episode_and_chapter(
    django_assert_num_queries,
):
    paper = PaperFactory()
    older = EpisodeFactory(published_at=days_ago(9))
    newer = EpisodeFactory(published_at=days_ago(1))
    at = ChapterFactory(episode=older, start=60)
    DiscussionFactory(paper=paper, episode=older, chapter=at)
    DiscussionFactory(paper=paper, episode=newer)
    DiscussionFactory(paper=paper, episode=EpisodeFactory(scheduled=True))
    DiscussionFactory(episode=newer)  # another paper

    with django_assert_num_queries(1):
        found = [(d.episode, d.chapter) for d in Episode.objects.live().discussions_of(paper)]
        assert found == [(newer, None), (older, at)]
    assert Episode.objects.discussions_of(paper).count() == 3


def test_episodes_are_counted_per_person_once_each(phillip):
    both = EpisodeFactory()
    AppearanceFactory(person=phillip, episode=both)
    AppearanceFactory(person=phillip, episode=both, role=Appearance.Role.HOST)
    AppearanceFactory(person=phillip, episode=EpisodeFactory())
    AppearanceFactory(person=phillip, episode=EpisodeFactory(draft=True))
    nobody = PersonFactory(name="Nobody")

    people = Person.objects.annotate(n=Episode.objects.live().count_per_person())
    assert {person: person.n for person in people} == {phillip: 2, nobody: 0}
    everything = Person.objects.annotate(n=Episode.objects.count_per_person())
    assert everything.get(pk=phillip.pk).n == 3


def test_episodes_are_counted_per_paper(his_papers):
    thickets, platonic, pix2pix = his_papers
    for episode in [EpisodeFactory(), EpisodeFactory(), EpisodeFactory(scheduled=True)]:
        DiscussionFactory(paper=thickets, episode=episode)
    DiscussionFactory(paper=platonic)

    papers = Paper.objects.annotate(n=Episode.objects.live().count_per_paper())
    assert {paper: paper.n for paper in papers} == {thickets: 2, platonic: 1, pix2pix: 0}


def test_counting_keeps_a_papers_order_and_costs_no_extra_query(
    his_papers, django_assert_num_queries
):
    with django_assert_num_queries(1):
        papers = list(Paper.objects.annotate(n=Episode.objects.live().count_per_paper()))
    assert papers == his_papers


def test_episodes_mentioning_someone_are_the_published_ones_in_any_way(phillip, mentions):
    episodes = Episode.objects.live().mentioning(phillip).order_by("-published_at")
    assert list(episodes) == [item for item in mentions if isinstance(item, Episode)]
    assert Episode.objects.mentioning(phillip).count() == 6  # with the draft and scheduled


def test_an_episode_shared_several_ways_mentions_someone_once(phillip, his_papers):
    thickets, platonic, _ = his_papers
    episode = EpisodeFactory()
    ChapterFactory(episode=episode, person=phillip)
    ChapterFactory(episode=episode, person=phillip)
    ChapterFactory(episode=episode, paper=thickets)
    DiscussionFactory(episode=episode, paper=thickets)
    DiscussionFactory(episode=episode, paper=platonic)
    assert list(Episode.objects.mentioning(phillip)) == [episode]
    assert Episode.objects.mentioning(phillip).count() == 1


# Related episodes: a shared guest or paper weighs 3, a shared topic 1.


@pytest.fixture
def related():
    """An episode, and others sharing guests, papers or topics with it in each way."""
    ann, bea, host = PersonFactory(), PersonFactory(), PersonFactory()
    first, second = PaperFactory(), PaperFactory()
    episode = EpisodeFactory(tags=["t1", "t2"])
    for guest in [ann, bea]:
        AppearanceFactory(episode=episode, person=guest, role="guest")
    AppearanceFactory(episode=episode, person=host, role="host")
    for paper in [first, second]:
        DiscussionFactory(episode=episode, paper=paper)

    every_way = EpisodeFactory(title="every way", published_at=days_ago(9), tags=["t1", "t2"])
    for guest in [ann, bea]:
        AppearanceFactory(episode=every_way, person=guest, role="guest")
    for paper in [first, second]:
        DiscussionFactory(episode=every_way, paper=paper)
    by_guest = EpisodeFactory(title="a guest", published_at=days_ago(1))
    AppearanceFactory(episode=by_guest, person=ann, role="guest")
    by_paper = EpisodeFactory(title="a paper", published_at=days_ago(2))
    DiscussionFactory(episode=by_paper, paper=first)
    EpisodeFactory(title="two topics", published_at=days_ago(3), tags=["t1", "t2"])
    EpisodeFactory(title="one topic", published_at=days_ago(4), tags=["t2", "other"])

    # Not related: the same host, a guest who hosts there, unpublished, nothing shared.
    hosted = EpisodeFactory(title="hosted")
    AppearanceFactory(episode=hosted, person=host, role="host")
    AppearanceFactory(episode=hosted, person=ann, role="host")
    for unpublished in [EpisodeFactory(draft=True), EpisodeFactory(scheduled=True)]:
        AppearanceFactory(episode=unpublished, person=ann, role="guest")
        DiscussionFactory(episode=unpublished, paper=first)
        unpublished.tags.add("t1")
    EpisodeFactory(title="nothing shared", tags=["other"])
    return episode


def test_related_episodes_are_scored_3_a_guest_3_a_paper_1_a_topic(related):
    found = related.related_episodes(limit=10)
    assert [(episode.title, episode.score) for episode in found] == [
        ("every way", 2 * 3 + 2 * 3 + 2),
        ("a guest", 3),  # ties: newest first
        ("a paper", 3),
        ("two topics", 2),
        ("one topic", 1),
    ]
    every_way = found[0]
    shared = every_way.shared_guests, every_way.shared_papers, every_way.shared_tags
    assert shared == (2, 2, 2)  # each counted once, not multiplied by the others


def test_related_episodes_stop_at_the_limit_and_cost_one_query(related, django_assert_num_queries):
    episode = Episode.objects.for_detail().get(pk=related.pk)
    with django_assert_num_queries(1):
        found = episode.related_episodes()
    assert [episode.title for episode in found] == ["every way", "a guest", "a paper"]


def test_an_episode_sharing_nothing_has_no_related_episodes(related):
    assert EpisodeFactory().related_episodes() == []
    assert EpisodeFactory(tags=["alone"]).related_episodes() == []
