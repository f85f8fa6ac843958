from django.apps import AppConfig


class EpisodesConfig(AppConfig):
    name = "episodes"
    verbose_name = "Show and episodes"

    def ready(self):
        from core import versions
        from episodes import jobs  # noqa: F401 (registers the feed import job)

        # Its rows are content: the site's version changes with them.
        versions.register(self.label)
