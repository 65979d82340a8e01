"""Getting the text out of sources as published (MOFA PDFs and web pages), for the text parser.

Plain Python, no Django. `pdf_text` and `html_text` return what `parse_document`
reads from a .txt file: one line per printed line, a blank line between paragraphs, '\\n' line
endings, no control characters. A file that cannot be read raises `SourceError`, one sentence.
"""

import codecs
import io
import re
import statistics
import unicodedata
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

import lxml.html
from lxml import etree
from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTAnno, LTChar, LTContainer, LTTextLineHorizontal
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.psexceptions import PSException

from archive.ingest.errors import SourceError
from archive.text import is_wide

# ---- PDF -------------------------------------------------------------------------------------

# all_texts: Word and InDesign exports often put text in form XObjects (pdfminer's figures).
LAYOUT = LAParams(all_texts=True)
# A line holding only a page number ("3", "- 3 -", "3/4") at the top or bottom of a page is
# page furniture; left in, the parser would glue it into a paragraph broken by the page.
PAGE_NUMBER = re.compile(
    r"[-－‐–—(（]?\s*[0-9０-９]{1,3}\s*(?:[/／]\s*[0-9０-９]{1,3})?\s*[-－‐–—)）]?"
)


@dataclass
class _Row:
    """One printed line: its text and where it sits on the page (PDF points, y upwards)."""

    text: str
    bottom: float
    top: float


def _line_text(line: LTTextLineHorizontal) -> str:
    """The line's characters with pdfminer's guessed word spaces, except between Japanese
    characters less than half a character apart: justified Japanese is set with widened gaps
    but no space is printed there (a wider gap, as after a clause number, keeps its space)."""
    items = [item for item in line if isinstance(item, LTChar | LTAnno)]
    out = []
    for before, item, after in zip([None, *items], items, [*items[1:], None], strict=False):
        if isinstance(item, LTAnno) and (
            item.get_text() == "\n"
            or isinstance(before, LTChar)
            and isinstance(after, LTChar)
            and is_wide(before.get_text()[-1:])
            and is_wide(after.get_text()[:1])
            and after.x0 - before.x1 < 0.5 * max(before.width, before.height)
        ):
            continue
        out.append(item.get_text())
    return "".join(out).strip(" ")  # an ideographic space (U+3000) indenting a line is printed


def _text_lines(container: LTContainer) -> Iterator[LTTextLineHorizontal]:
    for item in container:
        if isinstance(item, LTTextLineHorizontal):
            yield item
        elif isinstance(item, LTContainer):  # text boxes, and figures analysed with all_texts
            yield from _text_lines(item)


def _page_rows(page: LTContainer) -> list[_Row]:
    """The page's printed lines, top to bottom. pdfminer splits a line where words are far
    apart ("１" and an indented "双方は…"); pieces side by side are joined back with a space."""
    groups: list[list[LTTextLineHorizontal]] = []
    for line in sorted(_text_lines(page), key=lambda line: -line.y1):
        last = groups[-1] if groups else []
        top, bottom = max((p.y1 for p in last), default=0), min((p.y0 for p in last), default=0)
        if last and min(top, line.y1) - max(bottom, line.y0) > 0.5 * min(line.height, top - bottom):
            last.append(line)
        else:
            groups.append([line])
    rows = []
    for pieces in groups:
        text = " ".join(filter(None, map(_line_text, sorted(pieces, key=lambda p: p.x0))))
        if text:
            rows.append(_Row(text, min(p.y0 for p in pieces), max(p.y1 for p in pieces)))
    if len(rows) > 1 and PAGE_NUMBER.fullmatch(rows[-1].text):
        rows.pop()
    if len(rows) > 1 and PAGE_NUMBER.fullmatch(rows[0].text):
        rows.pop(0)
    return rows


def _pages_text(pages: list[list[_Row]]) -> str:
    """Rows as lines, with a blank line between pages and where the space above a row is
    clearly more than the document's usual line spacing (a paragraph or title gap)."""
    gaps = [upper.bottom - lower.top for rows in pages for upper, lower in pairwise(rows)]
    usual = statistics.median(gaps) if gaps else 0.0
    lines = []
    for rows in pages:
        lines.append("")
        for upper, row in zip([None, *rows], rows, strict=False):
            height = min(row.top - row.bottom, upper.top - upper.bottom) if upper else 0.0
            if upper and upper.bottom - row.top > usual + 0.5 * height:
                lines.append("")
            lines.append(row.text)
    return "\n".join(lines)


# What the compressed streams of a PDF may expand to, all together, before pdfminer reads it:
# a small file whose stream inflates to gigabytes would otherwise take the importer's memory.
MAX_INFLATED_BYTES = 200 * 1024 * 1024
_STREAM_START = re.compile(rb"(?<!end)stream\r?\n")
_INFLATE_STEP = 1024 * 1024


def inflated_size_over(data: bytes, limit: int) -> bool:
    """Whether the Flate streams of `data` expand to more than `limit` bytes in all: each is
    inflated a megabyte at a time and the output counted, never kept."""
    total = 0
    for match in _STREAM_START.finditer(data):
        end = data.find(b"endstream", match.end())
        pending = data[match.end() : end if end >= 0 else len(data)]
        inflater = zlib.decompressobj()
        try:
            while pending:
                total += len(inflater.decompress(pending, _INFLATE_STEP))
                if total > limit:
                    return True
                pending = inflater.unconsumed_tail
        except zlib.error:
            continue  # not a Flate stream (an image, plain text): its size is the file's
    return False


def pdf_text(name: str, data: bytes, max_inflated: int = MAX_INFLATED_BYTES) -> str:
    """The text layer of a PDF. Pages are read top to bottom as one column, which is how
    statements and press releases are set; a two-column page would interleave its columns.
    A PDF whose streams expand to more than `max_inflated` bytes is refused before reading."""

    def unreadable(reason: str) -> SourceError:
        return SourceError(
            f"{name}: this is not a readable PDF ({reason}); download it again and re-import it."
        )

    if b"%PDF-" not in data[:1024]:
        raise unreadable("it does not start with %PDF-")
    # A complete PDF ends with %%EOF; a download cut short is named as such, not by whichever
    # parse error pdfminer meets first.
    if b"%%EOF" not in data[-1024:]:
        raise unreadable("the file is cut short: it has no %%EOF end mark")
    if inflated_size_over(data, max_inflated):
        raise SourceError(
            f"{name}: this PDF's compressed streams expand to more than "
            f"{max_inflated // (1024 * 1024):,} MB (setting IMPORT_MAX_PDF_INFLATED_BYTES); "
            "a statement needs far less, so check that it is the right file, or raise the "
            "limit in the environment."
        )
    try:
        layouts = list(extract_pages(io.BytesIO(data), laparams=LAYOUT))
    except PDFEncryptionError:  # PDFPasswordIncorrect, or a method pdfminer cannot decrypt
        raise SourceError(
            f"{name}: this PDF is encrypted and needs a password to open; save an unprotected "
            "copy or import the text as a .txt file."
        ) from None
    # pdfminer reports damage with its own exceptions and, deeper in, with plain Python ones.
    except (PSException, ValueError, KeyError, TypeError, IndexError, AssertionError) as error:
        raise unreadable(f"{type(error).__name__}: {error}"[:120].rstrip(": ")) from None
    if not layouts:
        raise unreadable("it has no pages")
    text = _clean(_pages_text([_page_rows(page) for page in layouts]))
    if not text:
        raise SourceError(
            f"{name}: this PDF has no text layer (it is a scanned image); run OCR on it or "
            "import the text as a .txt file."
        )
    # pdfminer writes a glyph it cannot map to Unicode as "(cid:43)"; such text is not the text.
    if unmapped := len(re.findall(r"\(cid:\d+\)", text)):
        raise SourceError(
            f"{name}: {unmapped} characters of this PDF come out as font codes like (cid:43), "
            "not text (its fonts have no Unicode map); run OCR on it or import a .txt file."
        )
    return text


# ---- HTML ------------------------------------------------------------------------------------

_DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)|<\?xml[^>]+encoding\s*=\s*["']([-\w.:]+)""",
    re.I,
)
# What browsers do with these labels (WHATWG Encoding): Shift_JIS means Windows-31J (CP932,
# which has ① and the other NEC characters MOFA pages use), Latin-1 and ASCII mean
# Windows-1252, and a page read far enough to find its meta tag is not UTF-16.
_AS_BROWSERS = {"shift_jis": "cp932", "iso8859-1": "cp1252", "ascii": "cp1252", "utf-16": "utf-8"}
_SKIP_TAGS = {"head", "script", "style", "noscript", "template", "select", "button", "nav", "aside"}
_BLOCK_TAGS = re.compile(
    r"address|article|blockquote|body|caption|center|d[dlt]|details|dialog|div|fieldset|"
    r"fig(?:ure|caption)|footer|form|h[1-6r]|header|html|legend|li|main|[ou]l|p|pre|section|"
    r"summary|table|t(?:body|foot|head|r)"
)
_NAV_ROLES = {"navigation", "search", "menu", "menubar"}
_PAGE_ROLES = {"banner", "contentinfo"}  # the page's header and footer
_NAV_NAMES = re.compile(
    r"breadcrumb|topic-?path|pankuzu|page-?top|"
    r"^(?:\w+[-_])?[gl]?(?:nav(?:bar|i|igation)?|menu)(?:[-_]\w+)?$",
    re.I,
)
_CONTENT_NAMES = ("maincontents", "main-contents", "main_contents", "main", "contents", "content")
_BLOCK, _BREAK = "\x1e", "\x1f"  # marks while walking; `_clean` took such characters out


def html_encoding(name: str, data: bytes) -> str:
    """The encoding a page was read in (cp932 for a Shift_JIS page), as the source records it."""
    return _decode(name, data)[1]


def _decode(name: str, data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    head = data[: max(data.find(b"</head>"), 4096)]
    declared = [(m[1] or m[2]).decode("ascii") for m in _DECLARED.finditer(head)]
    for label in declared[:1] + ["utf-8-sig", "cp932"]:
        try:
            codec = codecs.lookup(label).name
            codec = _AS_BROWSERS.get(codec, codec)
            return data.decode(codec), codec
        except (LookupError, UnicodeDecodeError):  # an unknown label, or a mislabelled page
            continue
    raise SourceError(
        f"{name}: the page is neither in its declared encoding, UTF-8 nor Shift_JIS; "
        "save it again from the browser as UTF-8 and re-import it."
    )


def _content_root(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The element holding the page's own content, or None when the page does not mark it."""
    for path in ("//main", "//*[@role='main']", "//article"):
        if found := root.xpath(path):
            return found[0]
    for key in _CONTENT_NAMES:
        for element in root.iter(etree.Element):
            if element.get("id") == key or key in (element.get("class") or "").split():
                return element
    return None


def _is_furniture(element: lxml.html.HtmlElement, in_content: bool) -> bool:
    role = (element.get("role") or "").lower()
    names = [element.get("id") or "", *(element.get("class") or "").split()]
    return (
        element.tag in _SKIP_TAGS
        or role in _NAV_ROLES
        or element.get("hidden") is not None
        or bool(re.search(r"display\s*:\s*none", element.get("style") or "", re.I))
        or any(_NAV_NAMES.search(name) for name in names if name)
        # An article's own <header> holds its title and date; the page's, the site's name.
        or (not in_content and (element.tag in ("header", "footer") or role in _PAGE_ROLES))
    )


def _walk(element: lxml.html.HtmlElement, out: list[str], in_content: bool, pre: bool) -> None:
    """Append the element's visible text to `out`, with marks where blocks and <br> break."""
    block = _BLOCK if _BLOCK_TAGS.fullmatch(element.tag) else ""
    out.append(block or (" " if element.tag in ("td", "th") else ""))
    if element.text:
        out.append(element.text.replace("\n", _BREAK) if pre else element.text)
    for child in element:
        if isinstance(child.tag, str) and not _is_furniture(child, in_content):
            if child.tag == "br":
                out.append(_BREAK)
            else:
                _walk(child, out, in_content, pre or child.tag == "pre")
        if child.tail:  # a dropped element's or comment's tail is still the page's text
            out.append(child.tail.replace("\n", _BREAK) if pre else child.tail)
    out.append(block)


def _collapse(line: str) -> str:
    """HTML white space: a run becomes one space, but a line break between two Japanese
    characters disappears, as browsers render it (CSS Text, segment break transformation)."""

    def space(match: re.Match) -> str:
        before, after = line[match.start() - 1 : match.start()], line[match.end() :][:1]
        joined = "\n" in match[0] and is_wide(before) and is_wide(after)
        return "" if joined else " "

    return re.sub(r"[ \t\n\f\xa0]+", space, line).strip()


def html_text(name: str, data: bytes) -> str:
    """The visible text of a web page's content, without its navigation, header and footer."""
    # lxml refuses a str that declares an encoding; this one is decoded already.
    page = re.sub(r"^\s*<\?xml[^>]*\?>", "", _decode(name, data)[0].lstrip("\ufeff"))
    no_text = (
        f"{name}: the page has no text in its content; save the page's text as .txt or check "
        "you downloaded the page and not a redirect."
    )
    try:
        root = lxml.html.document_fromstring(_clean(page, keep_layout=True))
    except (etree.ParserError, ValueError):
        raise SourceError(no_text) from None
    content = _content_root(root)
    out: list[str] = []
    _walk(root if content is None else content, out, content is not None, False)
    blocks = ("\n".join(map(_collapse, b.split(_BREAK))) for b in "".join(out).split(_BLOCK))
    text = _clean("\n\n".join(block.strip("\n") for block in blocks))
    if not text:
        raise SourceError(no_text)
    return text


# ---- both ------------------------------------------------------------------------------------


def _clean(text: str, keep_layout: bool = False) -> str:
    """'\\n' line endings and no control or invisible format characters; unless the layout is
    kept (HTML before parsing), no tabs, no trailing spaces and one blank line at most."""
    text = re.sub(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]", "\n", text)
    text = "".join(c for c in text if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cf"))
    if keep_layout:
        return text
    lines = [line.replace("\t", " ").rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
