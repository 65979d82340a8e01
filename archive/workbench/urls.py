from django.urls import path

from archive.workbench import views

app_name = "workbench"
urlpatterns = [
    path("", views.drafts, name="drafts"),
    path("<int:pk>/", views.review, name="review"),
    path("<int:pk>/manifest.toml", views.manifest, name="manifest"),
    path("stored/<int:pk>/", views.stored, name="stored"),
    path("stored/<int:pk>/revisions/", views.revisions, name="revisions"),
]
