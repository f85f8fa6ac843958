"""What accounts does when allauth signs someone up."""

from allauth.account.signals import user_signed_up
from django.dispatch import receiver

from accounts import services


@receiver(user_signed_up, dispatch_uid="accounts.profile_on_sign_up")
def make_profile(sender, request, user, **kwargs):
    services.ensure_profile(user=user)
