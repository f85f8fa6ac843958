"""Writing papers: a paper with its byline.

Called by the admin's byline inline (the rule), the API's serializers, the paper importer
and the demo loader. Keyword-only and atomic: a rule broken is a ValidationError and nothing
is written. After a bulk write `core.signals.content_changed` says which paper changed.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from core.children import Replaced, replace_children
from core.signals import content_changed
from papers.models import Authorship, Paper


def check_authors(*, people):
    """An author appears once in a byline."""
    if len({person.pk for person in people}) != len(people):
        raise ValidationError("An author is listed twice.", code="duplicate_author")


@transaction.atomic
def replace_authors(*, paper: Paper, people: list) -> Replaced:
    """Make the paper's byline exactly `people`, in order (positions 1 to n).

    An author who keeps their place keeps their row; one who moves is written again at the
    new place. An author listed twice is a ValidationError and nothing is written.
    """
    check_authors(people=people)
    wanted = [{"person": person, "order": order} for order, person in enumerate(people, start=1)]
    result = replace_children(
        Authorship, parent={"paper": paper}, key=("person", "order"), wanted=wanted
    )
    if result.changed:
        content_changed.send(sender=Paper, pks=[paper.pk])
    return result


@transaction.atomic
def save_paper(*, paper: Paper, authors: list | None = None) -> Replaced | None:
    """Check the paper against the model's rules, save it, and, when `authors` is given,
    make them its byline (`replace_authors`). A ValidationError writes nothing. Returns what
    happened to the byline, or None when it was left alone."""
    paper.full_clean(exclude=["slug"])  # set from the title on save
    paper.save()
    if authors is None:
        return None
    return replace_authors(paper=paper, people=authors)
