"""The editors' admin: every page renders, permissions, actions, validation, query budgets."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from core.publishing import State
from episodes.models import Chapter, Episode
from ibsite.editors import CONTENT_APPS, EDITORS_GROUP
from papers.models import Authorship
from people.models import Organization
from posts.models import Post
from tests.factories import (
    AffiliationFactory,
    AppearanceFactory,
    AuthorshipFactory,
    ChapterFactory,
    CitationFactory,
    DiscussionFactory,
    EpisodeFactory,
    EpisodeReviewFactory,
    PaperFactory,
    PersonFactory,
    PostFactory,
    ShowFactory,
)

# What editors curate; user management and API tokens stay with superusers.
CONTENT_MODELS = [model for model in admin.site._registry if model._meta.app_label in CONTENT_APPS]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def content(db):
    """One of everything, linked, so that every change page has something to show."""
    episode = EpisodeFactory(title="After Math Falls", tags=["reasoning"])
    chapter = ChapterFactory(episode=episode, start=60, title="Lean and Mathlib")
    person = PersonFactory(name="Julia Kempe")
    AffiliationFactory(person=person)
    AppearanceFactory(episode=episode, person=person)
    paper = PaperFactory(title="The Platonic Representation Hypothesis")
    AuthorshipFactory(paper=paper, person=person, order=1)
    CitationFactory(cited=paper)
    DiscussionFactory(episode=episode, paper=paper, chapter=chapter)
    PostFactory(papers=[paper])
    EpisodeReviewFactory(episode=episode)
    return episode


def test_the_editors_group_is_created_by_migrations(db):
    group = Group.objects.get(name=EDITORS_GROUP)
    apps = set(group.permissions.values_list("content_type__app_label", flat=True))
    assert apps == {"community", "episodes", "jobs", "people", "papers", "posts", "taggit"}
    reviews = group.permissions.filter(content_type__app_label="community")
    assert set(reviews.values_list("codename", flat=True)) == {
        "view_review", "change_review", "delete_review"
    }  # fmt: skip
    jobs = group.permissions.filter(content_type__app_label="jobs")
    assert set(jobs.values_list("codename", flat=True)) == {"view_job", "change_job"}


def test_editors_cannot_manage_users(db):
    group = Group.objects.get(name=EDITORS_GROUP)
    assert not group.permissions.filter(content_type__app_label="auth").exists()


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m._meta.label)
def test_every_list_add_and_change_page_renders_for_an_editor(editor_client, content, model):
    obj = model._default_manager.first()
    assert obj is not None, f"the content fixture should make a {model._meta.label}"
    for url in [
        admin_url(model, "changelist"),
        admin_url(model, "add"),
        admin_url(model, "change", obj.pk),
    ]:
        response = editor_client.get(url)
        assert response.status_code == 200, url


def test_the_admin_index_lists_the_content_for_an_editor(editor_client):
    response = editor_client.get(reverse("admin:index"))
    assert response.status_code == 200
    for name in ["Shows", "Episodes", "People", "Organizations", "Papers", "Posts", "Tags"]:
        assert name in response.text


def test_an_editor_cannot_open_user_management(editor_client):
    assert editor_client.get(admin_url(User, "changelist")).status_code == 403
    assert editor_client.get(admin_url(Group, "changelist")).status_code == 403


def test_a_signed_in_listener_cannot_open_the_admin(client, listener):
    client.force_login(listener)
    response = client.get(admin_url(Episode, "changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_staff_outside_the_editors_group_cannot_edit_content(client, listener):
    listener.is_staff = True
    listener.save()
    client.force_login(listener)
    assert client.get(admin_url(Episode, "changelist")).status_code == 403


def test_the_episode_list_shows_state_guests_and_chapters(editor_client, content):
    EpisodeFactory(title="Not Yet", draft=True)
    EpisodeFactory(title="Next Week", scheduled=True)
    response = editor_client.get(admin_url(Episode, "changelist"))
    assert "Julia Kempe" in response.text
    assert "Live" in response.text
    assert "Draft" in response.text
    assert "Scheduled for" in response.text


@pytest.mark.parametrize(
    ("query", "expected", "hidden"),
    [
        ("state=draft", "Not Yet", "After Math Falls"),
        ("state=live", "After Math Falls", "Not Yet"),
        ("q=Kempe", "After Math Falls", "Not Yet"),
        ("tags__id__exact=999999", "0 episodes", "After Math Falls"),
    ],
)
def test_the_episode_list_filters_and_searches(editor_client, content, query, expected, hidden):
    EpisodeFactory(title="Not Yet", draft=True)
    response = editor_client.get(admin_url(Episode, "changelist") + "?" + query)
    assert response.status_code == 200
    assert expected in response.text
    assert f">{hidden}<" not in response.text


# One state filter (live, scheduled, draft), from the publishing rules.


@pytest.fixture(params=[EpisodeFactory, PostFactory], ids=["episode", "post"])
def in_every_state(request, db):
    """One item of a kind in every state, titled after it ("Due": scheduled, time come)."""
    factory = request.param
    now = timezone.now()
    factory(title="Live", is_draft=False, published_at=now - datetime.timedelta(days=7))
    factory(title="Due", is_draft=False, published_at=now - datetime.timedelta(hours=1))
    factory(title="Scheduled", is_draft=False, published_at=now + datetime.timedelta(days=7))
    factory(title="Draft", is_draft=True, published_at=None)
    factory(title="Dated draft", is_draft=True, published_at=now - datetime.timedelta(days=7))
    return factory._meta.model


def test_the_list_has_one_state_filter_and_no_status_filter(editor_client, in_every_state):
    response = editor_client.get(admin_url(in_every_state, "changelist"))
    titles = [spec.title for spec in response.context["cl"].filter_specs]
    assert titles.count("state") == 1
    assert not any("status" in title for title in titles)
    assert "?state=scheduled" in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=live", {"Live", "Due"}),
        ("state=scheduled", {"Scheduled"}),
        ("state=draft", {"Draft", "Dated draft"}),
        ("", {"Live", "Due", "Scheduled", "Draft", "Dated draft"}),
        # A mistyped or stale link filters nothing rather than failing.
        ("state=published", {"Live", "Due", "Scheduled", "Draft", "Dated draft"}),
    ],
)
def test_the_state_filter_shows_each_state(editor_client, in_every_state, query, expected):
    response = editor_client.get(admin_url(in_every_state, "changelist") + "?" + query)
    assert response.status_code == 200
    assert {item.title for item in response.context["cl"].result_list} == expected


def test_an_old_status_filter_link_is_refused_without_an_error(editor_client, in_every_state):
    response = editor_client.get(admin_url(in_every_state, "changelist") + "?status=published")
    assert response.status_code == 302
    assert response.url.endswith("?e=1")


def test_the_state_column_says_scheduled_for_when(editor_client, in_every_state):
    response = editor_client.get(admin_url(in_every_state, "changelist"))
    states = {item.title: item.state for item in response.context["cl"].result_list}
    assert states == {
        "Live": State.LIVE,
        "Due": State.LIVE,
        "Scheduled": State.SCHEDULED,
        "Draft": State.DRAFT,
        "Dated draft": State.DRAFT,
    }
    assert response.text.count("Scheduled for ") == 1


@pytest.mark.parametrize("model", [Episode, Post], ids=["episode", "post"])
def test_the_form_has_the_draft_checkbox_and_the_date(editor_client, db, model):
    response = editor_client.get(admin_url(model, "add"))
    form = response.context["adminform"].form
    assert "is_draft" in form.fields
    assert "published_at" in form.fields
    assert "status" not in form.fields
    assert form.initial.get("is_draft", form.fields["is_draft"].initial) is True
    assert "Draft" in response.text
    assert "never public, whatever its date" in response.text


def test_the_year_filter_lists_years_with_episodes(editor_client, content):
    year = content.published_at.year
    response = editor_client.get(admin_url(Episode, "changelist") + f"?year={year}")
    assert response.status_code == 200
    assert "After Math Falls" in response.text


# Malformed filter values: never a 500 (the admin's ?e=1 redirect, or a 400).


def _answers_sanely(response):
    assert response.status_code in (200, 400) or (
        response.status_code == 302 and response.url.endswith("?e=1")
    ), response.status_code
    return response.status_code


@pytest.mark.parametrize("year", ["10000", "0", "00000", "²", "abc", "-1", "٣", "1" * 5000])
@pytest.mark.parametrize("model", [Episode, Post, Authorship.paper.field.related_model])
def test_a_year_filter_refuses_what_is_not_a_year(editor_client, content, model, year):
    response = editor_client.get(admin_url(model, "changelist"), {"year": year})
    assert _answers_sanely(response) != 200


@pytest.mark.parametrize("year", ["1", "9999"])
@pytest.mark.parametrize("model", [Episode, Post, Authorship.paper.field.related_model])
def test_a_year_filter_takes_the_first_and_last_years_a_date_holds(editor_client, model, year):
    response = editor_client.get(admin_url(model, "changelist"), {"year": year})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


@pytest.mark.parametrize(
    ("model", "query"),
    [
        (Post, "hindsight_verdict__exact=%00"),
        (Post, "state=%00"),
        (Episode, "state=%00"),
        (Episode, "q=%00"),
        (Organization, "kind__exact=%00"),
        (Organization, "k%00=1"),
    ],
)
def test_a_nul_in_an_admin_address_is_a_400(editor_client, content, model, query):
    # PostgreSQL refuses NUL in text: it must never reach the database.
    response = editor_client.get(admin_url(model, "changelist") + "?" + query)
    assert response.status_code == 400
    assert b"NUL" in response.content


@pytest.mark.parametrize("model", [Episode, Authorship.paper.field.related_model])
def test_list_pages_make_the_same_queries_for_1_and_for_30_rows(
    editor_client, django_assert_max_num_queries, model
):
    def build(count):
        for _ in range(count):
            if model is Episode:
                episode = EpisodeFactory()
                AppearanceFactory(episode=episode)
                ChapterFactory(episode=episode)
            else:
                AuthorshipFactory(order=1)

    build(1)
    editor_client.get(admin_url(model, "changelist"))  # warm caches (content types, session)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one_row:
        editor_client.get(admin_url(model, "changelist"))
    build(29)
    with django_assert_max_num_queries(len(one_row)):
        response = editor_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200


def test_publish_now_publishes_the_selected_drafts(editor_client):
    draft = EpisodeFactory(draft=True)
    other = EpisodeFactory(draft=True)
    response = editor_client.post(
        admin_url(Episode, "changelist"),
        {"action": "publish_now", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "Published 1 now." in response.text
    draft.refresh_from_db()
    other.refresh_from_db()
    assert draft.is_live()
    assert not other.is_live()


def test_unpublish_moves_episodes_back_to_draft(editor_client):
    episode = EpisodeFactory()
    editor_client.post(
        admin_url(Episode, "changelist"),
        {"action": "unpublish", "_selected_action": [episode.pk]},
    )
    episode.refresh_from_db()
    assert episode.state == State.DRAFT
    assert not Episode.objects.live().exists()


def test_post_actions_publish_and_unpublish(editor_client):
    post = PostFactory(draft=True)
    editor_client.post(
        admin_url(Post, "changelist"), {"action": "publish_now", "_selected_action": [post.pk]}
    )
    assert Post.objects.live().filter(pk=post.pk).exists()


def test_reparse_shows_what_it_parsed_and_makes_the_chapters(editor_client):
    episode = EpisodeFactory(
        description="We talk.\nTimeline:\n00:00 Intro\n01:05 Lean and Mathlib\n"
        '09:99 Broken\nMusic:\n"Kid Kodi" - Blue Dot Sessions'
    )
    response = editor_client.post(
        admin_url(Episode, "changelist"),
        {"action": "reparse_chapters", "_selected_action": [episode.pk]},
    )
    assert response.status_code == 200
    assert "Lean and Mathlib" in response.text
    assert "01:05" in response.text
    assert list(episode.chapters.values_list("start", "title")) == [
        (0, "Intro"),
        (65, "Lean and Mathlib"),
    ]
    episode.refresh_from_db()
    assert episode.description == "We talk."
    assert "Kid Kodi" in episode.music_credits


def test_reparse_says_when_there_is_no_timeline(editor_client):
    episode = EpisodeFactory(description="Just prose.")
    ChapterFactory(episode=episode, start=0, title="Kept")
    response = editor_client.post(
        admin_url(Episode, "changelist"),
        {"action": "reparse_chapters", "_selected_action": [episode.pk]},
    )
    assert "No timeline in the description" in response.text
    assert episode.chapters.get().title == "Kept"


def episode_form(show, **overrides):
    """The POST data of the episode add form, with empty inlines."""
    data = {
        "show": show.pk,
        "title": "Reasoning Models and Planning",
        "slug": "reasoning-models-and-planning",
        "episode_type": "full",
        "published_at_0": "2026-04-29",
        "published_at_1": "10:00:00",
        "guid": "b5a7f7a8-1d2c-4e0f-9a51-6f1e2c3d4b5a",
        "audio_url": "https://media.example.com/ep.mp3",
        "audio_size": "1000",
        "audio_type": "audio/mpeg",
        "duration": "4320",
        "description": "",
        "tags": "reasoning, planning",
    }
    for prefix in ["appearances", "chapters", "discussions"]:
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(overrides)
    return data


def test_an_editor_adds_an_episode_with_a_guest_and_a_chapter(editor_client, db):
    show = ShowFactory()
    guest = PersonFactory(name="Rao Kambhampati")
    data = episode_form(
        show,
        **{
            "appearances-TOTAL_FORMS": "1",
            "appearances-0-person": guest.pk,
            "appearances-0-role": "guest",
            "appearances-0-affiliation": "Arizona State",
            "appearances-0-order": "0",
            "chapters-TOTAL_FORMS": "1",
            "chapters-0-start": "12",
            "chapters-0-title": "Intros",
        },
    )
    response = editor_client.post(admin_url(Episode, "add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    episode = Episode.objects.get(slug="reasoning-models-and-planning")
    assert episode.appearances.get().affiliation == "Arizona State"
    assert episode.chapters.get().title == "Intros"
    assert set(episode.tags.names()) == {"reasoning", "planning"}


def test_a_pasted_timeline_becomes_chapters_when_saving_a_new_episode(editor_client, db):
    data = episode_form(
        ShowFactory(),
        description="Rao on planning. Timeline(00:12) Intros(01:32) Defining reasoning",
    )
    response = editor_client.post(admin_url(Episode, "add"), data, follow=True)
    assert "Made 2 chapters from the timeline" in response.text
    episode = Episode.objects.get()
    assert [c.title for c in episode.chapters.all()] == ["Intros", "Defining reasoning"]
    assert episode.description == "Rao on planning."


def test_the_add_form_refuses_a_non_http_audio_url_and_keeps_what_was_typed(editor_client, db):
    data = episode_form(ShowFactory(), audio_url="ftp://media.example.com/ep.mp3")
    response = editor_client.post(admin_url(Episode, "add"), data)
    assert response.status_code == 200
    assert "Enter an http:// or https:// URL." in response.text
    assert "Reasoning Models and Planning" in response.text
    assert not Episode.objects.exists()


def test_the_add_form_refuses_a_chapter_after_the_end(editor_client, db):
    data = episode_form(
        ShowFactory(),
        duration="600",
        **{
            "chapters-TOTAL_FORMS": "1",
            "chapters-0-start": "900",
            "chapters-0-title": "Too late",
        },
    )
    response = editor_client.post(admin_url(Episode, "add"), data)
    assert response.status_code == 200
    assert "after the episode ends (10:00)" in response.text
    assert not Episode.objects.exists()


def test_the_add_form_refuses_two_chapters_at_the_same_start(editor_client, db):
    data = episode_form(
        ShowFactory(),
        **{
            "chapters-TOTAL_FORMS": "2",
            "chapters-0-start": "60",
            "chapters-0-title": "One",
            "chapters-1-start": "60",
            "chapters-1-title": "Two",
        },
    )
    response = editor_client.post(admin_url(Episode, "add"), data)
    assert response.status_code == 200
    assert "Please correct the duplicate data" in response.text
    assert not Chapter.objects.exists()


def test_the_add_form_says_the_services_rule_for_a_person_twice_in_one_role(editor_client, db):
    guest = PersonFactory()
    rows = {}
    for i in range(2):
        rows.update({f"appearances-{i}-person": guest.pk, f"appearances-{i}-role": "guest"})
        rows[f"appearances-{i}-order"] = str(i)
    data = episode_form(ShowFactory(), **{"appearances-TOTAL_FORMS": "2", **rows})
    response = editor_client.post(admin_url(Episode, "add"), data)
    assert response.status_code == 200
    assert "A person appears twice in the same role." in response.text
    assert not Episode.objects.exists()


def test_the_paper_form_says_the_services_rule_for_an_author_twice(editor_client, db):
    from papers.models import Paper

    author = PersonFactory()
    data = {
        "title": "Twice",
        "slug": "twice",
        "tags": "",
        "authorships-TOTAL_FORMS": "2",
        "authorships-INITIAL_FORMS": "0",
        "authorships-MIN_NUM_FORMS": "0",
        "authorships-MAX_NUM_FORMS": "1000",
        "authorships-0-person": author.pk,
        "authorships-0-order": "1",
        "authorships-1-person": author.pk,
        "authorships-1-order": "2",
        "citations_made-TOTAL_FORMS": "0",
        "citations_made-INITIAL_FORMS": "0",
        "citations_made-MIN_NUM_FORMS": "0",
        "citations_made-MAX_NUM_FORMS": "1000",
    }
    response = editor_client.post(admin_url(Paper, "add"), data)
    assert response.status_code == 200
    assert "An author is listed twice." in response.text
    assert not Paper.objects.exists()


def test_the_person_form_says_the_services_rules_for_positions(editor_client, db):
    from people.models import Organization, Person

    organization = Organization.objects.create(name="NYU", slug="nyu", kind="university")
    data = {
        "name": "Julia Kempe",
        "slug": "julia-kempe",
        "topics": "",
        "affiliations-TOTAL_FORMS": "2",
        "affiliations-INITIAL_FORMS": "0",
        "affiliations-MIN_NUM_FORMS": "0",
        "affiliations-MAX_NUM_FORMS": "1000",
        "affiliations-0-organization": organization.pk,
        "affiliations-0-title": "Professor",
        "affiliations-0-start_year": "2020",
        "affiliations-0-end_year": "2019",
        "affiliations-1-organization": organization.pk,
        "affiliations-1-title": "Professor",
    }
    response = editor_client.post(admin_url(Person, "add"), data)
    assert response.status_code == 200
    assert "It ends before it starts." in response.text
    assert not Person.objects.exists()

    data["affiliations-0-start_year"] = ""
    response = editor_client.post(admin_url(Person, "add"), data)
    assert response.status_code == 200
    assert "The same position is listed twice." in response.text
    assert not Person.objects.exists()


def test_authors_are_numbered_in_row_order_when_positions_are_blank(editor_client, db):
    from papers.models import Paper

    first, second = PersonFactory(name="Minyoung Huh"), PersonFactory(name="Brian Cheung")
    data = {
        "title": "The Platonic Representation Hypothesis",
        "slug": "platonic",
        "year": "2024",
        "tags": "",
        "authorships-TOTAL_FORMS": "2",
        "authorships-INITIAL_FORMS": "0",
        "authorships-MIN_NUM_FORMS": "0",
        "authorships-MAX_NUM_FORMS": "1000",
        "authorships-0-person": first.pk,
        "authorships-0-order": "",
        "authorships-1-person": second.pk,
        "authorships-1-order": "",
        "citations_made-TOTAL_FORMS": "0",
        "citations_made-INITIAL_FORMS": "0",
        "citations_made-MIN_NUM_FORMS": "0",
        "citations_made-MAX_NUM_FORMS": "1000",
    }
    response = editor_client.post(admin_url(Paper, "add"), data)
    assert response.status_code == 302
    paper = Paper.objects.get()
    assert paper.ordered_authors() == [first, second]


def test_autocomplete_finds_people_for_an_editor(editor_client, db):
    PersonFactory(name="Phillip Isola")
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "episodes",
            "model_name": "appearance",
            "field_name": "person",
            "term": "isola",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Phillip Isola"]


def test_view_on_site_links_to_the_public_page(editor_client, content):
    response = editor_client.get(admin_url(Episode, "change", content.pk))
    assert "View on site" in response.text


@pytest.mark.parametrize("model", [Episode, Post])
@pytest.mark.parametrize("year", ["9" * 30, "10000", "0"])
def test_a_date_hierarchy_year_too_large_is_the_usual_redirect(editor_client, model, year):
    response = editor_client.get(admin_url(model, "changelist"), {"published_at__year": year})
    assert response.status_code == 302
    assert response.url.endswith("?e=1")


@pytest.mark.parametrize("year", ["10051", "999"])
def test_the_admin_refuses_a_paper_year_no_date_holds(editor_client, db, year):
    from papers.models import Paper

    data = {
        "title": "Far Future",
        "slug": "far-future",
        "year": year,
        "tags": "",
        **{f"{prefix}-{key}": value for prefix in ("authorships", "citations_made")
           for key, value in {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0",
                              "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000"}.items()},
    }  # fmt: skip
    response = editor_client.post(admin_url(Paper, "add"), data)
    assert response.status_code == 200
    assert "year" in response.context["adminform"].form.errors
    assert not Paper.objects.exists()
