"""Django admin for the archive's records."""

from django.contrib import admin

from archive.models import Clause, Country, Document, Section, Signatory, Work


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
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "title", "date", "place", "is_provisional", "source_name")
    list_filter = ("language", "is_provisional", "work__kind")
    search_fields = ("title", "work__slug")
    readonly_fields = ("source_name", "source_sha256", "source_encoding", "fingerprint")
    exclude = ("source_bytes",)
    inlines = [SectionInline, SignatoryInline]


@admin.register(Clause)
class ClauseAdmin(admin.ModelAdmin):
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
