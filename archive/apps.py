from django.apps import AppConfig
from django.conf import settings


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Archive"

    def ready(self):
        from archive.research.distinctive import recount_changed
        from archive.signals import documents_changing

        documents_changing.connect(recount_changed, weak=False, dispatch_uid="archive-term-counts")
        if settings.FIND_RECURRING_LANGUAGE:
            documents_changing.connect(
                relink_changed, weak=False, dispatch_uid="archive-recurring-language"
            )


def relink_changed(sender, document_ids, **kwargs):
    """Recurring-language links follow every change, in the transaction that makes it."""
    from archive.research.recurring import relink

    relink(document_ids)
