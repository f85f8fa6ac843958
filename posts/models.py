"""Editorial essays, and the hindsight verdicts added to them later."""

import math
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from taggit.managers import TaggableManager

from core.links import path_to
from core.publishing import Publishable, PublishableQuerySet, published_needs_date_constraint
from core.text import unique_slug
from papers.models import Authorship

WORDS_PER_MINUTE = 200
# A word is a run of letters or digits, allowing inner apostrophes and hyphens ("don't",
# "post-training"); Markdown punctuation and list bullets are not words.
WORD = re.compile(r"[^\W_]+(?:['\u2019\-][^\W_]+)*")
# Not prose: link addresses and the numbers of ordered list items.
NOT_WORDS = re.compile(r"\bhttps?://\S+|^\s*\d+[.)]\s", re.MULTILINE)


class Verdict(models.TextChoices):
    EXPECTED = "expected", "As expected"
    WRONG = "wrong", "Wrong"
    STILL_HAPPENING = "still_happening", "Still happening"


class PostQuerySet(PublishableQuerySet):
    def on_topic(self, topic):
        """These posts tagged `topic` (a Tag, or a tag's slug): the topic page, the post
        list's ?tag= and the API's share it."""
        key = "tags__slug" if isinstance(topic, str) else "tags"
        return self.filter(**{key: topic})  # a tag is on a post once: no duplicates

    def mentioning(self, person):
        """These posts by `person`, or about one of their papers."""
        their_papers = Authorship.objects.filter(person=person).values("paper")
        about = Post.papers.through.objects.filter(paper__in=their_papers).values("post")
        return self.filter(Q(pk__in=about) | Q(author=person))


class Post(Publishable):
    """An essay by the editors, with an optional verdict in hindsight."""

    title = models.CharField(max_length=255)
    slug = models.SlugField(max_length=200, unique=True)
    author = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="posts"
    )
    dek = models.CharField(
        "standfirst", max_length=300, blank=True, help_text="One sentence under the title."
    )
    body = models.TextField(help_text="In Markdown.")
    papers = models.ManyToManyField(
        "papers.Paper", related_name="posts", blank=True, help_text="Papers the post discusses."
    )
    tags = TaggableManager(blank=True)
    hindsight_verdict = models.CharField(
        "verdict", max_length=16, choices=Verdict.choices, blank=True
    )
    hindsight_note = models.TextField("note", blank=True)
    hindsight_date = models.DateField("date of the verdict", null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        constraints = [
            published_needs_date_constraint("post_published_needs_date"),
            models.CheckConstraint(
                condition=models.Q(hindsight_verdict="") | models.Q(hindsight_date__isnull=False),
                name="hindsight_verdict_has_date",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Post, self.title, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return path_to("posts:detail", self.slug)

    def word_count(self):
        return len(WORD.findall(NOT_WORDS.sub(" ", self.body)))

    def reading_time(self):
        """Minutes to read the body, rounded up; at least one."""
        return max(1, math.ceil(self.word_count() / WORDS_PER_MINUTE))

    def has_hindsight(self):
        return bool(self.hindsight_verdict)

    def clean(self):
        super().clean()
        if self.hindsight_verdict and not self.hindsight_date:
            raise ValidationError({"hindsight_date": "Say when the verdict was given."})
        if (self.hindsight_note or self.hindsight_date) and not self.hindsight_verdict:
            raise ValidationError({"hindsight_verdict": "Choose the verdict the note explains."})
