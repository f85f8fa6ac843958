"""The show, its episodes, and what happens in them: chapters, appearances, papers discussed."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Func, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from taggit.managers import TaggableManager

from core.durations import format_duration, format_timestamp
from core.fields import WebURLField
from core.links import path_to
from core.publishing import Publishable, PublishableQuerySet, published_needs_date_constraint
from core.text import unique_slug
from papers.models import Authorship
from people.models import Person


class ShowQuerySet(models.QuerySet):
    def current(self):
        """The show the site is about, or None before there is one (one query).

        The site has one show; should there be several, the first by title (then by id) is
        "the" show of the feed, the home page and the API, always the same one.
        """
        return self.order_by("title", "pk").first()


class Show(models.Model):
    """The podcast itself: everything a podcast feed says about the show as a whole."""

    class PodcastType(models.TextChoices):
        EPISODIC = "episodic", "Episodic (newest first)"
        SERIAL = "serial", "Serial (in order, oldest first)"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    subtitle = models.CharField(max_length=255, blank=True)
    description = models.TextField()
    hosts = models.ManyToManyField("people.Person", related_name="shows_hosted", blank=True)
    artwork = models.ImageField(
        upload_to="shows/", blank=True, help_text="Square, 1400 to 3000 pixels, JPEG or PNG."
    )
    language = models.CharField(max_length=16, default="en", help_text='Like "en" or "en-us".')
    categories = models.TextField(
        blank=True,
        help_text='Podcast categories, one a line; a sub-category after " > ", '
        'like "Science > Mathematics".',
    )
    explicit = models.BooleanField(default=False)
    copyright = models.CharField(max_length=255, blank=True)
    owner_name = models.CharField(max_length=200, blank=True)
    owner_email = models.EmailField(blank=True)
    website = WebURLField(blank=True)
    podcast_guid = models.UUIDField(
        "podcast GUID",
        null=True,
        blank=True,
        help_text="The show's permanent id for podcast apps; set once, never changed.",
    )
    podcast_type = models.CharField(
        "podcast type",
        max_length=10,
        choices=PodcastType.choices,
        default=PodcastType.EPISODIC,
        help_text="How podcast apps present the episodes.",
    )
    locked = models.BooleanField(
        default=True,
        help_text="Asks other podcast platforms not to import the feed (podcast:locked); "
        "turn off only while moving the show to another host.",
    )
    funding_url = WebURLField(
        "funding URL", blank=True, help_text="Where listeners can support the show, if anywhere."
    )
    funding_text = models.CharField(
        max_length=128, blank=True, help_text='The funding link\'s text, like "Support the show".'
    )
    import_url = WebURLField(
        "import feed URL",
        blank=True,
        help_text="The show's feed at its podcast host. When set, it is imported again on a "
        "schedule (a background job), bringing in new episodes and changes.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShowQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def category_list(self):
        """[("Technology", None), ("Science", "Mathematics")] from the categories text."""
        pairs = []
        for line in self.categories.splitlines():
            parent, _, child = (part.strip() for part in line.partition(">"))
            if parent:
                pairs.append((parent, child or None))
        return pairs


def _distinct_count(rows, episode_field, field):
    """An expression: how many distinct `field` values the episode's `rows` have."""
    counted = (
        rows.filter(**{episode_field: OuterRef("pk")})
        .order_by()
        .annotate(
            n=Func(F(field), function="COUNT", template="%(function)s(DISTINCT %(expressions)s)")
        )
    )
    return Coalesce(Subquery(counted.values("n"), output_field=models.IntegerField()), 0)


class EpisodeQuerySet(PublishableQuerySet):
    def with_people(self):
        """Preload what an episode list shows: show, guests and hosts, tags."""
        return self.select_related("show").prefetch_related(
            models.Prefetch("appearances", queryset=Appearance.objects.select_related("person")),
            "tags",
        )

    def for_cards(self):
        """What an episode card shows (`includes/episode_card.html`): `with_people()`,
        without the long texts it never shows (a transcript can be 100 KB an episode)."""
        return self.with_people().defer("description", "transcript", "music_credits")

    def for_detail(self):
        """Preload everything the episode page shows, in a fixed number of queries: with
        the show's hosts, whom its citation names when the episode names none."""
        return self.with_people().prefetch_related(
            "show__hosts",
            models.Prefetch(
                "chapters",
                queryset=Chapter.objects.select_related("paper", "person").prefetch_related(
                    "discussions__paper"
                ),
            ),
            models.Prefetch(
                "discussions",
                queryset=Discussion.objects.select_related("paper", "chapter").prefetch_related(
                    "paper__authorships__person"
                ),
            ),
        )

    # Who was in these episodes, and what they discussed.

    def with_person(self, person):
        """These episodes with `person` in them, as host or guest."""
        return self.filter(pk__in=Appearance.objects.filter(person=person).values("episode"))

    def with_guest(self, person):
        """These episodes with `person` (a Person, or a person's slug) as a guest."""
        key = "person__slug" if isinstance(person, str) else "person"
        guests = Appearance.objects.filter(role=Appearance.Role.GUEST, **{key: person})
        return self.filter(pk__in=guests.values("episode"))

    def mentioning(self, person):
        """These episodes with a chapter about `person`, or about or discussing their papers."""
        their_papers = Authorship.objects.filter(person=person).values("paper")
        about_them = Chapter.objects.filter(person=person).values("episode")
        about_their_papers = Chapter.objects.filter(paper__in=their_papers).values("episode")
        discussing = Discussion.objects.filter(paper__in=their_papers).values("episode")
        # IN subqueries, each on its own index, rather than joins: no duplicates to remove
        # (DISTINCT over whole episode rows, then an OR inside one subquery, each made this
        # most of the person page's time on a large archive).
        return self.filter(
            Q(pk__in=about_them) | Q(pk__in=about_their_papers) | Q(pk__in=discussing)
        )

    def guests(self):
        """The people who were guests in these episodes, as a Person queryset.

        `Episode.objects.live().guests()` names no upcoming guest before their episode.
        """
        appeared = Appearance.objects.filter(
            role=Appearance.Role.GUEST, episode__in=self.values("pk")
        )
        return Person.objects.filter(pk__in=appeared.values("person"))

    def appearances_of(self, person):
        """`person`'s appearances in these episodes, newest first, with their episode."""
        return (
            Appearance.objects.filter(person=person, episode__in=self.values("pk"))
            .select_related("episode")
            .order_by("-episode__published_at")
        )

    def discussions_of(self, paper):
        """The discussions of `paper` in these episodes, newest first, with episode and chapter."""
        return (
            Discussion.objects.filter(paper=paper, episode__in=self.values("pk"))
            .select_related("episode", "chapter")
            .order_by("-episode__published_at")
        )

    # Counts, for annotating people and papers in lists (no extra query).

    def count_per_person(self):
        """An expression: in how many of these episodes the person appeared (0 for none).

        `people.annotate(episode_count=Episode.objects.live().count_per_person())`
        """
        appeared = Appearance.objects.filter(person=OuterRef("pk"), episode__in=self.values("pk"))
        per_person = (
            appeared.order_by().values("person").annotate(n=Count("episode", distinct=True))
        )
        return Coalesce(Subquery(per_person.values("n")), 0)

    def count_per_paper(self):
        """An expression: how many of these episodes discussed the paper (0 for none).

        `papers.annotate(episode_count=Episode.objects.live().count_per_paper())`
        """
        discussed = Discussion.objects.filter(paper=OuterRef("pk"), episode__in=self.values("pk"))
        per_paper = (
            discussed.order_by().values("paper").annotate(n=Count("episode", distinct=True))
        )
        return Coalesce(Subquery(per_paper.values("n")), 0)


class Episode(Publishable):
    """One episode of the show, with its audio and show notes."""

    class EpisodeType(models.TextChoices):
        FULL = "full", "Full"
        TRAILER = "trailer", "Trailer"
        BONUS = "bonus", "Bonus"

    show = models.ForeignKey(Show, on_delete=models.PROTECT, related_name="episodes")
    title = models.CharField(max_length=255)
    slug = models.SlugField(max_length=200, unique=True)
    number = models.PositiveIntegerField(null=True, blank=True, help_text="Episode number.")
    season = models.PositiveIntegerField(null=True, blank=True)
    episode_type = models.CharField(
        max_length=10, choices=EpisodeType.choices, default=EpisodeType.FULL
    )
    duration = models.PositiveIntegerField(
        null=True, blank=True, help_text="Length of the audio, in seconds."
    )
    summary = models.TextField(blank=True, help_text="One or two sentences for lists and feeds.")
    description = models.TextField(
        blank=True,
        help_text="Show notes, in Markdown. A pasted timeline (00:00 — Intro ...) becomes "
        "the chapters when the episode is saved without any.",
    )
    audio_url = WebURLField("audio URL", max_length=500, blank=True)
    audio_size = models.PositiveBigIntegerField(
        "audio size", null=True, blank=True, help_text="In bytes, as podcast feeds require."
    )
    audio_type = models.CharField("audio MIME type", max_length=50, default="audio/mpeg")
    guid = models.CharField(
        "GUID",
        max_length=255,
        unique=True,
        default=uuid.uuid4,
        help_text="Podcast apps know the episode by this; never change it once published.",
    )
    artwork = models.ImageField(upload_to="episodes/", blank=True)
    explicit = models.BooleanField(default=False)
    transcript = models.TextField(blank=True)
    music_credits = models.TextField(blank=True, help_text="One credit a line.")
    people = models.ManyToManyField(
        "people.Person", through="Appearance", related_name="episodes_appeared", blank=True
    )
    papers = models.ManyToManyField(
        "papers.Paper", through="Discussion", related_name="episodes", blank=True
    )
    tags = TaggableManager(blank=True)

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        constraints = [
            published_needs_date_constraint("episode_published_needs_date"),
            models.UniqueConstraint(
                fields=["show", "season", "number"],
                name="unique_episode_number",
                violation_error_message="Another episode of this season has that number.",
            ),
            # NULLs are distinct in a unique index, so the rule above says nothing about a
            # show without seasons; this one does.
            models.UniqueConstraint(
                fields=["show", "number"],
                condition=models.Q(season__isnull=True),
                name="unique_episode_number_without_season",
                violation_error_message="Another episode of this show has that number.",
            ),
        ]
        indexes = [models.Index(fields=["is_draft", "published_at"], name="episode_public_idx")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Episode, self.title, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return path_to("episodes:detail", self.slug)

    def duration_display(self):
        return format_duration(self.duration)

    def guests(self):
        """Guest appearances in order (no query when `appearances__person` is prefetched)."""
        return [a for a in self.appearances.all() if a.role == Appearance.Role.GUEST]

    def hosts(self):
        return [a for a in self.appearances.all() if a.role == Appearance.Role.HOST]

    def chapter_at(self, seconds):
        """The chapter playing at `seconds` (the last to start by then), or None.

        Uses the prefetched chapters, so it costs no query on the episode page.
        """
        playing = None
        for chapter in self.chapters.all():
            if chapter.start > seconds:
                break
            playing = chapter
        return playing

    def previous_episode(self):
        """The published episode before this one, or None (one query)."""
        if self.published_at is None:
            return None
        return (
            Episode.objects.live()
            .filter(published_at__lt=self.published_at)
            .order_by("-published_at")
            .first()
        )

    def next_episode(self):
        """The published episode after this one, or None (one query)."""
        if self.published_at is None:
            return None
        return (
            Episode.objects.live()
            .filter(published_at__gt=self.published_at)
            .order_by("published_at")
            .first()
        )

    def related_episodes(self, limit=3):
        """Published episodes sharing guests, papers or topics with this one, closest first.

        A shared guest or paper weighs more than a shared topic. One query, using the
        appearances, discussions and tags already prefetched (`for_detail()`).
        """
        guests = [a.person_id for a in self.appearances.all() if a.role == Appearance.Role.GUEST]
        papers = [d.paper_id for d in self.discussions.all()]
        tags = [tag.pk for tag in self.tags.all()]
        if not (guests or papers or tags):
            return []
        # Counted per candidate in subqueries: joining appearances, discussions and tags at
        # once multiplies their rows (slow on an archive of thousands of episodes).
        shared_guests = Appearance.objects.filter(role=Appearance.Role.GUEST, person__in=guests)
        shared_papers = Discussion.objects.filter(paper__in=papers)
        shared_tags = Episode.tags.through.objects.filter(
            content_type__app_label="episodes", content_type__model="episode", tag__in=tags
        )
        candidates = (
            Q(pk__in=shared_guests.values("episode"))
            | Q(pk__in=shared_papers.values("episode"))
            | Q(pk__in=shared_tags.values("object_id"))
        )
        return list(
            Episode.objects.live()
            .exclude(pk=self.pk)
            .filter(candidates)
            .annotate(
                shared_guests=_distinct_count(shared_guests, "episode", "person"),
                shared_papers=_distinct_count(shared_papers, "episode", "paper"),
                shared_tags=_distinct_count(shared_tags, "object_id", "tag"),
            )
            .annotate(score=F("shared_guests") * 3 + F("shared_papers") * 3 + F("shared_tags"))
            .order_by("-score", "-published_at")[:limit]
        )

    def clean(self):
        super().clean()
        if self.audio_url and not self.audio_size:
            raise ValidationError(
                {"audio_size": "Podcast apps need the audio file's size in bytes."}
            )


class Appearance(models.Model):
    """A person in an episode, as host or guest, with the affiliation shown at the time."""

    class Role(models.TextChoices):
        HOST = "host", "Host"
        GUEST = "guest", "Guest"

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="appearances")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="appearances"
    )
    role = models.CharField(max_length=5, choices=Role.choices, default=Role.GUEST)
    affiliation = models.CharField(
        max_length=200,
        blank=True,
        help_text='As shown at the time, like "NYU/Meta" or "VP AWS / Prof. UCLA".',
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["episode", "role", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "person", "role"], name="one_appearance_per_role"
            )
        ]

    def __str__(self):
        shown = f" ({self.affiliation})" if self.affiliation else ""
        return f"{self.person}{shown}, {self.get_role_display().lower()}"


class Chapter(models.Model):
    """A moment in an episode's timeline, optionally about a paper or a person."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="chapters")
    start = models.PositiveIntegerField(help_text="Seconds from the start of the audio.")
    title = models.CharField(max_length=300)
    paper = models.ForeignKey(
        "papers.Paper",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chapters",
        help_text="The paper discussed at this moment, if any.",
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chapters",
        help_text="The person discussed at this moment, if any.",
    )

    class Meta:
        ordering = ["episode", "start"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "start"], name="one_chapter_per_start")
        ]

    def __str__(self):
        return f"{self.timestamp()} {self.title}"

    def get_absolute_url(self):
        return f"{self.episode.get_absolute_url()}?t={self.timestamp()}"

    def timestamp(self):
        return format_timestamp(self.start)

    def clean(self):
        super().clean()
        # On an episode's add form the episode has no id yet, but the form attached it.
        has_episode = self.episode_id or Chapter.episode.is_cached(self)
        duration = self.episode.duration if has_episode else None
        if self.start is not None:
            from episodes.services import check_chapter_start  # the services import models

            try:
                check_chapter_start(start=self.start, duration=duration)
            except ValidationError as error:
                raise ValidationError({"start": error}) from None


class Discussion(models.Model):
    """A paper discussed in an episode, optionally at a given chapter."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="discussions")
    paper = models.ForeignKey("papers.Paper", on_delete=models.CASCADE, related_name="discussions")
    chapter = models.ForeignKey(
        Chapter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="discussions",
        help_text="Where in the episode it comes up.",
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["episode", "chapter__start", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "paper"], name="paper_discussed_once")
        ]

    def __str__(self):
        return f"{self.paper.title} in {self.episode.title}"

    def clean(self):
        super().clean()
        if self.chapter_id and self.episode_id and self.chapter.episode_id != self.episode_id:
            raise ValidationError({"chapter": "That chapter belongs to another episode."})
