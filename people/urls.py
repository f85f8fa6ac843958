from django.urls import path

from people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("<slug:slug>/", views.person_detail, name="detail"),
    path("<slug:slug>/papers.bib", views.person_papers_bibtex, name="papers_bibtex"),
]
