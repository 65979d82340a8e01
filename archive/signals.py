"""Signals the archive sends; other apps (search) listen, so the archive depends on none of them."""

import os
import sys
import time
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.dispatch import Signal

from archive.models import DocumentChange, Generation

# Sent inside the transaction that changes these documents, before it commits, with
# `document_ids` and `change` (a token naming this change). A listener records the ids
# somewhere that survives the process, so that a crash between the commit and the
# `documents_changed` listeners leaves a trace.
documents_changing = Signal()

# Sent after the writes that changed these documents have committed, with `document_ids`
# (possibly empty: any commit is a chance to finish earlier work) and the same `change`.
documents_changed = Signal()


def send_documents_changed(document_ids) -> None:
    """Called inside the transaction that changed these documents: raise the archive's
    generation and log the change with it (archive.models.Generation), then tell listeners,
    before and after the commit."""
    ids = sorted(set(document_ids))
    change = uuid.uuid4().hex
    generation = None
    if ids:
        generation = next_generation(ids)
        documents_changing.send(sender=None, document_ids=ids, change=change)
        fault_point("before-commit")
    transaction.on_commit(
        lambda: documents_changed.send(
            sender=None, document_ids=ids, change=change, generation=generation
        )
    )


def next_generation(document_ids) -> int:
    """Raise the generation by one and log these documents under it, in the caller's
    transaction. The row stays locked until that transaction ends, so generations commit in
    order (an import that took number 7 commits before the one that takes 8)."""
    Generation.objects.get_or_create(pk=1)  # made by the migration; gone after a flush
    row = Generation.objects.select_for_update().get(pk=1)
    row.number += 1
    row.token = uuid.uuid4().hex
    row.save(update_fields=["number", "token"])
    DocumentChange.objects.bulk_create(
        DocumentChange(generation=row.number, document_id=pk) for pk in document_ids
    )
    return row.number


def current_generation() -> int:
    """The archive's generation as committed (0 before the first change), or the one a page
    is being drawn for (`generation_pinned`)."""
    return _generation()[0]


def archive_version() -> str:
    """The generation with its token: what a cache shared between processes and kept across
    restarts keys on, never seen twice even when a database is recreated or restored."""
    number, token = _generation()
    return f"{number}.{token}"


def _generation() -> tuple[int, str]:
    pinned = _pinned.get()
    if pinned is not None:
        return pinned
    row = Generation.objects.filter(pk=1).values_list("number", "token").first()
    return row or (0, "")


_pinned: ContextVar[tuple[int, str] | None] = ContextVar("pinned_generation", default=None)


@contextmanager
def generation_pinned():
    """Read the generation once for the block: a page's ETag and the caches it reads are
    keyed by the same one, with one query."""
    token = _pinned.set(_generation())
    try:
        yield
    finally:
        _pinned.reset(token)


def documents_changed_since(generation: int, until: int) -> set[int]:
    """The documents changed after `generation`, up to and including `until`."""
    return set(
        DocumentChange.objects.filter(generation__gt=generation, generation__lte=until)
        .values_list("document_id", flat=True)
        .distinct()
    )


def fault_point(name: str) -> None:
    """A fault-injection point for tests/test_index_faults.py: with CAJ_FAULT_PAUSE=<name> in
    the environment, the process says so on stderr and waits here to be killed.

    Points: `before-commit` (writes done, transaction open), `after-commit` (committed, index
    not yet updated), `index-write` (an index writer is open and has documents).
    """
    if os.environ.get("CAJ_FAULT_PAUSE") == name:
        sys.stderr.write(f"fault point {name}: waiting to be killed\n")
        sys.stderr.flush()
        time.sleep(3600)
