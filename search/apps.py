"""The search app: listens to the archive, so the archive never imports search."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        from archive.signals import documents_changed
        from search import indexing

        def update_index(sender, document_ids, **kwargs):
            indexing.reindex_documents(document_ids)

        documents_changed.connect(update_index, weak=False, dispatch_uid="search-update-index")
