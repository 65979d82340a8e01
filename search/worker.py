"""What a web worker runs beside its requests: a warm view of the index from the start, and a
refresher thread that keeps this machine's copy of the index in step with the archive.

Started by gunicorn's `post_worker_init` hook (config/gunicorn.conf.py), so `make serve` and
every web node have it; `runserver` and management commands do not, and open the index when
they first search.

The refresher, every `SEARCH_REFRESH_SECONDS` (default 0.5 s):
- swaps in a new, warmed view when the index folder has changed (an import, `make index`), so
  no request waits for the caches of a new index version (search.index_view.refresh);
- every `SEARCH_SYNC_SECONDS` (default 2 s), compares the archive's generation in the database
  with the one the index records, and when the index is behind, reindexes the documents
  changed since (search.indexing.catch_up): an import made on another web node, against the
  same PostgreSQL, is searchable here within about SEARCH_SYNC_SECONDS plus the time to index
  it. One worker of the machine does it at a time (a file lock beside the index), in its own
  process, and not while a process of this machine is still indexing its own change.
"""

import fcntl
import gc
import logging
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import connections

from archive.signals import current_generation
from search import backend, index_view, indexing
from search.query import parse_query

log = logging.getLogger(__name__)

_started = threading.Lock()
_thread: threading.Thread | None = None


def start() -> None:
    """Warm this process's view of the index and start the refresher thread (once)."""
    global _thread
    with _started:
        if _thread is not None:
            return
        index_view.refresh()
        parse_query("協力 cooperation")  # loads MeCab's dictionary before the first request
        _freeze()
        index_view.refreshed_in_background = True
        _thread = threading.Thread(target=_run, name="search-refresher", daemon=True)
        _thread.start()


def _run() -> None:
    refresh_every = float(getattr(settings, "SEARCH_REFRESH_SECONDS", 0.5))
    sync_every = float(getattr(settings, "SEARCH_SYNC_SECONDS", 2.0))
    last_sync = 0.0
    while True:
        time.sleep(refresh_every)
        try:
            if time.monotonic() - last_sync >= sync_every:
                last_sync = time.monotonic()
                sync()
            if index_view.refresh():
                _freeze()
        except Exception:  # keep refreshing; the next round may succeed
            log.exception("The search refresher failed; retrying in %s s", refresh_every)
        finally:
            connections.close_all()  # this thread's connections only


def _freeze() -> None:
    """Move what the process holds now (the warm view of the index, MeCab, Django) out of
    the cyclic garbage collector's sight: a full collection walked its ~100,000 objects
    every dozen requests, a 55 ms pause at 100,000 clauses, 4 ms once they are frozen. A
    view holds no reference cycle, so the one a refresh replaces is still freed when the
    last request using it ends; the collection first leaves no garbage to freeze."""
    gc.collect()
    gc.freeze()


def sync() -> int:
    """Bring this machine's index up to the archive's generation; returns clauses written
    (0 when it was up to date, when another worker is at it, or when there is no index: a
    missing index is built with `make index`, never piecemeal)."""
    if not backend.index_exists():
        return 0
    behind = indexing.indexed_generation() < current_generation()
    if not behind and not indexing.abandoned_changes():
        return 0
    if indexing.changes_in_progress():
        return 0  # the process that made the change is indexing it; no need to do it twice
    lock_path = Path(backend.index_path() + ".sync")
    with open(lock_path, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return 0  # another worker of this machine is catching up
        # Also what a process of this machine left unindexed when it died (its record).
        written = indexing.index_changes((), change="")
    if written:
        log.info("Search index caught up with the archive: %d clauses reindexed", written)
    return written
