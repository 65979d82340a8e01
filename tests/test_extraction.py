"""PDF and web-page sources: the text a curator sees on the page comes out, in order, ready for
the parser, and a file that cannot be read is refused with one sentence."""

import io
import os
import textwrap
import unicodedata
import zlib

import pytest
from django.core.management import CommandError, call_command
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from archive.ingest.extraction import html_text, pdf_text
from archive.ingest.parsing import parse_document
from archive.ingest.sources import SourceError
from archive.models import Document

MINCHO, GOTHIC = "HeiseiMin-W3", "HeiseiKakuGo-W5"  # reportlab's built-in Japanese CID fonts
pdfmetrics.registerFont(UnicodeCIDFont(MINCHO))
pdfmetrics.registerFont(UnicodeCIDFont(GOTHIC))

SLUG = "2026-japan-kyrgyz-new-stage-joint-statement"

# A made-up statement in the shape of MOFA's: title over two lines, date, preamble, numbered
# clauses hard-wrapped at a fixed width, the third one broken by the page, then signatures.
JA_TITLE = ("日本国とキルギス共和国との間の", "新たな段階の包括的パートナーシップに関する共同声明")
JA_PREAMBLE = (
    "日本国総理大臣及びキルギス共和国大統領は、東京において首脳会談を行い、両国関係の現状と"
    "今後の協力の方向性について幅広く意見交換を行った。"
)
JA_CLAUSES = (
    "双方は、両国間の政治対話を一層強化するため、外相間の定期協議を毎年開催することで一致した。",
    "双方は、水資源管理、防災及び保健医療の分野において、日本の政府開発援助（ＯＤＡ）を活用"
    "した協力を推進することを確認した。",
    "双方は、人的交流の拡大が両国関係の基盤であることを再確認し、留学生、研究者及び青年の往来"
    "を促進するとともに、観光分野における協力を進めることで一致した。",
)
JA_SIGNATORIES = [
    ("山本　健一", "日本国総理大臣"),
    ("アイベク・トクトグロフ", "キルギス共和国大統領"),
]


def wrap_japanese(text: str, width: int = 28) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)]


def japanese_pages() -> list[list[str]]:
    """The statement as printed, page by page; "" is a blank line's worth of space."""
    body = [*JA_TITLE, "", "２０２６年３月４日", "", *wrap_japanese("　" + JA_PREAMBLE)]
    for number, clause in zip("１２３", JA_CLAUSES, strict=True):
        body += ["", *wrap_japanese(f"{number}　{clause}")]
    signatures = [line for name, title in JA_SIGNATORIES for line in (title, name)]
    split = body.index(wrap_japanese(f"３　{JA_CLAUSES[2]}")[1])
    return [body[:split], [*body[split:], "", *signatures]]


EN_TITLE = "Joint Statement between Japan and the Kyrgyz Republic on a New Stage of Partnership"
EN_CLAUSES = (
    "Both sides agreed to strengthen political dialogue between the two countries and to hold "
    "consultations between their Ministers for Foreign Affairs every year.",
    "Both sides confirmed that they would promote cooperation in water resource management, "
    "disaster risk reduction and health care, making use of Japan's Official Development "
    "Assistance.",
    "Both sides reaffirmed that people-to-people exchanges are the foundation of their relations "
    "and agreed to promote the exchange of students, researchers and young people.",
)


def english_pages() -> list[list[str]]:
    def wrap(text: str) -> list[str]:
        return textwrap.wrap(text, 72, break_on_hyphens=False)

    body = [*wrap(EN_TITLE), "", "4 March 2026"]
    for number, clause in enumerate(EN_CLAUSES, start=1):
        body += ["", *wrap(f"{number}. {clause}")]
    return [body[:-2], body[-2:]]  # the page breaks inside the third clause


def typeset(
    pages: list[list[str]], font: str = MINCHO, title_font: str = GOTHIC, **options
) -> bytes:
    """A PDF of the lines: the first two in the title font, a page number at each foot."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, **options)
    count = 0
    for number, lines in enumerate(pages, start=1):
        y = 780
        for line in lines:
            if line:
                count += 1
                pdf.setFont(title_font if count <= 2 else font, 13 if count <= 2 else 10.5)
                pdf.drawString(72, y, line)
            y -= 18
        pdf.setFont(font, 9)
        pdf.drawCentredString(297, 40, f"- {number} -")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def as_text_file(pages: list[list[str]]) -> str:
    """The same statement as a curator would type it into a .txt file."""
    return "\n".join(line for lines in pages for line in lines) + "\n"


def assert_clean(text: str) -> None:
    """What every extracted text promises the parser."""
    assert "\x0c" not in text and "\r" not in text and "\n\n\n" not in text
    assert all(c == "\n" or unicodedata.category(c) not in ("Cc", "Cf") for c in text)
    assert text == text.strip()


def parsed(text: str, language: str) -> tuple:
    document = parse_document(text, language)
    return (
        document.title,
        document.date,
        [(c.label, c.text, c.is_preamble) for c in document.clauses],
        [(s.name, s.title) for s in document.signatories],
        [(s.label, s.heading, s.level, s.parent) for s in document.sections],
    )


# ---- PDF --------------------------------------------------------------------------------------


def test_japanese_pdf_gives_its_printed_lines_pages_joined_by_a_blank_line():
    pages = japanese_pages()
    text = pdf_text("statement-ja.pdf", typeset(pages))
    assert text == "\n\n".join("\n".join(lines) for lines in pages)
    assert "- 1 -" not in text and "- 2 -" not in text
    assert text.startswith("日本国とキルギス共和国との間の\n新たな段階の")  # Gothic and Mincho
    assert "\n\n１　双方は、両国間の政治対話" in text
    assert_clean(text)


@pytest.mark.parametrize(
    ("pages", "language"), [(japanese_pages(), "ja"), (english_pages(), "en")], ids=["ja", "en"]
)
def test_a_pdf_parses_to_the_same_document_as_its_text_file(pages, language):
    font = MINCHO if language == "ja" else "Helvetica"
    title_font = GOTHIC if language == "ja" else "Helvetica-Bold"
    extracted = pdf_text("statement.pdf", typeset(pages, font, title_font))
    assert parsed(extracted, language) == parsed(as_text_file(pages), language)


@pytest.mark.parametrize("indent", [93, 120], ids=["one character", "tab stop"])
def test_a_clause_number_set_apart_and_justified_japanese_keep_their_text(indent):
    """Word sets "１" in a hanging indent and widens the gaps of justified lines; neither may
    put spaces inside the Japanese or lose the clause number. pdfminer reads a number a tab
    stop away as a line of its own."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setFont(GOTHIC, 14)
    pdf.drawString(72, 780, "日本・キルギス共同声明")
    y = 740
    for number, clause in zip("１２", JA_CLAUSES[:2], strict=True):
        pdf.setFont(MINCHO, 10.5)
        pdf.drawString(72, y, number)
        for line in wrap_japanese(clause, 26):
            text = pdf.beginText(indent, y)
            text.setFont(MINCHO, 10.5)
            text.setCharSpace(2)  # justified: each gap widened by 2 pt
            text.textOut(line)
            pdf.drawText(text)
            y -= 18
    pdf.showPage()
    pdf.save()
    text = pdf_text("hanging.pdf", buffer.getvalue())
    first, second = (wrap_japanese(clause, 26) for clause in JA_CLAUSES[:2])
    lines = [
        "日本・キルギス共同声明",
        "",
        f"１ {first[0]}",
        *first[1:],
        f"２ {second[0]}",
        *second[1:],
    ]
    assert text == "\n".join(lines)
    assert [c.label for c in parse_document(text, "ja").clauses] == ["1", "2"]


def test_a_pdf_locked_only_against_editing_is_read():
    locked = StandardEncryption("", ownerPassword="mofa", canModify=0, canCopy=0)
    pdf = typeset(english_pages(), "Helvetica", "Helvetica-Bold", encrypt=locked)
    assert pdf_text("locked.pdf", pdf).startswith("Joint Statement between Japan")


def test_a_pdf_whose_fonts_have_no_unicode_map_is_refused():
    """reportlab leaves a CID font's character collection unencrypted in an encrypted file, so
    pdfminer cannot tell its glyphs' characters: as with a subset font without a ToUnicode map."""
    locked = StandardEncryption("", ownerPassword="mofa", canModify=0)
    with pytest.raises(SourceError, match=r"^codes\.pdf: \d+ characters .* \(cid:43\), not text"):
        pdf_text("codes.pdf", typeset(japanese_pages(), encrypt=locked))


# ---- HTML -------------------------------------------------------------------------------------

ARTICLE_PAGE = """<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>共同声明｜外務省</title>
<style>p { margin: 1em }</style><script>var menu = "スクリプトの文字";</script></head>
<body>
<header><p>外務省</p><nav><ul><li><a href="/">ホーム</a></li><li>会見・発表</li></ul></nav></header>
<div class="breadcrumb"><ol><li>トップページ</li><li>報道発表</li></ol></div>
<main><article>
<header><h1>日本国とキルギス共和国との間の<br>新たな段階の包括的パートナーシップに関する共同声明</h1>
<p class="date">２０２６年３月４日</p></header>
<p><a href="en.html">英語版はこちら</a>（<a href="s.pdf">PDF</a>）</p>
<p>１　双方は、両国間の政治対話を一層強化するため、外相間の定期協議を毎年開催すること
で一致した。</p><!-- 第２項は改訂版 -->
<p>２&nbsp;&nbsp;双方は、水資源管理、防災及び保健医療の分野において、<strong>日本の政府開発援助
（ＯＤＡ）</strong>を活用した協力を推進することを確認した。</p>
<div hidden>非表示の文字</div><noscript>JavaScriptを有効にしてください</noscript>
<template><p>テンプレートの文字</p></template>
<table><tr><td>日本国総理大臣</td><td>キルギス共和国大統領</td></tr>
<tr><td>山本　健一</td><td>アイベク・トクトグロフ</td></tr></table>
</article><aside><h2>関連リンク</h2></aside></main>
<footer><p>Copyright © Ministry of Foreign Affairs of Japan</p></footer>
<script>document.write("書き込み")</script>
</body></html>
"""


def test_an_article_page_gives_its_content_without_navigation_scripts_or_footer():
    text = html_text("statement.html", ARTICLE_PAGE.encode("utf-8"))
    assert text == (
        "日本国とキルギス共和国との間の\n新たな段階の包括的パートナーシップに関する共同声明\n\n"
        "２０２６年３月４日\n\n"
        "英語版はこちら（PDF）\n\n"
        f"１　{JA_CLAUSES[0]}\n\n"
        f"２ {JA_CLAUSES[1]}\n\n"
        "日本国総理大臣 キルギス共和国大統領\n\n"
        "山本　健一 アイベク・トクトグロフ"
    )
    assert_clean(text)


OLD_MOFA_PAGE = """<html><head>{declaration}<title>日本・カザフスタン共同声明</title></head>
<body><div id="header"><a href="#main">本文へ</a></div>
<div id="topicpath"><a href="/">トップページ</a> &gt; 地域</div>
<div id="contents"><div id="leftnavi"><ul><li>アジア</li><li>中央アジア</li></ul></div>
<div id="maincontents"><h2>日本・カザフスタン共同声明</h2>
<p>１　双方は、エネルギー分野の協力を強化することで一致した。<br>
①　再生可能エネルギー<br>②　省エネルギー</p></div></div>
<div id="footer">Copyright</div></body></html>
"""


@pytest.mark.parametrize(
    "declaration",
    [
        '<meta charset="Shift_JIS">',
        '<meta http-equiv="Content-Type" content="text/html; charset=shift_jis">',
        "",  # undeclared: not UTF-8, so read as CP932
    ],
    ids=["meta charset", "http-equiv", "undeclared"],
)
def test_an_old_shift_jis_page_is_decoded_and_gives_its_main_contents(declaration):
    data = OLD_MOFA_PAGE.format(declaration=declaration).encode("cp932")
    assert html_text("kazakhstan.html", data) == (
        "日本・カザフスタン共同声明\n\n"
        "１　双方は、エネルギー分野の協力を強化することで一致した。\n"
        "①　再生可能エネルギー\n②　省エネルギー"
    )


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("<p>日本国と\n中央アジア諸国</p>", "日本国と中央アジア諸国"),
        ("<p>Japan and\n   Central Asia</p>", "Japan and Central Asia"),
        ("<p>日本<b>国</b>と<a href='#'>中央</a>アジア</p>", "日本国と中央アジア"),
        ("<p>日本国と <span>中央アジア</span></p>", "日本国と 中央アジア"),
        ("<p>一の段落<br>同じ段落の次の行</p>", "一の段落\n同じ段落の次の行"),
        ("<p>第一段落<br><br>\n第二段落</p>", "第一段落\n\n第二段落"),
        ("<ul><li>一</li><li>二</li></ul>", "一\n\n二"),
        ("<dl><dt>場所</dt><dd>東京</dd></dl>", "場所\n\n東京"),
        ("<table><tr><th>署名</th><td>東京</td></tr></table>", "署名 東京"),
        ("<pre>１　双方は\n２　双方は</pre>", "１　双方は\n２　双方は"),
        ("<p>２&nbsp;&nbsp;双方は</p>", "２ 双方は"),
        ("<p>a\x00b\x0bc\u200bd\r\ne\u2028f\ufeff</p>", "ab cd e f"),
        ("<div style='display: none'>隠し</div><p>本文</p>", "本文"),
        (
            "<nav class='gnav'>メニュー</nav><ul class='topicpath'><li>ホーム</li></ul><p>本文</p>",
            "本文",
        ),
    ],
)
def test_html_blocks_lines_and_white_space(fragment, expected):
    text = html_text("page.html", f"<html><body><main>{fragment}</main></body></html>".encode())
    assert text == expected
    assert_clean(text)


def test_a_page_declared_latin_1_is_read_as_browsers_read_it():
    page = (
        b'<html><head><meta charset="iso-8859-1"></head><body><p>Japan\x92s ODA</p></body></html>'
    )
    assert html_text("en.html", page) == "Japan\u2019s ODA"  # Windows-1252, as browsers do


def test_a_page_without_main_or_article_keeps_its_body_but_not_the_site_header_and_footer():
    page = (
        "<html><body><header><a href='/'>外務省</a></header><div role='navigation'>地域</div>"
        "<h1>日本・ウズベキスタン共同声明</h1><p>双方は、協力の強化で一致した。</p>"
        "<div role='contentinfo'>お問い合わせ</div><footer>Copyright</footer></body></html>"
    )
    assert html_text("page.html", page.encode()) == (
        "日本・ウズベキスタン共同声明\n\n双方は、協力の強化で一致した。"
    )


# ---- importing --------------------------------------------------------------------------------


def import_folder(folder) -> None:
    call_command("import_documents", str(folder), stdout=io.StringIO(), stderr=io.StringIO())


def write_source(folder, name: str, data: bytes, language: str = "ja") -> None:
    (folder / name).write_bytes(data)
    with open(folder / "manifest.toml", "a", encoding="utf-8") as manifest:
        manifest.write(
            f'[[document]]\nfile = "{name}"\nslug = "{SLUG}"\nlanguage = "{language}"\n'
            'kind = "joint-statement"\n\n'
        )


def test_pdf_versions_import_with_their_file_kept_and_their_clauses(db, tmp_path):
    ja_pdf, en_pdf = typeset(japanese_pages()), typeset(english_pages(), "Helvetica", "Helvetica")
    write_source(tmp_path, "statement-ja.pdf", ja_pdf)
    write_source(tmp_path, "statement-en.pdf", en_pdf, language="en")
    import_folder(tmp_path)

    ja = Document.objects.get(work__slug=SLUG, language="ja")
    assert ja.source_format == "pdf" and bytes(ja.source_bytes) == ja_pdf
    assert ja.extracted_text == pdf_text("statement-ja.pdf", ja_pdf)
    assert ja.title == "".join(JA_TITLE)
    assert ja.date.isoformat() == "2026-03-04"
    body = ja.clauses.filter(is_preamble=False).order_by("sequence")
    assert list(body.values_list("label", "text")) == list(zip("123", JA_CLAUSES, strict=True))
    assert list(ja.signatories.values_list("name", "title")) == JA_SIGNATORIES

    en = Document.objects.get(work__slug=SLUG, language="en")
    assert en.source_format == "pdf" and bytes(en.source_bytes) == en_pdf
    assert en.title == EN_TITLE
    assert list(en.clauses.order_by("sequence").values_list("label", "text")) == list(
        zip("123", EN_CLAUSES, strict=True)
    )


def test_a_shift_jis_web_page_imports_with_its_bytes_kept(db, tmp_path):
    page = OLD_MOFA_PAGE.format(declaration='<meta charset="Shift_JIS">').encode("cp932")
    write_source(tmp_path, "kazakhstan.html", page)
    import_folder(tmp_path)
    document = Document.objects.get(work__slug=SLUG, language="ja")
    assert document.source_format == "html" and bytes(document.source_bytes) == page
    assert document.source_encoding == "cp932"
    assert document.extracted_text.startswith("日本・カザフスタン共同声明\n\n１　双方は")
    assert document.title == "日本・カザフスタン共同声明"
    clause = document.clauses.get()
    assert clause.label == "1"
    assert clause.text.startswith("双方は、エネルギー分野の協力を強化することで一致した。")
    assert "①　再生可能エネルギー" in clause.text
    # Sub-items of a clause are neither headings nor a cut end (the page prints no date).
    assert [w for w in document.warnings if "date" not in w] == []


def scanned_pdf() -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.rect(50, 50, 495, 740, fill=1)  # where a scan has its page image, and no text
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


BAD_SOURCES = {
    "truncated PDF": ("cut.pdf", lambda: typeset(english_pages())[:1500], "is cut short"),
    "random bytes named .pdf": ("noise.pdf", lambda: os.urandom(4000), "not a readable PDF"),
    "PDF with a broken body": (
        "broken.pdf",
        lambda: b"%PDF-1.4\n" + os.urandom(4000) + b"\n%%EOF\n",
        "not a readable PDF",
    ),
    "scanned PDF": ("scan.pdf", scanned_pdf, "no text layer (it is a scanned image); run OCR"),
    "password-protected PDF": (
        "secret.pdf",
        lambda: typeset(english_pages(), "Helvetica", encrypt="secret"),
        "needs a password",
    ),
    "redirect page": (
        "moved.html",
        lambda: b'<html><head><meta http-equiv="refresh" content="0;url=/a.html"></head></html>',
        "has no text in its content",
    ),
    "page built by JavaScript": (
        "app.html",
        lambda: b"<html><body><main id='app'></main><script>render('x')</script></body></html>",
        "not a redirect",
    ),
}


@pytest.mark.parametrize("case", list(BAD_SOURCES))
def test_an_unreadable_source_is_refused_in_one_line_and_nothing_is_written(db, tmp_path, case):
    name, make, expected = BAD_SOURCES[case]
    write_source(tmp_path, name, make())
    before = Document.objects.count()
    with pytest.raises(CommandError) as error:
        import_folder(tmp_path)
    message = str(error.value)
    assert message.startswith(f"{name}: ") and expected in message
    assert "\n" not in message and "Traceback" not in message
    assert Document.objects.count() == before


def bomb_pdf(inflated_mb: int) -> bytes:
    """A valid PDF of one page whose content stream inflates to `inflated_mb` megabytes of
    spaces (under a hundred kilobytes on disk); built a megabyte at a time."""
    deflater = zlib.compressobj(9)
    stream = b"".join(deflater.compress(b" " * (1 << 20)) for _ in range(inflated_mb))
    stream += deflater.flush()
    body = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(body, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(body) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(body) + 1, xref)
    return out


def test_a_pdf_that_inflates_past_the_limit_is_refused_before_it_is_read(db, tmp_path, settings):
    settings.IMPORT_MAX_PDF_INFLATED_BYTES = 8 * 1024 * 1024
    data = bomb_pdf(64)
    assert len(data) < 200_000  # 64 MB of spaces, a small file
    write_source(tmp_path, "bomb.pdf", data)
    before = Document.objects.count()
    with pytest.raises(CommandError) as error:
        import_folder(tmp_path)
    message = str(error.value)
    assert message.startswith("bomb.pdf: ") and "expand to more than 8 MB" in message
    assert "IMPORT_MAX_PDF_INFLATED_BYTES" in message and Document.objects.count() == before


def test_a_pdf_that_inflates_within_the_limit_is_read_as_before():
    # pdfminer takes the inflated stream; under the limit the check lets it through.
    with pytest.raises(SourceError, match="no text layer"):
        pdf_text("blank.pdf", bomb_pdf(1), max_inflated=8 * 1024 * 1024)


def test_a_pdf_without_pages_and_a_page_of_only_a_comment_are_refused():
    """The importer's contract: anything unreadable is a SourceError, never pdfminer's own."""
    with pytest.raises(SourceError):
        pdf_text("x.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    with pytest.raises(SourceError):
        html_text("x.html", b"<!-- nothing but a comment -->")
