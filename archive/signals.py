"""Signals the archive sends; other apps (search) listen, so the archive depends on none of them."""

from django.dispatch import Signal

# Sent after an import has committed, with `results`: a list of importing.ImportResult.
documents_imported = Signal()
