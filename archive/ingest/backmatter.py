"""What follows the text: notes ((注), [参考] …), a closing date or place, the closing formula
and the signature block (names paired with titles, in one column or two). `read_back_matter`
takes them off the end of the body lines and keeps them as metadata, so no character is lost.
"""

import re

from archive.ingest.datelines import is_dateline, is_place_line
from archive.ingest.lines import (
    REFERENCE,
    SENTENCE_END,
    SENTENCE_PUNCTUATION,
    Line,
    ends_sentence,
    is_japanese,
    marked_heading,
    numbering,
)
from archive.ingest.parsed import MetadataLine, ParsedDocument, ParsedSignatory
from archive.ingest.residue import LIST_MARK

CLOSING = re.compile(
    r"署名した。$|作成した。$|^Done at|^Signed (?:at|in)|signed in .+ copies|in duplicate"
)


TITLE_SUFFIX = re.compile(
    r"(?:大臣|大統領|首相|総理|長官|議長|大使|代表|首長|国王|総裁|委員長|事務総長|事務局長|外相)$"
    r"|^(?:Prime Minister|President|Minister|Secretary|Ambassador|Chair(?:man|person)?)\b"
)


# "For Japan:" / 日本国のために above a signature: the party a signatory signs for.
PARTY = re.compile(
    r"^(?:(?:For|On behalf of) (?:the )?[A-Z][^:：]{1,80}[:：]?|\S{2,30}(?:のために|を代表して))$"
)


# Columns of a signature block set side by side: two or more spaces, or an ideographic pair.
_COLUMN_GAP = re.compile(r"[ \t]{2,}|\t|　{2,}")


# ［参考］, （注）, (Note), [Reference], Note:, ※: notes printed after the text, not part of it.
# A vocabulary of line shapes, as in residue.py and frontmatter.py: alike in shape only.
NOTE = re.compile(
    r"^(?:(?:Note|Notes|Reference|注|参考)\s*[:：]|参考\s*[］\]】]"
    r"|[［\[【]\s*(?:参考|注|備考|Reference|Note)\s*[0-9０-９]*\s*[］\]】]"
    r"|[（(]\s*(?:注|参考|Note|Reference)\s*[0-9０-９]*\s*[）)]|※|\*[0-9]+\s)",
    re.I,
)


def read_back_matter(lines: list[Line], doc: ParsedDocument) -> list[Line]:
    """Notes after the text, the closing date line and the signature block (names paired
    with titles); lines after a signature block are kept as `after_signatures` with a warning."""
    lines = _set_inline_notes_aside(lines, doc)
    first_note = next(
        (
            i
            for i in range(max(1, len(lines) - 12), len(lines))
            if NOTE.match(lines[i].text)
            and not (marked_heading(lines[i].text) and not _note_under(lines, i))
            and not _reference_part(lines, i)
        ),
        None,
    )
    notes = lines[first_note:] if first_note is not None else []
    for line in notes:
        doc.metadata_lines.append(MetadataLine("note", line.text, line.offset))
    lines = lines[: len(lines) - len(notes)]
    body = _read_signatures(lines, doc)
    if notes and doc.signatories:
        doc.warn(
            "structure",
            f"text after the signatures ({len(notes)} line(s), from “{notes[0].text[:30]}”) "
            "was kept apart as a note; check that it is not part of the text.",
        )
    return body


def _note_under(lines: list[Line], index: int) -> bool:
    """Whether a reference mark (（参考）) heads a note, not a part: it ends the text, or a
    bare mark has one sentence after it at the end. A named part ([参考]基礎データ) is a part,
    even cut short at the end."""
    rest = lines[index + 1 :]
    named = bool(marked_heading(lines[index].text)[1])  # [参考]基礎データ names its part
    if not rest:
        return ends_sentence(lines[index].text) or not named
    return _one_sentence_after(lines, index)


def _one_sentence_after(lines: list[Line], index: int) -> bool:
    """A bare mark ((参考)) with one sentence after it at the end, bulleted or not: a note;
    so is one line of data with no full stop (面積…,人口…(2011年)), which states no more."""
    rest = lines[index + 1 :]
    if (marked_heading(lines[index].text) or ("", "", 0))[1] or len(rest) != 1:
        return False
    ends = len(SENTENCE_END.findall(LIST_MARK.sub("", rest[0].text)))
    return ends == 1 and ends_sentence(rest[0].text[-1:]) or ends == 0


def _reference_part(lines: list[Line], index: int) -> bool:
    """（参考）「…」対話（…、…） or a bare (注) over numbered or listed items is a part of the
    text with its own items, however its name reads, not a note."""
    after = lines[index + 1] if index + 1 < len(lines) else None
    part = REFERENCE.match(lines[index].text) or _BARE_NOTE.match(lines[index].text)
    return bool(
        after is not None
        and part
        and (numbering(after.text) or after.bullet or LIST_MARK.match(after.text))
        and not _one_sentence_after(lines, index)
    )


# (注) alone on its line: over a list of items it heads a part, as （参考） does.
_BARE_NOTE = re.compile(r"^[（(]\s*注\s*[）)]$")


def _set_inline_notes_aside(lines: list[Line], doc: ParsedDocument) -> list[Line]:
    """A note of whole sentences with the body going on after it ((注)円借款: …。 between two
    paragraphs) glosses the paragraph above; it is kept as a note in its place, and the
    paragraph after it starts afresh."""
    kept: list[Line] = []
    carried = 0
    for index, line in enumerate(lines):
        after = lines[index + 1] if index + 1 < len(lines) else None
        if (
            index
            and after is not None
            and NOTE.match(line.text)
            and SENTENCE_END.search(line.text.rstrip()[-1:])
            and not NOTE.match(after.text)
            and (after.bullet or ends_sentence(after.text) and not is_dateline(after.text))
        ):
            doc.metadata_lines.append(MetadataLine("note", line.text, line.offset))
            carried += line.blank_before + 1
            continue
        line.blank_before += carried
        line.after_aside = line.after_aside or bool(carried)
        carried = 0
        kept.append(line)
    return kept


def _read_signatures(lines: list[Line], doc: ParsedDocument) -> list[Line]:
    end = _signature_end(lines)
    if end < len(lines):
        trailing = lines[end:]
        for line in trailing:
            doc.metadata_lines.append(MetadataLine("after_signatures", line.text, line.offset))
        doc.warn(
            "structure",
            f"text after the signatures ({len(trailing)} line(s), from "
            f"“{trailing[0].text[:30]}”) was kept apart from the body; check that it is not "
            "part of the text.",
        )
        lines = lines[:end]
    # A closing formula printed after the signatures (…本書二通を作成した。 at the very end)
    # stays the last line of the body, where the closing is looked for.
    closing = lines[-1:] if lines and CLOSING.search(lines[-1].text) else []
    lines = lines[: len(lines) - len(closing)]
    end = len(lines)
    trailing_meta: list[MetadataLine] = []
    while end > 0 and (is_dateline(lines[end - 1].text) or is_place_line(lines[end - 1].text)):
        line = lines[end - 1]
        role = "date" if is_dateline(line.text, place=False) else "date_place"
        role = "place" if is_place_line(line.text) else role
        trailing_meta.insert(0, MetadataLine(role, line.text, line.offset))
        end -= 1
    block_start = end
    while block_start > 0 and _is_signature_line(lines[block_start - 1].text):
        block_start -= 1
    columns = [piece for line in lines[block_start:end] for piece in _columns(line)]
    parties = [line for line in columns if PARTY.match(line.text)]
    titles = [line for line in columns if titles_in(line.text) and line not in parties]
    names = [line for line in columns if line not in parties and line not in titles]
    # Titles with names, or with the parties they sign for (a block printed without names).
    signed = bool(titles and (names or parties))
    if signed:
        doc.signatories = _pair_signatories(names, titles)
        doc.metadata_lines.extend(MetadataLine("party", p.text, p.offset) for p in parties)
        end = block_start
    doc.metadata_lines.extend(trailing_meta)
    return (lines[:end] if signed or trailing_meta else lines) + closing


def _columns(line: Line) -> list[Line]:
    """The pieces of a signature line set side by side, each with its own offset."""
    parts = _COLUMN_GAP.split(line.text)
    return [Line(text, offset, 0, number=line.number) for text, offset in _pieces(line, parts)]


def _signature_end(lines: list[Line]) -> int:
    """Where the signature block after a closing formula ends (len(lines) when it ends the
    text, or when there is no closing formula near the end)."""
    for index in range(len(lines) - 1, max(-1, len(lines) - 40), -1):
        if CLOSING.search(lines[index].text):
            end = index + 1
            while end < len(lines) and (
                _is_signature_line(lines[end].text) or is_dateline(lines[end].text)
            ):
                end += 1
            signed = any(titles_in(line.text) for line in lines[index + 1 : end])
            return end if signed else len(lines)
    return len(lines)


def _side_by_side(text: str) -> list[str]:
    return text.split(" ") if " " in text and is_japanese(text) else []


def _pieces(line: Line, parts: list[str]) -> list[tuple[str, int]]:
    """(part, offset) for each part of a line, in order; the whole line when none is given."""
    pieces, cursor = [], 0
    for part in parts or [line.text]:
        if not part:
            continue
        at = line.text.index(part, cursor)
        pieces.append((part, line.offset + at))
        cursor = at + len(part)
    return pieces


# (署名), (signed): where the signature stands in a copy of a signed text.
_SIGNED_MARK = re.compile(r"\s*[(（]\s*(?:署名|signed)\s*[)）]", re.I)


def _is_signature_line(text: str) -> bool:
    text = _SIGNED_MARK.sub("", text).strip()
    if is_dateline(text):
        return False
    parts = [part for part in _COLUMN_GAP.split(text) if part]
    if len(parts) > 1:
        return all(_is_signature_line(part) for part in parts)
    if titles_in(text) or PARTY.match(text):
        return True
    return (
        len(text) <= 30
        and not SENTENCE_PUNCTUATION.search(text)
        and not re.search(r"[0-9０-９:：「」()（）]", text)
        and not marked_heading(text)
    )


def titles_in(text: str) -> list[str]:
    """The titles on a signature line: one, or several side by side from a two-column layout."""
    if PARTY.match(text):
        return []
    if TITLE_SUFFIX.search(text) and not SENTENCE_PUNCTUATION.search(text.rstrip(":：")):
        parts = text.split()
        if len(parts) > 1 and all(TITLE_SUFFIX.search(p) for p in parts):
            return parts
        return [text]
    return []


def _pair_signatories(names: list[Line], titles: list[Line]) -> list[ParsedSignatory]:
    title_pieces = [piece for line in titles for piece in _pieces(line, titles_in(line.text))]
    if len(names) < len(title_pieces):
        # Names set side by side like their titles (山本　健一 アイベク・トクトグロフ): split each
        # Japanese names line at its ASCII spaces; a Japanese name keeps its ideographic space.
        names = [
            Line(text, offset, 0)
            for line in names
            for text, offset in _pieces(line, _side_by_side(line.text))
        ]
    signatories = []
    for i in range(max(len(names), len(title_pieces))):
        name = names[i] if i < len(names) else None
        title = title_pieces[i] if i < len(title_pieces) else None
        signatories.append(
            ParsedSignatory(
                name=name.text if name else "",
                title=title[0] if title else "",
                name_offset=name.offset if name else None,
                title_offset=title[1] if title else None,
            )
        )
    return signatories
