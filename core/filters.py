import django_filters


class StrictFilterSet(django_filters.FilterSet):
    """Filters where a value that matches nothing known gives no results, not all of them.

    ?guest=nobody or ?year=abc then shows an empty list with the form saying what was wrong,
    rather than quietly ignoring the filter and listing everything.
    """

    @property
    def qs(self):
        if self.is_bound and not self.form.is_valid():
            return self.queryset.none()
        return super().qs
