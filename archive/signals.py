"""Signals the archive sends; other apps (search) listen, so the archive depends on none of them."""

import os
import sys
import time
import uuid

from django.db import transaction
from django.dispatch import Signal

# Sent inside the transaction that changes these documents, before it commits, with
# `document_ids` and `change` (a token naming this change). A listener records the ids
# somewhere that survives the process, so that a crash between the commit and the
# `documents_changed` listeners leaves a trace (issue 11, item 4).
documents_changing = Signal()

# Sent after the writes that changed these documents have committed, with `document_ids`
# (possibly empty: any commit is a chance to finish earlier work) and the same `change`.
documents_changed = Signal()


def send_documents_changed(document_ids) -> None:
    ids = sorted(set(document_ids))
    change = uuid.uuid4().hex
    if ids:
        documents_changing.send(sender=None, document_ids=ids, change=change)
        fault_point("before-commit")
    transaction.on_commit(
        lambda: documents_changed.send(sender=None, document_ids=ids, change=change)
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
