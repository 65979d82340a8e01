"""Signals the archive sends; other apps (search) listen, so the archive depends on none of them."""

from django.db import transaction
from django.dispatch import Signal

# Sent after the writes that changed these documents have committed, with `document_ids`.
documents_changed = Signal()


def send_documents_changed(document_ids) -> None:
    ids = sorted(set(document_ids))
    if ids:
        transaction.on_commit(lambda: documents_changed.send(sender=None, document_ids=ids))
