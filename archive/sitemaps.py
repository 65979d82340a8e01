"""sitemap.xml: every document version and every clause permalink, in pages of at most
50,000 addresses (Django's sitemap index), so search engines find each citable clause."""

from django.contrib.sitemaps import Sitemap

from archive.models import Clause, Document


class DocumentSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Document.objects.with_work().light().order_by("pk")

    def lastmod(self, document):
        return document.imported_at


class ClauseSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return (
            Clause.objects.select_related("document__work")
            .only("label", "document__language", "document__work__slug")
            .order_by("pk")
        )

    def location(self, clause):
        return clause.get_permalink()


SITEMAPS = {"documents": DocumentSitemap, "clauses": ClauseSitemap}
