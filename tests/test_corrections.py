"""A curator overrules any reading of a source line from the manifest: which lines form the
title, a heading (with its level) or not a heading, where a clause starts, a line that joins the
one before, furniture. Each correction retires the warning it answers."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from archive.importing import hints_from, retire_answered_warnings
from archive.ingest.parsing import ParseHints, parse_document
from archive.ingest.sources import SourceError, load_manifest
from archive.models import Document

# Invented: a site's section name above the title (it names meetings, so the parser takes it
# for part of the title), a heading cut mid-phrase by a line break, two paragraphs the parser
# joins, and a page counter that is furniture.
TEXT = """首脳・外相会談の記録
日本国とタジキスタン共和国の外相会談
2031年4月2日、東京
双方は、両国関係の現状を確認した。
経済協力の
推進
双方は、投資環境の改善に努めることで一致した。
双方は、人的交流を拡大することで一致した。
その上で、両国の大学間の協定を歓迎した
また、次回の協議を年内に行うことを確認した。
閲覧 1016
"""


def parse(**hints) -> object:
    return parse_document(TEXT, "ja", ParseHints(**hints))


def line_of(doc, offset: int) -> int:
    return doc.line_at(offset)


def test_without_corrections_the_parser_reads_its_own_way():
    doc = parse()
    assert [s.heading for s in doc.sections] == ["経済協力の", "推進"]
    assert doc.title == "首脳・外相会談の記録日本国とタジキスタン共和国の外相会談"


def test_title_lines_say_exactly_which_lines_form_the_title():
    doc = parse(title_lines=(2,))
    assert doc.title == "日本国とタジキスタン共和国の外相会談"


def test_an_empty_title_lines_means_the_text_has_no_title():
    doc = parse(title_lines=())
    assert doc.title == ""
    assert doc.clauses[0].paragraphs[0].startswith("双方は、両国関係")


def test_lines_above_the_title_lines_are_furniture():
    doc = parse(title_lines=(2,))
    assert [m.role for m in doc.metadata_lines if m.text == "首脳・外相会談の記録"] == ["furniture"]


def test_a_line_the_curator_calls_text_is_a_clause_not_a_heading():
    doc = parse(not_headings=frozenset({5}))
    assert doc.sections == []
    assert any(c.text.startswith("経済協力の") for c in doc.clauses)


def test_a_line_joined_to_a_heading_makes_it_text():
    doc = parse(joins=frozenset({6}))
    assert doc.sections == []
    assert any(c.text.startswith("経済協力の推進") for c in doc.clauses)


def test_a_heading_correction_sets_the_line_and_its_level():
    doc = parse(headings=((5, 1), (8, 2)), joins=frozenset({6}))
    assert [(s.heading, s.level) for s in doc.sections] == [
        ("経済協力の推進", 1),
        ("双方は、人的交流を拡大することで一致した。", 2),
    ]
    assert doc.sections[1].parent == 0


def test_joins_and_clause_starts_move_paragraph_breaks():
    joined = parse(joins=frozenset({8}))
    assert any(
        c.text.startswith("双方は、投資環境") and "人的交流" in c.text for c in joined.clauses
    )
    split = parse(clause_starts=frozenset({10}))
    starts = [c.paragraphs[0][:6] for c in split.clauses]
    assert "また、次回の" in starts


def test_a_furniture_line_is_set_aside_whole():
    doc = parse(furniture=frozenset({11}))
    assert [m.role for m in doc.metadata_lines if m.text == "閲覧 1016"] == ["furniture"]
    assert not any("1016" in c.text for c in doc.clauses)


def manifest_for(tmp_path, corrections: str):
    path = tmp_path / "manifest.toml"
    path.write_text(
        '[[document]]\nfile = "talks.txt"\nslug = "2031-talks"\nlanguage = "ja"\n'
        f'kind = "press-release"\n{corrections}\n',
        encoding="utf-8",
    )
    return path


def test_a_correction_retires_the_warning_about_its_line(tmp_path):
    doc = parse()
    warned = [w for w in doc.warnings if w.line == 5]
    assert any("joins = [6]" in w for w in warned), doc.warnings
    entry = load_manifest(manifest_for(tmp_path, "joins = [6]"))["talks.txt"]
    corrected = parse_document(TEXT, "ja", hints_from(entry))
    retire_answered_warnings(corrected, entry)
    assert not [w for w in corrected.warnings if w.line == 5]


@pytest.mark.parametrize(
    ("corrections", "says"),
    [
        ('title_lines = ["2"]', "title_lines must be a list of line numbers"),
        ("headings = [[5]]", re.escape("headings must be a list of [line, level] pairs")),
        ("headings = [[5, 7]]", "level 1 to 4"),
        ("joins = 7", "joins must be a list of line numbers"),
        ("furniture = [0]", "furniture must be a list of line numbers"),
    ],
)
def test_a_malformed_correction_is_refused_with_a_sentence(tmp_path, corrections, says):
    with pytest.raises(SourceError, match=says):
        load_manifest(manifest_for(tmp_path, corrections))


@pytest.mark.django_db
def test_import_applies_the_corrections_and_stores_no_answered_warning(tmp_path):
    (tmp_path / "talks.txt").write_text(TEXT, encoding="utf-8")
    manifest_for(tmp_path, "title_lines = [2]\njoins = [6]\nfurniture = [11]")
    call_command(
        "import_documents",
        str(tmp_path / "talks.txt"),
        "--no-datasets",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    document = Document.objects.get(work__slug="2031-talks")
    assert document.title == "日本国とタジキスタン共和国の外相会談"
    assert document.sections.count() == 0
    assert not any(w.startswith("line 5:") for w in document.warnings)
    assert not document.clauses.filter(text__contains="1016").exists()


@pytest.mark.django_db
def test_a_bad_correction_stops_the_import_and_writes_nothing(tmp_path):
    (tmp_path / "talks.txt").write_text(TEXT, encoding="utf-8")
    manifest_for(tmp_path, "headings = [[5, 9]]")
    before = Document.objects.count()
    with pytest.raises(CommandError, match="headings must be"):
        call_command("import_documents", str(tmp_path / "talks.txt"), stdout=io.StringIO())
    assert Document.objects.count() == before
    assert not Document.objects.filter(work__slug="2031-talks").exists()


# Invented: a hard-wrapped page whose first paragraph ends with 。 at the full width, so the
# parser cannot tell it from a sentence that ends mid-paragraph.
WRAPPED = """「中央アジア+日本」対話・第21回東京対話
議長総括
令和13年2月8日
我が国は,中央アジア諸国との対話を重視しており,本年の東京対話では,水資源の管理をめ
ぐる地域協力を主な議題として取り上げ,各国の有識者を招いて二日間にわたる議論を行った。
本年1月に各国の専門家が集まった準備会合においては,中央アジア側から,域内の水資源の
配分についての課題が説明されたほか,灌漑設備の更新や観測網の整備の必要性が示された。
"""


def test_a_sentence_ending_at_the_wrap_is_named_and_clause_starts_splits_it():
    doc = parse_document(WRAPPED, "ja")
    assert len(doc.clauses) == 1
    warned = [w for w in doc.warnings if "full width" in w]
    assert [w.line for w in warned] == [6]
    corrected = parse_document(WRAPPED, "ja", ParseHints(clause_starts=frozenset({6})))
    assert [c.text[:4] for c in corrected.clauses] == ["我が国は", "本年1月"]
    assert not [w for w in corrected.warnings if "full width" in w]


def test_the_furniture_a_warning_proposes_answers_it():
    """The lines a warning says may be links to other pages, set aside as it proposes: the
    text ends on its last sentence and nothing is warned of them."""
    from pathlib import Path

    source = (Path(__file__).parent / "texts" / "en_news_related_headlines_after.txt").read_text(
        encoding="utf-8"
    )
    doc = parse_document(source, "en")
    proposed = next(w for w in doc.warnings if "other pages" in w)
    lines = [int(n) for n in re.search(r"furniture = \[([\d, ]+)\]", proposed).group(1).split(",")]
    corrected = parse_document(source, "en", ParseHints(furniture=frozenset(lines)))
    assert [c.text for c in corrected.clauses][-1].endswith("the northern district.")
    assert not [w for w in corrected.warnings if "other pages" in w or "truncated" in w]
