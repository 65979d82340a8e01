from django.urls import path

from archive import api

app_name = "api"
# Routes are path, view and name, as in archive/urls.py and search/urls.py: alike by design.
urlpatterns = [
    path("", api.index, name="index"),
    path("distinctive", api.distinctive_terms, name="distinctive"),
    path("documents/", api.document_list, name="document_list"),
    path("documents/<slug:slug>/", api.work_detail, name="work"),
    path("documents/<slug:slug>/<str:language>/", api.document_detail, name="document"),
    path(
        "documents/<slug:slug>/<str:language>/<str:label>/recurring",
        api.clause_recurring,
        name="clause_recurring",
    ),
]
