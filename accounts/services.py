"""Writes on accounts: each a keyword-only function in one transaction."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.models import Profile, random_handle
from accounts.signals import account_deleting

DEFAULT_DISPLAY_NAME = "Listener"


@transaction.atomic
def ensure_profile(*, user):
    """The user's profile, made if they have none yet (a new sign-up, an editor's account)."""
    profile = Profile.objects.filter(user=user).first()
    if profile is not None:
        return profile
    # A clash of random handles is unlikely; a few tries make it impossible in practice.
    for _ in range(5):
        try:
            with transaction.atomic():
                return Profile.objects.create(
                    user=user, handle=random_handle(), display_name=DEFAULT_DISPLAY_NAME
                )
        except IntegrityError:
            continue
    raise RuntimeError("Could not find a free handle for a new profile.")


@transaction.atomic
def update_profile(*, profile, display_name, handle, bio, links):
    """Save what the listener typed (already validated by accounts.forms.ProfileForm)."""
    links = [link for link in links if link][:3]
    profile.display_name = display_name
    profile.handle = handle
    profile.bio = bio
    profile.link_1, profile.link_2, profile.link_3 = [*links, "", "", ""][:3]
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def delete_account(*, user):
    """Delete an account and the personal data kept with it.

    First `accounts.signals.account_deleting` is sent with the user, in this transaction, so
    that the apps above accounts apply their policy before the rows go: the community deletes
    the listener's reviews and keeps their comments as "deleted account" (the thread stays
    readable). Then: their sessions (every device signed out), the sign-in records django-axes
    keeps under their addresses, and the user row, which takes with it by cascade the profile,
    the e-mail addresses and pending confirmations (allauth), the API token and permissions.
    Jobs an editor started keep their row, without the user (SET_NULL).

    Finding the sessions reads every unexpired one (they are not indexed by user); deleting
    an account is rare enough for that.
    """
    account_deleting.send(sender=type(user), user=user)
    addresses = {
        user.email.lower(),
        *(a.lower() for a in user.emailaddress_set.values_list("email", flat=True)),
    }
    addresses.discard("")
    names = {user.get_username(), *addresses}
    session_store = import_string(settings.SESSION_ENGINE + ".SessionStore")
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session_store(session_key=session.session_key).delete()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__in=names).delete()
    user.delete()
