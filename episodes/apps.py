from django.apps import AppConfig


class EpisodesConfig(AppConfig):
    name = "episodes"
    verbose_name = "Show and episodes"

    def ready(self):
        from episodes import jobs  # noqa: F401 (registers the feed import job)
