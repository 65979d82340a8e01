"""Reading helpers shared by pages and the API: one version, all versions, in few queries."""

from archive.models import Document, Work


def get_version(slug: str, language: str) -> Document | None:
    return (
        Document.objects.select_related("work", "translation_of")
        .filter(work__slug=slug, language=language)
        .first()
    )


def versions_of(work: Work) -> list[Document]:
    """All language versions of a work: one query."""
    return list(Document.objects.filter(work=work).select_related("work").order_by("language"))


def document_body(document: Document) -> list[tuple[str, object]]:
    """Sections and clauses in reading order, as ("section", Section) / ("clause", Clause)."""
    items = [("section", s) for s in document.sections.all()]
    items += [("clause", c) for c in document.clauses.all()]
    return sorted(items, key=lambda item: item[1].sequence)
