from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Ratings and reviews"

    def ready(self):
        from core import versions

        # A new, edited or hidden review shows on the cached public pages at the next request.
        versions.register(self.label)
