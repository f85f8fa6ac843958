from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People and organizations"

    def ready(self):
        from core import versions

        # Its rows are content (the site's version changes with them); so are the tags
        # (taggit) that people's topics and everything above use.
        versions.register(self.label, "taggit")
