"""People (hosts, guests, authors) and the organizations they belong to."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from taggit.managers import TaggableManager

from core.fields import WebURLField
from core.links import path_to
from core.text import name_key, unique_slug
from people.validators import (
    GOOGLE_SCHOLAR_USER,
    OPENALEX_AUTHOR,
    OPENALEX_INSTITUTION,
    ORCID,
    SEMANTIC_SCHOLAR_AUTHOR,
)


class PersonQuerySet(models.QuerySet):
    """People's own facts. What they did (episodes, papers) is asked of the apps that hold
    it: `Episode.objects.live().guests()`, `Paper.objects.authors()`,
    `Paper.objects.by(person)`, `Paper.objects.coauthors_of(person)`."""

    def hosts(self):
        return self.filter(is_host=True)

    def at(self, organization):
        """People with a position (current or past) at `organization` (or its slug)."""
        key = "organization__slug" if isinstance(organization, str) else "organization"
        positions = Affiliation.objects.filter(**{key: organization})
        return self.filter(pk__in=positions.values("person"))  # two positions, one person

    def on_topic(self, topic):
        """People with `topic` (a Tag, or a tag's slug) among their research topics: the
        topic page, the people list's ?tag= and the API's share it."""
        key = "topics__slug" if isinstance(topic, str) else "topics"
        return self.filter(**{key: topic})  # a topic is on a person once: no duplicates

    def with_profile(self):
        """Preload what a person's page and JSON show of them: positions and topics."""
        return self.prefetch_related(
            models.Prefetch(
                "affiliations", queryset=Affiliation.objects.select_related("organization")
            ),
            "topics",
        )

    def with_current_positions(self):
        """Preload each person's current positions as `current_positions` (lists, hosts)."""
        return self.prefetch_related(
            models.Prefetch(
                "affiliations",
                queryset=Affiliation.objects.filter(is_current=True).select_related(
                    "organization"
                ),
                to_attr="current_positions",
            )
        )

    def matching_name(self, name):
        """People whose name matches `name`, ignoring case, accents and spacing."""
        return self.filter(name_key=name_key(name))


class Person(models.Model):
    """Someone in the graph: a host, a guest, an author of a paper, or all three."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    name_key = models.CharField(
        max_length=200,
        db_index=True,
        editable=False,
        help_text="The name folded for matching (lower case, no accents); set on save.",
    )
    bio = models.TextField(blank=True, help_text="A short biography (a paragraph).")
    homepage = WebURLField(blank=True)
    photo = models.ImageField(upload_to="people/", blank=True)
    is_host = models.BooleanField("host", default=False, help_text="One of the show's hosts.")
    openalex_id = models.CharField(
        "OpenAlex id",
        max_length=40,
        blank=True,
        validators=[OPENALEX_AUTHOR],
        help_text='Like "A5012345678".',
    )
    semantic_scholar_id = models.CharField(
        "Semantic Scholar id",
        max_length=40,
        blank=True,
        validators=[SEMANTIC_SCHOLAR_AUTHOR],
        help_text='Digits, like "2094770".',
    )
    orcid = models.CharField(
        "ORCID",
        max_length=19,
        blank=True,
        validators=ORCID,
        help_text='Like "0000-0002-1825-0097".',
    )
    google_scholar_id = models.CharField(
        "Google Scholar id",
        max_length=40,
        blank=True,
        validators=[GOOGLE_SCHOLAR_USER],
        help_text='The "user=" part of the URL, like "ROILf3EAAAAJ".',
    )
    topics = TaggableManager(blank=True, help_text="Research topics, as tags.")

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        if not self.slug:
            self.slug = unique_slug(Person, self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return path_to("people:detail", self.slug)

    # External profiles, built from the ids.

    def openalex_url(self):
        return f"https://openalex.org/{self.openalex_id}" if self.openalex_id else ""

    def semantic_scholar_url(self):
        if not self.semantic_scholar_id:
            return ""
        return f"https://www.semanticscholar.org/author/{self.semantic_scholar_id}"

    def orcid_url(self):
        return f"https://orcid.org/{self.orcid}" if self.orcid else ""

    def google_scholar_url(self):
        if not self.google_scholar_id:
            return ""
        return f"https://scholar.google.com/citations?user={self.google_scholar_id}"

    def external_links(self):
        """(label, url) for every profile this person has, in a stable order."""
        links = [
            ("Homepage", self.homepage),
            ("OpenAlex", self.openalex_url()),
            ("Semantic Scholar", self.semantic_scholar_url()),
            ("ORCID", self.orcid_url()),
            ("Google Scholar", self.google_scholar_url()),
        ]
        return [(label, url) for label, url in links if url]

    # Derived facts. One query; lists preload `with_current_positions()` instead.

    def current_affiliations(self):
        return self.affiliations.filter(is_current=True).select_related("organization")


class Organization(models.Model):
    """A university, company, lab or institute people are affiliated with."""

    class Kind(models.TextChoices):
        UNIVERSITY = "university", "University"
        COMPANY = "company", "Company"
        LAB = "lab", "Lab"
        INSTITUTE = "institute", "Institute"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.OTHER)
    homepage = WebURLField(blank=True)
    openalex_id = models.CharField(
        "OpenAlex id",
        max_length=40,
        blank=True,
        validators=[OPENALEX_INSTITUTION],
        help_text='Like "I63966007".',
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Organization, self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)


class Affiliation(models.Model):
    """A person's position at an organization, current or past."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="affiliations"
    )
    title = models.CharField(max_length=200, blank=True, help_text='Like "Associate Professor".')
    is_current = models.BooleanField("current", default=True)
    start_year = models.PositiveSmallIntegerField(null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-is_current", "-start_year", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organization", "title"], name="unique_affiliation"
            ),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=models.F("start_year")),
                name="affiliation_ends_after_start",
            ),
        ]

    def __str__(self):
        position = f"{self.title}, " if self.title else ""
        return f"{self.person}: {position}{self.organization}"

    def clean(self):
        super().clean()
        from people.services import check_affiliation_years  # the services import models

        try:
            check_affiliation_years(start_year=self.start_year, end_year=self.end_year)
        except ValidationError as error:
            raise ValidationError({"end_year": error}) from None
