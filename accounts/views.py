from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts import activity, services
from accounts.forms import DeleteAccountForm, ProfileForm
from accounts.models import Profile
from core.versions import versioned


@versioned
def profile(request, handle):
    """A listener's public page: the same for every anonymous visitor (page cache)."""
    listener = get_object_or_404(Profile.objects.public().select_related("user"), handle=handle)
    return render(
        request,
        "accounts/profile.html",
        {"profile": listener, "activity": activity.for_user(listener.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request):
    profile = services.ensure_profile(user=request.user)
    form = ProfileForm(request.POST or None, profile=profile)
    if request.method == "POST" and form.is_valid():
        services.update_profile(
            profile=profile,
            display_name=form.cleaned_data["display_name"],
            handle=form.cleaned_data["handle"],
            bio=form.cleaned_data["bio"],
            links=form.links(),
        )
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:settings")
    return render(request, "accounts/settings.html", {"form": form, "profile": profile})


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST":
        # Guessing the password here is limited like re-authenticating anywhere (allauth).
        if not ratelimit.consume(request, action="reauthenticate", user=request.user):
            return ratelimit.respond_429(request)
        if form.is_valid():
            services.delete_account(user=request.user)
            logout(request)
            messages.success(request, "Your account and your personal data are deleted.")
            return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})
