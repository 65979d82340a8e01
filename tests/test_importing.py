"""`import_documents` stores the seed texts faithfully, is idempotent, refuses bad input cleanly."""

import hashlib
import io
import re

import pytest
from django.core.management import CommandError, call_command

from archive.models import Clause, Document, Section, Signatory, Work
from archive.repairs import strip_markup_from_source
from tests.conftest import (
    FILES,
    FIXTURES,
    FOREIGN_MINISTERS_2017,
    KYRGYZ,
    TOKYO_DECLARATION,
    TURKMENISTAN,
    source_text,
)

pytestmark = pytest.mark.django_db


def run_import(*paths, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_documents", *map(str, paths), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def archive_snapshot():
    """Everything a failed import must leave untouched."""
    return (
        list(Work.objects.values_list("pk", "slug", "kind", "date", "authentic_language")),
        list(Document.objects.values_list("pk", "title", "fingerprint", "source_sha256")),
        list(Section.objects.values_list("pk", "heading", "sequence")),
        list(Clause.objects.values_list("pk", "label", "text", "section_id")),
        list(Signatory.objects.values_list("pk", "name", "title")),
    )


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


def write_manifest(workdir, body):
    (workdir / "manifest.toml").write_text(body, encoding="utf-8")


ENTRY = (
    '[[document]]\nfile = "{file}"\nslug = "{slug}"\nlanguage = "ja"\nkind = "joint-statement"\n'
)


def bad_input_cases():
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
    }


@pytest.mark.parametrize("case", list(bad_input_cases()))
def test_bad_input_is_refused_with_one_clear_line_and_the_archive_unchanged(seeded, tmp_path, case):
    make, expected = bad_input_cases()[case]
    folder = tmp_path / "incoming"
    folder.mkdir()
    make(folder)
    before = archive_snapshot()
    with pytest.raises(CommandError) as error:
        run_import(folder)
    message = str(error.value)
    assert expected in message
    assert "\n" not in message and "Traceback" not in message
    assert (
        "new.txt" in message
        or "manifest.toml" in message
        or "a.txt" in message
        or "b.txt" in message
    )
    assert archive_snapshot() == before


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
