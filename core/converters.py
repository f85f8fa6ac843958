"""URL path converters (registered in ibsite/urls.py)."""


class TagSlugConverter:
    """A tag's slug. Tags typed in the admin keep their letters ("théorie", "深度学习"):
    django-taggit slugifies with Unicode allowed, which Django's `slug` converter refuses."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
