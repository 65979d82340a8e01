"""haystack's Whoosh backend, adjusted for the archive: lean text fields and patient writers.

- Text fields are neither stored nor sortable, build no spelling dictionary and keep no
  positions: pages load the clause from the database, phrases are matched by indexed token
  pairs (search.analysis.PairFilter), and the extra copies doubled indexing time (bench/).
- `sequence` is sortable, so "sort by date" breaks ties in reading order without a term scan;
  `clause_pk` is a column, so n-gram candidates map to clauses without loading stored fields.
- Writers wait for Whoosh's lock instead of buffering in a thread (haystack's AsyncWriter), so
  two writers run one after the other, and a large batch is analyzed on every core.
"""

import os

from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend
from haystack.exceptions import SkipDocument
from whoosh.fields import NUMERIC, TEXT
from whoosh.formats import Frequency

LOCK_TIMEOUT = 120.0  # seconds a writer waits for another to finish
PARALLEL_BATCH = 2000  # documents from which analysis is spread over processes


class ArchiveWhooshBackend(WhooshSearchBackend):
    def build_schema(self, fields):
        content_field_name, schema = super().build_schema(fields)
        for _name, field in schema.items():
            if isinstance(field, TEXT):
                field.stored = False
                field.spelling = False
                field.column_type = None
                # Phrases are matched by indexed token pairs, so no positions are stored.
                field.format = Frequency(field_boost=field.format.field_boost)
                field.phrase = False
        for name in ("sequence", "clause_pk"):
            if name in schema.names():
                schema.remove(name)
                schema.add(name, NUMERIC(numtype=int, stored=True, sortable=True))
        return content_field_name, schema

    def writer(self, batch_size: int = 0):
        """A writer that waits for the lock; several processes for large batches."""
        self.index = self.index.refresh()
        options = {"timeout": LOCK_TIMEOUT, "limitmb": 256}
        if batch_size >= PARALLEL_BATCH and (os.cpu_count() or 1) > 1:
            options.update(procs=min(os.cpu_count() or 1, 4), multisegment=True)
        return self.index.writer(**options)

    def prepare_documents(self, index, iterable) -> list[dict]:
        """Index entries for model objects, as Whoosh takes them."""
        documents = []
        for obj in iterable:
            try:
                prepared = index.full_prepare(obj)
            except SkipDocument:
                continue
            prepared.pop("boost", None)  # Whoosh 2.5+ has no document boosts
            documents.append({key: self._from_python(value) for key, value in prepared.items()})
        return documents

    def update(self, index, iterable, commit=True):
        if not self.setup_complete:
            self.setup()
        documents = self.prepare_documents(index, iterable)
        if not documents:
            return
        # An empty index (rebuild_index after clear) needs no look-up of earlier versions.
        fresh = self.index.refresh().doc_count_all() == 0
        with self.writer(len(documents)) as writer:
            add = writer.add_document if fresh else writer.update_document
            for document in documents:
                add(**document)


class ArchiveWhooshEngine(WhooshEngine):
    backend = ArchiveWhooshBackend
