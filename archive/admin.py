"""Django admin for the archive's records."""

from django.conf import settings
from django.contrib import admin
from django.db import models, transaction
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from archive.importing import delete_versions
from archive.ingest.outline import stored_outline
from archive.models import Clause, Country, Document, Draft, Section, Signatory, Work
from archive.research import recurring
from archive.signals import send_documents_changed


def _documents_of(objects) -> list[int]:
    """The versions that records of the admin belong to (a work's are all of its)."""
    ids: list[int] = []
    for obj in objects:
        if isinstance(obj, Work):
            ids += obj.documents.values_list("pk", flat=True)
        else:
            ids.append(obj.pk if isinstance(obj, Document) else obj.document_id)
    return ids


class NotifyChangesMixin:
    """Every change made in the admin, one record or a bulk action, reaches what derives
    from the archive as an import's does (archive.importing.delete_versions and
    archive.signals): recurring-language links, the generation, the search index. The bulk
    data then says it is behind (/data/)."""

    def save_related(self, request, form, formsets, change):
        # After the inlines and a work's countries are saved, still in the admin's
        # transaction: links and counts follow at once, the index after the commit.
        super().save_related(request, form, formsets, change)
        send_documents_changed(_documents_of([form.instance]))

    def delete_model(self, request, obj):
        self.delete_queryset(request, type(obj).objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            objects = list(queryset)
            documents = _documents_of(objects)
            if queryset.model in (Work, Document):
                delete_versions(documents)
                if queryset.model is Work:
                    queryset.delete()
                return
            if settings.FIND_RECURRING_LANGUAGE:
                recurring.forget(documents)  # a clause's links, before the cascade
            queryset.delete()
            send_documents_changed(documents)


class DocumentInline(admin.TabularInline):
    model = Document
    fields = ("language", "title", "date", "is_provisional")
    show_change_link = True
    extra = 0


@admin.register(Work)
class WorkAdmin(NotifyChangesMixin, admin.ModelAdmin):
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


class HasWarningsFilter(admin.SimpleListFilter):
    title = _("has warnings")
    parameter_name = "has_warnings"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        # warnings is a JSON list; the importer stores [] when the parser had nothing to say.
        if self.value() == "yes":
            return queryset.exclude(warnings=[])
        if self.value() == "no":
            return queryset.filter(warnings=[])
        return queryset


@admin.register(Document)
class DocumentAdmin(NotifyChangesMixin, admin.ModelAdmin):
    list_display = (
        "__str__",
        "title",
        "date",
        "place",
        "is_provisional",
        "warning_count",
        "source_name",
        "review",
    )
    list_filter = (HasWarningsFilter, "language", "is_provisional", "work__kind")
    list_select_related = ("work",)  # __str__ shows the work's slug
    search_fields = ("title", "work__slug")
    # The curator's review comes first; warnings are the importer's, so a
    # re-import, not an edit, is what changes them.
    review_fields = ("warning_list", "outline")
    readonly_fields = (
        *review_fields,
        "source_name",
        "source_sha256",
        "source_encoding",
        "fingerprint",
        "entry",
    )
    exclude = ("source_bytes", "warnings")
    # Sources are https pages; also what Django 6 assumes (silences its deprecation warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [SectionInline, SignatoryInline]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return [*self.review_fields, *(f for f in fields if f not in self.review_fields)]

    @admin.display(description=_("Workbench"))
    def review(self, document):
        """One click to the text's review beside its source lines."""
        return format_html(
            '<a href="{}">{}</a>', reverse("workbench:stored", args=[document.pk]), _("Review")
        )

    @admin.display(description=_("Warnings"))
    def warning_count(self, document):
        return len(document.warnings)

    @admin.display(description=_("Import warnings"))
    def warning_list(self, document):
        if not document.warnings:
            return _("No warnings")
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", zip(document.warnings))
        )

    @admin.display(description=_("Outline"))
    def outline(self, document):
        if document.pk is None:  # the add page: nothing stored yet
            return "—"
        # Long headings wrap instead of widening the admin's form.
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', stored_outline(document))


@admin.register(Clause)
class ClauseAdmin(NotifyChangesMixin, admin.ModelAdmin):
    list_display = ("__str__", "printed_label", "section", "is_preamble")
    list_filter = ("document__language", "is_preamble")
    search_fields = ("text", "label")
    list_select_related = ("document__work", "section")

    def get_queryset(self, request):
        # Each row joins its document: without its source file and extracted text.
        return super().get_queryset(request).defer(*Document.large_columns("document__"))


@admin.register(Section)
class SectionAdmin(NotifyChangesMixin, admin.ModelAdmin):
    list_display = ("__str__", "document", "level")
    list_select_related = ("document__work",)

    def get_queryset(self, request):
        return super().get_queryset(request).defer(*Document.large_columns("document__"))


admin.site.register(Country)


@admin.register(Signatory)
class SignatoryAdmin(NotifyChangesMixin, admin.ModelAdmin):
    list_display = ("__str__", "document")


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    """Drafts are made and read in the workbench; the admin lists them and links there."""

    list_display = ("__str__", "file_name", "created_by", "updated_at", "published")
    readonly_fields = ("file_name", "entry", "created_by", "published")
    exclude = ("source_bytes",)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("source_bytes")

    def has_add_permission(self, request):
        return False  # a text is added in the workbench, which reads it first
