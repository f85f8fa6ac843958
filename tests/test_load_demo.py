"""`manage.py load_demo`: what it loads, that it is idempotent, and that it fails cleanly."""

import builtins
import io
import itertools
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.core.management import CommandError, call_command
from django.test import TestCase

from episodes.models import Appearance, Chapter, Episode, Show
from ibsite.editors import EDITORS_GROUP
from ibsite.management.commands.load_demo import DEFAULT_FILE
from papers.models import Paper
from people.models import Organization, Person
from posts.models import Post, Verdict
from tests.faults import refuse_inserts

pytestmark = pytest.mark.django_db

ISOLA_EPISODE = "platonic-representations-and-artificial-life-phillip-isola"
PRH = "the-platonic-representation-hypothesis"


def load_demo(*args, **options):
    """Run the command; return what it printed."""
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def snapshot():
    """Every row of every table, to compare the database before and after."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
    }


def content():
    return json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))


def write_content(path, data):
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture
def demo(db):
    """The demo content, loaded for a test that changes it."""
    load_demo()


# What it loads: one load shared by the class, since these tests only read.


class TestWhatItLoads(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def test_it_loads_nine_published_episodes_of_one_show(self):
        assert Show.objects.get().title == "The Information Bottleneck"
        assert Episode.objects.count() == 9
        assert Episode.objects.live().count() == 9
        assert set(Episode.objects.values_list("is_draft", flat=True)) == {False}

    def test_it_loads_the_people_organizations_papers_and_post(self):
        assert Person.objects.count() == 14
        assert Person.objects.hosts().count() == 2
        assert Organization.objects.count() == 13
        assert Paper.objects.count() == 2
        assert Post.objects.live().count() == 1

    def test_the_hosts_host_the_show_and_every_episode(self):
        show = Show.objects.get()
        assert {p.name for p in show.hosts.all()} == {"Ravid Shwartz-Ziv", "Allen Roush"}
        for episode in Episode.objects.all():
            hosts = episode.appearances.filter(role=Appearance.Role.HOST).order_by("order")
            assert [a.person.name for a in hosts] == ["Ravid Shwartz-Ziv", "Allen Roush"]
            assert episode.appearances.filter(role=Appearance.Role.GUEST).count() == 1

    def test_guests_appear_with_the_affiliation_shown_in_the_title(self):
        kempe = Appearance.objects.get(person__name="Julia Kempe")
        assert kempe.role == Appearance.Role.GUEST
        assert kempe.affiliation == "NYU/Meta"
        assert kempe.episode.slug == "after-math-falls-whats-next-julia-kempe"
        assert Appearance.objects.get(person__name="Sasha Rush").affiliation == "Cursor/Cornell"
        lai = Person.objects.get(slug="jesse-lai")
        assert lai.name == "Jesse Lai"
        assert "Chieh-Hsin (Jesse) Lai" in lai.bio

    def test_every_episode_has_chapters_in_time_order_within_its_length(self):
        for episode in Episode.objects.all():
            starts = list(episode.chapters.values_list("start", flat=True))
            assert starts, episode.slug
            assert all(a < b for a, b in itertools.pairwise(starts)), episode.slug
            assert starts[-1] < episode.duration, episode.slug

    def test_the_isola_episode_has_its_seed_chapters_duration_and_date(self):
        episode = Episode.objects.get(slug=ISOLA_EPISODE)
        chapters = list(episode.chapters.all())
        assert len(chapters) == 24
        assert (chapters[0].start, chapters[0].title) == (0, "Intro song")
        assert (chapters[-1].timestamp(), chapters[-1].title) == (
            "1:08:36",
            "Why stay in academia, and doing science in the age of Opus",
        )
        assert episode.duration == 4320
        assert episode.published_at.isoformat() == "2026-06-04T10:00:00+00:00"

    def test_descriptions_keep_the_prose_and_move_the_music_credits(self):
        episode = Episode.objects.get(slug=ISOLA_EPISODE)
        assert episode.description.startswith("Phillip Isola, professor at MIT, joins us")
        assert "Timeline" not in episode.description
        assert "About:" not in episode.description
        assert episode.music_credits == (
            '"Kid Kodi" - Blue Dot Sessions - via Free Music Archive - CC BY-NC 4.0.'
        )
        assert episode.summary == (
            "Phillip Isola, professor at MIT, joins us to talk about representation learning: "
            "what makes a representation good, why different models seem to converge on similar "
            "representations, and whether pre-training is really over."
        )
        kempe = Episode.objects.get(slug="after-math-falls-whats-next-julia-kempe")
        assert kempe.music_credits.splitlines()[1:] == [
            '"Palms Down" - Blue Dot Sessions - via Free Music Archive - CC BY-NC 4.0.',
            "Changes: trimmed",
        ]

    def test_episodes_play_the_silent_demo_audio(self):
        size = Path(finders.find("demo/silence.mp3")).stat().st_size
        assert 100_000 < size < 400_000
        for episode in Episode.objects.all():
            assert episode.audio_url == (
                "https://informationbottleneck.test/static/demo/silence.mp3"
                f"?episode={episode.slug}"
            )
            assert episode.audio_size == size
            assert episode.audio_type == "audio/mpeg"

    def test_the_platonic_representation_paper_has_its_four_authors_in_order(self):
        paper = Paper.objects.get(slug=PRH)
        assert [p.name for p in paper.ordered_authors()] == [
            "Minyoung Huh",
            "Brian Cheung",
            "Tongzhou Wang",
            "Phillip Isola",
        ]
        assert (paper.venue, paper.year, paper.arxiv_id) == ("ICML 2024", 2024, "2405.07987")
        assert paper.summary.startswith("Neural networks trained on different data modalities")

    def test_isola_has_three_coauthors_with_one_shared_paper_each(self):
        isola = Person.objects.get(slug="phillip-isola")
        assert [(p.name, p.shared_papers) for p in Paper.objects.coauthors_of(isola)] == [
            ("Brian Cheung", 1),
            ("Minyoung Huh", 1),
            ("Tongzhou Wang", 1),
        ]
        mit = isola.current_affiliations().get()
        assert (mit.organization.name, mit.organization.kind) == (
            "MIT",
            Organization.Kind.INSTITUTE,
        )

    def test_the_platonic_representation_paper_is_cited_by_model_alignment_search(self):
        paper = Paper.objects.get(slug=PRH)
        assert [p.title for p in paper.cited_by.all()] == ["Model Alignment Search"]
        isola = Person.objects.get(slug="phillip-isola")
        assert [(p.title, p.refs) for p in Paper.objects.citing_work_of(isola)] == [
            ("Model Alignment Search", 1)
        ]

    def test_the_isola_episode_discusses_the_paper_at_its_chapter(self):
        discussion = Episode.objects.get(slug=ISOLA_EPISODE).discussions.get()
        assert discussion.paper.slug == PRH
        assert discussion.chapter.timestamp() == "19:27"
        assert discussion.chapter.title == (
            "The platonic representation hypothesis and what actually converges"
        )

    def test_the_post_has_its_hindsight_verdict_and_reading_time(self):
        post = Post.objects.get()
        assert post.title == "Everything Is Converging to the Same Thing"
        assert post.hindsight_verdict == Verdict.STILL_HAPPENING
        assert post.hindsight_note.startswith("the platonic representation hypothesis remains")
        assert post.hindsight_date.isoformat() == "2026-06-01"
        assert post.published_at.date().isoformat() == "2024-05-20"
        # The seed says 529 words: it counts the ten free-standing dashes, and the site counts
        # "quiz.cord.com" as three words.
        assert post.word_count() == 521
        assert post.reading_time() == 3
        assert [p.slug for p in post.papers.all()] == [PRH]
        assert set(post.tags.names()) == {
            "machine-learning",
            "llms",
            "representation-learning",
            "research",
        }


# Idempotence.


def test_running_it_twice_changes_nothing(demo):
    before = snapshot()
    output = load_demo()
    assert snapshot() == before
    assert "Nothing changed" in output
    assert "9 episodes (9 unchanged)" in output
    assert "created" not in output
    assert "updated" not in output


def test_a_second_run_puts_back_only_what_differs(demo):
    episode = Episode.objects.get(slug=ISOLA_EPISODE)
    episode.title = "Edited"
    episode.save()
    episode.chapters.filter(start=0).delete()
    Chapter.objects.create(episode=episode, start=1, title="Not in the timeline")
    episode.tags.add("extra")

    output = load_demo(verbosity=2)

    episode.refresh_from_db()
    assert episode.title.startswith("Platonic Representations")
    assert list(episode.chapters.values_list("start", flat=True))[:2] == [0, 13]
    assert "extra" not in episode.tags.names()
    assert "9 episodes (1 updated, 8 unchanged)" in output
    assert "205 chapters (1 created, 204 unchanged, 1 removed)" in output
    assert f'Updated episode "{ISOLA_EPISODE}": title.' in output
    assert "Run it again any time" in output


def test_it_is_quiet_at_verbosity_0():
    assert load_demo(verbosity=0) == ""
    assert Episode.objects.count() == 9


# The demo editor.


def test_the_demo_editor_is_a_staff_editor_who_can_sign_in(settings, client):
    settings.DEBUG = True
    output = load_demo(demo_editor=True)
    user = User.objects.get(username="editor")
    assert user.is_staff
    assert not user.is_superuser
    assert user.groups.filter(name=EDITORS_GROUP).exists()
    # Signing in as the admin does it: with the request, which the sign-in lockout needs.
    response = client.post(
        "/admin/login/", {"username": "editor", "password": "information-bottleneck"}
    )
    assert response.status_code == 302, response.content
    assert '"editor" with the password "information-bottleneck"' in output


def test_running_it_twice_keeps_one_demo_editor_and_mends_it(settings):
    settings.DEBUG = True
    load_demo(demo_editor=True)
    User.objects.filter(username="editor").update(is_superuser=True, password="!")

    output = load_demo(demo_editor=True)

    user = User.objects.get(username="editor")
    assert User.objects.filter(username="editor").count() == 1
    assert not user.is_superuser
    assert user.check_password("information-bottleneck")
    assert "1 demo editor (1 updated)" in output
    assert "1 demo editor (1 unchanged)" in load_demo(demo_editor=True)


def test_the_demo_editor_needs_debug():
    with pytest.raises(CommandError, match="DEBUG=1"):
        load_demo(demo_editor=True)
    assert not User.objects.exists()
    assert not Episode.objects.exists()


# Bad files.


def test_a_file_failing_half_way_leaves_the_database_as_it_was(demo, tmp_path):
    data = content()
    data["show"]["title"] = "A changed title, loaded before the error"
    data["people"][0]["bio"] = "A changed bio, loaded before the error"
    data["episodes"][-1]["guests"] = [{"person": "nobody-we-know", "affiliation": "Nowhere"}]
    broken = write_content(tmp_path / "broken.json", data)
    before = snapshot()

    with pytest.raises(CommandError, match='"nobody-we-know"') as error:
        load_demo(file=broken)

    assert "run load_demo again" in str(error.value)
    assert snapshot() == before


def test_a_load_whose_search_index_fails_leaves_the_database_as_it_was():
    """The index is written in the load's transaction: content never stays unindexed."""
    refuse_inserts("search_entry")
    before = snapshot()
    with pytest.raises(CommandError, match="nothing was loaded"):
        load_demo()
    assert snapshot() == before
    assert not Episode.objects.exists()


def test_an_invalid_value_names_the_item_and_the_field(tmp_path):
    data = content()
    data["posts"][0]["hindsight_verdict"] = "maybe"
    broken = write_content(tmp_path / "broken.json", data)

    with pytest.raises(CommandError, match=r"everything-is-converging.*hindsight_verdict"):
        load_demo(file=broken)
    assert not Episode.objects.exists()


def test_a_bad_value_in_a_list_names_the_item_and_the_field(tmp_path):
    data = content()
    kempe = next(person for person in data["people"] if person["slug"] == "julia-kempe")
    kempe["affiliations"][0]["title"] = "x" * 201
    broken = write_content(tmp_path / "broken.json", data)

    with pytest.raises(CommandError, match=r'person "julia-kempe", title: .*200 characters'):
        load_demo(file=broken)
    assert not Person.objects.exists()


def test_a_rule_of_a_list_is_the_services_message(tmp_path):
    data = content()
    paper = data["papers"][0]
    paper["authors"] = [paper["authors"][0], paper["authors"][0]]
    broken = write_content(tmp_path / "broken.json", data)

    with pytest.raises(CommandError, match=f'paper "{paper["slug"]}": An author is listed twice.'):
        load_demo(file=broken)
    assert not Paper.objects.exists()


def test_malformed_json_is_a_command_error(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"show": {"slug": "x",', encoding="utf-8")

    with pytest.raises(CommandError, match=r"not valid JSON.*line 1"):
        load_demo(file=broken)
    assert not Show.objects.exists()


def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="--file PATH"):
        load_demo(file=tmp_path / "missing.json")


def test_an_unknown_field_is_a_command_error(tmp_path):
    data = content()
    data["episodes"][0]["titel"] = "A typo"
    broken = write_content(tmp_path / "broken.json", data)

    with pytest.raises(CommandError, match='"titel"'):
        load_demo(file=broken)


# Self-contained.


def test_it_reads_only_files_inside_the_repository(monkeypatch):
    base = Path(settings.BASE_DIR).resolve()
    assert DEFAULT_FILE.resolve().is_relative_to(base)
    assert Path(finders.find("demo/silence.mp3")).resolve().is_relative_to(base)

    real_open = builtins.open
    opened = []

    def watching_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", watching_open)
    monkeypatch.setattr(io, "open", watching_open)
    load_demo()

    assert opened, "the loader should read its content file"
    assert not [path for path in opened if "/work/shared" in path]
    assert Episode.objects.count() == 9
