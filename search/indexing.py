"""Keeping the Whoosh index in step with the archive: whole documents, after their writes commit.

What keeps them in step when a process dies:

- Before an import or edit commits, the documents it changes are recorded in a small JSON file
  beside the index (`<index>.pending.json`); the record is removed once the index has them. A
  record left by a process that died is picked up by the next import, by `make index`, by
  `python manage.py repair_search_index`, and reported by `manage.py check`.
- A full build writes a new folder beside the index and swaps it in, so readers always see a
  complete index, a failed build leaves the old one in place, and the old folder is never read
  (a corrupt index is simply replaced).

Writers wait for Whoosh's lock instead of failing, so an import and an admin save that overlap
both land, one after the other; neither can corrupt the index.
"""

import ctypes
import fcntl
import json
import logging
import os
import shutil
import socket
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Count

from archive.models import Clause
from archive.signals import current_generation, documents_changed_since, fault_point
from search import backend
from search.backend import IndexUnreadable, LockError, index_exists, index_path
from search.search_indexes import ClauseIndex

log = logging.getLogger(__name__)

REPAIR_COMMAND = "python manage.py repair_search_index"
# A change still recorded after this long is treated as abandoned even if its process lives
# (a long-lived web worker whose transaction rolled back never clears its record).
ABANDONED_AFTER = 3600.0
JOURNAL_DAYS = 1.0  # how long reindexed documents are remembered for builds in progress
# In the index folder: the archive generation the index holds every change of. The name
# matches none of Whoosh's own patterns, so Whoosh never deletes it (whoosh/index.py,
# clean_files).
GENERATION_FILE = "ARCHIVE_GENERATION"


# -- Changes waiting for the index -----------------------------------------------------------


def _state_file() -> Path:
    target = Path(index_path())
    return target.with_name(target.name + ".pending.json")


@contextmanager
def _state():
    """The pending-changes record, locked against other processes, written back on exit."""
    path = _state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        state = _read_state(path)
        yield state
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        temporary.write_text(json.dumps(state, indent=1), encoding="utf-8")
        os.replace(temporary, path)


def _read_state(path: Path) -> dict:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        state = {}
    except ValueError:
        log.warning("%s is not valid JSON; starting a new record of pending changes.", path)
        state = {}
    state.setdefault("changes", [])
    state.setdefault("reindexed", [])
    return state


def record_change(document_ids, change: str) -> None:
    """Note, before the transaction commits, that these documents are about to change."""
    record = {
        "change": change,
        "documents": sorted(set(document_ids)),
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "time": time.time(),
    }
    with _state() as state:
        state["changes"].append(record)


def _abandoned(record: dict) -> bool:
    """True when no running process will index this change: its process died, its index
    update failed, or it is older than any transaction."""
    if record.get("failed") or time.time() - record["time"] > ABANDONED_AFTER:
        return True
    if record["host"] != socket.gethostname():
        return False
    return not _alive(record["pid"])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def abandoned_changes() -> list[dict]:
    """Recorded changes that no running process will index."""
    path = _state_file()
    if not path.exists():
        return []
    return [record for record in _read_state(path)["changes"] if _abandoned(record)]


def changes_in_progress() -> bool:
    """True while a live process of this machine has recorded a change it has yet to index
    (an import between its commit and its index update)."""
    path = _state_file()
    if not path.exists():
        return False
    return any(not _abandoned(record) for record in _read_state(path)["changes"])


def pending_documents() -> list[int]:
    """Documents changed in the archive by a process that died before indexing them."""
    return sorted({pk for record in abandoned_changes() for pk in record["documents"]})


def _forget_changes(changes) -> None:
    changes = set(changes)
    if changes and _state_file().exists():
        with _state() as state:
            state["changes"] = [r for r in state["changes"] if r["change"] not in changes]


def _mark_failed(change: str) -> None:
    with _state() as state:
        for record in state["changes"]:
            if record["change"] == change:
                record["failed"] = True


def _note_reindexed(document_ids) -> None:
    """Remember which documents were reindexed when, for a full build in progress that read
    them before the change (see `_catch_up`)."""
    now = time.time()
    with _state() as state:
        state["reindexed"] = [
            entry for entry in state["reindexed"] if now - entry["time"] < JOURNAL_DAYS * 86400
        ]
        state["reindexed"].append({"time": now, "documents": sorted(document_ids)})


def index_changes(document_ids, change: str) -> int:
    """After a commit: index these documents, any a dead process left unindexed, and any the
    archive changed on another machine; returns the clauses written.

    Never raises: the archive has committed, so a failure is logged with the command that
    fixes it, and the record stays for `manage.py check` and the next import to find.
    """
    fault_point("after-commit")
    leftover = abandoned_changes()
    ids = set(document_ids) | {pk for record in leftover for pk in record["documents"]}
    try:
        written = catch_up(ids)
    except Exception as error:  # the archive is saved either way; say how to catch up
        if document_ids:
            _mark_failed(change)
        log.error(
            "The search index was not updated (%s: %s); the archive is saved. Run `%s`.",
            error.__class__.__name__,
            error,
            REPAIR_COMMAND,
        )
        return 0
    _forget_changes({change} | {record["change"] for record in leftover})
    return written


# -- Generations: one archive, several copies of the index ---------------------------------


def indexed_generation(folder: str | Path | None = None) -> int:
    """The archive generation whose every change the index holds (0 when it does not say)."""
    try:
        return int((Path(folder or index_path()) / GENERATION_FILE).read_text().strip())
    except (OSError, ValueError):
        return 0


def _record_generation(folder: Path, number: int) -> None:
    temporary = folder / f".{GENERATION_FILE}.{os.getpid()}"
    temporary.write_text(f"{number}\n")
    os.replace(temporary, folder / GENERATION_FILE)


def catch_up(document_ids=()) -> int:
    """Index every document the archive changed since the index's generation, on whichever
    machine the change was made, and `document_ids`; then record the archive's generation in
    the index. Returns the clauses written.

    The generation is read before the documents, so the index holds at least that generation's
    state; a change committed meanwhile is caught up next time.
    """
    target = Path(index_path())
    archive = current_generation()
    indexed = indexed_generation(target)
    ids = set(document_ids)
    if indexed < archive:
        ids |= documents_changed_since(indexed, archive)
    written = reindex_documents(ids)
    if indexed < archive and index_exists():
        with _state():  # one writer of the record at a time; never moves it back
            if indexed_generation(target) < archive:
                _record_generation(target, archive)
    return written


# -- Writing ---------------------------------------------------------------------------------


def rebuild_all(chunk_size: int = 2000) -> int:
    """Build the index from scratch in a new folder and swap it in; returns clauses written.

    The old folder is never read, so a corrupt index is replaced like a sound one; until the
    swap, searches use the old index. Documents reindexed in the live index while the build
    ran are written again into the new one before the swap (under the live index's lock).
    """
    target = Path(index_path()).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.time()
    settled = [record["change"] for record in abandoned_changes()]
    _remove_abandoned_builds(target)
    building = target.with_name(f".{target.name}.building-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir()
    old = None
    try:
        generation = current_generation()  # before any clause is read
        index = backend.create_index(building, backend.toc_generation(target) + 1)
        written = _write_all(index, chunk_size)
        _record_generation(building, generation)
        with backend.write_lock(target):
            _catch_up(index, started)
            old = _swap(building, target)
    finally:
        _remove(old or building)
    _forget_changes(settled)
    backend.forget_open_index()
    return written + catch_up()  # changes committed while the clauses were read


def _write_all(index, chunk_size: int) -> int:
    """Stream every clause into `index`, in chunks, in document order."""
    clauses = ClauseIndex().index_queryset()
    return backend.write_clauses(
        index,
        _in_chunks(clauses, chunk_size),
        clauses.count(),
        during_write=lambda: fault_point("index-write"),
    )


def _in_chunks(clauses, size: int = 200):
    """The clauses of a queryset, a list of `size` at a time, in pk (so document) order."""
    clauses = clauses.order_by("pk")
    last = 0
    while chunk := list(clauses.filter(pk__gt=last)[:size]):
        yield chunk
        last = chunk[-1].pk


def _catch_up(index, since: float) -> None:
    path = _state_file()
    if not path.exists():
        return
    # A second of slack: a reindex that read the database just before the build started.
    entries = _read_state(path)["reindexed"]
    ids = {pk for entry in entries if entry["time"] >= since - 1.0 for pk in entry["documents"]}
    if ids:
        _replace_documents(index, ids)


def _replace_documents(index, document_ids) -> int:
    clauses = ClauseIndex().index_queryset().filter(document_id__in=document_ids)
    return backend.write_clauses(
        index, _in_chunks(clauses), clauses.count(), replacing=sorted(document_ids)
    )


def _swap(building: Path, target: Path) -> Path | None:
    """Put `building` in place of `target`; returns where the old index now is."""
    if not os.path.lexists(target):
        os.rename(building, target)
        return None
    if _exchange(building, target):  # one atomic step: readers never find the folder missing
        return building
    backup = target.with_name(f".{target.name}.old-{os.getpid()}")
    _remove(backup)
    os.rename(target, backup)
    os.rename(building, target)
    return backup


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux's renameat2(RENAME_EXCHANGE); False elsewhere."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        path.unlink()


def _remove_abandoned_builds(target: Path) -> None:
    """Folders left by builds that were killed (their process is gone)."""
    for folder in target.parent.glob(f".{target.name}.*-*"):
        kind, _, pid = folder.name.rpartition("-")
        if kind.endswith((".building", ".old")) and pid.isdigit() and not _alive(int(pid)):
            _remove(folder)


def reindex_documents(document_ids) -> int:
    """Replace the index entries of these documents with their current clauses.

    Returns the number of clauses written. Does nothing when there is no index yet: a partial
    index would look complete, so `make index` has to build it first. Never forks writer
    processes (a web worker may call it) and keeps the writer's buffer small: an import's
    memory stays what its text needs, however large the archive (docs/performance.md).
    """
    document_ids = sorted(set(document_ids))
    if not document_ids:
        return 0
    if not index_exists():
        log.warning("No search index at %s; run `make index` to build it.", index_path())
        _note_reindexed(document_ids)  # a first build may be under way
        return 0
    clauses = ClauseIndex().index_queryset().filter(document_id__in=document_ids)
    noted = []

    def during_write():
        if not noted:
            fault_point("index-write")
            _note_reindexed(document_ids)  # under the index lock, so a build's swap sees it
            noted.append(True)

    try:
        return backend.write_clauses(
            backend.live_index(),
            _in_chunks(clauses),
            clauses.count(),
            replacing=document_ids,
            parallel=False,
            during_write=during_write,
        )
    except LockError:
        log.error("The search index stayed locked; run `make index` once the other writer ends.")
        raise


# -- Comparing and repairing -----------------------------------------------------------------


def index_counts() -> dict[int, int]:
    """Clauses per document in the index. Raises IndexUnreadable."""
    return backend.document_counts(index_path())


def archive_counts() -> dict[int, int]:
    """Clauses per document in the database."""
    rows = Clause.objects.values("document_id").annotate(n=Count("pk")).order_by()
    return {row["document_id"]: row["n"] for row in rows}


def drift() -> dict[int, tuple[int, int]]:
    """Documents whose clause count differs between the archive and the index:
    {document id: (clauses in the archive, clauses in the index)}. Raises IndexUnreadable."""
    in_index = index_counts()
    in_archive = archive_counts()
    return {
        pk: (in_archive.get(pk, 0), in_index.get(pk, 0))
        for pk in in_archive.keys() | in_index.keys()
        if in_archive.get(pk, 0) != in_index.get(pk, 0)
    }


@dataclass
class Repair:
    pending: list[int] = field(default_factory=list)  # recorded by a process that died
    drifted: list[int] = field(default_factory=list)  # counts differed
    clauses: int = 0  # clauses written
    rebuilt: str = ""  # why the whole index was rebuilt, if it was


def repair() -> Repair:
    """Bring the index in step with the archive as cheaply as possible: reindex documents a
    dead process left pending or whose counts differ; rebuild when the index is missing or
    unreadable."""
    changes = abandoned_changes()
    result = Repair(pending=sorted({pk for record in changes for pk in record["documents"]}))
    try:
        result.drifted = sorted(drift())
        # Changes of the archive's later generations too (made on another machine).
        result.clauses = catch_up(set(result.pending) | set(result.drifted))
    except IndexUnreadable as error:
        result.rebuilt = str(error)
        result.clauses = rebuild_all()
    except LockError:
        raise
    except Exception as error:  # a damaged segment that fails only when read in full
        result.rebuilt = f"The search index could not be updated ({error.__class__.__name__})."
        result.clauses = rebuild_all()
    _forget_changes(record["change"] for record in changes)
    return result
