from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView
from django.views.i18n import set_language

from archive.sitemaps import SITEMAPS

urlpatterns = [
    path("", include("archive.urls")),
    path("api/", include("archive.api_urls")),
    path("", include("search.urls")),
    # Without a CSRF token, so that no page carries a token of its reader's and every page can
    # be kept by a shared cache; a forged request could only change a reader's interface
    # language.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    # Under the admin's address, where curators work; before the admin, which answers the rest.
    path("admin/workbench/", include("archive.workbench.urls")),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS}, name="sitemap-index"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
]

handler400 = "archive.views.bad_request"
handler404 = "archive.views.page_not_found"
handler500 = "archive.views.server_error"
