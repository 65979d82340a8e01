"""System checks: is the search index in step with the archive?"""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError

from archive.signals import current_generation
from search import indexing
from search.backend import IndexUnreadable, index_exists

FIX = f"Run `{indexing.REPAIR_COMMAND}` (or `make index` to rebuild it all)."


@register("search")
def pending_changes_check(app_configs=None, **kwargs):
    """Changes a process committed and then died before indexing (no database needed)."""
    pending = indexing.pending_documents()
    if not pending:
        return []
    return [
        Warning(
            f"{len(pending)} changed document(s) are not in the search index yet "
            f"(ids {_listed(pending)}): an import or edit stopped after it was saved.",
            hint=FIX,
            id="search.W001",
        )
    ]


@register("search", Tags.database)
def index_drift_check(app_configs=None, databases=None, **kwargs):
    """Clauses per document in the database against the index: `check --database default`
    (Django runs checks that query the database only when asked to)."""
    if not databases:
        return []
    try:
        drifted = indexing.drift()
    except IndexUnreadable as error:
        try:
            if not indexing.archive_counts():
                return []  # an empty archive needs no index yet
        except DatabaseError:
            return []
        return [
            Warning(str(error), hint="Run `make index` (build_search_index).", id="search.W002")
        ]
    except DatabaseError:  # not migrated yet: nothing to compare
        return []
    if not drifted:
        return []
    examples = "; ".join(
        f"document {pk}: {archive} in the archive, {index} in the index"
        for pk, (archive, index) in sorted(drifted.items())[:5]
    )
    return [
        Warning(
            f"The search index disagrees with the archive on {len(drifted)} document(s) "
            f"(clauses per document; {examples}).",
            hint=FIX,
            id="search.W003",
        )
    ]


# Each check returns one Warning of its own id, shaped like the others: one per way of drifting.
@register("search", Tags.database)
def generation_check(app_configs=None, databases=None, **kwargs):
    """The index holds an older generation of the archive than the database (another machine
    changed it, or this one's catch-up failed): `check --database default`."""
    if not databases:
        return []
    try:
        archive = current_generation()
    except DatabaseError:
        return []
    indexed = indexing.indexed_generation()
    if not index_exists() or indexed == archive:
        return []
    if indexed > archive:
        message = (
            f"The search index records generation {indexed} of the archive, but the database "
            f"is at {archive}: the database was restored or replaced."
        )
        return [Warning(message, hint="Run `make index` (build_search_index).", id="search.W004")]
    return [
        Warning(
            f"The search index holds generation {indexed} of the archive; the database is at "
            f"{archive}. A running web worker catches up within seconds.",
            hint=FIX,
            id="search.W004",
        )
    ]


def _listed(ids, limit: int = 10) -> str:
    shown = ", ".join(str(pk) for pk in ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")
