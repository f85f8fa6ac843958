from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("account/", views.account_settings, name="settings"),
    path("account/delete/", views.delete_account, name="delete"),
    path("listeners/<slug:handle>/", views.profile, name="profile"),
]
