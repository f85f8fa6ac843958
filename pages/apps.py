from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The public site's HTML pages: they compose what the content apps below them offer."""

    name = "pages"
