"""The Editors group: people who curate content in the admin but do not manage users."""

EDITORS_GROUP = "Editors"

# Every model of these apps is content an editor may add, change, delete and view.
CONTENT_APPS = ["episodes", "people", "papers", "posts", "taggit"]
# Background jobs: editors see them all, and may run a failed one again (a "change").
JOB_PERMISSIONS = ["view_job", "change_job"]
# Listeners' reviews: editors moderate them (publish, hide, delete) but write none.
REVIEW_PERMISSIONS = ["view_review", "change_review", "delete_review"]


def grant_editor_permissions(group_model, permission_model):
    """Create the Editors group if needed and give it every content permission.

    Takes the models as arguments so a migration can pass its historical ones.
    """
    group, _ = group_model.objects.get_or_create(name=EDITORS_GROUP)
    permissions = (
        permission_model.objects.filter(content_type__app_label__in=CONTENT_APPS)
        | permission_model.objects.filter(
            content_type__app_label="jobs", codename__in=JOB_PERMISSIONS
        )
        | permission_model.objects.filter(
            content_type__app_label="community", codename__in=REVIEW_PERMISSIONS
        )
    )
    group.permissions.add(*permissions)
    return group


def sync_editor_permissions(sender=None, using="default", **kwargs):
    from django.contrib.auth.models import Group, Permission

    if Group.objects.using(using).filter(name=EDITORS_GROUP).exists():
        grant_editor_permissions(Group, Permission)
