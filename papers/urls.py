from django.urls import path

from papers import views

app_name = "papers"
urlpatterns = [
    path("", views.paper_list, name="list"),
    path("<slug:slug>/", views.paper_detail, name="detail"),
    path("<slug:slug>/bibtex", views.paper_bibtex, name="bibtex"),
]
