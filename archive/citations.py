"""Citing a clause: plain text, BibTeX, RIS and CSL-JSON, and the citation_* meta tags.

A citation names the text (title, series, place, date), the paragraph label and the permalink,
in the version's own language, so a reader can find the exact clause again.
"""

import json
import re

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


def _date_en(document: Document) -> str:
    date = document.date
    return f"{date.day} {MONTHS_EN[date.month - 1]} {date.year}" if date else "n.d."


def _date_ja(document: Document) -> str:
    date = document.date
    return f"{date.year}年{date.month}月{date.day}日" if date else "日付不明"


def _series(document: Document) -> str:
    work = document.work
    return ", ".join(part for part in (work.series, work.meeting) if part)


def plain(document: Document, clause: Clause, url: str) -> str:
    """e.g. Tokyo Declaration, Central Asia + Japan Dialogue Summit, 1st, Tokyo,
    20 December 2025, para. 14, <url>"""
    if document.language == "ja":
        place = document.place_as_printed or document.place
        head = (
            f"{document.title}（{_date_ja(document)}、{place}）"
            if place
            else (f"{document.title}（{_date_ja(document)}）")
        )
        note = "（仮訳）" if document.is_provisional else ""
        return f"{head}{note} 第{clause.label}項 {url}"
    parts = [
        document.title,
        _series(document),
        document.place,
        _date_en(document),
        f"para. {clause.label}",
    ]
    note = " (provisional translation)" if document.is_provisional else ""
    return ", ".join(p for p in parts if p) + note + f", {url}"


def _bibtex_escape(value: str) -> str:
    return re.sub(r"([{}\\&%$#_])", r"\\\1", value)


def bibtex(document: Document, clause: Clause, url: str) -> str:
    key = re.sub(r"[^a-z0-9]+", "-", f"{document.work.slug}-{document.language}-{clause.label}")
    fields = {
        "title": document.title,
        "year": str(document.date.year) if document.date else "",
        "date": document.date.isoformat() if document.date else "",
        "address": document.place,
        "howpublished": _series(document),
        "note": f"para. {clause.label}"
        + (", provisional translation" if document.is_provisional else ""),
        "language": document.language,
        "url": url,
    }
    body = ",\n".join(
        f"  {name} = {{{_bibtex_escape(value)}}}" for name, value in fields.items() if value
    )
    return f"@misc{{{key},\n{body}\n}}"


def ris(document: Document, clause: Clause, url: str) -> str:
    lines = [("TY", "GOVDOC"), ("TI", document.title)]
    if document.subtitle:
        lines.append(("T2", document.subtitle))
    if document.date:
        lines += [("PY", str(document.date.year)), ("DA", document.date.strftime("%Y/%m/%d"))]
    lines += [
        ("CY", document.place),
        ("LA", document.language),
        ("UR", url),
        ("N1", f"para. {clause.label}"),
        ("ER", ""),
    ]
    return "\n".join(f"{tag}  - {value}".rstrip() for tag, value in lines if value or tag == "ER")


def csl_json(document: Document, clause: Clause, url: str) -> str:
    item = {
        "id": f"{document.work.slug}/{document.language}/{clause.label}",
        "type": "document",
        "title": document.title,
        "language": document.language,
        "URL": url,
        "locator": clause.label,
        "label": "paragraph",
        "publisher-place": document.place,
        "collection-title": _series(document),
    }
    if document.date:
        item["issued"] = {
            "date-parts": [[document.date.year, document.date.month, document.date.day]]
        }
    if document.is_provisional:
        item["note"] = "Provisional translation"
    return json.dumps([item], ensure_ascii=False, indent=2)


def all_formats(document: Document, clause: Clause, url: str) -> dict[str, str]:
    return {
        "plain": plain(document, clause, url),
        "bibtex": bibtex(document, clause, url),
        "ris": ris(document, clause, url),
        "csl_json": csl_json(document, clause, url),
    }


def meta_tags(document: Document, url: str) -> list[tuple[str, str]]:
    """Highwire-style tags that reference managers (Zotero) read from the page head."""
    tags = [
        ("citation_title", document.title),
        ("citation_language", document.language),
        ("citation_public_url", url),
    ]
    if document.date:
        tags.append(("citation_publication_date", document.date.strftime("%Y/%m/%d")))
    for signatory in document.signatories.all():
        tags.append(("citation_author", signatory.name))
    if document.work.series:
        tags.append(("citation_conference_title", _series(document)))
    return tags
