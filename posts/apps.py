from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "posts"
    verbose_name = "Editorial posts"

    def ready(self):
        from core import versions

        # Its rows are content: the site's version changes with them.
        versions.register(self.label)
