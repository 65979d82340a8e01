"""The search engine seam: the only module that opens the Whoosh folder, knows its files, its
lock, its writers and the field names haystack gives it (`django_id`, `document`, `clause_pk`).
`index_view` asks it for a searcher and `indexing` for writers, counts and new folders, in
terms of documents and clauses; moving to another engine (docs/operations.md, "Scaling
out") replaces this module and the query tree `search.query` builds.

haystack's Whoosh backend, adjusted for the archive: lean text fields and patient writers.

- Text fields are neither stored nor sortable, build no spelling dictionary and keep no
  positions: pages load the clause from the database, phrases are matched by indexed token
  pairs (search.analysis.PairFilter), and the extra copies would double indexing time.
- `sequence` is sortable, so "sort by date" breaks ties in reading order without a term scan;
  `clause_pk` is a column, so hits map to clauses without loading stored fields.
- Writers wait for Whoosh's lock instead of buffering in a thread (haystack's AsyncWriter), so
  two writers run one after the other, and a large batch is analyzed on every core, by worker
  processes that die with the writer's process (a killed import leaves no worker holding the
  lock).
"""

import ctypes
import os
import pickle
import re
import signal
import struct
import zlib
from array import array
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from haystack import connections
from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend
from haystack.exceptions import SkipDocument
from whoosh import index as whoosh_index
from whoosh import multiproc
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.fields import NUMERIC, TEXT
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Frequency
from whoosh.index import TOC, EmptyIndexError, FileIndex
from whoosh.index import IndexError as WhooshIndexError
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.scoring import TF_IDF
from whoosh.util.filelock import try_for
from whoosh.util.numeric import byte_to_length
from whoosh.writing import LockError, SegmentWriter

LOCK_TIMEOUT = 120.0  # seconds a writer waits for another to finish
PARALLEL_BATCH = 2000  # documents from which analysis is spread over processes
UPDATE_BUFFER_MB = 32  # an import's writer: 160 MB of heap, 4,900 long clauses (bench/)
INDEX_NAME = "MAIN"  # Whoosh's default index name inside the folder
DOCUMENT_FIELD = "document"  # each clause's document id, as text (search_indexes.ClauseIndex)
CLAUSE_COLUMN = "clause_pk"
# What Whoosh raises on a damaged index, whether opening it or reading postings later: a
# truncated table of contents fails to unpickle, a truncated segment file reads past its end.
DAMAGED = (
    EmptyIndexError,
    WhooshIndexError,
    pickle.UnpicklingError,
    struct.error,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    KeyError,
    IndexError,
)

__all__ = ["LockError"]  # what a writer raises after LOCK_TIMEOUT; callers catch it


class IndexUnreadable(Exception):
    """There is no index, or it cannot be read; a full build (`make index`) is the repair."""


# -- The folder ------------------------------------------------------------------------------


def index_path() -> str:
    return settings.HAYSTACK_CONNECTIONS["default"]["PATH"]


def index_exists(path: str | Path | None = None) -> bool:
    try:
        return whoosh_index.exists_in(str(path or index_path()))
    except OSError:
        return False


def toc_generation(folder: str | Path) -> int:
    """The latest generation of the index in `folder`, read from file names only; -1 when
    there is none. (Whoosh's own counter, not the archive's: see search.indexing.)"""
    pattern = re.compile(rf"_{INDEX_NAME}_(\d+)\.toc")
    try:
        names = os.listdir(folder)
    except OSError:
        return -1
    return max((int(m[1]) for name in names if (m := pattern.fullmatch(name))), default=-1)


def index_signature(folder: str | Path) -> tuple:
    """What identifies one version of the index in `folder`: its generation and its table of
    contents file's inode and modification time. The generation alone does not: haystack's
    `rebuild_index` clears the folder and starts again at the same number."""
    generation = toc_generation(folder)
    try:
        found = os.stat(Path(folder) / f"_{INDEX_NAME}_{generation}.toc")
    except OSError:
        return (generation,)
    return (generation, found.st_ino, found.st_mtime_ns)


def open_searcher(path: str):
    """A new searcher of the index at `path`. Raises IndexUnreadable when there is none, and
    one of DAMAGED when it is damaged.

    TF-IDF, not BM25: Whoosh can skip whole blocks of postings when ranking with it, which
    makes a common word cheap to rank; clauses are short and of similar length, where BM25's
    length normalization changes little.
    """
    if not whoosh_index.exists_in(path):
        raise IndexUnreadable(f"There is no search index at {path}.")
    return _read_only(path).searcher(weighting=TF_IDF())


def _read_only(path: str) -> FileIndex:
    """The index at `path` for reading, without memory maps: Whoosh copies every file of a
    memory-mapped segment into the heap (`whoosh/filedb/structfile.py`, BufferFile wraps the
    map in a BytesIO), so every worker would hold the whole index; read through the file, a
    worker holds little and the page cache is shared by all of them."""
    return FileStorage(path, supports_mmap=False, readonly=True).open_index(INDEX_NAME)


def create_index(folder: Path, toc_generation: int) -> FileIndex:
    """An empty index in `folder` whose Whoosh generation is `toc_generation`: above the old
    index's, so that open searchers see they are out of date once it is swapped in (they
    compare generation numbers, not folders)."""
    backend = connections["default"].get_backend()
    fields = connections["default"].get_unified_index().all_searchfields()
    schema = backend.build_schema(fields)[1]
    storage = FileStorage(str(folder), supports_mmap=False)  # as live_index says
    TOC(schema, [], toc_generation).write(storage, INDEX_NAME)
    return FileIndex(storage, schema, INDEX_NAME)


def forget_open_index() -> None:
    """Make haystack's backend open the folder again (a build swapped in a new one)."""
    connections["default"].get_backend().setup_complete = False


def live_index() -> FileIndex:
    """The live index, to write: opened without memory maps, like every reader (see
    `_read_only`), since a writer reads every segment too (its deletions search them, a
    merge reads them): with maps, opening a writer copied the whole index into the heap
    (1.2 GB at 100,000 clauses, bench/)."""
    backend = connections["default"].get_backend()
    backend.setup()
    backend.index = backend.index.refresh()
    return FileStorage(backend.path, supports_mmap=False).open_index(INDEX_NAME)


@contextmanager
def write_lock(folder: Path):
    """Hold the write lock of the index in `folder`, so no writer is half-way through it (a
    full build swaps folders under it). Raises LockError after LOCK_TIMEOUT."""
    if toc_generation(folder) < 0:  # no index there: nobody can be writing it
        yield
        return
    lock = FileStorage(str(folder)).lock(f"{INDEX_NAME}_WRITELOCK")
    try:
        acquired = try_for(lock.acquire, timeout=LOCK_TIMEOUT)
    except OSError:  # a folder too broken to lock is one no writer can use either
        acquired = None
    if acquired is False:
        raise LockError(
            f"Another process kept the search index at {folder} locked for {LOCK_TIMEOUT:.0f} s;"
            " the index is unchanged. Run the command again when that import ends."
        )
    try:
        yield
    finally:
        if acquired:
            lock.release()


def clause_term(pk: int):
    """A query for one clause's entry: haystack indexes each model pk as `django_id`."""
    from haystack.constants import DJANGO_ID
    from whoosh import query

    return query.Term(DJANGO_ID, str(pk))


# -- Entries ---------------------------------------------------------------------------------


def entries(clauses) -> list[dict]:
    """Index entries for clauses, as Whoosh takes them (haystack's fields)."""
    backend = connections["default"].get_backend()
    clause_index = connections["default"].get_unified_index().get_index(_clause_model())
    return backend.prepare_documents(clause_index, clauses)


def _clause_model():
    from archive.models import Clause

    return Clause


def write_clauses(
    index: FileIndex,
    chunks,
    expected: int,
    replacing=(),
    parallel: bool = True,
    during_write=None,
) -> int:
    """Delete every entry of the documents `replacing`, then add the entries of each chunk of
    clauses, in one commit; returns the clauses written. Entries are made a chunk at a time,
    so memory follows a chunk, not the import (the entries of a 4,900-clause text take
    300 MB). `during_write()` runs after each chunk and before the commit. Raises LockError
    when another writer held the index for LOCK_TIMEOUT; `parallel=False` never forks writer
    processes. (haystack's `rebuild_index` loads every clause before writing and gives each
    batch its own writer: three times as slow and ten times the memory at 100,000 clauses,
    bench/.)"""
    written = 0
    with open_writer(index, expected if parallel else 0) as writer:
        for document_id in replacing:
            writer.delete_by_term(DOCUMENT_FIELD, str(document_id))
        for chunk in chunks:
            for fields in entries(chunk):
                writer.add_document(**fields)
            written += len(chunk)
            if during_write:
                during_write()
        if during_write and not written:
            during_write()
    return written


def document_counts(path: str) -> dict[int, int]:
    """Entries per document in the index at `path`. Raises IndexUnreadable."""
    if toc_generation(path) < 0:
        raise IndexUnreadable(f"There is no search index at {path}.")
    try:
        reader = _read_only(path).reader()
    except Exception as error:
        raise IndexUnreadable(
            f"The search index at {path} cannot be read ({error.__class__.__name__})."
        ) from error
    counts = {}
    try:
        for term in reader.lexicon(DOCUMENT_FIELD):
            text = term.decode("utf-8")
            if reader.has_deletions():  # doc_frequency still counts deleted entries
                count = sum(1 for _ in reader.postings(DOCUMENT_FIELD, text).all_ids())
            else:
                count = reader.doc_frequency(DOCUMENT_FIELD, text)
            if count and text.isdigit():
                counts[int(text)] = count
    except Exception as error:
        raise IndexUnreadable(
            f"The search index at {path} cannot be read ({error.__class__.__name__})."
        ) from error
    finally:
        reader.close()
    return counts


# -- haystack's backend, adjusted ------------------------------------------------------------


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
    """A writer of `index` that waits for its lock: several processes with large buffers for
    a large batch (a full build, which runs alone), else one process with a small buffer
    (an import or an edit, whose peak memory is bounded; Whoosh's `limitmb` counts about a
    quarter of what its buffer really holds)."""
    procs = min(os.cpu_count() or 1, 4)
    if batch_size >= PARALLEL_BATCH and procs > 1:
        return _ParallelWriter(
            index, procs=procs, multisegment=True, timeout=LOCK_TIMEOUT, limitmb=256
        )
    return _Writer(index, timeout=LOCK_TIMEOUT, limitmb=UPDATE_BUFFER_MB)


class _Writer(SegmentWriter):
    """Whoosh's writer, with each document's field lengths read once when the postings are
    written: Whoosh reads the length of a posting's document from the new segment's column
    file for every posting (a seek and a read each, a fifth of an index build's time)."""

    def _flush_segment(self):
        self.perdocwriter.close()
        lengths = _KnownLengths(self.per_document_reader()) if self.codec.length_stats else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if lengths:
            lengths.reader.close()


class _KnownLengths:
    """A per-document reader's field lengths, each field's column read from its file once and
    kept as Whoosh stores it, a byte per document: a commit that merges segments writes the
    postings of every document it merges, and a dict of them would grow by ~100 bytes each."""

    def __init__(self, reader):
        self.reader = reader
        self.columns: dict[str, array | None] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        column = self.columns.get(fieldname, ...)
        if column is ...:
            name = _lenfield(fieldname)
            if self.reader.has_column(name):
                column = self.reader.column_reader(name, LENGTHS_COLUMN).load()
            else:
                column = None
            self.columns[fieldname] = column
        if column is None:
            return default
        # As Whoosh's own reader answers: None for a document without the field.
        return byte_to_length(column[docnum]) if column[docnum] else None


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
        # SubWriterTask.run makes its writer from whoosh.multiproc's name SegmentWriter; in
        # this forked process only, that name is our writer, with its field lengths read once.
        multiproc.SegmentWriter = _Writer
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
