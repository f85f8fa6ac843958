from django.urls import path

from papers import views

app_name = "papers"
urlpatterns = [
    path("<slug:slug>/", views.paper_detail, name="detail"),
]
