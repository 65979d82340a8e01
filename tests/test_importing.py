"""`import_documents` stores the seed texts faithfully, is idempotent, refuses bad input cleanly."""

import hashlib
import io
import re

import pytest
from django.core.management import CommandError, call_command

from archive.ingest.repairs import strip_markup_from_source
from archive.models import Document

# The seeds' names and the import helpers, as test_pages.py and test_hostile_sources.py
# take them: the same list by design.
from tests.utils import (
    ENTRY,
    FILES,
    FIXTURES,
    FOREIGN_MINISTERS_2017,
    KYRGYZ,
    TOKYO_DECLARATION,
    TURKMENISTAN,
    archive_snapshot,
    refused_import,
    run_import,
    source_text,
    write_manifest,
)

pytestmark = pytest.mark.django_db


def version(slug, language):
    return Document.objects.select_related("work").get(work__slug=slug, language=language)


def test_seed_texts_are_imported_with_their_structure(seeded):
    ja, en = version(TURKMENISTAN, "ja"), version(TURKMENISTAN, "en")
    assert ja.is_provisional and not en.is_provisional
    assert ja.work.authentic_language == "en"
    assert ja.translation_of == en
    assert ja.clauses.filter(is_preamble=False).count() == en.clauses.count() == 33
    assert list(ja.sections.values_list("heading", flat=True)) == [
        "経済分野",
        "政治分野",
        "その他の分野",
    ]

    declaration = version(TOKYO_DECLARATION, "ja")
    assert declaration.is_provisional
    assert declaration.clauses.filter(is_preamble=False).count() == 53
    assert declaration.clauses.get(label="36").paragraphs[1].startswith("この文脈において")

    kyrgyz = version(KYRGYZ, "ja")
    assert kyrgyz.work.authentic_language == "en"
    assert kyrgyz.closing == "2025年12月20日に東京にて、英語で2通に署名した。"
    assert list(kyrgyz.signatories.values_list("name", "title")) == [
        ("高市早苗", "日本国総理大臣"),
        ("サディル・ジャパロフ", "キルギス共和国大統領"),
    ]

    statement = version(FOREIGN_MINISTERS_2017, "ja")
    assert statement.date.isoformat() == "2017-05-01" and statement.place == "Ashgabat"
    assert statement.place_as_printed == "アシガバット市"
    assert statement.signatories.count() == 6
    assert statement.work.countries.count() == 6


SEED_TITLES = {
    (TURKMENISTAN, "ja"): "高市早苗日本国総理大臣とセルダル・ベルディムハメドフ大統領の"
    "首脳会談の成果に関する共同プレスリリース",
    (TURKMENISTAN, "en"): "Joint Press Release on the outcomes of the Summit Meeting between Her "
    "Excellency Prime Minister of Japan Sanae Takaichi and His Excellency President of "
    "Turkmenistan Serdar Berdimuhamedov",
    (TOKYO_DECLARATION, "ja"): "「中央アジア＋日本」対話・首脳会合 東京宣言",
    (KYRGYZ, "ja"): "高市早苗日本国内閣総理大臣及びサディル・ジャパロフ・キルギス共和国大統領の"
    "会談に際する互恵的協力の共創に向けた日本国及びキルギス共和国の関係の更なる発展に関する"
    "共同声明",
    (FOREIGN_MINISTERS_2017, "ja"): "「中央アジア＋日本」対話・第６回外相会合 共同声明",
}


@pytest.mark.parametrize(("slug", "language"), sorted(SEED_TITLES))
def test_each_seed_text_keeps_its_whole_title(seeded, slug, language):
    # A wrapped title line that starts "His Excellency" is still the title, not an addressee.
    assert version(slug, language).title == SEED_TITLES[(slug, language)]


def test_all_versions_of_a_text_are_one_query(seeded, django_assert_num_queries):
    with django_assert_num_queries(1):
        languages = [d.language for d in Document.objects.filter(work__slug=TURKMENISTAN)]
    assert sorted(languages) == ["en", "ja"]


def test_clause_n_of_japanese_is_the_translation_of_clause_n_of_english(seeded):
    ja = dict(version(TURKMENISTAN, "ja").clauses.values_list("label", "text"))
    en = dict(version(TURKMENISTAN, "en").clauses.values_list("label", "text"))
    assert ja.keys() == en.keys()
    assert "GOSAT" in ja["15"] and "GOSAT" in en["15"]
    assert "アンモニア" in ja["5"] and "ammonia" in en["5"]


@pytest.mark.parametrize("key", sorted(FILES))
def test_no_text_lost_in_the_archive_rows(seeded, key):
    document = Document.objects.get(source_name=FILES[key])
    pieces = [(m["offset"], m["text"]) for m in document.metadata_lines]
    pieces += [(s.source_offset, s.label + s.heading) for s in document.sections.all()]
    pieces += [(c.source_offset, c.printed_label + c.text) for c in document.clauses.all()]
    for s in document.signatories.all():
        pieces += [(s.name_offset or 0, s.name), (s.title_offset or 0, s.title)]
    stored = "".join(text for _, text in sorted(pieces))
    assert re.sub(r"\s", "", stored) == re.sub(
        r"\s", "", strip_markup_from_source(source_text(key))
    )


def test_source_file_is_kept_exactly_as_received(seeded):
    for name in FILES.values():
        document = Document.objects.get(source_name=name)
        data = (FIXTURES / name).read_bytes()
        assert bytes(document.source_bytes) == data
        assert document.source_sha256 == hashlib.sha256(data).hexdigest()


def test_reimporting_the_same_files_changes_nothing(seeded):
    before = archive_snapshot()
    out, _ = run_import()
    assert out.count("unchanged") == len(FILES)
    assert archive_snapshot() == before


def test_a_changed_file_updates_its_document_and_keeps_clause_urls(seeded, workdir):
    document = version(TOKYO_DECLARATION, "ja")
    clause_14 = document.clauses.get(label="14")
    path = workdir / FILES["002"]
    text = path.read_text(encoding="utf-8").replace(
        "ネット・ゼロ／カーボンニュートラル", "ネット・ゼロ"
    )
    text = text.replace("- （53）首脳は、次回以降", "- （53）首脳は、次回の")
    path.write_text(text, encoding="utf-8")
    out, _ = run_import(path)
    assert "updated" in out
    clause_14.refresh_from_db()  # same row, same label, same anchor
    assert clause_14.anchor == "c14" and "カーボンニュートラル" not in clause_14.text
    assert document.clauses.count() == 54
    assert document.clauses.get(label="53").text.startswith("首脳は、次回の")


def test_a_removed_clause_disappears_and_the_others_keep_their_rows(seeded, workdir):
    document = version(TOKYO_DECLARATION, "ja")
    ids = dict(document.clauses.values_list("label", "pk"))
    path = workdir / FILES["002"]
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"- （53）.*\n?", "", text), encoding="utf-8")
    run_import(path)
    after = dict(document.clauses.values_list("label", "pk"))
    assert "53" not in after
    assert all(after[label] == pk for label, pk in ids.items() if label != "53")


def bad_input_cases():
    # Each maker writes one source and its manifest entry: alike in shape by design.
    def empty(d):
        (d / "new.txt").write_bytes(b"")
        write_manifest(d, ENTRY.format(file="new.txt", slug="new-text"))

    def binary(d):
        (d / "new.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
        write_manifest(d, ENTRY.format(file="new.txt", slug="new-text"))

    def latin1(d):
        (d / "new.txt").write_bytes("Déclaration commune\n\nLes deux côtés.\n".encode("latin-1"))
        write_manifest(d, ENTRY.format(file="new.txt", slug="new-text"))

    def unlisted(d):
        (d / "new.txt").write_text("共同声明\n\n双方は一致した。\n", encoding="utf-8")
        write_manifest(d, ENTRY.format(file="other.txt", slug="new-text"))

    def malformed_manifest(d):
        (d / "new.txt").write_text("共同声明\n\n双方は一致した。\n", encoding="utf-8")
        write_manifest(d, '[[document]]\nfile = "new.txt\nslug = ')

    def entry_without_kind(d):
        (d / "new.txt").write_text("共同声明\n\n双方は一致した。\n", encoding="utf-8")
        write_manifest(d, '[[document]]\nfile = "new.txt"\nslug = "new-text"\nlanguage = "ja"\n')

    def duplicate_slug_language(d):
        for name in ("a.txt", "b.txt"):
            (d / name).write_text("共同声明\n\n双方は一致した。\n", encoding="utf-8")
        write_manifest(
            d, ENTRY.format(file="a.txt", slug="same") + ENTRY.format(file="b.txt", slug="same")
        )

    def translation_of_nowhere(d):
        (d / "new.txt").write_text("共同声明\n\n双方は一致した。\n", encoding="utf-8")
        write_manifest(d, ENTRY.format(file="new.txt", slug="new-text") + 'translation_of = "en"\n')

    def no_body(d):
        (d / "new.txt").write_text("[文書名] 共同声明\n[年月日] 2025年12月20日\n", encoding="utf-8")
        write_manifest(d, ENTRY.format(file="new.txt", slug="new-text"))

    def impossible_date(d):
        (d / "new.txt").write_text("共同声明\n\n双方は一致した。\n", encoding="utf-8")
        write_manifest(d, ENTRY.format(file="new.txt", slug="new-text") + 'date = "2013-02-30"\n')

    def unknown_label_mode(d):
        (d / "new.txt").write_text("共同声明\n\n双方は一致した。\n", encoding="utf-8")
        write_manifest(d, ENTRY.format(file="new.txt", slug="new-text") + 'labels = "roman"\n')

    def quoted_preamble(d):
        (d / "new.txt").write_text("共同声明\n\n双方は一致した。\n", encoding="utf-8")
        write_manifest(d, ENTRY.format(file="new.txt", slug="new-text") + 'preamble = "2"\n')

    def unquoted_date(d):
        (d / "new.txt").write_text("共同声明\n\n双方は一致した。\n", encoding="utf-8")
        write_manifest(d, ENTRY.format(file="new.txt", slug="new-text") + "date = 2013-02-03\n")

    def slug_as_number(d):
        (d / "new.txt").write_text("共同声明\n\n双方は一致した。\n", encoding="utf-8")
        write_manifest(d, ENTRY.format(file="new.txt", slug="x").replace('"x"', "5"))

    def entry_not_a_table(d):
        (d / "new.txt").write_text("共同声明\n\n双方は一致した。\n", encoding="utf-8")
        write_manifest(d, "document = [1]\n")

    # One refused source per row, each a maker and the words its refusal must say.
    return {
        "empty file": (empty, "empty"),
        "binary file": (binary, "binary"),
        "neither UTF-8 nor Shift_JIS": (latin1, "neither UTF-8 nor Shift_JIS"),
        "missing manifest entry": (unlisted, "no entry in"),
        "malformed manifest": (malformed_manifest, "not valid TOML"),
        "manifest entry without kind": (entry_without_kind, "lacks kind"),
        "duplicate slug and language": (duplicate_slug_language, "already has a 'ja' version"),
        "translation_of pointing nowhere": (translation_of_nowhere, "has no 'en' version"),
        "no recognisable body": (no_body, "no body"),
        "manifest date that is no day": (impossible_date, "must be a real date"),
        "unknown labels mode": (unknown_label_mode, "labels 'roman' must be one of"),
        "preamble given as a string": (quoted_preamble, "preamble must be a whole number"),
        "date given as a TOML date": (unquoted_date, "date must be a quoted string"),
        "slug given as a number": (slug_as_number, "slug must be a quoted string"),
        "entry that is no table": (entry_not_a_table, "is a number, not a table"),
    }


@pytest.mark.parametrize("case", list(bad_input_cases()))
def test_bad_input_is_refused_with_one_clear_line_and_the_archive_unchanged(seeded, tmp_path, case):
    make, expected = bad_input_cases()[case]
    message = refused_import(make, tmp_path)
    assert expected in message
    assert "\n" not in message and "Traceback" not in message
    assert (
        "new.txt" in message
        or "manifest.toml" in message
        or "a.txt" in message
        or "b.txt" in message
    )


def test_one_bad_file_among_good_ones_imports_nothing(seeded, workdir):
    (workdir / "zzz.txt").write_bytes(b"")
    with open(workdir / "manifest.toml", "a", encoding="utf-8") as manifest:
        manifest.write(ENTRY.format(file="zzz.txt", slug="empty-one"))
    (workdir / FILES["003"]).write_text(
        source_text("003").replace("双方は、日本の特定技能制度", "双方は、日本の制度"),
        encoding="utf-8",
    )
    before = archive_snapshot()
    with pytest.raises(CommandError, match="zzz.txt: the file is empty"):
        run_import(workdir)
    assert archive_snapshot() == before


def test_every_mistake_of_a_manifest_is_named_in_one_run(seeded, tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_text("日本・カザフスタン外相会談\n\n双方は一致した。\n", "utf-8")
    (folder / "manifest.toml").write_text(
        '[[document]]\nfile = "a.txt"\nslug = "Bad Slug"\nlanguage = "ja"\n'
        'kind = "press-release"\n\n'
        '[[document]]\nfile = "b.txt"\nslug = "b-text"\nlanguage = "ja"\nkind = "memo"\n\n'
        '[[document]]\nfile = "c.txt"\nslug = "c-text"\nlanguage = "ja"\nkind = "press-release"\n'
        'date = "2031-02-30"\n',
        encoding="utf-8",
    )
    before = archive_snapshot()
    err = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_documents", str(folder), stdout=io.StringIO(), stderr=err)
    assert "3 problems, each on a line above" in str(error.value)
    assert "Nothing was imported" in str(error.value)
    lines = err.getvalue().splitlines()
    assert len(lines) == 3
    assert "line 1" in lines[0] and "slug 'Bad Slug'" in lines[0]
    assert "line 7" in lines[1] and "kind 'memo'" in lines[1]
    assert "line 13" in lines[2] and "2031-02-30" in lines[2]
    assert archive_snapshot() == before


def test_shift_jis_files_are_decoded_and_kept_as_received(seeded, tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    text = "日本・ウズベキスタン共同声明\n\n2024年12月25日\n\n双方は、協力の強化で一致した。\n"
    (folder / "sjis.txt").write_bytes(text.encode("cp932"))
    write_manifest(folder, ENTRY.format(file="sjis.txt", slug="sjis-statement"))
    _, err = run_import(folder)
    assert "CP932 (Shift_JIS)" in err
    document = version("sjis-statement", "ja")
    assert document.title == "日本・ウズベキスタン共同声明"
    assert document.source_encoding == "cp932"
    assert bytes(document.source_bytes) == text.encode("cp932")


def test_unstructured_text_imports_as_paragraphs_with_a_warning(seeded, tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "odd.txt").write_text(
        "声明\n\n(3) 第一の段落。\n\n(3) 第二の段落。\n\n(1) 第三の段落。\n", encoding="utf-8"
    )
    write_manifest(folder, ENTRY.format(file="odd.txt", slug="odd-numbering"))
    _, err = run_import(folder)
    assert "warning" in err and "unnumbered" in err
    assert list(version("odd-numbering", "ja").clauses.values_list("label", flat=True)) == [
        "1",
        "2",
        "3",
    ]


def test_a_file_of_another_kind_is_refused_with_one_line(seeded, tmp_path):
    path = tmp_path / "statement.docx"
    path.write_bytes(b"PK\x03\x04 not a text")
    before = archive_snapshot()
    with pytest.raises(CommandError) as error:
        run_import(path)
    assert "'.docx' files cannot be imported" in str(error.value)
    assert "\n" not in str(error.value)
    assert archive_snapshot() == before


# Made up for these tests: a press release that prints no date line and numbers nothing.
UNDATED = """日本・ウズベキスタン外相会談

日本国外務大臣は、ウズベキスタン共和国外務大臣と会談を行った。
両外務大臣は、以下の点につき意見交換を行った。
両外務大臣は、両国間の航空路線の拡充を歓迎した。
両外務大臣は、人材育成分野の協力を継続することで一致した。
"""


def import_one(tmp_path, text, extra=""):
    folder = tmp_path / "incoming"
    folder.mkdir(exist_ok=True)
    (folder / "new.txt").write_text(text, encoding="utf-8")
    write_manifest(folder, ENTRY.format(file="new.txt", slug="new-text") + extra)
    return run_import(folder)


def test_warnings_are_stored_printed_by_the_import_and_given_by_the_api(client, seeded, tmp_path):
    _, err = import_one(tmp_path, UNDATED)
    document = version("new-text", "ja")
    assert any("no date found" in w for w in document.warnings)
    assert all(f"warning: new.txt: {w.split(': ', 1)[1]}" in err for w in document.warnings)
    api = client.get("/api/documents/new-text/ja/").json()
    assert api["warnings"] == document.warnings


def test_manifest_corrects_title_subtitle_date_and_place_and_retires_the_doubt(seeded, tmp_path):
    extra = (
        'title = "日本・ウズベキスタン外相会談に関するプレスリリース"\n'
        'subtitle = "人的交流の拡大に向けて"\ndate = "2024-03-11"\nplace = "タシケント"\n'
    )
    import_one(tmp_path, UNDATED, extra)
    document = version("new-text", "ja")
    assert document.title == "日本・ウズベキスタン外相会談に関するプレスリリース"
    assert document.subtitle == "人的交流の拡大に向けて"
    assert str(document.date) == "2024-03-11" and document.work.date == document.date
    assert document.place == "Tashkent" and document.place_as_printed == "タシケント"
    assert not any("date" in w for w in document.warnings)
    assert any(
        m["role"] == "title" and m["text"] == "日本・ウズベキスタン外相会談"
        for m in document.metadata_lines
    )  # what the text printed is still kept


def test_manifest_preamble_hint_makes_the_first_paragraphs_preamble(seeded, tmp_path):
    import_one(tmp_path, UNDATED, "preamble = 2\n")
    clauses = version("new-text", "ja").clauses.all()
    assert [(c.label, c.is_preamble) for c in clauses] == [
        ("p1", True),
        ("p2", True),
        ("1", False),
        ("2", False),
    ]


def test_manifest_labels_order_ignores_printed_numbers_and_keeps_them_in_the_text(seeded, tmp_path):
    text = "共同声明\n\n2025年1月9日\n\n3. 第一の段落。\n\n1. 第二の段落。\n\n2. 第三の段落。\n"
    import_one(tmp_path, text, 'labels = "order"\n')
    clauses = version("new-text", "ja").clauses.all()
    assert [(c.label, c.printed_label, c.text) for c in clauses] == [
        ("1", "", "3. 第一の段落。"),
        ("2", "", "1. 第二の段落。"),
        ("3", "", "2. 第三の段落。"),
    ]
    assert not any("number" in w for w in version("new-text", "ja").warnings)


def test_a_span_of_days_is_stored_and_shown_until_the_curator_sets_the_date(
    client, seeded, tmp_path
):
    text = (
        "日本国とキルギス共和国との間の共同声明\n\n"
        "キルギス共和国大統領は、2013年5月14日から16日まで日本国を公式訪問した。\n\n"
        "1．両首脳は、両国間の協力を一層強化することで一致した。\n"
    )
    import_one(tmp_path, text)
    document = version("new-text", "ja")
    assert document.date is None
    assert (str(document.date_start), str(document.date_end)) == ("2013-05-14", "2013-05-16")
    assert any("range of days" in w for w in document.warnings)
    assert client.get("/api/documents/new-text/ja/").json()["date_range"] == [
        "2013-05-14",
        "2013-05-16",
    ]
    html = client.get("/documents/new-text/ja/").content.decode()
    assert 'datetime="2013-05-14"' in html and 'datetime="2013-05-16"' in html
    import_one(tmp_path, text, 'date = "2013-05-15"\n')
    document = version("new-text", "ja")
    assert str(document.date) == "2013-05-15" and document.date_start is None
    assert not any("range" in w for w in document.warnings)


def test_the_import_help_names_every_kind_of_source_it_reads(capsys):
    with pytest.raises(SystemExit):
        call_command("import_documents", "--help")
    text = " ".join(capsys.readouterr().out.split())
    assert ".txt, .pdf, .html" in text and "manifest.toml" in text
