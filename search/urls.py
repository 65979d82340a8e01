from django.urls import path

from search import views

app_name = "search"
urlpatterns = [
    path("search/", views.search_page, name="results"),
    path("search/about/", views.about, name="about"),
    path("search/export.csv", views.export_csv, name="export_csv"),
    path("search/export.json", views.export_json, name="export_json"),
    path("api/search", views.api_search, name="api"),
]
