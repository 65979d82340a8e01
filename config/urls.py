from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="archive:document_list"), name="home"),
    path("", include("archive.urls")),
    path("api/", include("archive.api_urls")),
    path("admin/", admin.site.urls),
]
