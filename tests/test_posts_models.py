"""Editorial posts and their verdicts in hindsight (posts/models.py)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from taggit.models import Tag

from posts.models import Post, Verdict
from tests.factories import PersonFactory, PostFactory

pytestmark = pytest.mark.django_db

A_DATE = datetime.date(2025, 6, 1)
DAY = datetime.timedelta(days=1)


def test_a_post_reads_as_its_title_and_lives_at_its_slug():
    post = PostFactory(title="Pre-training is not over", slug="pre-training")
    assert str(post) == "Pre-training is not over"
    assert post.get_absolute_url() == "/posts/pre-training/"


def test_posts_are_listed_newest_first():
    now = timezone.now()
    old = PostFactory(published_at=now - datetime.timedelta(days=30))
    new = PostFactory(published_at=now - datetime.timedelta(days=1))
    assert list(Post.objects.all()) == [new, old]
    assert Post.objects.latest() == new


def test_the_database_refuses_two_posts_with_one_slug():
    PostFactory(slug="convergence")
    with pytest.raises(IntegrityError), transaction.atomic():
        PostFactory(slug="convergence")


def test_a_post_outlives_its_author():
    author = PersonFactory()
    post = PostFactory(author=author)
    author.delete()
    post.refresh_from_db()
    assert post.author is None


# Word count and reading time


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("", 0),
        ("Everything is converging.", 3),
        ("# A title\n\n## And a *subtitle*", 5),
        ("**Bold**, _italic_ and `code` --- then > a quote", 7),
        ("- one\n* two\n+ three\n\n---\n\n> four", 4),
        ("don't", 1),
        ("don\u2019t", 1),
        ("post-training", 1),
        ("state-of-the-art models", 2),
        ("It's GPT-4's turn, isn't it?", 5),
        ("snake_case", 2),
        ("  --  ''  \u2014  ", 0),
        ("Große Modelle überall", 3),
        ("In 2024, 3 labs", 4),
    ],
)
def test_it_counts_the_words_a_reader_reads(body, words):
    assert PostFactory.build(body=body).word_count() == words


@pytest.mark.parametrize(
    ("words", "minutes"), [(0, 1), (1, 1), (200, 1), (201, 2), (400, 2), (401, 3), (1000, 5)]
)
def test_reading_time_is_minutes_at_200_words_a_minute_rounded_up(words, minutes):
    post = PostFactory.build(body=" ".join(["word"] * words))
    assert post.reading_time() == minutes


def test_markdown_does_not_lengthen_the_reading_time():
    plain = " ".join(["word"] * 200)
    marked_up = "\n".join("- **word**, _word_." for _ in range(100))
    assert PostFactory.build(body=marked_up).word_count() == 200
    assert PostFactory.build(body=marked_up).reading_time() == 1
    assert PostFactory.build(body=plain).reading_time() == 1


# Hindsight


def test_a_post_without_a_verdict_has_no_hindsight():
    post = PostFactory.build()
    post.clean()
    assert not post.has_hindsight()


def test_a_verdict_with_its_date_is_hindsight():
    post = PostFactory.build(
        hindsight_verdict=Verdict.WRONG, hindsight_note="It did not.", hindsight_date=A_DATE
    )
    post.clean()
    assert post.has_hindsight()


def test_a_verdict_needs_its_date():
    post = PostFactory.build(hindsight_verdict=Verdict.EXPECTED)
    with pytest.raises(ValidationError) as error:
        post.clean()
    assert error.value.message_dict["hindsight_date"] == ["Say when the verdict was given."]


@pytest.mark.parametrize(
    "hindsight",
    [
        {"hindsight_note": "We were right."},
        {"hindsight_date": A_DATE},
        {"hindsight_note": "We were right.", "hindsight_date": A_DATE},
    ],
)
def test_a_note_or_a_date_needs_a_verdict(hindsight):
    post = PostFactory.build(**hindsight)
    with pytest.raises(ValidationError) as error:
        post.clean()
    assert error.value.message_dict["hindsight_verdict"] == [
        "Choose the verdict the note explains."
    ]


def test_the_hindsight_rules_run_with_the_publishing_rules():
    post = PostFactory.build(is_draft=False, published_at=None)
    post.clean()
    assert post.published_at is not None  # dated now, as an item that is not a draft


def test_the_database_refuses_a_verdict_without_a_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        PostFactory(hindsight_verdict=Verdict.STILL_HAPPENING, hindsight_date=None)


def test_the_database_accepts_a_verdict_with_its_date():
    post = PostFactory(hindsight_verdict=Verdict.STILL_HAPPENING, hindsight_date=A_DATE)
    assert post.get_hindsight_verdict_display() == "Still happening"


# Reads (PostQuerySet)


def test_posts_mentioning_someone_are_by_them_or_about_their_papers(phillip, mentions):
    posts = Post.objects.live().mentioning(phillip).order_by("-published_at")
    assert list(posts) == [item for item in mentions if isinstance(item, Post)]
    assert Post.objects.mentioning(phillip).count() == 3  # with the draft


def test_a_post_about_two_of_his_papers_is_one_mention(phillip, his_papers):
    post = PostFactory(papers=his_papers[:2])
    assert list(Post.objects.mentioning(phillip)) == [post]


def test_a_post_by_him_about_his_papers_is_one_mention(phillip, his_papers):
    post = PostFactory(author=phillip, papers=his_papers)
    assert list(Post.objects.mentioning(phillip)) == [post]
    assert Post.objects.mentioning(phillip).count() == 1


def test_posts_on_a_topic_are_found_by_the_tag_or_its_slug_once_each():
    older = PostFactory(tags=["scaling", "vision"], published_at=timezone.now() - 3 * DAY)
    newer = PostFactory(tags=["vision"])
    draft = PostFactory(tags=["scaling"], draft=True)
    PostFactory(tags=["other"])
    scaling = Tag.objects.get(slug="scaling")

    assert set(Post.objects.on_topic(scaling)) == {older, draft}
    assert list(Post.objects.live().on_topic("scaling")) == [older]
    assert list(Post.objects.on_topic("vision")) == [newer, older]
    assert not Post.objects.on_topic("nothing-like-it").exists()
