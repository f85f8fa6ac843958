"""The search index stays current: every save, delete and m2m change rewrites the entries that
show it, in batches, diff-wise, with a fixed number of queries; and it can be rebuilt."""

import io
import json
import logging

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from taggit.models import Tag

from episodes.models import Appearance, Chapter, Episode
from papers.models import Paper
from people.models import Person
from posts.models import Post
from search import index
from search.models import Entry, Kind
from tests.factories import (
    AffiliationFactory,
    AppearanceFactory,
    AuthorshipFactory,
    ChapterFactory,
    EpisodeFactory,
    OrganizationFactory,
    PaperFactory,
    PersonFactory,
    PostFactory,
    ShowFactory,
)
from tests.pages import saved

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def entry(**source):
    """The one entry of a source: entry(episode=e), entry(chapter=c), entry(tag=t)..."""
    if "episode" in source:
        source["kind"] = Kind.EPISODE
    return Entry.objects.get(**source)


def keywords(**source):
    return entry(**source).keywords


def entry_writes(queries):
    """The statements among `queries` that wrote to search_entry, by verb."""
    verbs = []
    for query in queries:
        words = query["sql"].split(None, 3)[:3]  # INSERT INTO "t", UPDATE "t" SET, DELETE FROM "t"
        if words[0].upper() in WRITES and '"search_entry"' in words:
            verbs.append(words[0].upper())
    return verbs


def entries_snapshot():
    return sorted(Entry.objects.values_list("pk", "kind", *Entry.TEXT_FIELDS))


# Episodes and their chapters.


def test_saving_an_episode_indexes_it_and_each_of_its_chapters():
    episode = EpisodeFactory(
        title="Reasoning Models and Planning",
        slug="reasoning",
        summary="Rao Kambhampati on what LLMs can plan.",
        duration=4500,
    )
    intro = ChapterFactory(episode=episode, start=0, title="Intro")
    lean = ChapterFactory(episode=episode, start=3858, title="Lean and Mathlib")

    own = entry(episode=episode)
    assert (own.title, own.url) == ("Reasoning Models and Planning", "/episodes/reasoning/")
    assert own.body.startswith("Rao Kambhampati on what LLMs can plan.")
    assert "Intro" in own.keywords and "Lean and Mathlib" in own.keywords
    assert own.date == episode.published_at.date()
    assert own.start is None

    chapters = Entry.objects.filter(kind=Kind.CHAPTER, episode=episode).order_by("start")
    assert [(e.chapter_id, e.title, e.url, e.start) for e in chapters] == [
        (intro.pk, "Intro", "/episodes/reasoning/?t=00:00", 0),
        (lean.pk, "Lean and Mathlib", "/episodes/reasoning/?t=1:04:18", 3858),
    ]
    assert all(e.context == "Reasoning Models and Planning" for e in chapters)
    assert all(e.date == own.date for e in chapters)
    assert Entry.objects.filter(episode=episode).count() == 3


def test_editing_a_chapter_title_rewrites_its_entry_and_the_episode_keywords_in_place():
    chapter = ChapterFactory(title="Intro")
    before = entry(chapter=chapter).pk

    chapter.title = "Why planning is hard"
    chapter.save()

    assert entry(chapter=chapter).pk == before
    assert entry(chapter=chapter).title == "Why planning is hard"
    assert "Why planning is hard" in keywords(episode=chapter.episode)
    assert "Intro" not in keywords(episode=chapter.episode)


def test_adding_and_deleting_a_chapter_adds_and_removes_its_entry():
    episode = EpisodeFactory()
    ChapterFactory(episode=episode, start=0, title="Intro")
    added = ChapterFactory(episode=episode, start=120, title="Chain of thought")
    assert entry(chapter=added).start == 120
    assert "Chain of thought" in keywords(episode=episode)

    added.delete()

    assert not Entry.objects.filter(title="Chain of thought").exists()
    assert "Chain of thought" not in keywords(episode=episode)
    assert Entry.objects.filter(kind=Kind.CHAPTER, episode=episode).count() == 1


def test_a_guest_appearance_puts_the_guest_and_affiliation_in_the_episode_keywords():
    episode = EpisodeFactory()
    guest = PersonFactory(name="Julia Kempe")
    host = PersonFactory(name="Ravid Shwartz-Ziv", is_host=True)
    AppearanceFactory(episode=episode, person=guest, affiliation="NYU/Meta")
    AppearanceFactory(episode=episode, person=host, role=Appearance.Role.HOST, affiliation="")

    own = entry(episode=episode)
    assert "Julia Kempe" in own.keywords
    assert "NYU/Meta" in own.keywords
    assert "Shwartz-Ziv" not in own.keywords  # the hosts are in every episode
    assert own.context == "with Julia Kempe"


def test_episode_people_add_with_through_defaults_is_indexed():
    episode = EpisodeFactory()
    guest = PersonFactory(name="Phillip Isola")

    episode.people.add(guest, through_defaults={"role": "guest", "affiliation": "MIT"})

    assert "Phillip Isola" in keywords(episode=episode)
    assert "MIT" in keywords(episode=episode)


def test_person_episodes_appeared_add_is_indexed_from_the_other_side():
    episode = EpisodeFactory()
    guest = PersonFactory(name="Sasha Rush")

    guest.episodes_appeared.add(episode, through_defaults={"role": "guest"})

    assert "Sasha Rush" in keywords(episode=episode)


def test_renaming_a_guest_rewrites_their_entry_and_their_episodes():
    guest = PersonFactory(name="Subarao Kambhampati")
    appearance = AppearanceFactory(person=guest)

    guest.name = "Subbarao Kambhampati"
    guest.save()

    assert entry(person=guest).title == "Subbarao Kambhampati"
    assert "Subbarao Kambhampati" in keywords(episode=appearance.episode)
    assert "Subarao" not in keywords(episode=appearance.episode)
    assert entry(episode=appearance.episode).context == "with Subbarao Kambhampati"


def test_renaming_a_person_rewrites_the_chapters_about_them():
    person = PersonFactory(name="Jesse Lai")
    chapter = ChapterFactory(title="Consistency models", person=person)
    assert keywords(chapter=chapter) == "Jesse Lai"

    person.name = "Chieh-Hsin Lai"
    person.save()

    assert keywords(chapter=chapter) == "Chieh-Hsin Lai"


def test_renaming_an_organization_rewrites_the_keywords_of_its_people():
    organization = OrganizationFactory(name="Arizona State")
    person = PersonFactory()
    AffiliationFactory(person=person, organization=organization, title="Professor")
    assert "Arizona State" in keywords(person=person)
    assert entry(person=person).context == "Professor, Arizona State"

    organization.name = "Arizona State University"
    organization.save()

    assert "Arizona State University" in keywords(person=person)
    assert entry(person=person).context == "Professor, Arizona State University"


def test_an_authorship_puts_the_author_in_the_paper_keywords_and_byline():
    paper = PaperFactory(title="The Platonic Representation Hypothesis", year=2024)
    assert "Phillip Isola" not in keywords(paper=paper)

    AuthorshipFactory(paper=paper, person=PersonFactory(name="Minyoung Huh"), order=1)
    AuthorshipFactory(paper=paper, person=PersonFactory(name="Phillip Isola"), order=2)

    assert "Phillip Isola" in keywords(paper=paper)
    assert entry(paper=paper).context == "Minyoung Huh, Phillip Isola · 2024"


def test_paper_authors_add_is_indexed():
    paper = PaperFactory()

    paper.authors.add(PersonFactory(name="Brian Cheung"), through_defaults={"order": 1})

    assert "Brian Cheung" in keywords(paper=paper)


def test_renaming_a_paper_rewrites_its_entry_and_the_chapters_that_discuss_it():
    paper = PaperFactory(title="Model Alignment Search", year=2025)
    chapter = ChapterFactory(title="Aligning models", paper=paper)
    assert keywords(chapter=chapter) == "Model Alignment Search (2025)"

    paper.title = "Model Alignment Search, revised"
    paper.save()

    assert entry(paper=paper).title == "Model Alignment Search, revised"
    assert keywords(chapter=chapter) == "Model Alignment Search, revised (2025)"


@pytest.mark.parametrize(
    ("make", "source", "manager"),
    [
        (EpisodeFactory, "episode", "tags"),
        (PaperFactory, "paper", "tags"),
        (PostFactory, "post", "tags"),
        (PersonFactory, "person", "topics"),
    ],
)
def test_tags_added_with_tags_add_become_keywords_and_topics(make, source, manager):
    obj = make()

    getattr(obj, manager).add("Mechanistic interpretability")

    assert "Mechanistic interpretability" in keywords(**{source: obj})
    tag = Tag.objects.get(name="Mechanistic interpretability")
    assert (entry(tag=tag).title, entry(tag=tag).url) == (
        "Mechanistic interpretability",
        reverse("tag_detail", args=[tag.slug]),
    )

    getattr(obj, manager).remove("Mechanistic interpretability")

    assert "Mechanistic interpretability" not in keywords(**{source: obj})


def test_renaming_and_deleting_a_tag_rewrites_what_it_tags():
    episode = EpisodeFactory(tags=["Diffusion"])
    paper = PaperFactory()
    paper.tags.add("Diffusion")
    post = PostFactory(tags=["Diffusion"])
    person = PersonFactory()
    person.topics.add("Diffusion")
    tag = Tag.objects.get(name="Diffusion")
    tagged = [{"episode": episode}, {"paper": paper}, {"post": post}, {"person": person}]

    tag.name = "Diffusion models"
    tag.save()

    assert entry(tag=tag).title == "Diffusion models"
    for source in tagged:
        assert "Diffusion models" in keywords(**source), source

    tag.delete()

    assert not Entry.objects.filter(kind=Kind.TAG).exists()
    for source in tagged:
        assert "Diffusion" not in keywords(**source), source


# Deletions.


def test_deleting_a_person_removes_them_from_the_chapters_and_posts_that_named_them():
    person = PersonFactory(name="Allen Roush")
    chapter = ChapterFactory(title="Sampling", person=person)
    post = PostFactory(author=person)
    assert keywords(chapter=chapter) == "Allen Roush"
    assert entry(post=post).context == "by Allen Roush"
    assert "Allen Roush" in keywords(post=post)

    person.delete()

    assert not Entry.objects.filter(kind=Kind.PERSON).exists()
    assert keywords(chapter=chapter) == ""
    assert "Allen Roush" not in keywords(episode=chapter.episode)
    assert entry(post=post).context == ""
    assert "Allen Roush" not in keywords(post=post)


def test_deleting_a_paper_removes_its_entry_and_its_title_from_chapters():
    paper = PaperFactory(title="Lean and the Future")
    AuthorshipFactory(paper=paper)
    chapter = ChapterFactory(paper=paper)

    paper.delete()

    assert not Entry.objects.filter(kind=Kind.PAPER).exists()
    assert keywords(chapter=chapter) == ""


def test_deleting_an_episode_removes_its_entry_and_its_chapters_entries():
    episode = EpisodeFactory()
    ChapterFactory.create_batch(3, episode=episode)
    other = EpisodeFactory()
    assert Entry.objects.filter(episode=episode).count() == 4

    episode.delete()

    assert list(Entry.objects.values_list("kind", "episode")) == [(Kind.EPISODE, other.pk)]


def test_deleting_a_post_removes_its_entry():
    post = PostFactory()
    assert Entry.objects.filter(post=post).exists()

    post.delete()

    assert not Entry.objects.filter(kind=Kind.POST).exists()


# Batches and query budgets.


def test_inside_a_batch_nothing_is_written_until_the_end_then_everything_once():
    with CaptureQueriesContext(connection) as queries, index.batch():
        episode = EpisodeFactory(title="Batched")
        ChapterFactory.create_batch(5, episode=episode)
        episode.title = "Batched and renamed"
        episode.save()
        with index.batch():  # nested: joins the outer one
            ChapterFactory(episode=episode)
        assert not Entry.objects.exists()

    assert entry(episode=episode).title == "Batched and renamed"
    assert Entry.objects.filter(kind=Kind.CHAPTER).count() == 6
    # One INSERT of all seven entries; PostgreSQL then computes their vectors in one UPDATE.
    expected = ["INSERT", "UPDATE"] if connection.vendor == "postgresql" else ["INSERT"]
    assert entry_writes(queries) == expected


def insert_batches(rows):
    """How many INSERTs Django's backend needs for `rows` entries: one on PostgreSQL; on
    SQLite, one per ~70 rows, since a statement binds at most 999 parameters."""
    fields = [f for f in Entry._meta.concrete_fields if not f.primary_key]
    size = connection.ops.bulk_batch_size(fields, [None] * rows)
    return -(-rows // size)


def test_indexing_50_episodes_makes_as_many_queries_as_indexing_1(
    django_assert_max_num_queries,
):
    def episodes_with_chapters(n, chapters=4):
        show = ShowFactory()
        episodes = saved(EpisodeFactory, n, show=show)
        Chapter.objects.bulk_create(
            Chapter(episode=episode, start=60 * i, title=f"Chapter {i} of {episode.title}")
            for episode in episodes
            for i in range(chapters)
        )
        return [episode.pk for episode in episodes]

    one = episodes_with_chapters(1)
    assert not Entry.objects.exists()  # bulk_create sends no signals
    with CaptureQueriesContext(connection) as indexing_one:
        index.update(episodes=one)
    assert Entry.objects.count() == 5

    fifty = episodes_with_chapters(50)
    # Not one query per row: only the bulk INSERT may be split, by the engine's limits.
    budget = len(indexing_one) + insert_batches(250) - insert_batches(5)
    with django_assert_max_num_queries(budget):
        index.update(episodes=fifty)
    assert Entry.objects.filter(episode__in=fifty).count() == 250
    assert Entry.objects.filter(kind=Kind.CHAPTER, episode__in=fifty).count() == 200


def test_rewriting_50_changed_episodes_makes_as_many_queries_as_rewriting_1(
    django_assert_max_num_queries,
):
    show = ShowFactory()
    one = EpisodeFactory(show=show)
    fifty = saved(EpisodeFactory, 50, show=show)
    index.update(episodes=fifty)

    Episode.objects.update(summary="Changed without signals.")
    with CaptureQueriesContext(connection) as rewriting_one:
        index.update(episodes=[one])
    assert entry_writes(rewriting_one).count("UPDATE") >= 1
    with django_assert_max_num_queries(len(rewriting_one)):
        index.update(episodes=fifty)
    assert Entry.objects.filter(body__startswith="Changed without signals.").count() == 51


def test_reindexing_unchanged_content_writes_nothing():
    episode = EpisodeFactory(title="After Math Falls", tags=["Reasoning"])
    ChapterFactory.create_batch(3, episode=episode)
    guest = PersonFactory(name="Julia Kempe")
    AppearanceFactory(episode=episode, person=guest)
    AffiliationFactory(person=guest)
    AuthorshipFactory(person=guest)
    PostFactory(author=guest, tags=["Reasoning"])
    before = entries_snapshot()

    with CaptureQueriesContext(connection) as queries:
        index.update(
            episodes=Episode.objects.all(),
            people=Person.objects.all(),
            papers=Paper.objects.all(),
            posts=Post.objects.all(),
            tags=Tag.objects.all(),
        )
        guest.save()
        episode.save()

    assert entry_writes(queries) == []
    assert entries_snapshot() == before


def test_an_unknown_kind_is_refused():
    with pytest.raises(TypeError, match="unknown kind 'chapters'"):
        index.update(chapters=[1])


# Requests: one batch each (core.middleware.batch_deferred_work).


@pytest.fixture
def people(db):
    ShowFactory()
    PersonFactory(name="Julia Kempe", slug="julia-kempe")
    PaperFactory(title="Lean", slug="lean", year=2024)


def test_an_episode_created_through_the_api_is_indexed_once_at_the_end_of_the_request(
    editor_api, people
):
    payload = {
        "title": "Reasoning Models and Planning",
        "status": "published",
        "published_at": "2025-04-01T09:00:00Z",
        "duration": 3600,
        "tags": ["Reasoning", "Planning"],
        "people": [{"person": "julia-kempe", "affiliation": "NYU"}],
        "chapters": [
            {"start": 600, "title": "Planning", "paper": "lean"},
            {"start": 0, "title": "Intro", "person": "julia-kempe"},
        ],
    }
    with CaptureQueriesContext(connection) as queries:
        response = editor_api.post("/api/v1/episodes/", payload, format="json")
    assert response.status_code == 201, response.json()

    episode = Episode.objects.get(slug="reasoning-models-and-planning")
    own = entry(episode=episode)
    assert "Julia Kempe" in own.keywords and "NYU" in own.keywords
    assert "Reasoning" in own.keywords
    chapters = Entry.objects.filter(kind=Kind.CHAPTER, episode=episode).order_by("start")
    assert [(e.title, e.keywords, e.url) for e in chapters] == [
        ("Intro", "Julia Kempe", "/episodes/reasoning-models-and-planning/?t=00:00"),
        ("Planning", "Lean (2024)", "/episodes/reasoning-models-and-planning/?t=10:00"),
    ]
    assert set(Entry.objects.filter(kind=Kind.TAG).values_list("title", flat=True)) == {
        "Reasoning",
        "Planning",
    }
    # Written at the end: one INSERT for the episode and its chapters, one for the topics.
    assert entry_writes(queries).count("INSERT") == 2
    assert "DELETE" not in entry_writes(queries)


def test_an_episode_added_in_the_admin_is_indexed_with_its_guest_and_chapters(editor_client):
    show = ShowFactory()
    guest = PersonFactory(name="Rao Kambhampati")
    form = {
        "show": show.pk,
        "title": "Can LLMs Plan?",
        "slug": "can-llms-plan",
        "episode_type": "full",
        "status": "published",
        "published_at_0": "2026-04-29",
        "published_at_1": "10:00:00",
        "guid": "b5a7f7a8-1d2c-4e0f-9a51-6f1e2c3d4b5a",
        "audio_url": "https://media.example.com/ep.mp3",
        "audio_size": "1000",
        "audio_type": "audio/mpeg",
        "duration": "4320",
        "description": "",
        "tags": "planning",
        "appearances-0-person": guest.pk,
        "appearances-0-role": "guest",
        "appearances-0-affiliation": "Arizona State",
        "appearances-0-order": "0",
        "chapters-0-start": "12",
        "chapters-0-title": "Intros",
        "chapters-1-start": "600",
        "chapters-1-title": "LLM-Modulo",
    }
    for prefix, total in [("appearances", 1), ("chapters", 2), ("discussions", 0)]:
        form |= {
            f"{prefix}-TOTAL_FORMS": str(total),
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }

    with CaptureQueriesContext(connection) as queries:
        response = editor_client.post(reverse("admin:episodes_episode_add"), form)

    assert response.status_code == 302
    episode = Episode.objects.get(slug="can-llms-plan")
    own = entry(episode=episode)
    assert own.title == "Can LLMs Plan?"
    for word in ["Rao Kambhampati", "Arizona State", "planning", "Intros", "LLM-Modulo"]:
        assert word in own.keywords
    assert Entry.objects.filter(kind=Kind.CHAPTER, episode=episode).count() == 2
    assert entry_writes(queries).count("INSERT") == 2  # the episode's entries, the topic's


# Rebuilding.


def rebuild(*args, **options):
    out = io.StringIO()
    call_command("rebuild_search_index", *args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def test_rebuild_search_index_makes_the_index_again_from_scratch():
    episode = EpisodeFactory(title="After Math Falls", tags=["Reasoning"])
    ChapterFactory.create_batch(2, episode=episode)
    PaperFactory()
    PostFactory()
    PersonFactory()
    expected = sorted(Entry.objects.values_list("kind", *Entry.TEXT_FIELDS))
    # The index gone wrong: stale text, a lost entry, an entry for nothing.
    Entry.objects.filter(kind=Kind.EPISODE).update(title="Stale")
    Entry.objects.filter(kind=Kind.PAPER).delete()
    Entry.objects.create(kind=Kind.TAG, title="Orphan", url="/nowhere/")

    output = rebuild()

    assert sorted(Entry.objects.values_list("kind", *Entry.TEXT_FIELDS)) == expected
    assert "Indexed 1 of 1 episodes..." in output
    assert "Indexed 1 of 1 papers..." in output
    assert "Indexed 1 of 1 tags..." in output
    summary = output.strip().splitlines()[-1]
    assert summary.startswith("Search index rebuilt in ")
    assert summary.endswith(
        "s: 7 entries (1 episode, 2 chapter, 1 person, 1 paper, 1 post, 1 tag)."
    )


def test_rebuild_search_index_is_quiet_at_verbosity_0():
    EpisodeFactory()
    Entry.objects.all().delete()

    assert rebuild(verbosity=0) == ""
    assert Entry.objects.count() == 1


def test_rebuild_search_index_help_says_what_it_is_for(capsys):
    with pytest.raises(SystemExit):
        call_command("rebuild_search_index", "--help")
    text = " ".join(capsys.readouterr().out.split())
    assert "Rebuild the search index from scratch" in text
    assert "loaddata" in text
    assert "one transaction" in text


def test_loaddata_raw_saves_are_not_indexed_until_a_rebuild(tmp_path):
    fixture = tmp_path / "people.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "people.person",
                    "pk": 4242,
                    "fields": {"name": "Loaded Person", "slug": "loaded", "name_key": "loaded"},
                }
            ]
        ),
        encoding="utf-8",
    )

    call_command("loaddata", str(fixture), verbosity=0)

    assert Person.objects.filter(pk=4242).exists()
    assert not Entry.objects.exists()
    rebuild()
    assert entry(person_id=4242).title == "Loaded Person"


# Failures.


def test_a_failing_block_keeps_its_own_error_and_logs_the_index_failure(caplog):
    caplog.set_level(logging.ERROR, logger="search.index")

    with pytest.raises(RuntimeError, match="the block failed"), index.batch():
        index.update(episodes=["not an id"])  # cannot be written
        raise RuntimeError("the block failed")

    assert (
        "The search index could not be updated; run manage.py rebuild_search_index." in caplog.text
    )
    assert "not an id" in caplog.text  # the index's own error, with its traceback


def test_what_a_failing_block_saved_before_failing_is_still_indexed():
    with pytest.raises(RuntimeError), index.batch():
        episode = EpisodeFactory(title="Saved before the error")
        raise RuntimeError("the block failed")

    assert entry(episode=episode).title == "Saved before the error"


def test_an_index_failure_after_a_block_that_succeeded_is_raised():
    with pytest.raises(ValueError, match="not an id"), index.batch():
        index.update(episodes=["not an id"])


def test_a_chapter_moved_to_another_episode_follows_it():
    first, second = EpisodeFactory(title="First"), EpisodeFactory(title="Second")
    chapter = ChapterFactory(episode=first, title="Wandering chapter")

    Chapter.objects.filter(pk=chapter.pk).update(episode=second)  # no signal
    index.update(episodes=[second])  # only the episode it moved to

    entry = Entry.objects.get(kind=Kind.CHAPTER, chapter=chapter)
    assert entry.episode == second
    assert entry.url.startswith(second.get_absolute_url())


def test_a_write_whose_indexing_fails_is_saved_and_answered_and_the_failure_logged(
    editor_api, caplog, monkeypatch
):
    # The index is repaired by rebuild_search_index; the saved write is never a 500.
    def fail(kind, ids):
        raise RuntimeError("the index is broken")

    monkeypatch.setattr(index, "_write", fail)
    caplog.set_level(logging.ERROR, logger="search.index")
    response = editor_api.post("/api/v1/papers/", {"title": "Saved anyway"}, format="json")
    assert response.status_code == 201, response.content
    assert Paper.objects.filter(title="Saved anyway").exists()
    assert "rebuild_search_index" in caplog.text
    assert "the index is broken" in caplog.text
