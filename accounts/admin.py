from django.contrib import admin

from accounts.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["handle", "display_name", "user", "created_at"]
    search_fields = ["handle", "display_name", "user__email"]
    raw_id_fields = ["user"]
    list_select_related = ["user"]
