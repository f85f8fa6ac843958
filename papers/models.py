"""Papers, who wrote them, and which papers cite which."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from taggit.managers import TaggableManager

from core.fields import WebURLField
from core.links import path_to
from core.text import unique_slug
from people.models import Person

ARXIV_ID = RegexValidator(
    r"^(\d{4}\.\d{4,5}|[a-z\-]+(\.[A-Z]{2})?/\d{7})(v\d+)?$",
    'An arXiv id looks like "2405.07987" (or "cs/0112017" for old papers), without a URL.',
)
DOI = RegexValidator(r"^10\.\d{4,9}/\S+$", 'A DOI looks like "10.48550/arXiv.2405.07987".')
OPENALEX_WORK = RegexValidator(
    r"\AW[0-9]+\Z", 'An OpenAlex work id looks like "W4396833154", without a URL.'
)
SEMANTIC_SCHOLAR_PAPER = RegexValidator(
    r"\A([0-9a-f]{40}|[0-9]+)\Z",
    "A Semantic Scholar paper id is the 40 hexadecimal characters of its address, or its "
    "CorpusId (digits), without a URL.",
)


class PaperQuerySet(models.QuerySet):
    def with_authors(self):
        """Preload bylines (authors in order) and tags: what a paper's page, its JSON and
        lists show."""
        return self.prefetch_related(
            models.Prefetch("authorships", queryset=Authorship.objects.select_related("person")),
            "tags",
        )

    def by(self, person):
        """Papers `person` (a Person, or a person's slug) wrote."""
        key = "authorships__person__slug" if isinstance(person, str) else "authorships__person"
        return self.filter(**{key: person})  # an author is on a byline once: no duplicates

    def citing_work_of(self, person):
        """Papers citing `person`'s papers, annotated with `refs` (how many of them each
        cites), most first."""
        return (
            self.filter(references__authorships__person=person)
            .annotate(refs=models.Count("references", distinct=True))
            .order_by("-refs", *self.model._meta.ordering)
        )

    # People, as seen from their papers.

    def authors(self):
        """The people who wrote these papers, as a Person queryset."""
        wrote = Authorship.objects.filter(paper__in=self.values("pk"))
        return Person.objects.filter(pk__in=wrote.values("person"))

    def coauthors_of(self, person):
        """The people who wrote some of these papers with `person`, as a Person queryset
        annotated with `shared_papers`, most first."""
        theirs = Authorship.objects.filter(person=person, paper__in=self.values("pk"))
        # The filter and the count go through the same join, so only shared papers count.
        return (
            Person.objects.exclude(pk=person.pk)
            .filter(authorships__paper__in=theirs.values("paper"))
            .annotate(shared_papers=models.Count("authorships__paper", distinct=True))
            .order_by("-shared_papers", "name")
        )

    def count_per_person(self):
        """An expression: how many of these papers the person wrote (0 for none).

        `people.annotate(paper_count=Paper.objects.count_per_person())`
        """
        wrote = Authorship.objects.filter(person=OuterRef("pk"), paper__in=self.values("pk"))
        per_person = wrote.order_by().values("person").annotate(n=models.Count("paper"))
        return Coalesce(Subquery(per_person.values("n")), 0)


# The years a paper may carry. The last is the last a date holds: the search index, the
# citations and the sitemaps make January 1st of the year a date, and year 10051 made the
# index fail after the paper was saved. A fixed bound (not "next year") is one the
# database, the admin, the API and its OpenAPI document all state the same way; the first
# rules out a two-digit typo ("24").
FIRST_YEAR = 1000
LAST_YEAR = 9999


class Paper(models.Model):
    """A research paper, with the ids that link it to arXiv, DOI, OpenAlex and Semantic Scholar."""

    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=200, unique=True)
    year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        db_index=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
        help_text=f"From {FIRST_YEAR} to {LAST_YEAR}.",
    )
    published_on = models.DateField(null=True, blank=True, help_text="Exact date, if known.")
    venue = models.CharField(max_length=200, blank=True, help_text='Like "ICML 2024".')
    abstract = models.TextField(blank=True)
    summary = models.TextField(blank=True, help_text="The editors' summary, for listeners.")
    arxiv_id = models.CharField("arXiv id", max_length=40, blank=True, validators=[ARXIV_ID])
    doi = models.CharField("DOI", max_length=200, blank=True, validators=[DOI])
    url = WebURLField("URL", blank=True, help_text="Where to read it, if not arXiv or DOI.")
    openalex_id = models.CharField(
        "OpenAlex id",
        max_length=40,
        blank=True,
        validators=[OPENALEX_WORK],
        help_text='Like "W4396833154".',
    )
    semantic_scholar_id = models.CharField(
        "Semantic Scholar id",
        max_length=64,
        blank=True,
        validators=[SEMANTIC_SCHOLAR_PAPER],
        help_text="40 hexadecimal characters, or the CorpusId (digits).",
    )
    authors = models.ManyToManyField(
        "people.Person", through="Authorship", related_name="authored_papers", blank=True
    )
    references = models.ManyToManyField(
        "self",
        through="Citation",
        symmetrical=False,
        related_name="cited_by",
        blank=True,
        help_text="Papers this paper cites.",
    )
    tags = TaggableManager(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PaperQuerySet.as_manager()

    class Meta:
        # Newest first, and papers without a year last on every database (PostgreSQL would
        # put them first).
        ordering = [models.F("year").desc(nulls_last=True), "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR)
                | models.Q(year=None),
                name="paper_year_in_range",
                violation_error_message=f"A year is from {FIRST_YEAR} to {LAST_YEAR}.",
            ),
            models.UniqueConstraint(
                fields=["arxiv_id"],
                condition=~models.Q(arxiv_id=""),
                name="unique_arxiv_id",
                violation_error_message="Another paper has this arXiv id.",
            ),
            models.UniqueConstraint(
                fields=["doi"],
                condition=~models.Q(doi=""),
                name="unique_doi",
                violation_error_message="Another paper has this DOI.",
            ),
        ]
        # The list's order: its first page is read from the index, not sorted from every row
        # (created on PostgreSQL only, see the migration).
        indexes = [
            models.Index(models.F("year").desc(nulls_last=True), "title", name="paper_list_order"),
        ]

    def __str__(self):
        return f"{self.title} ({self.year})" if self.year else self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Paper, self.title, max_length=80, exclude_pk=self.pk)
        if self.published_on and not self.year:
            self.year = self.published_on.year
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return path_to("papers:detail", self.slug)

    def arxiv_url(self):
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else ""

    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""

    def openalex_url(self):
        return f"https://openalex.org/{self.openalex_id}" if self.openalex_id else ""

    def semantic_scholar_url(self):
        if not self.semantic_scholar_id:
            return ""
        return f"https://www.semanticscholar.org/paper/{self.semantic_scholar_id}"

    def links(self):
        """(label, url) for every place this paper can be read or looked up."""
        links = [
            ("arXiv", self.arxiv_url()),
            ("DOI", self.doi_url()),
            ("Link", self.url),
            ("OpenAlex", self.openalex_url()),
            ("Semantic Scholar", self.semantic_scholar_url()),
        ]
        return [(label, url) for label, url in links if url]

    def ordered_authors(self):
        """Authors in byline order (one query; prefetch `authorships__person` for lists)."""
        return [a.person for a in self.authorships.all()]


class Authorship(models.Model):
    """A person's place in a paper's byline."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="authorships")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="authorships"
    )
    order = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)], help_text="1 for the first author."
    )

    class Meta:
        ordering = ["paper", "order"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "order"], name="unique_author_position"),
            models.UniqueConstraint(fields=["paper", "person"], name="unique_author_per_paper"),
        ]

    def __str__(self):
        return f"{self.person} ({self.order}) on {self.paper.title}"


class Citation(models.Model):
    """`citing` lists `cited` among its references."""

    citing = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="citations_made")
    cited = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="citations_received")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["citing", "cited"], name="unique_citation"),
            models.CheckConstraint(
                condition=~models.Q(citing=models.F("cited")), name="paper_cannot_cite_itself"
            ),
        ]

    def __str__(self):
        return f"{self.citing.title} cites {self.cited.title}"
