from django.urls import path

from episodes import views

app_name = "episodes"
urlpatterns = [
    path("", views.episode_list, name="list"),
    path("<slug:slug>/", views.episode_detail, name="detail"),
    path("<slug:slug>/reading-list.bib", views.reading_list_bibtex, name="reading_list_bibtex"),
    path("<slug:slug>/reading-list.json", views.reading_list_csl, name="reading_list_csl"),
    path("<slug:slug>/cite.bib", views.cite_bibtex, name="cite_bibtex"),
]
