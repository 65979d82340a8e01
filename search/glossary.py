"""The glossary download: the archive's strongest equivalents between Japanese and English, as
CSV and as TBX, written with the other bulk data (archive/research/datasets.py sends
`datasets_building`; this module answers it).

Its terms are the most frequent of each language, as the distinctive terms count them
(archive/research/distinctive.py: English words, Japanese nouns with compounds joined). Each
is looked up as /terms/ looks it up (search/equivalents.py), from at most PAIRS of its pairs,
and kept only when they decide the first equivalent. An entry found from both sides says so.
"""

import csv
import logging
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Count
from lxml import etree

from archive.models import TermCount, TermTotal
from archive.research.distinctive import LANGUAGE_TOTAL
from archive.signals import archive_version
from search import index_view
from search.equivalents import equivalents
from search.results import SearchUnavailable

log = logging.getLogger(__name__)

FOLDER = "glossary"
CSV_PATH = f"{FOLDER}/ja-en.csv"
TBX_PATH = f"{FOLDER}/ja-en.tbx"
# The most frequent terms looked up in each language, each from up to PAIRS of its pairs
# spread evenly (the terms page reads 300): at 100,000 clauses the glossary then takes about a
# quarter of the export's time rather than two thirds, and frequent terms keep their answer.
TERMS = 50
PAIRS = 100
COLUMNS = ["japanese", "english", "found_from", "pairs", "dice", "first_year", "last_year"]
TBX_NS = "urn:iso:std:iso:30042:ed-2"
XML_NS = "http://www.w3.org/XML/1998/namespace"


@dataclass
class Entry:
    japanese: str
    english: str
    found_from: str  # the language of the term looked up: ja, en, or both
    pairs: int  # the looked-up term's pairs whose other side uses the equivalent
    dice: float
    first_year: int | None
    last_year: int | None


def entries(per_language: int = TERMS) -> list[Entry]:
    """The decided equivalents of each language's most frequent terms, most pairs first; the
    last answer is kept for as long as the archive and its index stay as they are, so that
    exporting again unchanged costs nothing."""
    key = (archive_version(), index_view.version(), per_language)
    if _last and _last[0] == key:
        return _last[1]
    found = _entries(per_language)
    _last[:] = [key, found]
    return found


_last: list = []  # [key, entries] of the last answer


def _entries(per_language: int) -> list[Entry]:
    found: dict[tuple[str, str], Entry] = {}
    for language in ("en", "ja"):
        for term in _most_frequent(language, per_language):
            result = equivalents(term, order_ties=False, most_pairs=PAIRS)
            if not result.decided:
                continue
            first = result.equivalents[0]
            japanese, english = (term, first.text) if language == "ja" else (first.text, term)
            key = (japanese, english.casefold())
            if key in found:
                found[key].found_from = "both"
                continue
            found[key] = Entry(
                japanese, english, language, first.pairs, first.dice,
                first.first_year, first.last_year,
            )  # fmt: skip
    return sorted(found.values(), key=lambda e: (-e.pairs, e.japanese, e.english))


def _most_frequent(language: str, limit: int) -> list[str]:
    """As printed most often: `TermTotal` holds English folded to lower case."""
    terms = list(
        TermTotal.objects.filter(language=language)
        .exclude(term=LANGUAGE_TOTAL)
        .order_by("-occurrences", "term")
        .values_list("term", flat=True)[:limit]
    )
    if language == "ja":
        return terms
    printed = {}
    rows = (
        TermCount.objects.filter(language=language, term__in=terms)
        .values("term", "text")
        .annotate(n=Count("pk"))
        .order_by("term", "-n", "text")
    )
    for row in rows:
        printed.setdefault(row["term"], row["text"])
    return [printed.get(term, term) for term in terms]


def write_glossary(sender, folder: Path, **kwargs) -> list[tuple[str, str, int]]:
    """Write the glossary into the export's `folder`; what it wrote, for the manifest. Without
    a search index there is no glossary, and the rest of the export goes on."""
    try:
        found = entries()
    except SearchUnavailable as error:
        log.warning("The bulk data has no glossary this time: %s", error)
        return []
    (folder / FOLDER).mkdir(exist_ok=True)
    write_csv(folder / CSV_PATH, found)
    write_tbx(folder / TBX_PATH, found)
    return [(CSV_PATH, "glossary-csv", len(found)), (TBX_PATH, "glossary-tbx", len(found))]


def write_csv(path: Path, found: list[Entry]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        for entry in found:
            writer.writerow(["" if v is None else v for v in (getattr(entry, c) for c in COLUMNS)])


def write_tbx(path: Path, found: list[Entry]) -> None:
    """TBX-Core (ISO 30042:2019, DCA style): a concept entry for each pair of terms."""
    tbx = etree.Element(f"{{{TBX_NS}}}tbx", nsmap={None: TBX_NS}, type="TBX-Core", style="dca")
    tbx.set(f"{{{XML_NS}}}lang", "en")
    description = etree.SubElement(etree.SubElement(tbx, f"{{{TBX_NS}}}tbxHeader"),
                                   f"{{{TBX_NS}}}fileDesc")  # fmt: skip
    title = etree.SubElement(etree.SubElement(description, f"{{{TBX_NS}}}titleStmt"),
                             f"{{{TBX_NS}}}title")  # fmt: skip
    title.text = "Central Asia + Japan Diplomatic Texts: the archive's own equivalents"
    source = etree.SubElement(etree.SubElement(description, f"{{{TBX_NS}}}sourceDesc"),
                              f"{{{TBX_NS}}}p")  # fmt: skip
    source.text = (
        "Drawn from the archive's aligned Japanese and English clauses by co-occurrence "
        "(Dice's coefficient); an entry is kept only when the pairs decide it."
    )
    body = etree.SubElement(etree.SubElement(tbx, f"{{{TBX_NS}}}text"), f"{{{TBX_NS}}}body")
    for number, entry in enumerate(found, 1):
        concept = etree.SubElement(body, f"{{{TBX_NS}}}conceptEntry", id=f"c{number}")
        for language, term in (("ja", entry.japanese), ("en", entry.english)):
            section = etree.SubElement(concept, f"{{{TBX_NS}}}langSec")
            section.set(f"{{{XML_NS}}}lang", language)
            etree.SubElement(etree.SubElement(section, f"{{{TBX_NS}}}termSec"),
                             f"{{{TBX_NS}}}term").text = term  # fmt: skip
    etree.ElementTree(tbx).write(str(path), encoding="UTF-8", xml_declaration=True,
                                 pretty_print=True)  # fmt: skip
