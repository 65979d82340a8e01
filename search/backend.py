"""haystack's Whoosh backend, adjusted for the archive: lean text fields and patient writers.

- Text fields are neither stored nor sortable, build no spelling dictionary and keep no
  positions: pages load the clause from the database, phrases are matched by indexed token
  pairs (search.analysis.PairFilter), and the extra copies doubled indexing time (bench/).
- `sequence` is sortable, so "sort by date" breaks ties in reading order without a term scan;
  `clause_pk` is a column, so n-gram candidates map to clauses without loading stored fields.
- Writers wait for Whoosh's lock instead of buffering in a thread (haystack's AsyncWriter), so
  two writers run one after the other, and a large batch is analyzed on every core, by worker
  processes that die with the writer's process (a killed import leaves no worker holding the
  lock, issue 11 item 4).
"""

import ctypes
import os
import signal

from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend
from haystack.exceptions import SkipDocument
from whoosh.fields import NUMERIC, TEXT
from whoosh.formats import Frequency
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import SegmentWriter

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
        """A writer of the live index that waits for the lock; several processes for large
        batches."""
        self.index = self.index.refresh()
        return open_writer(self.index, batch_size)

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


def open_writer(index, batch_size: int = 0):
    """A writer of `index` that waits for its lock; several processes for large batches."""
    options = {"timeout": LOCK_TIMEOUT, "limitmb": 256}
    procs = min(os.cpu_count() or 1, 4)
    if batch_size >= PARALLEL_BATCH and procs > 1:
        return _ParallelWriter(index, procs=procs, multisegment=True, **options)
    return SegmentWriter(index, **options)


class _ParallelWriter(MpWriter):
    """Whoosh's multiprocess writer with workers that cannot outlive it."""

    def _new_task(self):
        task = _WorkerTask(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
        )
        task.daemon = True  # ended when the writer's process exits normally
        task.parent_pid = os.getpid()
        self.tasks.append(task)
        task.start()
        return task


class _WorkerTask(SubWriterTask):
    def run(self):
        # Killed with SIGKILL when the parent dies, even by kill -9 (Linux): a forked worker
        # shares the parent's flock on the index's write lock and would hold it for ever.
        _die_with_parent()
        if os.getppid() != self.parent_pid:  # the parent died before the line above
            os._exit(1)
        super().run()


def _die_with_parent() -> None:
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (AttributeError, OSError):  # not Linux: daemonic workers are all we have
        return
    pr_set_pdeathsig = 1
    prctl(pr_set_pdeathsig, signal.SIGKILL)


class ArchiveWhooshEngine(WhooshEngine):
    backend = ArchiveWhooshBackend
