"""Django admin for the archive's records."""

from django.contrib import admin

from archive.models import Clause, Country, Document, Section, Signatory, Work
from archive.signals import send_documents_changed


class NotifyChangesMixin:
    """An edit in the admin reaches derived data (the search index) once its save commits."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        send_documents_changed([obj.document_id if isinstance(obj, Clause) else obj.pk])

    def delete_model(self, request, obj):
        document_id = obj.document_id if isinstance(obj, Clause) else obj.pk
        super().delete_model(request, obj)
        send_documents_changed([document_id] if document_id else [])


class DocumentInline(admin.TabularInline):
    model = Document
    fields = ("language", "title", "date", "is_provisional")
    show_change_link = True
    extra = 0


@admin.register(Work)
class WorkAdmin(admin.ModelAdmin):
    list_display = ("slug", "kind", "series", "meeting", "date", "authentic_language")
    list_filter = ("kind", "series", "countries")
    search_fields = ("slug", "series", "meeting")
    inlines = [DocumentInline]


class SectionInline(admin.TabularInline):
    model = Section
    fields = ("sequence", "level", "label", "heading", "parent")
    extra = 0


class SignatoryInline(admin.TabularInline):
    model = Signatory
    fields = ("sequence", "name", "title")
    extra = 0


@admin.register(Document)
class DocumentAdmin(NotifyChangesMixin, admin.ModelAdmin):
    list_display = ("__str__", "title", "date", "place", "is_provisional", "source_name")
    list_filter = ("language", "is_provisional", "work__kind")
    search_fields = ("title", "work__slug")
    readonly_fields = ("source_name", "source_sha256", "source_encoding", "fingerprint")
    exclude = ("source_bytes",)
    inlines = [SectionInline, SignatoryInline]


@admin.register(Clause)
class ClauseAdmin(NotifyChangesMixin, admin.ModelAdmin):
    list_display = ("__str__", "printed_label", "section", "is_preamble")
    list_filter = ("document__language", "is_preamble")
    search_fields = ("text", "label")
    list_select_related = ("document__work", "section")


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "document", "level")
    list_select_related = ("document__work",)


admin.site.register(Country)
admin.site.register(Signatory)
