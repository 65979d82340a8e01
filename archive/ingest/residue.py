"""What a web page or a PDF leaves in a copied text that is not the text: link words,
navigation, image and table markup, rules, page numbers and end marks.

Pure Python. `residue_role(line)` says whether a whole line is such residue ("link" or
"furniture"); the parser keeps those lines as metadata with that role, so no character is
lost and none of them becomes a title, a heading or a clause. `split_link_suffix` takes a
link word off the end of a title line (`…共同声明（英語版はこちら）`).
"""

import re
import unicodedata

from archive.ingest.dates import dateline_parts
from archive.ingest.lines import SENTENCE_END

# Words a page uses for links to other versions and formats. Matched against the whole line
# once brackets, file sizes and "PDF" are taken off, so "（英語版はこちら）", "[PDF]",
# "英文（PDF／120KB）" and "PDF形式" all qualify, and a heading that merely contains one
# of these words does not.
_LINK_WORDS = {
    "英文",
    "和文",
    "英語",
    "英語版",
    "日本語",
    "日本語版",
    "露文",
    "ロシア語",
    "ロシア語版",
    "形式",
    "版",
    "english",
    "japanese",
    "russian",
    "englishversion",
    "japaneseversion",
    "englishtext",
    "japanesetext",
    "fulltext",
    "clickhere",
    "here",
    "download",
    "pagetop",
    "backtotop",
    "top",
    "ページのトップへ戻る",
    "トップへ戻る",
    "目次へ戻る",
    "前のページへ戻る",
    "印刷",
    "print",
    "関連リンク",
    "relatedlinks",
    "relatedlink",
    "別ウィンドウで開きます",
    "外部リンク",
    "本文へ移動",
    "本文へ",
    "skiptomaincontent",
    "skiptocontent",
    "skiptonavigation",
    "search",
    "検索",
    "jumptocontent",
    "jumptomaincontent",
    "tothetextofthispage",
    "tothetext",
    "言語選択",
    "表示選択",
    "pc",
    "モバイル",
    "中文",
    # A page's buttons to share it on social networks.
    "twitter",
    "facebook",
    "linkedin",
    "line",
    "share",
    "tweet",
    "シェア",
    "ツイート",
    "はてなブックマーク",
    # A news site's links and labels above a story.
    "accessibilitylinks",
    "breakingnews",
    "readalso",
    "submitrelease",
    "originallypublished",
    # A story's date label whose date the copy lost.
    "published",
    "posted",
    "updated",
    "relatednews",
    # An aggregator's link back to the page it copied: to the source site.
    "発信元サイトへ",
    "元記事へ",
    "sourcesite",
    "originalarticle",
}
# Words that are link residue only inside brackets: bare, 本文 or 概要 can be a heading.
_BRACKETED_LINK_WORDS = {"本文", "概要", "骨子", "全文", "要旨", "summary", "outline", "pdf"}
_BRACKETS = "()（）[]［］【】<>＜＞〈〉《》「」"
_SIZE = re.compile(r"\d[\d,.]*\s*(?:kb|mb|kbyte|キロバイト|メガバイト|ページ|頁|pages?)", re.I)
_PDF = re.compile(r"pdf", re.I)
_SEPARATORS = re.compile(r"[\s/／|｜:：・,、]+")
_HERE = re.compile(r"(?:はこちら|こちら|click here|here)$", re.I)

_IMAGE = re.compile(r"^(?:!\[[^\]]*\]\([^)]*\)\s*)+[|｜\s]*$")
# A photo caption: (写真1)…, 写真：…, photo1: …, Photo 2 …, photo (Foreign Minister …)
_CAPTION = re.compile(
    r"^(?:(?:写真|photo|photos|image)$|[(（]\s*(?:写真|photo)\s*[0-9０-９]*\s*[)）]|写真\s*[0-9０-９]*\s*[:：]|photo\s*[0-9]*\s*:"
    r"|photo\s*[0-9]*\s*[(（][^()（）]{1,80}[)）]$)",
    re.I,
)
# An English photo caption: Two Ministers who shake hands …, The state of the meeting …
_EN_CAPTION = re.compile(
    r"^(?:(?:The|A) (?:state|scene|view) of\b|[A-Z][^.!?]{2,60}\swho\s)[^.!?]*$"
)
# Captions of a page's photographs in its own words: Photograph of the two leaders …,
# 日・カザフスタン共同署名式の写真, …の写真を表示, Click photographs to enlarge, 画像.
_PHOTOGRAPH = re.compile(
    r"^(?:photographs? of\b[^.!?]*|maps? of\b[^.!?]{0,60}"
    r"|[^。]{2,200}の写真(?:を表示)?(?:\s+\S[^。]*)?"
    r"|click (?:on )?(?:the )?(?:photo(?:graph)?s?|images?) to enlarge\.?"
    r"|写真をクリックすると[^。]{0,20}(?:拡大|大きく)[^。]{0,20}。?"
    r"|[(（][^()（）。]{1,60}写真\s*[0-9０-９]*[)）]"
    # Where a page's image stood, in the words of its content system: 本欄に画像を表示.
    r"|(?:本欄に)?画像(?:を表示)?|[(（［\[【]画像[)）］\]】]"
    # PhotoSigning ceremony: the image's label run into its caption.
    r"|Photo(?=[A-Z])[^.!?]{2,80})$",
    re.I,
)
# The salutation of a letter, on its own line: Your Excellency, / Dear Mr. President,
_SALUTATION = re.compile(
    r"^(?:Your Excellency|Excellency|Dear (?:(?:Mr|Ms|Mrs|Dr)\.\s*[^,.;:]{1,60}"
    r"|(?:President|Minister|Prime Minister|Ambassador|Sir|Madam|Colleague)\b[^,.;:]{0,60}))"
    r"[,:]?$",
    re.I,
)
# A page's count of its readers (view-icon 1016, Views: 1,016, 閲覧数 1016) or reading time
# (2 min read)
_VIEWS = re.compile(
    r"^(?:view-icon|views?|閲覧数?)\s*[:：]?\s*[\d,]+$|^\d{1,2}\s*min(?:ute)?s?\s+read$", re.I
)
# A posting time with no year, as a news aggregator stamps its copy: 8.27 (水) 23:40, 08/27 23:40.
_STAMP = re.compile(
    r"^[0-9０-９]{1,2}\s*[./／]\s*[0-9０-９]{1,2}\s*(?:[(（][月火水木金土日][)）]\s*)?"
    r"[0-9０-９]{1,2}\s*[:：]\s*[0-9０-９]{2}$"
)
# A page's widgets: exchange rates (Currency rates from 02/05/2031, $1 – 1234.56, UZS –
# 0.12%), the goals a page is tagged with (#2 飢餓をゼロに / SDGs).
_WIDGET = re.compile(
    r"^(?:currency rates?(?: from)?\s.{0,30}|[$€₽£¥]\s?\d+\s*[–-]\s*[\d.,]+"
    r"|[A-Z]{3}\s*[–-]\s*[\d.,]+\s*%|SDGs|#\d{1,2}\s+[^\s。.、,]{2,20}(?:\s[^\s。.、,]{1,20}){0,4})$",
    re.I,
)
# A server's error printed in place of a part of the page it failed to include.
_SERVER_ERROR = re.compile(r"^\[an error occurred while processing this directive\]$", re.I)
# When the page was last changed, as its template prints it (Last Update : Friday, May 2, 2031,
# 最終更新日：2031年5月2日): the page's date, not the text's.
_UPDATED = re.compile(
    r"^(?:Last\s+)?Updated?(?:\s+on)?\s*[:：]?\s*|^(?:最終)?更新日?\s*[:：]?\s*", re.I
)
# A photograph's caption in the page's own words: …の様子, …の模様, …の姿 (the scene of …), with
# what the picture shows in brackets after it (モニター画面).
# 調印式に臨む(左から)…, (from left) …: a photograph's caption naming who stands where.
_LEFT_TO_RIGHT = re.compile(
    r"^[^。]{0,60}(?:[(（](?:前列|後列)?(?:左|右)から[)）]|\((?:from )?(?:left|right)\))[^。]*$",
    re.I,
)
_SCENE = re.compile(r"^[^。]{2,80}(?:の様子|の模様|の姿)(?:[(（][^()（）。]{1,20}[)）])?$")
# A photograph's caption that says who does what in it: 記念撮影する岩屋外務大臣, 握手する両首脳,
# 懇談する岩屋大臣及び同令夫人 (a verb's attributive form, then the people it shows).
_WHO_DOES = re.compile(
    r"^[^。、,]{0,40}(?:する|した|される|に臨む|に応じる)[^。、,]{0,40}"
    r"(?:大臣|総理|首相|大統領|夫人|首脳|外相|代表|議長|長官|大使|補佐官|政務官|次官|議員|会長)$"
)
# A photograph's caption naming who stands with whom, and no verb: …大臣と…議長とともに.
_WITH_WHOM = re.compile(r"^[^。、,]{2,60}と(?:とも|共)に$|^[^。、,]{2,60}を囲んで$")
# An empty field a page's template printed as a word (an image's missing caption: None).
_EMPTY_FIELD = re.compile(r"^(?:None|null|undefined|NaN)$")
# The credit under a photograph: (写真提供：内閣広報室), (Photo: Cabinet Public Relations Office).
# In English also without brackets: Photo: Press Service / the ministry.
PHOTO_CREDIT = re.compile(
    r"^(?:[(（]\s*(?:写真提供|写真|photo(?:graph)?(?: credit)?)"
    r"|photo(?:graph)?(?: credit)?)\s*[:：]",
    re.I,
)
# A caption with its credit at the end: 握手する両首脳 日・キルギス首脳会談 (写真提供：内閣広報室)
_CREDITED = re.compile(r"^[^。]{2,80}[(（]\s*写真提供\s*[:：][^)）]{1,30}[)）]$")
# A navigation bar: three or more short items set apart by | (アジア | 北米 | 中南米), or, in
# Japanese, four or more set apart by spaces (外務省案内 渡航関連情報 各国・地域情勢 外交政策).
_NAV_ITEM = r"(?!\s*[0-9０-９])[^|｜。.、,，]{1,24}"  # a table row's cells start with numbers
_BAR = re.compile(rf"^(?:{_NAV_ITEM})?(?:\s*[|｜]\s*{_NAV_ITEM}){{2,}}\s*[|｜]?\s*$|^\s*[|｜]+\s*$")
_HOME = re.compile(r"^(?:トップページ|ホーム|Home|Top Page)(?:\s+|\s*[>＞»›]\s*)\S", re.I)
_MD_LINK = re.compile(r"^\[[^\]]+\]\([^)]*\)$")
_URL = re.compile(r"^<?https?://\S+>?$")
_TABLE_RULE = re.compile(r"^(?=.*[|｜])[\s|｜:\-ー─]+$")
# A rule, or an asterism between parts (***, which Markdown leaves as one *).
_RULE = re.compile(r"^(?:[-_*=─━―＿＊※・]\s*){3,}$|^[*＊⁂]$")
_PAGE_NUMBER = re.compile(
    r"^(?:[-－―‐–—]\s*[0-9０-９]{1,3}\s*[-－―‐–—]"
    r"|[0-9０-９]{1,3}\s*[/／]\s*[0-9０-９]{1,3}"
    r"|page\s+\d{1,3}(?:\s+of\s+\d{1,3})?)$",
    re.I,
)
# Back to Central Asia, 中央アジアへ戻る: a link back to the page above.
_BACK_LINK = re.compile(
    r"^(?:back to [\w ,&'-]{1,50}|.{1,20}(?:へ|に)戻る|.{0,30}(?:トップページ|一覧)へ)$", re.I
)
# Home > Foreign Policy > Europe, [トップページ](/) > [外交政策](…): where the page sits.
_BREADCRUMB = re.compile(r"^[^>＞»›]{1,60}(?:\s*[>＞»›]\s*[^>＞»›]{1,60}){2,}$")
_END_MARK = re.compile(r"^(?:[(（]\s*了\s*[)）]|了|以上|[(（]?\s*end\s*[)）]?)$", re.I)


# [PDF]会談の概要（英語）(PDF), 共同声明（英文）[PDF]: a link to a file, named by it.
_FILE_LINK = re.compile(
    r"^(?:\[PDF\][^。.]{1,80}|[^。.]{1,80}[(（\[［]\s*PDF[^)）\]］]{0,16}[)）\]］])$", re.I
)


# (Video) Press Conference by …, (動画)記者会見: a link to the recording, beside its record.
_MEDIA_LINK = re.compile(
    r"^[(（\[［]\s*(?:video|movie|動画|映像|youtube)\s*[)）\]］][^。.!?]{0,80}$"
    # 動画が再生できない方はこちら(政府広報オンライン), 動画ファイルは, 映像による総理の動き…は:
    # links to a recording.
    r"|^(?:動画|映像)[^。]{0,30}$",
    re.I,
)


# …共同声明(骨子(PDF)/仮訳(PDF): a sentence that a page's links to files cut into lines.
FILE_MARK_END = re.compile(r"[(（]\s*PDF[^)）]{0,12}[)）]$", re.I)


# なお,首脳会談後,…共同声明(骨子(PDF) and 」をはじめ,6つの文書に署名(PDF): pieces of a
# sentence that links to files cut, not links.
_JAPANESE_CLAUSE = re.compile(r"[、，,][\u3040-\u30ff\u4e00-\u9fff0-9０-９]|^[」』)）]")


def ends_with_photo_credit(line: str) -> bool:
    """A caption that ends with its photograph's credit: … (写真提供：内閣広報室)."""
    return bool(_CREDITED.match(line.strip()))


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER.match(line.strip()))


# The mark of a list item copied as text: • Home, ・写真:…, - caption, * item.
LIST_MARK = re.compile(r"^[•・●○◦▪‣\-－*]\s*")


def residue_role(line: str) -> str | None:
    """ "link", "furniture", or None when the line is text of the document."""
    text = line.strip()
    if not text:
        return None
    unbulleted = LIST_MARK.sub("", text)
    if _CAPTION.match(unbulleted) or _PHOTOGRAPH.match(unbulleted):
        return "furniture"
    if _IMAGE.match(text) or _TABLE_RULE.match(text) or _RULE.match(text):
        return "furniture"
    caption = _CAPTION.match(text) or PHOTO_CREDIT.match(text) or _SCENE.match(text)
    caption = caption or _WHO_DOES.match(unbulleted) or _LEFT_TO_RIGHT.match(text)
    caption = caption or _WITH_WHOM.match(unbulleted)
    caption = caption or _CREDITED.match(text) or _EN_CAPTION.match(text)
    stamp = _VIEWS.match(text) or _STAMP.match(text) or _SALUTATION.match(text)
    stamp = stamp or is_update_line(text) or _SERVER_ERROR.match(text) or _WIDGET.match(text)
    if _PAGE_NUMBER.match(text) or _END_MARK.match(text) or caption or stamp:
        return "furniture"
    if _EMPTY_FIELD.match(text):
        return "furniture"
    if is_navigation(text):
        return "link"
    file_link = _FILE_LINK.match(text) and not _JAPANESE_CLAUSE.search(text)
    # • Facebook: a share button, bulleted; a bullet alone goes with the item under it.
    link_words = is_link_words(text) or bool(unbulleted) and is_link_words(unbulleted)
    if _MD_LINK.match(text) or _URL.match(text) or link_words or file_link:
        return "link"
    if _BACK_LINK.match(text) or _MEDIA_LINK.match(text):
        return "link"
    if _is_gallery_line(text):
        return "furniture"
    return None


def is_update_line(text: str) -> bool:
    """Last Update : Friday, May 2, 2031 (08:15 GMT 09:15 UK): the label, then a date, the
    hour and its zone, and nothing else."""
    label = _UPDATED.match(text)
    if not label or not label.end():
        return False
    rest = _ZONE.sub("", text[label.end() :])
    return dateline_parts(rest) == ("", "")


# The zone an hour is given in (08:15 GMT 09:15 UK).
_ZONE = re.compile(r"\b(?:GMT|UTC|JST|BST|UK)\b")


def _is_gallery_line(text: str) -> bool:
    """Numbered photo captions run together on one line, as a page's image texts copy:
    日・キルギス外相会談1(概要) 日・キルギス外相会談2(概要) …"""
    items = text.split()
    bare = {re.sub(r"[0-9０-９]+", "", item) for item in items}
    return (
        len(items) >= 2
        and len(bare) == 1
        and len(bare.pop()) >= 4
        and len(set(items)) == len(items)
        and not SENTENCE_END.search(text)
    )


# The words a page's last link starts with, for a copy cut inside them (このページのト).
_CUT_LINKS = ("このページのトップへ戻る", "ページのトップへ戻る", "back to top", "page top")


def is_cut_link(text: str) -> bool:
    """The start of a back-to-top link, where the stored copy of a page ends."""
    text = text.strip().lower()
    # A kana or two is enough where the copy stops (こ of このページのトップへ戻る).
    long_enough = len(text) >= 4 or text.isalpha() and not text.isascii()
    return long_enough and any(link.startswith(text) for link in _CUT_LINKS)


def is_navigation(text: str) -> bool:
    """A site's navigation: a bar of links, a menu or a breadcrumb (Home > Policy > …)."""
    text = text.strip()
    # A sentence may hold one > but hardly a period and two of them; a step may hold a comma
    # (Top > What's up > August, 2006).
    breadcrumb = _BREADCRUMB.match(text) and not re.search(r"[。.]\s", text)
    return bool(_BAR.match(text) or _HOME.match(text) or _is_menu(text) or breadcrumb)


_JOINING_WORDS = {"及び", "並びに", "ならびに", "及", "との", "における", "に関する", "共和国"}


def _is_menu(text: str) -> bool:
    """Four or more short Japanese items set apart by spaces, none of them a sentence."""
    items = text.split()
    return (
        len(items) >= 4
        and all(2 <= len(item) <= 12 and item not in _JOINING_WORDS for item in items)
        and sum(any(ord(c) > 0x3000 for c in item) for item in items) >= 3
        and not re.search(r"[。、，,]", text)
    )


def is_link_words(text: str) -> bool:
    """True when `text` is nothing but link words: 骨子はこちら, (English), [PDF], PDF形式."""
    folded = unicodedata.normalize("NFKC", text).strip()
    if len(folded) > 40:
        return False
    bracketed = folded[:1] in _BRACKETS and folded[-1:] in _BRACKETS
    core = _SIZE.sub("", folded)
    had_pdf = bool(_PDF.search(core))
    core = _PDF.sub("", core)
    core = core.translate({ord(c): None for c in _BRACKETS})
    words = [w.lower() for w in _SEPARATORS.split(core) if w]
    core = "".join(words).rstrip(".")  # a skip link may end as a sentence does
    if not core:
        return had_pdf or bracketed and not folded.strip(_BRACKETS)
    if len(words) > 1 and all(w in _LINK_WORDS for w in words):
        return True  # 英語版 (English)
    if _run_of_link_words(core):
        return True  # 日本語仮訳英語: the links' words with nothing between them
    if _HERE.search(core):
        return len(core) <= 20
    if core in _LINK_WORDS:
        return True
    return core in _BRACKETED_LINK_WORDS and (bracketed or had_pdf)


# Link words that run together when a page's links are copied without spaces.
_RUN_WORDS = ("日本語", "英語", "露文", "英文", "和文", "仮訳", "版", "ロシア語", "概要", "本文")


def _run_of_link_words(core: str) -> bool:
    """Whether `core` is two or more of the run words back to back, a link word among them."""
    ends = {0: 0}  # end position -> how many words reach it
    for start in range(len(core)):
        if start not in ends:
            continue
        for word in _RUN_WORDS:
            if core.startswith(word, start):
                ends[start + len(word)] = max(ends.get(start + len(word), 0), ends[start] + 1)
    linked = any(word in core for word in _RUN_WORDS if word in _LINK_WORDS)
    return ends.get(len(core), 0) >= 2 and linked


_TRAILING_BRACKET = re.compile(r"\s*[(（\[［【][^()（）\[\]［］【】]{1,30}[)）\]］】]\s*$")


# What a bracketed word at the end of a title says of the text itself: (概要), (骨子),
# (Summary), an outline and not the full text. It belongs to the title.
_QUALIFIERS = {
    "概要",
    "骨子",
    "要旨",
    "全文",
    "概要と評価",
    "summary",
    "outline",
    "overview",
    "overview and evaluation",
}


def is_qualifier(text: str) -> bool:
    """（概要）, (Summary): a word in brackets that says what kind of text this is."""
    return unicodedata.normalize("NFKC", text).strip(" " + _BRACKETS).lower() in _QUALIFIERS


def split_link_suffix(text: str) -> tuple[str, str]:
    """(text, link) where link is a bracketed link word at the end: `…声明（英文）`; a
    qualifier of the title (`…会談（概要）`) is not a link."""
    match = _TRAILING_BRACKET.search(text)
    link = match.group() if match and match.start() > 0 else ""
    if link and not is_qualifier(link) and is_link_words(link):
        return text[: match.start()].rstrip(), match.group().strip()
    return text, ""
