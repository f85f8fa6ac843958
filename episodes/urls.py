from django.urls import path

from episodes import views

app_name = "episodes"
urlpatterns = [
    path("", views.episode_list, name="list"),
    path("<slug:slug>/", views.episode_detail, name="detail"),
]
