from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared library: publishing, text, Markdown, durations, fields, links.

    It imports no app of ours; every app may import it.
    """

    name = "core"

    def ready(self):
        from django.urls import register_converter

        from core import versions
        from core.converters import TagSlugConverter

        # Here rather than in the root URLconf, which imports URL modules that use it.
        register_converter(TagSlugConverter, "tagslug")
        # The content version follows every write of the apps registered as content.
        versions.connect()
