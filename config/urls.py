from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("archive.urls")),
    path("api/", include("archive.api_urls")),
    path("", include("search.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler404 = "archive.views.page_not_found"
handler500 = "archive.views.server_error"
