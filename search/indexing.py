"""Keeping the Whoosh index in step with the archive: whole documents, after their writes commit.

Writers wait for Whoosh's lock instead of failing, so an import and an admin save that overlap
both land, one after the other; neither can corrupt the index.
"""

import logging

from django.conf import settings
from haystack import connections
from whoosh import index as whoosh_index
from whoosh.writing import LockError

from search.search_indexes import ClauseIndex

log = logging.getLogger(__name__)


def index_path() -> str:
    return settings.HAYSTACK_CONNECTIONS["default"]["PATH"]


def index_exists() -> bool:
    try:
        return whoosh_index.exists_in(index_path())
    except OSError:
        return False


def rebuild_all(chunk_size: int = 2000) -> int:
    """Build the index from scratch: clauses streamed in chunks to one writer.

    haystack's `rebuild_index` works too, but it loads every clause before writing and gives
    each batch its own writer; at 100,000 clauses this takes a third of the time and a tenth of
    the memory (bench/).
    """
    backend = connections["default"].get_backend()
    backend.setup()
    backend.index = backend.storage.create_index(backend.schema)
    clause_index = ClauseIndex()
    queryset = clause_index.index_queryset().order_by("pk")  # pk order is document order
    written, last = 0, 0
    with backend.writer(queryset.count()) as writer:
        while chunk := list(queryset.filter(pk__gt=last)[:chunk_size]):
            for fields in backend.prepare_documents(clause_index, chunk):
                writer.add_document(**fields)
            written += len(chunk)
            last = chunk[-1].pk
    return written


def reindex_documents(document_ids) -> int:
    """Replace the index entries of these documents with their current clauses.

    Returns the number of clauses written. Does nothing when there is no index yet: a partial
    index would look complete, so `rebuild_index` has to build it first.
    """
    document_ids = sorted(set(document_ids))
    if not document_ids:
        return 0
    if not index_exists():
        log.warning("No search index at %s; run `make index` to build it.", index_path())
        return 0
    backend = connections["default"].get_backend()
    backend.setup()
    clause_index = ClauseIndex()
    clauses = clause_index.index_queryset().filter(document_id__in=document_ids)
    documents = backend.prepare_documents(clause_index, clauses)
    try:
        writer = backend.writer(len(documents))
    except LockError:
        log.error("The search index stayed locked; run `make index` once the other writer ends.")
        raise
    with writer:
        for document_id in document_ids:
            writer.delete_by_term("document", str(document_id))
        for fields in documents:
            writer.add_document(**fields)
    return len(documents)
