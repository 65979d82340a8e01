"""Citing a clause: plain text, BibTeX, RIS and CSL-JSON, and the citation_* and DC.* meta tags.

A citation names the text (title, series, place, date), who issued it, the paragraph as the
original prints it (or says that the archive numbered it), whether the version is a
translation, the permalink and the date the reader accessed it, in the version's own
language, so a reader can find the exact clause again and judge what it is.
"""

import datetime
import json
import re

from archive.facets import language_label
from archive.models import Clause, Document

MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
# Every text of the archive is published by Japan's Ministry of Foreign Affairs (MOFA's pages
# and PDFs, fixtures/README and the corpus it came from).
PUBLISHER = {"ja": "外務省", "en": "Ministry of Foreign Affairs of Japan"}


def _voice(document: Document) -> str:
    """The language a citation of this version is written in."""
    return "ja" if document.language == "ja" else "en"


def _date_en(date: datetime.date | None) -> str:
    return f"{date.day} {MONTHS_EN[date.month - 1]} {date.year}" if date else "n.d."


def _date_ja(date: datetime.date | None) -> str:
    return f"{date.year}年{date.month}月{date.day}日" if date else "日付不明"


def _series(document: Document) -> str:
    work = document.work
    return ", ".join(part for part in (work.series, work.meeting) if part)


def language_name(code: str, voice: str) -> str:
    return language_label(code, voice)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def is_numbered_by_archive(clause: Clause) -> bool:
    """True when the original prints no number for this paragraph: its label is the archive's."""
    return not clause.printed_label


def paragraph_reference(clause: Clause, voice: str) -> str:
    """How a citation names the paragraph: 'para. 14' / '第14項' as printed; 'preamble,
    para. 1' / '前文第1段落'; and for numbers the archive assigned, '17th paragraph
    (unnumbered in the original)' / '第17段落（原文に番号なし）'."""
    label = clause.label
    preamble = re.fullmatch(r"p(\d+)", label)
    if clause.is_preamble and preamble:
        n = int(preamble[1])
        return f"前文第{n}段落" if voice == "ja" else f"preamble, para. {n}"
    if not is_numbered_by_archive(clause):
        return f"第{label}項" if voice == "ja" else f"para. {label}"
    under = re.fullmatch(r"(.+)-p(\d+)", label)
    if under:
        heading, n = under[1], int(under[2])
        if voice == "ja":
            return f"{heading} 第{n}段落（原文に番号なし）"
        return f"section {heading}, {_ordinal(n)} paragraph (unnumbered in the original)"
    if label.isdigit():
        n = int(label)
        if voice == "ja":
            return f"第{n}段落（原文に番号なし）"
        return f"{_ordinal(n)} paragraph (unnumbered in the original)"
    if voice == "ja":
        return f"段落 {label}（原文に番号なし）"
    return f"paragraph {label} (unnumbered in the original)"


def translation_note(document: Document, voice: str) -> str:
    """'' for an authentic text; else what kind of translation this version is."""
    authentic = document.work.authentic_language
    if document.is_provisional:
        return "仮訳" if voice == "ja" else "provisional translation"
    if authentic and document.language != authentic:
        name = language_name(authentic, voice)
        return f"翻訳・正文は{name}" if voice == "ja" else f"translation; authentic text in {name}"
    return ""


def plain(document: Document, clause: Clause, url: str, accessed: datetime.date) -> str:
    """e.g. Ministry of Foreign Affairs of Japan, Tokyo Declaration, Central Asia + Japan
    Dialogue Summit, Tokyo, 20 December 2025, para. 14, <url> (accessed 26 November 2026)"""
    voice = _voice(document)
    reference = paragraph_reference(clause, voice)
    note = translation_note(document, voice)
    source = f" 原典: {document.source_url}" if document.source_url else ""
    if voice == "ja":
        place = document.place_as_printed or document.place
        when = f"{_date_ja(document.date)}、{place}" if place else _date_ja(document.date)
        # A title that quotes with 「」 itself is set in 『』.
        quoted = f"『{document.title}』" if "「" in document.title else f"「{document.title}」"
        head = f"{PUBLISHER['ja']}{quoted}（{when}）"
        return (
            f"{head}{f'（{note}）' if note else ''} {reference} {url}"
            f"（{_date_ja(accessed)}閲覧）{source}"
        )
    source = f", source: {document.source_url}" if document.source_url else ""
    parts = [
        PUBLISHER["en"],
        document.title,
        _series(document),
        document.place,
        _date_en(document.date),
        reference,
    ]
    note = f" ({note})" if note else ""
    return (
        ", ".join(p for p in parts if p) + note + f", {url} (accessed {_date_en(accessed)})"
    ) + source


def _bibtex_escape(value: str) -> str:
    return re.sub(r"([{}\\&%$#_])", r"\\\1", value)


def _notes(document: Document, clause: Clause, voice: str) -> str:
    parts = [paragraph_reference(clause, voice), translation_note(document, voice)]
    if document.source_url:
        parts.append(f"source: {document.source_url}")
    return "; ".join(part for part in parts if part)


def bibtex(document: Document, clause: Clause, url: str, accessed: datetime.date) -> str:
    voice = _voice(document)
    key = re.sub(r"[^a-z0-9]+", "-", f"{document.work.slug}-{document.language}-{clause.label}")
    fields = {
        "title": document.title,
        "organization": PUBLISHER[voice],
        "year": str(document.date.year) if document.date else "",
        "date": document.date.isoformat() if document.date else "",
        "address": document.place,
        "howpublished": _series(document),
        "note": _notes(document, clause, voice),
        "language": document.language,
        "url": url,
        "urldate": accessed.isoformat(),
    }
    body = ",\n".join(
        f"  {name} = {{{_bibtex_escape(value)}}}" for name, value in fields.items() if value
    )
    return f"@misc{{{key},\n{body}\n}}"


def ris(document: Document, clause: Clause, url: str, accessed: datetime.date) -> str:
    voice = _voice(document)
    lines = [("TY", "GOVDOC"), ("TI", document.title)]
    if document.subtitle:
        lines.append(("T2", document.subtitle))
    if document.date:
        lines += [("PY", str(document.date.year)), ("DA", document.date.strftime("%Y/%m/%d"))]
    lines += [
        ("PB", PUBLISHER[voice]),
        ("CY", document.place),
        ("LA", document.language),
        ("UR", url),
        ("Y2", accessed.strftime("%Y/%m/%d")),  # access date
        ("N1", _notes(document, clause, voice)),
        ("ER", ""),
    ]
    return "\n".join(f"{tag}  - {value}".rstrip() for tag, value in lines if value or tag == "ER")


def _date_parts(date: datetime.date) -> dict:
    return {"date-parts": [[date.year, date.month, date.day]]}


def csl_json(document: Document, clause: Clause, url: str, accessed: datetime.date) -> str:
    voice = _voice(document)
    item = {
        "id": f"{document.work.slug}/{document.language}/{clause.label}",
        "type": "document",
        "title": document.title,
        "publisher": PUBLISHER[voice],
        "language": document.language,
        "URL": url,
        "accessed": _date_parts(accessed),
        "locator": clause.label,
        "label": "paragraph",
        "publisher-place": document.place,
        "collection-title": _series(document),
        "note": _notes(document, clause, voice),
    }
    if document.date:
        item["issued"] = _date_parts(document.date)
    return json.dumps([item], ensure_ascii=False, indent=2)


def all_formats(
    document: Document, clause: Clause, url: str, accessed: datetime.date | None = None
) -> dict[str, str]:
    accessed = accessed or datetime.date.today()
    return {
        "plain": plain(document, clause, url, accessed),
        "bibtex": bibtex(document, clause, url, accessed),
        "ris": ris(document, clause, url, accessed),
        "csl_json": csl_json(document, clause, url, accessed),
    }


def meta_tags(document: Document, url: str) -> list[tuple[str, str]]:
    """Highwire citation_* tags and Dublin Core DC.* tags that reference managers (Zotero)
    read from the page head. No citation_journal_title or citation_conference_title: a joint
    statement is neither an article nor a conference paper; with a publisher and DC.type Text
    it is saved as a document of the ministry."""
    voice = _voice(document)
    tags = [
        ("citation_title", document.title),
        ("citation_publisher", PUBLISHER[voice]),
        ("citation_language", document.language),
        ("citation_public_url", url),
        ("DC.title", document.title),
        ("DC.publisher", PUBLISHER[voice]),
        ("DC.type", "Text"),
        ("DC.language", document.language),
        ("DC.identifier", url),
    ]
    if document.date:
        tags.append(("citation_publication_date", document.date.strftime("%Y/%m/%d")))
        tags.append(("DC.date", document.date.isoformat()))
    if document.source_url:
        tags.append(("DC.source", document.source_url))
    for signatory in document.signatories.all():
        tags.append(("citation_author", signatory.name))
    series = _series(document)
    if series:
        tags.append(("DC.relation.ispartof", series))
    note = translation_note(document, voice)
    if note:
        tags.append(("DC.description", note))
    return tags
