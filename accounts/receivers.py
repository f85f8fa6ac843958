"""What accounts does when allauth signs someone up, and when an account changes."""

from allauth.account.signals import user_signed_up
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts import services
from core import versions


@receiver(user_signed_up, dispatch_uid="accounts.profile_on_sign_up")
def make_profile(sender, request, user, **kwargs):
    services.ensure_profile(user=user)


@receiver(post_save, sender=get_user_model(), dispatch_uid="accounts.user_saved")
def account_changed(sender, instance, update_fields=None, **kwargs):
    """A suspended (inactive) account's profile leaves the public pages at the next request.

    Users are not content (a sign-in saves last_login, which must not renew every page), so
    the content version is renewed here for any other change to an account.
    """
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    versions.bump()
