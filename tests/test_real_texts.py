"""The real development corpus: tests/real_sources.toml holds facts, never text, and the
scoring command counts texts right, pairs aligned, silent failures and false alarms honestly.

The real texts are not in the repository; the command is tested here on invented texts whose
facts are written in the test, so every count it reports can be checked."""

import io
import re
import tomllib
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from archive.ingest.sources import KINDS

REAL_SOURCES = Path(__file__).resolve().parent / "real_sources.toml"
TEXTS = Path(__file__).resolve().parent / "texts"
# A run of Japanese this long, or this many English words in a row, would be a sentence copied.
JAPANESE_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]{12,}")
ENGLISH_RUN = re.compile(r"(?:[A-Za-z']+[ ,]+){14,}")


def real_sources() -> list[dict]:
    return tomllib.loads(REAL_SOURCES.read_text(encoding="utf-8"))["text"]


def test_the_real_corpus_has_at_least_forty_texts_of_both_languages_and_every_decade():
    texts = real_sources()
    assert len(texts) >= 40
    assert {t["language"] for t in texts} == {"ja", "en"}
    years = {(t.get("date") or t.get("date_range", [None])[0]).year for t in texts if "date" in t}
    assert {y // 10 * 10 for y in years} >= {2000, 2010, 2020}
    pairs = [
        w for w in {t.get("work") for t in texts} if sum(t.get("work") == w for t in texts) == 2
    ]
    assert len(pairs) >= 5


def test_every_real_source_is_described_by_facts_a_scorer_can_read():
    for facts in real_sources():
        name = facts["file"]
        assert re.fullmatch(r"[a-z]-\d\d-(ja|en)-[a-z0-9-]+\.txt", name), name
        assert facts["language"] == name.split("-")[2], name
        assert facts["genre"] in KINDS, name
        assert facts["source"] in ("ministry-page", "embassy-page", "database", "pdf"), name
        assert facts["url"].startswith(("https://", "http://")), name
        lines = facts.get("title_lines", []) + facts.get("furniture_lines", [])
        lines += [n for n, *_ in facts.get("sections", []) + facts.get("clauses", [])]
        assert all(isinstance(n, int) and n >= 1 for n in lines), name
        assert facts["clauses"], f"{name}: a text has at least one clause"
        assert 0 <= facts.get("preamble", 0) <= len(facts["clauses"]), name


def test_real_sources_hold_facts_and_no_sentence_of_any_text():
    for facts in real_sources():
        for key, value in facts.items():
            if key == "url" or not isinstance(value, str):
                continue
            assert not JAPANESE_RUN.search(value), f"{facts['file']} {key}: {value!r}"
            # Notes describe a layout in our own English; any other field is a label.
            if key != "notes":
                assert not ENGLISH_RUN.search(value), f"{facts['file']} {key}: {value!r}"


# --- The scoring command, on invented texts ---------------------------------------------------

RIGHT = """\
[[text]]
file = "{name}"
url = "https://example.org/invented"
language = "ja"
genre = "joint-statement"
date = 2031-09-14
place = "Tashkent"
title_lines = [8]
subtitle_lines = [9]
furniture_lines = [1, 2, 3, 4, 5]
sections = [[18, "1.", 1]]
clauses = [[15, ""], [16, ""], [20, "(1)"], [21, "(2)"], [22, "(3)"]]
preamble = 2
"""
NAME = "ja_site_menus_numbered_heading_no_space.txt"

# An invented pair: the English is the original, the Japanese its translation.
PAIR = {
    "x-01-en-pair.txt": "Joint Statement\nTokyo, May 2, 2031\n1. Both sides agreed to meet "
    "every year.\n2. Both sides welcomed the new air route between Tokyo and Almaty.\n",
    "x-02-ja-pair.txt": "共同声明（仮訳）\n2031年5月2日、東京\n"
    "1．双方は、毎年会合を開くことで一致した。\n"
    "2．双方は、東京とアルマティを結ぶ新たな航空路線を歓迎した。\n",
}
PAIR_FACTS = """\
[[text]]
file = "x-01-en-pair.txt"
url = "https://example.org/invented-en"
language = "en"
genre = "joint-statement"
date = 2031-05-02
place = "Tokyo"
title_lines = [1]
clauses = [[3, "1."], [4, "2."]]
work = "invented-pair"

[[text]]
# The Japanese version: the English version's facts with its own file, url and pairs.
file = "x-02-ja-pair.txt"
url = "https://example.org/invented-ja"
language = "ja"
genre = "joint-statement"
date = 2031-05-02
place = "Tokyo"
title_lines = [1]
clauses = [[3, "1."], [4, "2."]]
work = "invented-pair"
pairs = [[{ja}, {en}], [4, 4]]
"""


def score(folder: Path, facts: str, *options) -> str:
    path = folder / "facts.toml"
    path.write_text(facts, encoding="utf-8")
    out = io.StringIO()
    call_command("score_real_texts", str(folder), "--facts", str(path), *options, stdout=out)
    return out.getvalue()


@pytest.fixture
def folder(tmp_path):
    (tmp_path / NAME).write_text((TEXTS / NAME).read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


@pytest.mark.django_db
def test_a_text_read_as_the_archivist_reads_it_is_counted_right(folder):
    report = score(folder, RIGHT.format(name=NAME))
    assert "1 of 1 right (100%)" in report
    assert "0 silent failures" in report


@pytest.mark.django_db
def test_a_wrong_reading_with_no_warning_near_it_is_a_silent_failure(folder):
    # The archivist here says line 22 is a heading: the parser reads a clause and says nothing.
    facts = RIGHT.format(name=NAME).replace(
        'sections = [[18, "1.", 1]]', 'sections = [[18, "1.", 1], [22, "(3)", 2]]'
    )
    facts = facts.replace(', [22, "(3)"]]', "]")
    report = score(folder, facts)
    assert "0 of 1 right" in report
    assert "1 silent failures" in report
    assert re.search(r"SILENT\s+" + re.escape(NAME), report)


@pytest.mark.django_db
def test_a_wrong_reading_the_parser_warns_of_is_not_silent(tmp_path):
    name = "ja_category_captions_no_title.txt"
    (tmp_path / name).write_text((TEXTS / name).read_text(encoding="utf-8"), encoding="utf-8")
    facts = (
        f'[[text]]\nfile = "{name}"\nurl = "https://example.org/x"\nlanguage = "ja"\n'
        'genre = "press-release"\ndate = 2031-06-02\nplace = ""\ntitle_lines = [1]\n'
        'furniture_lines = [5, 6]\nsections = [[10, "1", 1], [14, "2", 1]]\n'
        'clauses = [[8, ""], [12, ""], [16, ""]]\npreamble = 1\n'
    )
    report = score(tmp_path, facts)
    assert "0 of 1 right" in report
    assert "0 silent failures" in report
    assert re.search(r"warned\s+" + name, report)


@pytest.mark.django_db
def test_held_out_texts_are_scored_only_when_asked_and_apart(folder):
    facts = RIGHT.format(name=NAME) + "held_out = true\n"
    assert "Development texts: 0 of 0 right" in score(folder, facts)
    report = score(folder, facts, "--held-out")
    assert "Held-out texts: 1 of 1 right" in report


@pytest.mark.django_db
def test_the_pairs_the_archivist_matched_share_a_row(tmp_path):
    for name, text in PAIR.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert "1 of 1 pairs aligned" in score(tmp_path, PAIR_FACTS.format(ja=3, en=3))
    misaligned = score(tmp_path, PAIR_FACTS.format(ja=3, en=4))
    assert "0 of 1 pairs aligned" in misaligned
    assert "MISALIGNED" in misaligned


@pytest.mark.django_db
def test_a_text_saved_twice_under_two_names_is_scored_once(folder):
    copy = "y-01-ja-copy.txt"
    (folder / copy).write_bytes((folder / NAME).read_bytes())
    facts = RIGHT.format(name=NAME) + "\n" + RIGHT.format(name=copy)
    report = score(folder, facts)
    assert "1 of 1 right" in report
    assert f"Not scored: {copy} is byte for byte {NAME}, scored once." in report


@pytest.mark.django_db
def test_a_text_with_no_facts_yet_is_named_and_not_scored(folder):
    (folder / "z-01-ja-unread.txt").write_text("未読の文書\n本文。\n", encoding="utf-8")
    report = score(folder, RIGHT.format(name=NAME))
    assert "Not scored (no facts written yet): z-01-ja-unread.txt" in report


def test_a_missing_folder_is_refused_with_the_way_to_fix_it(tmp_path):
    with pytest.raises(CommandError, match="is not a folder; gather the real texts"):
        call_command("score_real_texts", str(tmp_path / "absent"), stdout=io.StringIO())
