from django.urls import path

from search import views
from search.feeds import SearchFeed

app_name = "search"
# Routes are path, view and name, as in archive/urls.py and archive/api_urls.py: alike by design.
urlpatterns = [
    path("search/", views.search_page, name="results"),
    path("search/about/", views.about, name="about"),
    path("search/export.csv", views.export_csv, name="export_csv"),
    path("search/export.json", views.export_json, name="export_json"),
    path("search/feed", SearchFeed(), name="feed"),
    path("search/trend/", views.trend_page, name="trend"),
    path("concordance/", views.concordance_page, name="concordance"),
    path("terms/", views.terms_page, name="terms"),
    path("concordance/export.csv", views.concordance_csv, name="concordance_csv"),
    path("concordance/export.json", views.concordance_json, name="concordance_json"),
    path("search/trend.csv", views.trend_csv, name="trend_csv"),
    path("api/search", views.api_search, name="api"),
    path("api/search/trend", views.api_trend, name="api_trend"),
    path("api/concordance", views.api_concordance, name="api_concordance"),
    path("api/terms/equivalents", views.api_equivalents, name="api_equivalents"),
]
