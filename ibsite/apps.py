from django.apps import AppConfig


class IbsiteConfig(AppConfig):
    name = "ibsite"
    verbose_name = "Site"

    def ready(self):
        from django.db.models.signals import post_migrate

        from ibsite.editors import sync_editor_permissions

        # New content models get their permissions after migrate; keep the Editors group
        # in step with them without a migration per model.
        post_migrate.connect(sync_editor_permissions, sender=self)
