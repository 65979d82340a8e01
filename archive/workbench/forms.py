"""The workbench's forms: a source and its entry, a line's role, the facts a curator sets."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from archive.models import Kind


class AddForm(forms.Form):
    source = forms.FileField(
        label=_("Source file"),
        required=False,
        help_text=_(
            "A text file (.txt, UTF-8 or Shift_JIS), a PDF (.pdf) or a saved web page (.html); "
            "or leave it empty, and the page at the source address is fetched."
        ),
    )
    language = forms.ChoiceField(label=_("Language"), choices=[("ja", "日本語"), ("en", "English")])
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    slug = forms.SlugField(
        label=_("Slug"),
        required=False,
        help_text=_("Left empty, one is proposed from the text's year and title."),
    )
    series = forms.CharField(label=_("Series"), required=False, max_length=100)
    meeting = forms.CharField(label=_("Meeting"), required=False, max_length=200)
    countries = forms.CharField(
        label=_("Countries"),
        required=False,
        help_text=_("ISO codes, separated by spaces: JP KZ UZ"),
    )
    authentic_language = forms.CharField(
        label=_("Authentic language"), required=False, max_length=2
    )
    source_url = forms.URLField(label=_("Source address"), required=False, assume_scheme="https")

    def clean(self):
        data = super().clean()
        if not data.get("source") and not data.get("source_url") and not self.errors:
            raise forms.ValidationError(_("Choose a source file, or give the source address."))
        return data

    def clean_source(self):
        source = self.cleaned_data["source"]
        if not source:
            return source
        limit = (
            settings.IMPORT_MAX_PDF_BYTES
            if source.name.lower().endswith(".pdf")
            else (settings.IMPORT_MAX_TEXT_BYTES)
        )
        if source.size > limit:
            raise forms.ValidationError(
                _("%(name)s is %(size)d MB; a source may be at most %(limit)d MB.")
                % {"name": source.name, "size": source.size // 2**20, "limit": limit // 2**20}
            )
        return source

    def entry(self) -> dict:
        """The manifest entry these fields give."""
        data = self.cleaned_data
        entry = {key: data[key] for key in ("language", "kind", "series", "meeting") if data[key]}
        if data["slug"]:
            entry["slug"] = data["slug"]
        if data["countries"]:
            entry["countries"] = data["countries"].upper().split()
        if data["authentic_language"]:
            entry["authentic_language"] = data["authentic_language"].lower()
        if data["source_url"]:
            entry["source_url"] = data["source_url"]
        return entry


class LineForm(forms.Form):
    ROLE_CHOICES = [
        ("clear", _("as the importer reads it")),
        ("title", _("title")),
        ("subtitle", _("subtitle")),
        ("date-line", _("date line")),
        ("heading-1", _("heading, level 1")),
        ("heading-2", _("heading, level 2")),
        ("heading-3", _("heading, level 3")),
        ("not-heading", _("not a heading")),
        ("clause-start", _("starts a clause")),
        ("join", _("joins the line before")),
        ("furniture", _("furniture (no part of the text)")),
    ]
    line = forms.IntegerField(min_value=1)
    role = forms.ChoiceField(choices=ROLE_CHOICES)


class FactsForm(forms.Form):
    slug = forms.SlugField(label=_("Slug"))
    date = forms.DateField(label=_("Date"), required=False, input_formats=["%Y-%m-%d"])
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    labels = forms.ChoiceField(
        label=_("Clause labels"),
        required=False,
        choices=[
            ("", _("as the importer reads them")),
            ("order", _("by order (1, 2, …)")),
            ("printed", _("as printed")),
        ],
    )
