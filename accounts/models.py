"""A listener's public profile: one per account, made at sign-up."""

import secrets
import string

from django.conf import settings
from django.core.validators import MaxLengthValidator, RegexValidator, URLValidator
from django.db import models
from django.urls import reverse

HANDLE_MAX_LENGTH = 30
LINK_MAX_LENGTH = 200
# Lower-case letters, digits and single hyphens inside: the handle is the profile's address.
validate_handle = RegexValidator(
    r"\A[a-z0-9](?:-?[a-z0-9])*\Z",
    "Use lower-case letters, digits and single hyphens, starting and ending with a letter "
    "or a digit.",
)
# http and https only: a javascript: or data: link in a profile would run in the reader's page.
validate_link = URLValidator(
    schemes=["http", "https"], message="Enter an http:// or https:// link."
)


def random_handle():
    """ "listener-" and 8 random letters and digits: nothing of the e-mail address is public."""
    alphabet = string.ascii_lowercase + string.digits
    return "listener-" + "".join(secrets.choice(alphabet) for _ in range(8))


def user_display(user):
    """How allauth names an account to its owner (messages, e-mails): its e-mail address."""
    return user.email or "your account"


class ProfileQuerySet(models.QuerySet):
    def public(self):
        """The profiles anyone may see: their account is active (not suspended or deleted)."""
        return self.filter(user__is_active=True)


class Profile(models.Model):
    """What a listener shows of themselves: a name, a short bio, a few links."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    handle = models.CharField(
        max_length=HANDLE_MAX_LENGTH,
        unique=True,
        validators=[validate_handle],
        help_text="The profile's address: /listeners/<handle>/.",
    )
    display_name = models.CharField(
        max_length=settings.PROFILE_NAME_MAX_LENGTH,
        help_text="The name shown with what they write.",
    )
    bio = models.TextField(
        blank=True,
        validators=[MaxLengthValidator(settings.PROFILE_BIO_MAX_LENGTH)],
        help_text="Plain text, shown as typed (escaped), line breaks kept.",
    )
    link_1 = models.URLField(
        "link", max_length=LINK_MAX_LENGTH, blank=True, validators=[validate_link]
    )
    link_2 = models.URLField(
        "link", max_length=LINK_MAX_LENGTH, blank=True, validators=[validate_link]
    )
    link_3 = models.URLField(
        "link", max_length=LINK_MAX_LENGTH, blank=True, validators=[validate_link]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        ordering = ["handle"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(handle=""), name="accounts_profile_handle_not_empty"
            )
        ]

    def __str__(self):
        return f"{self.display_name} (@{self.handle})"

    def get_absolute_url(self):
        return reverse("accounts:profile", kwargs={"handle": self.handle})

    @property
    def links(self):
        return [link for link in (self.link_1, self.link_2, self.link_3) if link]
