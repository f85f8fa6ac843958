from django.apps import AppConfig


class PapersConfig(AppConfig):
    name = "papers"

    def ready(self):
        from papers import jobs  # noqa: F401 (registers the paper import job)
