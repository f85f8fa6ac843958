from django.apps import AppConfig


class PapersConfig(AppConfig):
    name = "papers"

    def ready(self):
        from core import versions
        from papers import jobs  # noqa: F401 (registers the paper import job)

        # Its rows are content: the site's version changes with them.
        versions.register(self.label)
