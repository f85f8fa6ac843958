from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def email_is_sent(app_configs, **kwargs):
    """Production without EMAIL_URL prints verification e-mails nobody reads."""
    if settings.EMAIL_BACKEND.endswith(("console.EmailBackend", "locmem.EmailBackend")):
        return [
            Warning(
                "E-mails are not sent: set EMAIL_URL (smtp+tls://user:password@host:587).",
                id="accounts.W001",
            )
        ]
    return []
