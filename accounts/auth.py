"""Sign-in helpers shared with django-axes."""


def axes_username(request, credentials=None):
    """The account an attempt is for: the admin's username, or a listener's e-mail address.

    allauth authenticates with `email=` (its form field is "login"); the admin with
    `username=`. Lower-cased, as allauth matches addresses, so "A@x" and "a@x" count as one.
    """
    data = credentials or getattr(request, "POST", None) or {}
    name = data.get("username") or data.get("email") or data.get("login") or ""
    return name.strip().lower() if "@" in name else name
