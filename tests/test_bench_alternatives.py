"""The benchmark's alternatives (stock haystack Whoosh, SQLite FTS5 trigram) on real seed sentences.

No database: the alternatives index bare (id, text) rows in tmp_path.
"""

from pathlib import Path

import pytest

from bench.alternatives import Fts5Trigram, StockWhoosh, compare, haystack_query_string

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def paragraph(filename: str, marker: str) -> str:
    """The first paragraph (block between blank lines) of a seed text containing ``marker``."""
    text = (FIXTURES / filename).read_text(encoding="utf-8")
    return next(block.strip() for block in text.split("\n\n") if marker in block)


JA, EN = "000_8de714b2e908a213.txt", "001_a145850f4f38ab17.txt"
# Same clause in both languages gets ids n (ja) and 100 + n (en).
ROWS = {
    1: paragraph(JA, "アンモニアやガソリン"),
    2: paragraph(JA, "温室効果ガス観測技術衛星"),
    3: paragraph(JA, "国際的な組織犯罪、テロ"),
    101: paragraph(EN, "gasoline and ammonia"),
    102: paragraph(EN, "(GOSAT)"),
    103: paragraph(EN, "terrorism"),
    104: paragraph(EN, "Ammonia Urea Plant"),
}


@pytest.fixture
def whoosh(tmp_path):
    index = StockWhoosh(tmp_path / "whoosh")
    assert index.add(ROWS.items()) >= 0
    return index


@pytest.fixture
def fts(tmp_path):
    index = Fts5Trigram(tmp_path / "fts.sqlite3")
    assert index.add(ROWS.items()) >= 0
    yield index
    index.close()


@pytest.mark.parametrize(
    "user_query",
    [
        "ammonia",
        "greenhouse gas",
        '"greenhouse gas" -ammonia',
        "U.S. AND co-operation",
        "温室効果ガス\u3000削減",
        "",
        'foo "foo"',
        "a:b (x) ~y",
    ],
)
def test_query_string_is_what_haystack_auto_query_builds(user_query):
    from haystack.query import SearchQuerySet

    expected = SearchQuerySet().auto_query(user_query).query.build_query()
    assert haystack_query_string(user_query) == expected


def test_stock_whoosh_stems_english(whoosh):
    assert set(whoosh.search("ammonia")) == {101, 104}
    assert set(whoosh.search("ammonias")) == {101, 104}  # Porter stem "ammonia"
    assert set(whoosh.search("welcoming")) == {101, 102, 103}  # all say "welcomed"
    assert set(whoosh.search("terrorism")) == {103}
    assert whoosh.search("terrorist") == []  # stems differ: "terrorist" vs "terror"
    assert set(whoosh.search('"greenhouse gas"')) == {102}
    assert whoosh.search("ammonia -urea") == [101]


def test_stock_whoosh_treats_unspaced_japanese_runs_as_single_tokens(whoosh):
    # The default RegexTokenizer cuts only at punctuation, so 温室効果ガス is buried inside the
    # tokens "…温室効果ガス排出量に関する…" and "温室効果ガス観測技術衛星": no hit.
    assert whoosh.search("温室効果ガス") == []
    assert whoosh.search("アンモニア") == []
    # A word that happens to sit between punctuation is a whole token and is found:
    # "国際的な組織犯罪、テロ、暴力的…" — but the テロ inside "…対テロ対策支援…" is not.
    assert whoosh.search("テロ") == [3]
    # ASCII inside full-width parentheses is its own token, lower-cased.
    assert set(whoosh.search("GOSAT")) == {2, 102}


def test_stock_whoosh_stopwords_and_empty_query(whoosh):
    assert whoosh.search("to") == []  # a stop word: Whoosh parses it to a null query
    # An empty auto_query becomes haystack's match-all "*": every document.
    assert set(whoosh.search("")) == set(ROWS)
    assert len(whoosh.search("", limit=2)) == 2


def test_fts5_trigram_finds_substrings_in_both_languages(fts):
    assert set(fts.search("GOSAT")) == {2, 102}
    assert fts.last_used_like_fallback is False
    assert set(fts.search("gosat")) == {2, 102}  # trigram folds case by default
    assert fts.search("温室効果ガス") == [2]
    assert set(fts.search("アンモニア")) == {1}
    assert set(fts.search("ammonia")) == {101, 104}
    # Substrings, not words: "terror" is inside "terrorism" and "counterterrorism".
    assert fts.search("terror") == [103]
    assert fts.search("ammonias") == []  # no stemming
    assert fts.search('"greenhouse gas"') == []  # the quotes are literal characters here


def test_fts5_short_terms_fall_back_to_like(fts):
    assert fts.search("テロ") == [3]
    assert fts.last_used_like_fallback is True
    # Mixed: MATCH for the long word, LIKE for the short one.
    assert fts.search("テロ 中央アジア") == [3]
    assert fts.last_used_like_fallback is True
    assert fts.search("%") == []  # LIKE wildcards are taken literally
    assert fts.search("") == []
    assert fts.last_used_like_fallback is False


def test_compare():
    assert compare({1, 2, 3, 4}, {3, 4, 5}) == {
        "hits": 3,
        "overlap": 2,
        "recall": 0.5,
        "precision": 2 / 3,
    }
    assert compare(set(), {1}) == {"hits": 1, "overlap": 0, "recall": None, "precision": 0.0}
    assert compare({1}, set()) == {"hits": 0, "overlap": 0, "recall": 0.0, "precision": None}
