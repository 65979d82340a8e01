"""The haystack index: one entry per clause, with its document's facts for filters and facets."""

from haystack import indexes

from archive.models import Clause, Document
from search.analysis import gram_analyzer, indexing_analyzer


def keyword(value) -> list[str]:
    """A facet value for a KEYWORD field (haystack joins lists with commas, so none inside)."""
    values = value if isinstance(value, list | tuple) else [value]
    return [str(v).replace(",", " ") for v in values if v not in (None, "")]


class ClauseIndex(indexes.SearchIndex, indexes.Indexable):
    # Clause text only: a word in the title must not make every clause of a document a hit.
    text = indexes.CharField(document=True, model_attr="text", analyzer=indexing_analyzer())
    # The same text as character n-grams, so a query matches inside a word as grep would
    # (パートナー in パートナーシップ, ジャパロフ in サディル・ジャパロフ・キルギス…).
    grams = indexes.CharField(model_attr="text", analyzer=gram_analyzer())
    # The clause's primary key as a column, to check n-gram candidates against the text.
    clause_pk = indexes.IntegerField(model_attr="pk")
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
        # Each clause's row carries its document's columns: without the large ones, or every
        # clause brings the whole source file along (a 20 MB text of 4,900 clauses: 180 GB).
        return (
            Clause.objects.select_related("document__work", "section__parent")
            .defer(*Document.large_columns("document__"))
            .prefetch_related("document__work__countries")
        )

    def document_facts(self, clause) -> dict:
        """The document-level values of a clause's entry, computed once per document: the
        index queryset comes in document order, so one remembered document is enough."""
        document = clause.document
        cached = getattr(self, "_facts", None)
        if cached and cached[0] == document.pk:
            return cached[1]
        date = document.date or document.work.date
        facts = {
            "title": f"{document.title} {document.subtitle}".strip(),
            "date": date,
            "document": keyword(document.pk),
            "slug": keyword(document.work.slug),
            "language": keyword(document.language),
            "year": keyword(date.year if date else None),
            "kind": keyword(document.work.kind),
            "series": keyword(document.work.series),
            "country": keyword([c.code for c in document.work.countries.all()]),
        }
        self._facts = (document.pk, facts)
        return facts

    def prepare(self, clause):
        data = super().prepare(clause)
        data.update(self.document_facts(clause))
        return data

    def prepare_section(self, clause):
        section = clause.section
        if section is None:
            return ""
        headings = [section.parent.heading] if section.parent else []
        return " ".join([*headings, section.heading])
