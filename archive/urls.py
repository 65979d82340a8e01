from django.urls import path

from archive import views

app_name = "archive"
urlpatterns = [
    path("documents/", views.document_list, name="document_list"),
    path("documents/<slug:slug>/<str:language>/", views.document_detail, name="document"),
]
