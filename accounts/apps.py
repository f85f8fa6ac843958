from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Listener accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts import checks, receivers  # noqa: F401 (registers them)
        from core import versions

        # A profile is public: a new name or bio shows at the next request.
        versions.register(self.label)
