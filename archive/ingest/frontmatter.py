"""The title block above the body of a text: title, subtitle, issuer, genre, provisional mark,
date and place, and the page's own lines above them (menus, breadcrumbs, the section a page
is filed in). What follows the text is backmatter.py's.

Plain Python. `read_front_matter` takes the source lines, moves what it recognises into
`doc.metadata_lines`, and returns the lines of the body.
"""

import re
import unicodedata

from archive.ingest import dates, gazetteer
from archive.ingest.datelines import is_dateline, is_place_line
from archive.ingest.gazetteer import COUNTRIES
from archive.ingest.lines import (
    CONTINUES,
    NAMES_A_SPEECH,
    NAMES_A_TEXT,
    OPENING_REMARKS,
    SALUTATION,
    SENTENCE_END,
    SENTENCE_PUNCTUATION,
    SPEAKER_LABEL,
    Line,
    display_width,
    ends_sentence,
    is_japanese,
    marked_heading,
    numbering,
)
from archive.ingest.parsed import (
    PROVISIONAL,
    PROVISIONAL_SUFFIX,
    MetadataLine,
    ParsedDocument,
)
from archive.ingest.repairs import join_wrapped
from archive.ingest.residue import (
    LIST_MARK,
    is_link_words,
    is_navigation,
    is_qualifier,
    split_link_suffix,
)

# [文書名] …, [場所] …, [年月日] …: the World and Japan database's metadata block.
BRACKET_META = re.compile(r"^[\[［](?P<key>[^\]］]{1,12})[\]］]\s*(?P<value>.*)$")
BRACKET_ROLES = {
    "文書名": "title",
    "title": "title",
    "場所": "place",
    "place": "place",
    "年月日": "date",
    "date": "date",
    "出典": "source",
    "source": "source",
    "備考": "note",
    "notes": "note",
    "note": "note",
    "全文": "body_start",
    "full text": "body_start",
}
ISSUER = re.compile(
    r"^(?:(?:the\s+)?Ministry of Foreign Affairs(?:,? (?:of )?Japan)?|MOFA(?: Japan)?|外務省"
    r"|(?:外務)?報道官|Press Secretary|Embassy of Japan in [A-Z][\w ]+|在.{1,20}日本国大使館"
    r"|Prime Minister'?s Office(?: of Japan)?|首相官邸|(?:首相官邸\s+)?Prime Minister of Japan"
    r" and His Cabinet"
    # The ministry's division that wrote the page: Central Asia and Caucasus Division, 欧州局.
    r"|[A-Z][\w,&' -]{2,60} (?:Division|Bureau|Department)|(?!於)\S{2,16}(?:課|局|(?<!会議)室)"
    # The aid agency's logo as text, sometimes twice (jica 独立行政法人 国際協力機構).
    r"|(?:\s*(?:jica|独立行政法人|国際協力機構|Japan International Cooperation Agency)\s*)+)$",
    re.I,
)
# The page's genre or the site's section for it, printed above the title.
GENRE = re.compile(
    r"^(?:press releases?|報道発表|プレスリリース|news releases?|お知らせ|談話・コメント|会見・発表"
    r"|statements?|announcements?|報道・広報|(?:外務省・)?新着情報|what's new|press conferences?"
    r"|記者会見|演説|スピーチ|speech(?:es)?|news and press releases?|ニュースリリース"
    r"|(?:イベント|活動|事業)(?:実施)?報告|イベント・?レポート|event reports?|活動報告)$",
    re.I,
)
# A person named by office alone above the title: the minister whose page this is (麻生外務大臣).
_OFFICE = r"\S{0,8}(?:外務大臣|総理大臣|外相|首相|大統領|副大臣|政務官)"
_OFFICE_HOLDER = re.compile(rf"^{_OFFICE}(?:[・、]{_OFFICE})*$")
# The country or relationship a page is filed under: キルギス共和国,
# Japan-Kyrgyz Republic Relations.
_COUNTRY_NAMES = "|".join(
    [re.escape(n) for pair in COUNTRIES.values() for n in pair if n not in ("Japan", "日本")]
    + ["Kazakh", "Kyrgyz", "Tajik", "Turkmen", "Uzbek"]
)
_CATEGORY = re.compile(
    rf"^(?:(?:the )?(?:Republic of )?(?:{_COUNTRY_NAMES})(?: Republic)?(?:共和国)?"
    rf"|Japan[-–‐ ](?:the )?(?:{_COUNTRY_NAMES})(?: Republic)? Relations"
    rf"|日本?[・=]?(?:{_COUNTRY_NAMES})(?:共和国)?関係"
    # The region a site files a page under.
    r"|欧州(?:[(（]NIS諸国を含む[)）])?|(?:中央)?アジア(?:大洋州)?|中東|Europe|(?:Central )?Asia"
    r"|Asia[- ]Pacific|Middle East)$",
    re.I,
)
# The dialogue a page is filed under, which heads a title as its first line too.
_SERIES = re.compile(
    r"^(?:「中央アジア[+＋]日本」対話|\"?Central Asia plus Japan\"? Dialogue)$", re.I
)


def _series_alone(lines: list[Line], index: int) -> bool:
    """「中央アジア+日本」対話 with the date right after it: the page's category, not a title
    (a title goes on under the name: 第3回外相会合, 行動計画)."""
    following = lines[index + 1].text if index + 1 < len(lines) else ""
    return bool(_SERIES.match(lines[index].text)) and is_dateline(following)


# The first line of a letter's addressee block.
_ADDRESSEE = re.compile(r"^(?:His|Her) Excellency\b|^H\.\s?E\.\s")
# A site's shelf of texts, named in the plural: Speeches and Statements by Prime Minister …
_SHELF = re.compile(
    r"^(?:speeches|statements|remarks|announcements|press releases)"
    r"(?: and (?:speeches|statements|remarks|press conferences))?(?: by [^.]{1,60})?$",
    re.I,
)
# The kind of text printed under its title, framed like a subtitle (- Action Plan -): part of
# the title, as 共同声明 under a title is.
GENRE_UNDER_TITLE = re.compile(
    r"^[-－―—–‐~〜～]\s*(?:action plan|joint statement|joint declaration|chair'?s summary"
    r"|joint press release|declaration|roadmap|行動計画|共同声明|共同宣言|議長総括"
    r"|共同プレスリリース|ロードマップ)\s*[-－―—–‐~〜～]$",
    re.I,
)
# The kind of text alone on a line under the title block.
# Vocabularies of line shapes, here as in residue.py and backmatter.py: alike in shape only.
GENRE_ALONE = re.compile(
    r"^(?:議長総括|議長サマリー|共同声明|共同宣言|共同プレスリリース|行動計画|chair(?:person|man)?'?s"
    r" summary|joint statement|joint declaration|joint press release|action plan"
    r"|(?:the )?issue paper|論点ペーパー)$",
    re.I,
)
# A title that names its genre already takes a framed line under it as a subtitle.
GENRE_WORD = re.compile(
    r"statement|declaration|plan|summary|release|roadmap|声明|宣言|計画|総括|リリース", re.I
)
# A subtitle framed by matching dashes or brackets: -…-, －…－, ―…―, 「…」, 〜…〜.
SUBTITLE = re.compile(
    r"^(?:([-－―—–‐−~〜～])\s*.+?\s*\1|「[^「」]+」|『[^『』]+』|〈.+〉|＜.+＞"
    r"|[(（]\s*(?:Theme|テーマ)\s*[:：].+[)）]"
    # (草の根・人間の安全保障無償資金協力の署名式(3月9日)): the occasion, under a speech's title.
    r"|[(（](?=[^)）]{8})(?=[^)）]*[\u3040-\u9fff])(?![^)）]*(?:概要|評価|骨子|要旨|仮訳))[^。]+[)）])$",
    re.I,
)
# A line framed by dashes is a subtitle even where the page prints no title above it.
_DASH_FRAMED = re.compile(r"^([-－―—–‐−])\s*\S.*\S\s*\1$")
# Date and place printed in brackets after a title: …共同ステートメント（2009年3月5日、アスタナ）
_TRAILING_DATELINE = re.compile(r"\s*[(（][^()（）]{6,60}[)）]\s*$")
# A title part that ends like this goes on in the next line, even across a blank line.
_CONNECTIVE = re.compile(
    r"(?:の|と|及び|並びに|における|に関する|に対する|による|との間の|間の|ならびに|、|，|,)$"
    r"|\b(?:of|on|and|the|for|between|to|in|by|with|at|a|an)$",
    re.I,
)


def read_front_matter(
    lines: list[Line], doc: ParsedDocument, title_lines: tuple[int, ...] | None = None
) -> list[Line]:
    """Title, subtitle, issuer, genre, provisional mark, date and bracketed metadata.

    `title_lines` is the curator's word: exactly those lines form the title (none when empty),
    and an unrecognised line above the last of them is furniture."""
    index, seen_date, seen_subtitle, labelled_title = 0, False, False, False
    chrome = _page_chrome(lines, doc)
    while index < len(lines):
        line = lines[index]
        text = line.text
        if title_lines is not None and line.number in title_lines:
            _add_title_line(doc, line, doc.lines("title"))
            index += 1
            continue
        if index in chrome:
            doc.metadata_lines.append(MetadataLine("furniture", text, line.offset))
            index += 1
            continue
        meta = BRACKET_META.match(text)
        if meta and meta.group("key").strip().lower() in BRACKET_ROLES:
            role = BRACKET_ROLES[meta.group("key").strip().lower()]
            value = meta.group("value")
            value_offset = line.offset + meta.start("value")
            doc.metadata_lines.append(
                MetadataLine("label", text[: meta.start("value")].strip(), line.offset)
            )
            index += 1
            if role == "body_start":
                if value:
                    lines[index - 1] = Line(value, value_offset, 0, number=line.number)
                    index -= 1
                break
            if value:
                doc.metadata_lines.append(MetadataLine(role, value, value_offset))
            labelled_title = labelled_title or role == "title"
            continue
        if stamp := _POSTING_STAMP.match(text):
            # date 2019-12-20 Mirziyoyev, Abe hold talks: a database's stamp, then the line.
            doc.metadata_lines.append(MetadataLine("date", stamp.group().strip(), line.offset))
            rest = text[stamp.end() :]
            if rest and is_link_words(rest):  # a newswire's button beside it (Submit Release)
                doc.metadata_lines.append(MetadataLine("link", rest, line.offset + stamp.end()))
                rest = ""
            if rest and not doc.lines("title") and _stamped_headline(rest):
                doc.metadata_lines.append(MetadataLine("title", rest, line.offset + stamp.end()))
                index += 1
            elif rest:
                lines[index] = Line(rest, line.offset + stamp.end(), 0, number=line.number)
            else:
                index += 1
            continue
        titles = doc.lines("title")
        continued = titles and (line.blank_before == 0 or _CONNECTIVE.search(titles[-1].text))
        if _ADDRESSEE.match(text) and not continued:
            # His Excellency / Mr … / Prime Minister of Japan: whom a letter is sent to.
            while index < len(lines) and not ends_sentence(lines[index].text):
                doc.metadata_lines.append(
                    MetadataLine("addressee", lines[index].text, lines[index].offset)
                )
                index += 1
                if index < len(lines) and lines[index].blank_before:
                    break
            continue
        if PROVISIONAL.match(text):
            doc.metadata_lines.append(MetadataLine("provisional", text, line.offset))
        elif (
            _DAY_AT_VENUE.match(unicodedata.normalize("NFKC", text))
            or is_place_line(text)
            and _venue_open(doc)
            or _venue_goes_on(lines, index)
            or _venue_under_date(doc, lines, index)
        ):
            doc.metadata_lines.append(MetadataLine("place", text, line.offset))
        elif ISSUER.match(text) or not titles and _OFFICE_HOLDER.match(text):
            doc.metadata_lines.append(MetadataLine("issuer", text, line.offset))
        elif (
            GENRE.match(text)
            or _SHELF.match(text)
            or not titles
            and (_CATEGORY.match(text) or _series_alone(lines, index))
        ):
            doc.metadata_lines.append(MetadataLine("genre", text, line.offset))
        elif not titles and (glued := _dated_title(text)):
            # 平成27年10月23日トルクメニスタン訪問: the date, then the title on the same line.
            at = len(text) - len(glued)
            doc.metadata_lines.append(MetadataLine("date", text[:at].rstrip(), line.offset))
            doc.metadata_lines.append(MetadataLine("title", glued, line.offset + at))
            seen_date = True
        elif titles and _DATED_BYLINE.match(text) and dates.find_date(text):
            # by Jane Doe | May 2, 2017 | Politics: a news site's byline, dated.
            doc.metadata_lines.append(MetadataLine("date", text, line.offset))
            seen_date = True
        elif is_dateline(text):
            role = "date" if is_dateline(text, place=False) else "date_place"
            doc.metadata_lines.append(MetadataLine(role, text, line.offset))
            seen_date = bool(titles)  # a date above the title (a posting date) ends nothing
        elif is_place_line(text):
            doc.metadata_lines.append(MetadataLine("place", text, line.offset))
        elif (
            titles
            and GENRE_UNDER_TITLE.match(text)
            and not seen_date
            and not any(GENRE_WORD.search(t.text) for t in titles)
        ):
            _add_title_line(doc, line, titles)  # - Action Plan -: the title's genre, framed
        elif titles and seen_subtitle and GENRE_ALONE.match(text) and not seen_date:
            _add_title_line(doc, line, titles)  # 議長総括 under the theme: the title's genre
        elif (titles or _DASH_FRAMED.match(text)) and SUBTITLE.match(text) and not seen_subtitle:
            doc.metadata_lines.append(MetadataLine("subtitle", text, line.offset))
            seen_subtitle = True
        elif _BARE_LINK.match(text):
            doc.metadata_lines.append(MetadataLine("link", text, line.offset))
        elif not numbering(text) and not re.search(r"[\wⅠ-Ⅻ]*[^\W\d_]", text):
            # A count or a stamp of the page's (0, 12:30), with no word in it.
            doc.metadata_lines.append(MetadataLine("furniture", text, line.offset))
        elif title_lines is not None:
            if line.number > max(title_lines, default=0):
                break
            doc.metadata_lines.append(MetadataLine("furniture", text, line.offset))
        elif seen_date and _banner_over_title(doc, titles, line, lines, index):
            _set_title_aside(doc, titles, lines[:index])
            titles = []
            _add_title_line(doc, line, titles)
        elif (
            not (seen_date and titles)  # a posting date may stand above the title
            and not labelled_title  # [文書名] gives the whole title
            and not seen_subtitle
            and _is_title_line(line, titles, lines, index)
        ):
            adjacent = bool(titles) and doc.metadata_lines[-1] is titles[-1]
            if _titled_below(titles, text, adjacent):
                _set_title_aside(doc, titles, lines[:index])
                titles = []
            _add_title_line(doc, line, titles)
        else:
            break
        index += 1
    _take_qualifier_into_title(doc, lines[index:])
    return lines[index:]


def _set_title_aside(doc: ParsedDocument, titles: list[MetadataLine], read: list[Line]) -> None:
    """The lines first taken for the title are the page's furniture, each line on its own
    (a part may have joined two wrapped lines)."""
    for part in titles:
        doc.metadata_lines.remove(part)
        later = [m.offset for m in doc.metadata_lines if m.offset > part.offset]
        end = min(later, default=float("inf"))
        own = [line for line in read if part.offset <= line.offset < end]
        if any(line.offset + len(line.text) > end for line in own):
            own = [Line(part.text, part.offset, 0)]  # a piece of the line is set apart already
        for line in own:
            doc.metadata_lines.append(MetadataLine("furniture", line.text, line.offset))


# The day a database or a news site stamps on what it posts, ahead of the line it heads.
_POSTING_STAMP = re.compile(
    r"^(?:date|posted(?: on)?|published)\s*[:：]?\s*(?:19|20)\d\d-\d\d-\d\d(?:\s+|$)", re.I
)


_SAYS_WHEN = re.compile(
    r"\b(?:today|yesterday|tomorrow|this (?:morning|afternoon|evening))\b", re.I
)


def _stamped_headline(text: str) -> bool:
    """What a stamp heads on its own line is the headline when it is one short sentence naming
    no day (a news site's may end with a full stop: Envoy arrives in Osaka.),
    not the lead, not a dateline."""
    one = not SENTENCE_END.search(text.rstrip(".!?")) and not CONTINUES.search(text)
    # A lead names the day (On December 19, …, … today), a headline seldom does.
    dated = dates.find_all(text, year=2000) or _SAYS_WHEN.search(text)
    return one and 10 <= len(text) <= 100 and not dated


def _dated_title(text: str) -> str:
    """The title printed right after a date on one line, or ""."""
    parts = dates.dateline_parts(text)
    if parts is None or parts[0] or not parts[1] or not text.endswith(parts[1]):
        return ""
    title = parts[1]
    named = NAMES_A_TEXT.search(title) and not gazetteer.find_place(title)
    return title if named and not SENTENCE_PUNCTUATION.search(title) else ""


# The kind of text and who gave it, under the theme it is given on (Central Asia as a Corridor
# of Peace and Stability / Speech by Mr. Taro Aso, …): the theme is the title's first line.
_DATED_BYLINE = re.compile(r"^by\s(?=.{0,80}$)", re.I)
_BYLINE = re.compile(
    r"^(?:(?:policy |keynote )?(?:speech|address|remarks|statement|lecture|message)) by\b", re.I
)

# A forum's name heads a title part of its own ("Central Asia plus Japan" Dialogue).
_FORUM = re.compile(r"dialogue|対話|summit|サミット", re.I)


def _titled_below(titles: list[MetadataLine], text: str, adjacent: bool) -> bool:
    """Whether the lines taken for the title so far are the page's (the section it is filed
    in: ODAと地球規模の課題, Official Residence TOP) and `text`, naming a kind of text or
    meeting, is the title itself. A title's first line may name none when the next goes on
    right under it: then it ends on a word that goes on (…との間の) or is the longer one."""
    if not titles or not NAMES_A_TEXT.search(text) or adjacent and _BYLINE.match(text):
        return False
    return all(
        not NAMES_A_TEXT.search(part.text)
        and not _FORUM.search(part.text)
        and not (adjacent and (_CONNECTIVE.search(part.text) or len(part.text) >= len(text)))
        for part in titles
    )


def _banner_over_title(
    doc: ParsedDocument, titles: list[MetadataLine], line: Line, lines: list[Line], index: int
) -> bool:
    """A site's name taken for the title (Japan International Cooperation Agency), then its
    section (Press Releases) and the date: the title-like line after them is the title. So
    is one that names a kind of text after a bulletin's name and the date (JapanGov Weekly /
    [Cabinet Office] [date] / Policy Speech by …)."""
    after = [m for m in doc.metadata_lines if titles and m.offset > titles[-1].offset]
    filed = any(m.role == "genre" for m in after)
    dated = any(m.role in ("date", "date_place") for m in after)
    filed = (
        filed or dated and bool(NAMES_A_TEXT.search(line.text) or NAMES_A_SPEECH.search(line.text))
    )
    return bool(
        filed
        and not any(NAMES_A_TEXT.search(part.text) for part in titles)
        and _is_title_line(line, [], lines, index)
    )


def _take_qualifier_into_title(doc: ParsedDocument, body: list[Line]) -> None:
    """（骨子）, (Summary) alone on the line right under the title says what the text is, an
    outline: it belongs to the title, though the same word elsewhere is a link."""
    titles = doc.lines("title")
    if not titles:
        return
    last = max(titles, key=lambda line: line.offset)
    after = [m for m in doc.metadata_lines if m.offset > last.offset]
    after += body[:1]
    following = min(after, key=lambda item: item.offset, default=None)
    if (
        isinstance(following, MetadataLine)
        and following.role == "link"
        and is_qualifier(following.text)
    ):
        at = doc.metadata_lines.index(following)
        doc.metadata_lines[at] = MetadataLine("title", following.text, following.offset)


def _page_chrome(lines: list[Line], doc: ParsedDocument) -> set[int]:
    """Indexes of the lines above the title that are the page's, not the document's: the
    banner above a database's [文書名] field, any line above the page's navigation bar, and
    a page title that the document's own title lines repeat."""
    head = lines[:8]
    fields = [
        i
        for i, line in enumerate(head)
        if (meta := BRACKET_META.match(line.text))
        and meta.group("key").strip().lower() in BRACKET_ROLES
    ]
    if fields:
        return set(range(fields[0]))
    chrome: set[int] = set()
    body = next((i for i, line in enumerate(head) if ends_sentence(line.text)), len(head))
    end = lines[body].offset if body < len(lines) else float("inf")
    navigation = [m.offset for m in doc.metadata_lines if m.offset < end and is_navigation(m.text)]
    if navigation:
        chrome |= {i for i in range(body) if lines[i].offset < max(navigation)}
    for i in range(min(body, 3)):
        repeated = _folded_title(lines[i].text)
        later = [_folded_title(line.text) for line in lines[i + 1 : body]]
        if repeated and any(
            _repeats(repeated, "".join(later[j : j + n])) for j in range(len(later)) for n in (1, 2)
        ):
            chrome.add(i)  # the page's title over the document's own
        elif repeated and later and later[0].endswith(f"({repeated})"):
            chrome.add(i)  # the section a page is filed in, which its title names in brackets
        elif (
            repeated
            and later
            and len(repeated) <= 20
            and later[0].startswith(repeated)
            and len(later[0]) > len(repeated) + 4
            and not _CONNECTIVE.search(lines[i].text)
        ):
            chrome.add(i)  # 「…」対話 over 「…」対話・第13回高級実務者会合…: the section again
    crumbs = [m for m in doc.metadata_lines if m.offset < end and is_navigation(m.text)]
    for i in range(body):
        here = [m for m in crumbs if m.offset < lines[i].offset]
        steps = _steps(here[-1].text) if here else []
        # A step of the breadcrumb printed again is the page's heading, unless it is the last
        # step and the date follows: then it is the page's own title, the document's.
        dated = i + 1 < len(lines) and is_dateline(lines[i + 1].text)
        if lines[i].text.strip() in (steps[:-1] if dated else steps):
            chrome.add(i)
    return chrome


def _steps(crumb: str) -> list[str]:
    """The steps of a breadcrumb (Home > News > …) or the items of a menu."""
    parts = (
        re.split(r"\s*[>＞»›|｜]\s*", crumb) if re.search(r"[>＞»›|｜]", crumb) else crumb.split()
    )
    return [part.strip() for part in parts if part.strip()]


def _repeats(first: str, later: str) -> bool:
    """The same title, or the same behind a page's icon glyph (Ï Gurbanguly …)."""
    return bool(later) and first.endswith(later) and len(first) - len(later) <= 2


def _folded_title(text: str) -> str:
    """A title line for comparing with another copy of it: no spaces, no leading icon glyph."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s", "", re.sub(r"^[^\w「『(\[\"“]+\s", "", text))


def _is_title_line(line: Line, titles: list[MetadataLine], lines: list[Line], index: int) -> bool:
    text = _strip_title_suffixes(line.text)[0]
    longest = 150 if is_japanese(text) else 400  # then checks.py warns about the length
    if not text or numbering(text) or marked_heading(text) or len(text) > longest:
        return False
    if OPENING_REMARKS.match(text) or SPEAKER_LABEL.match(text) or SALUTATION.match(text):
        return False  # a record's first heading or speaker, or a speech's salutation
    # A date in brackets can be part of a title (…記念日(2022年1月26日)に際する…書簡).
    if ends_sentence(text) or dates.find_date(_BRACKETED.sub("", text)):
        return False
    if not titles and CONTINUES.search(text) and _sentence_follows(lines, index):
        return False  # 福田総理大臣と…大統領は、/ …を表し、/ 以下のとおり声明した。
    if line.bold:
        return True
    if not titles:
        # The first line: a title may contain 、 or , (友好、協力及び対話の深化に関する…),
        # but one that runs on into the next line as a sentence is the body.
        following = lines[index + 1] if index + 1 < len(lines) else None
        if not (following and SENTENCE_PUNCTUATION.search(text)):
            return True
        if following.blank_before and NAMES_A_TEXT.search(text) and not CONTINUES.search(text):
            return True  # Mirziyoyev, Abe hold talks, news conference: a headline, set apart
        return not _ends_sentence_soon(following.text)
    if len(titles) >= 4 or line.bullet or LIST_MARK.match(line.text):
        return False  # a bulleted line (• a photograph's caption) goes on with no title
    goes_on = _CONNECTIVE.search(titles[-1].text)
    if line.blank_before == 0 or goes_on:
        return True  # a wrapped title line, commas and all
    return not SENTENCE_PUNCTUATION.search(text)


# 骨子, 本文 alone on a line of the title block: what is left of a link to that version.
_BARE_LINK = re.compile(r"^(?:骨子|本文|全文|要旨)$")
_BRACKETED = re.compile(r"[(（][^()（）]*[)）]")


def _venue_open(doc: ParsedDocument) -> bool:
    """The line before was a venue's first line, ending in a comma or naming a room."""
    last = doc.metadata_lines[-1] if doc.metadata_lines else None
    return bool(
        last
        and last.role == "place"
        and (last.text.endswith((",", "、")) or _ROOM.search(last.text))
    )


# (12月1日(木曜日),於:外務省): the day, with no year, and the venue, in brackets under a title.
_DAY_AT_VENUE = re.compile(
    r"^\(\d{1,2}月\d{1,2}日(?:\([^()]{1,4}\))?[,、]\s*於\s*:?\s*[^()]{1,30}\)$"
)


# A room or a hall names a venue whether or not a comma ends its line.
_ROOM = re.compile(r"(?:Room|Hall|House|会議室|公館|ホール)$")


def _venue_goes_on(lines: list[Line], index: int) -> bool:
    """International Conference Room, / Ministry of Foreign Affairs of Japan: the first line
    of a venue, which ends in a comma and goes on in a place line."""
    text = lines[index].text
    following = lines[index + 1].text if index + 1 < len(lines) else ""
    return (
        (text.endswith((",", "、")) or bool(_ROOM.search(text)))
        and len(text) <= 40
        and not SENTENCE_PUNCTUATION.search(text[:-1])
        and is_place_line(following)
    )


def _venue_under_date(doc: ParsedDocument, lines: list[Line], index: int) -> bool:
    """October 27, 2015 / Nazarbayev University / [Provisional Translation]: a short line
    between the date and the provisional-translation note names where the text was given."""
    line = lines[index]
    dated = [m for m in doc.metadata_lines if m.role == "date" and m.offset < line.offset]
    end = lines[index + 1].offset if index + 1 < len(lines) else float("inf")
    marked = any(line.offset < m.offset < end for m in doc.lines("provisional"))
    return bool(
        dated
        and dated[-1] is doc.metadata_lines[-1]
        and marked
        and len(line.text) <= 60
        and not SENTENCE_PUNCTUATION.search(line.text)
    )


def _sentence_follows(lines: list[Line], index: int) -> bool:
    """Whether the lines from `index` on, each ending in 、 or , go on to end a sentence: the
    opening of a text that has no title line."""
    for line in lines[index + 1 : index + 12]:
        if line.blank_before > 1:
            return False
        if not CONTINUES.search(line.text):
            return ends_sentence(line.text)
    return False


def _ends_sentence_soon(text: str) -> bool:
    return bool(text) and bool(SENTENCE_END.search(text)) and display_width(text) > 40


def _strip_title_suffixes(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The title text, and (role, text) pieces printed after it: a provisional mark,
    a link word, a bracketed date and place."""
    pieces: list[tuple[str, str]] = []
    for _ in range(3):
        if suffix := PROVISIONAL_SUFFIX.search(text):
            pieces.insert(0, ("provisional", suffix.group().strip()))
            text = text[: suffix.start()]
            continue
        stripped, link = split_link_suffix(text)
        if link:
            pieces.insert(0, ("link", link))
            text = stripped
            continue
        dateline = _TRAILING_DATELINE.search(text)
        if dateline and dateline.start() > 0 and is_dateline(dateline.group()):
            pieces.insert(0, ("date_place", dateline.group().strip()))
            text = text[: dateline.start()]
            continue
        break
    return text.rstrip(), pieces


def _add_title_line(doc: ParsedDocument, line: Line, titles: list[MetadataLine]) -> None:
    """A title line: a new title part, or a wrapped continuation of the last one."""
    text, suffixes = _strip_title_suffixes(line.text)
    wrapped = titles and (line.blank_before == 0 or _CONNECTIVE.search(titles[-1].text))
    # Across a subtitle or any other line, a title line starts a new part of the title.
    wrapped = wrapped and doc.metadata_lines[-1] is titles[-1]
    if text and wrapped:
        last = doc.metadata_lines.index(titles[-1])
        joined = join_wrapped(titles[-1].text, text, doc.language)
        doc.metadata_lines[last] = MetadataLine("title", joined, titles[-1].offset)
    elif text:
        doc.metadata_lines.append(MetadataLine("title", text, line.offset))
    cursor = len(text)
    for role, piece in suffixes:
        at = line.text.index(piece, cursor)
        doc.metadata_lines.append(MetadataLine(role, piece, line.offset + at))
        cursor = at + len(piece)
