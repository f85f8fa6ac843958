from typing import NamedTuple

import django_filters
from django.core.exceptions import ValidationError
from taggit.models import Tag

from core import versions
from core.tagging import count_per_tag, is_tagged

# How many choices a list page's select offers at most. The filter still takes any valid
# value (a link to ?guest=<anyone> works), but a select of ten thousand names helps nobody
# and took a fifth of a second to render on a large archive.
CHOICES_OFFERED = 100


class StrictFilterSet(django_filters.FilterSet):
    """Filters where a value that matches nothing known gives no results, not all of them.

    ?guest=nobody or ?year=abc then shows an empty list with the form saying what was wrong,
    rather than quietly ignoring the filter and listing everything.

    `offered`: {filter name: a function giving the Offered choices its select shows}, for
    choices too many to list (`offer_most_used()`); the value asked for is added when it is
    not among them, and the select says when it offers only the most frequent.
    """

    offered = {}

    @property
    def qs(self):
        if self.is_bound and not self.form.is_valid():
            return self.queryset.none()
        return super().qs

    @property
    def form(self):
        form = super().form
        if not getattr(self, "_offers_made", False):
            self._offers_made = True
            for name, offer in self.offered.items():
                _offer(form.fields[name], offer(), self.data.get(name) if self.data else None)
        return form


class Offered(NamedTuple):
    """What a select offers: (value, label) pairs, and whether there were more to offer."""

    choices: list
    more: bool


def _offer(field, offered, selected):
    choices = list(offered.choices)
    if selected and selected not in {value for value, _ in choices}:
        try:  # as the form will check it (a NUL byte is refused there, not sent to SQL)
            chosen = field.clean(selected)
        except ValidationError:
            chosen = None
        if chosen is not None:
            choices.append((selected, field.label_from_instance(chosen)))
            choices.sort(key=lambda pair: str(pair[1]).casefold())
    if offered.more and not field.help_text:
        field.help_text = f"The {CHOICES_OFFERED} most frequent."
    field.widget.choices = [("", field.empty_label), *choices]


def offer_most_used(queryset, uses, value="slug", label="name"):
    """Offered: (value, label) of the CHOICES_OFFERED rows of `queryset` with the most
    `uses` (an expression, a count), by label, and whether there are more rows."""
    top = queryset.annotate(uses=uses).order_by("-uses", label)[: CHOICES_OFFERED + 1]
    pairs = list(top.values_list(value, label))
    more = len(pairs) > CHOICES_OFFERED
    pairs = sorted(pairs[:CHOICES_OFFERED], key=lambda pair: str(pair[1]).casefold())
    return Offered(pairs, more)


# The ?tag=<slug> filter every list has, on the rows the public sees.


def topics_in_use(model, visible=None):
    """The tags some row of `model` carries (a row of `visible()` when that function is
    given: a draft's topics are not shown before it is out), by name."""
    rows = visible() if visible is not None else None
    return Tag.objects.filter(is_tagged(model, rows)).order_by("name")


def offered_topics(model, visible=None):
    """(slug, name) of the most used of `topics_in_use()`, for a topic select: worked out
    once per content version."""

    def compute():
        rows = visible() if visible is not None else None
        return offer_most_used(topics_in_use(model, visible), count_per_tag(model, rows))

    return versions.memoize(f"offered-topics:{model._meta.label_lower}", compute)


def topic_filter(model, visible=None, field_name="tags"):
    """?tag=<slug>: the rows of `model` carrying that topic, from a select of the topics in
    use (add `"tag": lambda: offered_topics(model, visible)` to the FilterSet's `offered`)."""
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        to_field_name="slug",
        queryset=lambda request=None: topics_in_use(model, visible),
        empty_label="Any topic",
        label="Topic",
    )
