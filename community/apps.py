from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Ratings and reviews"

    def ready(self):
        from accounts import activity
        from accounts.signals import account_deleting
        from community.models import reviews_for_profile
        from community.services import _on_account_deleting
        from core import versions

        # A new, edited or hidden review shows on the cached public pages at the next request.
        versions.register(self.label)
        # A listener's public profile lists their reviews.
        activity.register(reviews_for_profile)
        # Deleting an account takes its reviews with it.
        account_deleting.connect(_on_account_deleting, dispatch_uid="community-reviews-deleted")
