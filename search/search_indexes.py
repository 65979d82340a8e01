"""The haystack index: one entry per clause, with its document's facts for filters and facets."""

from haystack import indexes

from archive.models import Clause
from search.analysis import indexing_analyzer


def keyword(value) -> list[str]:
    """A facet value for a KEYWORD field (haystack joins lists with commas, so none inside)."""
    values = value if isinstance(value, list | tuple) else [value]
    return [str(v).replace(",", " ") for v in values if v not in (None, "")]


class ClauseIndex(indexes.SearchIndex, indexes.Indexable):
    # Clause text only: a word in the title must not make every clause of a document a hit.
    text = indexes.CharField(document=True, model_attr="text", analyzer=indexing_analyzer())
    title = indexes.CharField(analyzer=indexing_analyzer())
    section = indexes.CharField(analyzer=indexing_analyzer(), default="")
    date = indexes.DateField(null=True)
    sequence = indexes.IntegerField(model_attr="sequence")
    # Multi-valued fields become Whoosh KEYWORD fields: exact terms for filters and facets.
    document = indexes.MultiValueField()
    slug = indexes.MultiValueField()
    language = indexes.MultiValueField()
    year = indexes.MultiValueField()
    kind = indexes.MultiValueField()
    series = indexes.MultiValueField()
    country = indexes.MultiValueField()

    def get_model(self):
        return Clause

    def index_queryset(self, using=None):
        return Clause.objects.select_related("document__work", "section__parent").prefetch_related(
            "document__work__countries"
        )

    def prepare_title(self, clause):
        document = clause.document
        return f"{document.title} {document.subtitle}".strip()

    def prepare_section(self, clause):
        section = clause.section
        if section is None:
            return ""
        headings = [section.parent.heading] if section.parent else []
        return " ".join([*headings, section.heading])

    def prepare_date(self, clause):
        return clause.document.date or clause.document.work.date

    def prepare_document(self, clause):
        return keyword(clause.document_id)

    def prepare_slug(self, clause):
        return keyword(clause.document.work.slug)

    def prepare_language(self, clause):
        return keyword(clause.document.language)

    def prepare_year(self, clause):
        date = self.prepare_date(clause)
        return keyword(date.year if date else None)

    def prepare_kind(self, clause):
        return keyword(clause.document.work.kind)

    def prepare_series(self, clause):
        return keyword(clause.document.work.series)

    def prepare_country(self, clause):
        return keyword([c.code for c in clause.document.work.countries.all()])
