"""What accounts does when allauth signs someone up, and when an account changes."""

from allauth.account.signals import user_signed_up
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from accounts import services
from core import versions


@receiver(user_signed_up, dispatch_uid="accounts.profile_on_sign_up")
def make_profile(sender, request, user, **kwargs):
    services.ensure_profile(user=user)


@receiver(pre_save, sender=get_user_model(), dispatch_uid="accounts.user_saving")
def note_whether_active(sender, instance, update_fields=None, **kwargs):
    # Whether the account was active before this save: only a change of that shows on the
    # public pages (one small query, and none for a sign-in, which saves last_login alone).
    if update_fields is not None and "is_active" not in update_fields:
        instance._was_active = instance.is_active
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list("is_active", flat=True)
    instance._was_active = next(iter(stored), None) if instance.pk else None


@receiver(post_save, sender=get_user_model(), dispatch_uid="accounts.user_saved")
def account_changed(sender, instance, created, **kwargs):
    """A suspended (inactive) account's profile and the links to it leave the public pages
    at the next request, and come back when it is active again.

    Users are not content (a sign-in saves last_login, a new account shows nowhere yet, and
    neither must renew every page), so the content version is renewed here only when an
    account becomes inactive or active again.
    """
    was_active = getattr(instance, "_was_active", None)
    if not created and was_active is not None and was_active != instance.is_active:
        versions.bump()
