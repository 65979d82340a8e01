from django.urls import path, register_converter

from archive import data_views, views
from archive.feeds import DocumentsFeed


class LanguageConverter:
    regex = "[a-z]{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class LabelConverter(LanguageConverter):
    # 41, p1, a; 2-1 for (1) under heading 2; ii-1-3 for (3) under Ⅱ › 1.; 2-p1
    regex = "[0-9a-z]{1,20}(?:-[0-9a-z]{1,20}){0,4}"


register_converter(LanguageConverter, "lang")
register_converter(LabelConverter, "label")

app_name = "archive"
# Routes are path, view and name, here and in api_urls.py and search/urls.py: alike by design.
urlpatterns = [
    path("", views.home, name="home"),
    path("documents/", views.document_list, name="document_list"),
    path("recurring/", views.recurring_list, name="recurring"),
    path("compare/", views.compare_texts, name="compare"),
    path("distinctive/", views.distinctive_terms, name="distinctive"),
    path("feeds/documents.atom", DocumentsFeed(), name="feed_documents"),
    path("documents/<slug:slug>/", views.document_redirect, name="work"),
    path("documents/<slug:slug>/parallel/", views.parallel, name="parallel"),
    path(
        "documents/<slug:slug>/clauses/<label:label>/",
        views.clause_across_versions,
        name="clause_across",
    ),
    path("documents/<slug:slug>/<lang:language>/", views.document_detail, name="document"),
    path("documents/<slug:slug>/<lang:language>.txt", views.document_text, name="document_text"),
    path("documents/<slug:slug>/<lang:language>.json", views.document_json, name="document_json"),
    path(
        "documents/<slug:slug>/<lang:language>/source/",
        views.document_source,
        name="document_source",
    ),
    path(
        "documents/<slug:slug>/<lang:language>/<label:label>/", views.clause_detail, name="clause"
    ),
    path("data/", data_views.data_index, name="data"),
    path("data/<path:path>", data_views.data_file, name="data_file"),
]
