from django import forms
from django.conf import settings

from accounts.models import (
    HANDLE_MAX_LENGTH,
    LINK_MAX_LENGTH,
    Profile,
    validate_handle,
    validate_link,
)


class LinkField(forms.URLField):
    """A web address, http or https only (one message for anything else)."""

    default_validators = [validate_link]
    default_error_messages = {"invalid": validate_link.message}


def link_field():
    return LinkField(
        label="Link", required=False, max_length=LINK_MAX_LENGTH, assume_scheme="https"
    )


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label="Display name", max_length=settings.PROFILE_NAME_MAX_LENGTH
    )
    handle = forms.CharField(
        label="Handle",
        max_length=HANDLE_MAX_LENGTH,
        help_text="Your profile's address: /listeners/<handle>/.",
    )
    bio = forms.CharField(
        label="Bio",
        required=False,
        max_length=settings.PROFILE_BIO_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=f"Plain text, up to {settings.PROFILE_BIO_MAX_LENGTH} characters.",
    )
    link_1 = link_field()
    link_2 = link_field()
    link_3 = link_field()

    def __init__(self, *args, profile, **kwargs):
        self.profile = profile
        kwargs.setdefault(
            "initial",
            {
                "display_name": profile.display_name,
                "handle": profile.handle,
                "bio": profile.bio,
                "link_1": profile.link_1,
                "link_2": profile.link_2,
                "link_3": profile.link_3,
            },
        )
        super().__init__(*args, **kwargs)

    def clean_display_name(self):
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise forms.ValidationError("Enter the name to show.")
        return name

    def clean_handle(self):
        # Checked once lower-cased: "Ada" is taken as "ada".
        handle = self.cleaned_data["handle"].strip().lower()
        validate_handle(handle)
        taken = Profile.objects.filter(handle=handle).exclude(pk=self.profile.pk).exists()
        if taken:
            raise forms.ValidationError("This handle is taken; try another.")
        return handle

    def links(self):
        return [self.cleaned_data[f"link_{n}"] for n in (1, 2, 3)]


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password
