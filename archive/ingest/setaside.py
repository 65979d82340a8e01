"""What is set apart before paragraphs are built: web and PDF residue (link words, menus,
captions with their credits, running page headers, page numbers), the lines a curator calls
furniture, and date or place lines standing alone in the body. Each becomes a metadata line,
so no character is lost, and the line after it starts afresh."""

import re

from archive.ingest import dates
from archive.ingest.datelines import is_dateline, is_place_line
from archive.ingest.lines import (
    BULLET_MARKS,
    SENTENCE_PUNCTUATION,
    Line,
    ends_sentence,
    numbering,
)
from archive.ingest.parsed import PROVISIONAL_LINE, MetadataLine, ParsedDocument
from archive.ingest.repairs import ends_paragraph
from archive.ingest.residue import (
    FILE_MARK_END,
    LIST_MARK,
    PHOTO_CREDIT,
    ends_with_photo_credit,
    is_cut_link,
    is_link_words,
    is_page_number,
    residue_role,
)

_PHOTO_OF = re.compile(r"^(?:[•・]\s*)?(?P<what>[^。]{2,60})の写真$")


def _captions_label(above: str, text: str) -> bool:
    """• 首相表敬の写真 / 首相への表敬: a photograph's label, then
    its caption saying the same in other words."""
    label = _PHOTO_OF.match(above)
    if not label or "。" in text or len(text) > 80:
        return False
    what = label.group("what")
    return sum(c in text for c in what) >= 0.8 * len(what)


def _listing_copy(lines: list[Line], index: int) -> bool:
    """Uzbekistan 02/05/2031 Trade ties grow …, over the same headline alone: the
    site's listing of the page (its category and date, then the headline), not the text."""
    if index + 1 >= len(lines) or len(lines[index + 1].text) < 15:
        return False
    line, headline = lines[index].text, lines[index + 1].text
    head = line[: -len(headline)]
    return line.endswith(headline) and bool(head.strip()) and dates.find_date(head) is not None


def _printed_twice(above: Line, line: Line, last: bool) -> bool:
    """The same sentence twice on consecutive lines: a copy the page's rendering made (a
    text never says a whole line twice in a row); on the `last` line, the start of such a
    copy, where the stored page stops."""
    same = line.text == above.text or last and above.text.startswith(line.text)
    return not line.blank_before and len(line.text) >= 20 and same


def set_residue_aside(
    lines: list[Line], doc: ParsedDocument, furniture: frozenset[int] = frozenset()
) -> list[Line]:
    """Link words, images, table rules, page numbers, running page headers and the lines a
    curator calls furniture become metadata; the line after one counts it as a blank line, so
    a page number between two halves of a paragraph is a gap."""
    kept: list[Line] = []
    carried = 0
    headers = _running_headers(lines) | _gallery(lines) | _bulleted_menu(lines) | _cells(lines)
    headers |= _pull_quotes(lines)
    previous_role = None
    for index, line in enumerate(lines):
        role = residue_role(line.text)
        if not role and index == len(lines) - 1 and is_cut_link(line.text):
            role = "link"
        if role == "link" and _inline_link(lines, index, kept):
            role = None
        role = role or ("furniture" if index in headers or line.number in furniture else None)
        if not role and _listing_copy(lines, index):
            role = "date"  # the page's date, as the listing prints it
        if not role and index and _captions_label(lines[index - 1].text, line.text):
            role = "furniture"
        if not role and index and _printed_twice(lines[index - 1], line, index == len(lines) - 1):
            role = "furniture"
        if not role and PROVISIONAL_LINE.match(LIST_MARK.sub("", line.text)):
            role = "provisional"
        if not role and previous_role == "link" and line.bullet and _is_crumb(line.text):
            role = "link"  # the last item of a list of links: the page's own place in the site
        previous_role = role if line.bullet else None
        if role:
            doc.metadata_lines.append(MetadataLine(role, line.text, line.offset))
            carried += line.blank_before + 1
            above = kept[-1] if kept and index and kept[-1] is lines[index - 1] else None
            # A credit alone follows its caption; a caption that ends with its credit may
            # have begun on the line above (a long caption wrapped).
            # Credits one after another belong to photographs with no caption of their own.
            following = lines[index + 1] if index + 1 < len(lines) else None
            credits_run = _bare_credit(line.text) and following and _bare_credit(following.text)
            credit_alone = bool(PHOTO_CREDIT.match(line.text)) and not credits_run
            wrapped = ends_with_photo_credit(line.text) and not line.blank_before
            # In a bulleted gallery (• 歓迎式典 / • 握手する両首脳) the captions run together.
            gallery = role == "furniture" and _bulleted(line) and above and _bulleted(above)
            if (
                (credit_alone or wrapped or gallery)
                and above
                and _is_caption(above.text, 60 if credit_alone else 100)
            ):
                caption = kept.pop()  # the caption (or its first line) above the credit
                doc.metadata_lines.append(MetadataLine("furniture", caption.text, caption.offset))
                carried += caption.blank_before + 1
            continue
        line.blank_before += carried
        line.after_residue = bool(carried and kept)
        carried = 0
        kept.append(line)
    return kept


def set_datelines_aside(lines: list[Line], doc: ParsedDocument) -> list[Line]:
    """A line in the body that is only a date or a place (平成18年6月5日 / 東京 before an annex)
    dates the text; it is neither a heading nor a clause."""
    kept: list[Line] = []
    carried = 0
    for line in lines:
        role = "place" if is_place_line(line.text) else None
        if not role and is_dateline(line.text):
            role = "date" if is_dateline(line.text, place=False) else "date_place"
        if role and not numbering(line.text):
            doc.metadata_lines.append(MetadataLine(role, line.text, line.offset))
            carried += line.blank_before + 1
            continue
        line.blank_before += carried
        line.after_aside = line.after_aside or bool(carried and kept)
        carried = 0
        kept.append(line)
    return kept


def _bulleted_menu(lines: list[Line]) -> set[int]:
    """Indexes of a site's menu copied as a bulleted list (• Home, • About JICA, • English):
    four or more short bulleted lines in a row, one of them a link word."""
    menu: set[int] = set()
    run: list[int] = []
    items = [
        LIST_MARK.sub("", line.text) if line.bullet or LIST_MARK.match(line.text) else None
        for line in lines
    ]
    for index, item in enumerate([*items, None]):
        if item is not None and _is_crumb(item) and len(item) <= 30:
            run.append(index)
            continue
        if len(run) >= 4 and any(is_link_words(items[i]) for i in run):
            menu.update(run)
        run = []
    return menu


def _cells(lines: list[Line]) -> set[int]:
    """Indexes of a layout table's cells that a page's side box copies between bare | lines
    (| ※ 番組をご覧いただくためには… / …が必要です。 |): the page's, not the text's."""
    bars = {i for i, line in enumerate(lines) if line.text.strip() in ("|", "｜")}
    cells: set[int] = set()
    for start in sorted(bars):
        index = start + 1
        run = []
        while index < len(lines) and index not in bars and len(run) < 3:
            run.append(index)
            index += 1
        edged = run and (
            lines[run[0]].text.startswith(("|", "｜")) or lines[run[-1]].text.endswith(("|", "｜"))
        )
        if edged and index in bars:
            cells.update(run)
    return cells


def _gallery(lines: list[Line]) -> set[int]:
    """Indexes of photo captions numbered in a row (… Call on the President 1 / … 2): lines
    the same but for a number at the end; and of a photograph's alternative text and caption
    copied together (署名式 署名式, then 署名式): a line that says one phrase twice, and the
    phrase alone on the line after it."""
    bare = [re.sub(r"\s*[0-9０-９]+$", "", line.text) for line in lines]
    numbered = {
        i + step
        for i in range(len(lines) - 1)
        if bare[i] == bare[i + 1] and bare[i] != lines[i].text and bare[i + 1] != lines[i + 1].text
        for step in (0, 1)
    }
    doubled = set()
    for i, line in enumerate(lines):
        phrase = _said_twice(line.text)
        if phrase:
            doubled.add(i)
            if i + 1 < len(lines) and lines[i + 1].text == phrase:
                doubled.add(i + 1)
    return numbered | doubled


# A pull quote's speaker and office: Taro Aso, / Japanese foreign minister.
_QUOTED_NAME = re.compile(r"^(?:[A-Z][\w'.-]*\s){1,3}[A-Z][\w'.-]*,$")


def _pull_quotes(lines: list[Line]) -> set[int]:
    """Indexes of a news page's pull quotes: a sentence set apart by a blank line, then on
    the lines right under it who said it (a name ending in a comma) and their office, then
    a blank line and more of the story: the page's box, not a paragraph (a signature under
    a letter ends the text instead)."""
    found = set()
    for i in range(1, len(lines) - 2):
        quote, name, office, after = lines[i - 1], lines[i], lines[i + 1], lines[i + 2]
        if (
            _QUOTED_NAME.match(name.text)
            and len(name.text) <= 40
            and not name.blank_before
            and not office.blank_before
            and after.blank_before
            and quote.blank_before
            and len(quote.text.split()) >= 8  # a sentence (its full stop often left off)
            and len(quote.text) <= 240
            and len(office.text) <= 60
            and office.text[:1].isupper()
            and not ends_sentence(office.text)
        ):
            found |= {i - 1, i, i + 1}
    return found


def _said_twice(text: str) -> str:
    """The phrase a line says twice with a space between (署名式 署名式), or ""."""
    half, gap = divmod(len(text) - 1, 2)
    if gap or half < 2:
        return ""
    first, space, second = text[:half], text[half], text[half + 1 :]
    return first if first == second and space in " 　" else ""


def _bare_credit(text: str) -> bool:
    """(写真提供:内閣広報室) and nothing else on the line."""
    return bool(PHOTO_CREDIT.match(text)) and text.rstrip().endswith((")", "）"))


def _bulleted(line: Line) -> bool:
    return line.bullet or line.text.startswith(BULLET_MARKS)


def _is_caption(text: str, longest: int = 60) -> bool:
    return len(text) <= longest and not ends_sentence(text) and not is_dateline(text)


def _is_crumb(text: str) -> bool:
    return len(text) <= 60 and not SENTENCE_PUNCTUATION.search(text) and not numbering(text)


def _running_headers(lines: list[Line]) -> set[int]:
    """Indexes of a PDF's running page header (or footer): a line beside a page number
    (－２－ then 日・ウズベキスタン共同声明（仮訳）) that the text prints more than once. The
    title at the top, when the header repeats it, stands beside no page number and stays."""
    beside = {
        index + step
        for index, line in enumerate(lines)
        if is_page_number(line.text)
        for step in (-1, 1)
        if 0 <= index + step < len(lines)
    }
    texts = [line.text for line in lines]
    return {
        index
        for index in beside
        if texts.count(texts[index]) > 1
        and not numbering(texts[index])
        and not is_page_number(texts[index])
    }


def _inline_link(lines: list[Line], index: int, kept: list[Line]) -> bool:
    """Links to files (/英文(PDF)) on a line of their own inside a sentence they cut, with
    no blank line on either side: text of that sentence, as the page shows it."""
    line, following = lines[index], lines[index + 1] if index + 1 < len(lines) else None
    above = kept[-1] if kept and kept[-1] is lines[index - 1] else None
    return (
        above is not None
        and FILE_MARK_END.search(above.text) is not None
        and FILE_MARK_END.search(line.text) is not None
        and not line.blank_before
        and following is not None
        and not following.blank_before
        and not ends_paragraph(above.text)
    )
