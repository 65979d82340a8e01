"""Template tags for how pages name paragraphs and versions, in the interface's language:
the same wording as the citations (archive.citations)."""

from django import template
from django.utils.translation import get_language

from archive import citations

register = template.Library()


def _voice() -> str:
    return "ja" if (get_language() or "").startswith("ja") else "en"


@register.simple_tag
def paragraph_reference(clause) -> str:
    """'para. 14', 'preamble, para. 1', '15th paragraph (unnumbered in the original)'…"""
    reference = citations.paragraph_reference(clause, _voice())
    return reference[:1].upper() + reference[1:]


@register.simple_tag
def translation_note(document) -> str:
    """'' for an authentic text; 'translation; authentic text in English', '仮訳'…"""
    return citations.translation_note(document, _voice())


@register.filter
def language_name(code: str) -> str:
    return citations.language_name(code, _voice())


@register.filter
def numbered_by_archive(clause) -> bool:
    return citations.is_numbered_by_archive(clause) and not clause.is_preamble


@register.filter
def preamble_number(clause) -> str:
    """'1' for the preamble's label p1; '' for any other clause."""
    label = clause.label
    return label[1:] if clause.is_preamble and label[:1] == "p" and label[1:].isdigit() else ""
