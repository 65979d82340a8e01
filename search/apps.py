"""The search app: listens to the archive, so the archive never imports search."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        from archive.research.datasets import datasets_building
        from archive.signals import documents_changed, documents_changing
        from search import checks, glossary, indexing  # noqa: F401 (checks registers itself)

        def record_change(sender, document_ids, change, **kwargs):
            indexing.record_change(document_ids, change)

        def update_index(sender, document_ids, change, **kwargs):
            indexing.index_changes(document_ids, change)

        documents_changing.connect(record_change, weak=False, dispatch_uid="search-record-change")
        documents_changed.connect(update_index, weak=False, dispatch_uid="search-update-index")
        datasets_building.connect(
            glossary.write_glossary, weak=False, dispatch_uid="search-glossary"
        )
