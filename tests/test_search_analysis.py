"""Search analysis, query parsing and snippets: pure Python with the real MeCab, no Django."""

import os
import pickle
import re
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import pytest
from whoosh import query as wq
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage

from search.analysis import (
    PAIR_SEPARATOR,
    BilingualTokenizer,
    analyze_alternatives,
    analyze_spans,
    analyze_terms,
    bilingual_analyzer,
    fold_for_match,
    indexing_analyzer,
    normalize,
    pair_term,
)
from search.highlight import highlight, mark_spans
from search.query import MAX_QUERY_LENGTH, parse_query
from tests.seeds import FILES
from tests.seeds import FIXTURES as SEEDS

FIXTURES = sorted(SEEDS / name for name in FILES.values())


def fixture_text(prefix: str) -> str:
    (path,) = [path for path in FIXTURES if path.name.startswith(prefix)]
    return path.read_text(encoding="utf-8")


def paragraph_with(prefix: str, needle: str) -> str:
    return next(part for part in fixture_text(prefix).split("\n\n") if needle in part)


def phrase(fieldname: str, words: list[str]) -> wq.Query:
    """What a phrase becomes: the AND of its adjacent pairs, each an indexed term."""
    pairs = [wq.Term(fieldname, pair_term(a, b)) for a, b in pairwise(words)]
    return pairs[0] if len(pairs) == 1 else wq.And(pairs)


def phrase_words(query: wq.Query) -> list[str]:
    """The words of a phrase query, read back from its pair terms."""
    pairs = [leaf.text.split(PAIR_SEPARATOR) for leaf in leaves(query)]
    return [pairs[0][0]] + [second for _, second in pairs]


def first_alternative(query: wq.Query) -> wq.Query:
    return query.subqueries[0] if isinstance(query, wq.Or) else query


def leaves(query: wq.Query) -> list[wq.Query]:
    """The Term and Phrase queries inside ``query``."""
    if isinstance(query, wq.Term | wq.Phrase):
        return [query]
    return [leaf for child in query.children() for leaf in leaves(child)]


def marked(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", html, flags=re.S)


# --- analysis ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("ＯＤＡ", "ODA"),
        ("oda", "ODA"),
        ("２０１７", "2017"),
        ("ＧＯＳＡＴ協力", "GOSAT協力"),
        ("ネット・ゼロ", "ネットゼロ"),
        ("ネット･ゼロ", "ネットゼロ"),
        ("カシム＝ジョマルト", "カシムジョマルト"),
        ("カシム=ジョマルト", "カシムジョマルト"),
        ("カシム゠ジョマルト", "カシムジョマルト"),
        ("互惠的協力", "互恵的協力"),
        ("強靱化", "強靭化"),
        ("日本語敎育", "日本語教育"),
        ("ｶﾞｽ", "ガス"),
        ("ﾊﾟｰﾄﾅｰｼｯﾌﾟ", "パートナーシップ"),
        ("温室効果ガス　排出", "温室効果ガス 排出"),
        ("Greenhouse Gases", "greenhouse gas"),
    ],
)
def test_variant_spellings_are_indexed_as_the_same_tokens(typed, printed):
    assert analyze_terms(typed) == analyze_terms(printed)


# Folding with offsets: a table shaped like the variant spellings above, on other data.
@pytest.mark.parametrize(
    ("text", "folded", "offsets"),
    [
        ("ＯＤＡ", "oda", [0, 1, 2]),
        ("２０１７年", "2017年", [0, 1, 2, 3, 4]),
        ("ｶﾞｽ", "ガス", [0, 2]),
        ("ネット・ゼロ", "ネットゼロ", [0, 1, 2, 4, 5]),
        ("a\u3000b", "a b", [0, 1, 2]),
        ("㍻", "平成", [0, 0]),
    ],
)
def test_normalize_reports_where_each_folded_character_came_from(text, folded, offsets):
    assert normalize(text) == (folded, offsets)


@pytest.mark.parametrize("text", ["大阪・関西万博", "日・トルクメニスタン", "a=b", "GOSAT・ODA"])
def test_dots_and_equals_outside_katakana_still_separate_words(text):
    assert normalize(text)[0] == text.lower()


def test_positions_are_consecutive_across_japanese_and_english():
    text = "GOSAT協力とODA、温室効果ガス (ammonia)"
    positions = [t.pos for t in BilingualTokenizer()(text, positions=True, start_pos=3)]
    assert positions == list(range(3, 3 + len(analyze_terms(text))))


def test_offsets_point_into_the_original_text_even_for_repeated_tokens():
    text = "ｶﾞｽとＯＤＡ、ガス。ネット・ゼロ ガス"
    spans = [(t.text, t.startchar, t.endchar) for t in BilingualTokenizer()(text, chars=True)]
    assert spans == [
        ("ガス", 0, 3),
        ("と", 3, 4),
        ("oda", 4, 7),
        ("ガス", 8, 10),
        ("ネット", 11, 14),
        ("ゼロ", 15, 17),
        ("ガス", 18, 20),
    ]


def test_start_char_shifts_offsets_and_tokenize_false_keeps_the_value_whole():
    tokenizer = BilingualTokenizer()
    assert [(t.startchar, t.endchar) for t in tokenizer("ガス", chars=True, start_char=10)] == [
        (10, 12)
    ]
    (whole,) = tokenizer("ＯＤＡ 協力", tokenize=False, chars=True, positions=True)
    assert (whole.text, whole.pos, whole.startchar, whole.endchar) == ("oda 協力", 0, 0, 6)


def test_english_is_stemmed_and_japanese_left_alone():
    assert analyze_terms("running gases 温室効果ガス") == ["run", "gas", "温室", "効果", "ガス"]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda path: path.name[:3])
def test_every_fixture_tokenizes_with_true_positions_and_offsets(path):
    text = path.read_text(encoding="utf-8")
    tokens = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in BilingualTokenizer()(text, positions=True, chars=True)
    ]
    assert len(tokens) > 500
    assert [pos for _text, pos, _s, _e in tokens] == list(range(len(tokens)))
    for token, _pos, start, end in tokens:
        assert normalize(text[start:end])[0] == token
    starts = [start for _t, _p, start, _e in tokens]
    assert starts == sorted(set(starts))


def test_analyzer_survives_a_pickle_round_trip_after_use():
    analyzer = bilingual_analyzer()
    before = [t.text for t in analyzer("互惠的協力とＯＤＡ")]
    restored = pickle.loads(pickle.dumps(analyzer))
    assert restored == analyzer
    assert before == ["互恵", "的", "協力", "と", "oda"]
    assert [t.text for t in restored("互惠的協力とＯＤＡ")] == before


def test_one_analyzer_can_be_used_from_several_threads():
    analyzer = bilingual_analyzer()
    texts = [fixture_text(path.name[:3]) for path in FIXTURES] * 2
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda text: [t.text for t in analyzer(text)], texts))
    assert results == [analyze_terms(text) for text in texts]


QUERY_WORDS = ["温室効果ガス", "カスピ海", "テロ", "ネットゼロ", "互恵", "強靭", "GOSAT", "ODA"]


def token_runs_at(word: str) -> list[tuple[str, list[str]]]:
    """For every occurrence of ``word`` in the fixtures: the indexed tokens that spell it."""
    folded_word = normalize(word)[0]
    runs = []
    for path in FIXTURES:
        text = path.read_text(encoding="utf-8")
        folded, offsets = normalize(text)
        tokens = analyze_spans(text)
        for match in re.finditer(re.escape(folded_word), folded):
            start = offsets[match.start()]
            end = offsets[match.end()] if match.end() < len(folded) else len(text)
            found = [token for token, s, _e in tokens if start <= s < end]
            runs.append((path.name[:3], found))
    return runs


@pytest.mark.parametrize("word", QUERY_WORDS)
def test_query_words_appear_as_consecutive_tokens_wherever_the_fixtures_use_them(word):
    runs = token_runs_at(word)
    assert runs, f"{word} should occur in the fixtures"
    assert all(found == analyze_terms(word) for _file, found in runs), runs


@pytest.mark.parametrize("word", ["枠内", "非核化", "十分"])
def test_words_mecab_splits_differently_in_context_are_matched_by_an_alternative(word):
    # 枠内 alone is one token but 枠/内 in 枠内における; 十分 alone is 十/分 but one token in
    # 十分に. Indexing keeps MeCab's best split; a query also tries its next-best splits.
    runs = token_runs_at(word)
    assert any(found != analyze_terms(word) for _file, found in runs), runs
    alternatives = analyze_alternatives(word)
    assert alternatives[0] == analyze_terms(word)
    assert all(found in alternatives for _file, found in runs), (runs, alternatives)


def test_alternatives_spell_the_same_characters_as_the_word():
    for word in [*QUERY_WORDS, "枠内", "非核化", "十分", "中央アジア", "GOSAT協力"]:
        best = "".join(analyze_terms(word))
        assert all("".join(alternative) == best for alternative in analyze_alternatives(word))


class _PrivateRamStorage(RamStorage):
    """Whoosh's writer spills to a folder named after the index (/tmp/MAIN.tmp) that two test
    processes would share and delete under each other; each index here gets its own."""

    def temp_storage(self, name=None):
        return super().temp_storage(f"{os.getpid()}-{id(self)}-{name or 'ram.tmp'}")


@pytest.fixture(scope="module")
def paragraph_index():
    """Every fixture paragraph in a Whoosh index in memory, with the real analyzer."""
    analyzer = indexing_analyzer()
    schema = Schema(key=ID(stored=True), text=TEXT(analyzer=analyzer, stored=True))
    index = _PrivateRamStorage().create_index(schema)  # pickles the schema and analyzer
    writer = index.writer()
    for path in FIXTURES:
        for number, paragraph in enumerate(path.read_text(encoding="utf-8").split("\n\n")):
            writer.add_document(key=f"{path.name[:3]}-{number}", text=paragraph)
    writer.commit()
    return index


def found_keys(index, raw: str) -> set[str]:
    with index.searcher() as searcher:
        query = parse_query(raw, substrings=False).query  # this index has no n-gram field
        return {hit["key"] for hit in searcher.search(query, limit=None)}


def keys_containing(index, *spellings: str) -> set[str]:
    with index.searcher() as searcher:
        return {
            stored["key"]
            for stored in searcher.all_stored_fields()
            if any(normalize(s)[0] in normalize(stored["text"])[0] for s in spellings)
        }


@pytest.mark.parametrize(
    ("raw", "spellings"),
    [
        ("温室効果ガス", ["温室効果ガス"]),
        ("ネットゼロ", ["ネットゼロ", "ネット・ゼロ"]),
        ("強靭", ["強靭", "強靱"]),
        ("互恵", ["互恵", "互惠"]),
        ("ＯＤＡ", ["ODA"]),
        ("カスピ海", ["カスピ海"]),
        ("枠内", ["枠内"]),
        ("非核化", ["非核化"]),
        ("十分", ["十分"]),
        ('"greenhouse gas"', ["greenhouse gas"]),
    ],
)
def test_search_finds_exactly_the_paragraphs_containing_the_word(paragraph_index, raw, spellings):
    expected = keys_containing(paragraph_index, *spellings)
    assert expected
    assert found_keys(paragraph_index, raw) == expected


def test_a_phrase_does_not_match_its_words_apart():
    schema = Schema(key=ID(stored=True), text=TEXT(analyzer=indexing_analyzer()))
    index = RamStorage().create_index(schema)
    with index.writer() as writer:
        writer.add_document(key="together", text="温室効果ガスの排出量を削減する。")
        writer.add_document(key="apart", text="温室の効果を高め、ガスを削減する。")
        writer.add_document(key="reversed", text="ガス効果温室という順の語。")
        writer.add_document(key="english", text="the energy of a transition")
    assert found_keys(index, "温室効果ガス") == {"together"}
    assert found_keys(index, '"energy transition"') == set()
    assert found_keys(index, "温室 効果 ガス") == {"together", "apart", "reversed"}


def test_and_or_and_exclusion_select_the_expected_paragraphs(paragraph_index):
    gas = found_keys(paragraph_index, "ガス")
    greenhouse = found_keys(paragraph_index, "温室")
    oil = found_keys(paragraph_index, "石油")
    assert found_keys(paragraph_index, "ガス 温室") == gas & greenhouse
    assert found_keys(paragraph_index, "ガス OR 石油") == gas | oil
    assert found_keys(paragraph_index, "ガス -温室") == gas - greenhouse
    assert found_keys(paragraph_index, "ガス NOT 温室") == gas - greenhouse


# --- query parsing -------------------------------------------------------------------------


def test_a_word_the_analyzer_splits_is_searched_as_a_phrase():
    parsed = parse_query("温室効果ガス", substrings=False)
    assert isinstance(parsed.query, wq.Or)
    assert parsed.query.subqueries[0] == phrase("text", ["温室", "効果", "ガス"])
    # Every alternative segmentation spells the same characters, adjacent and in order.
    assert {"".join(phrase_words(alt)) for alt in parsed.query.subqueries} == {"温室効果ガス"}


def test_separate_words_must_all_match():
    parsed = parse_query("ガス 温室")
    assert isinstance(parsed.query, wq.And)
    assert [leaves(child)[0] for child in parsed.query.subqueries] == [
        wq.Term("text", "ガス"),
        wq.Term("text", "温室"),
    ]


def test_mixed_script_word_is_a_phrase():
    assert first_alternative(parse_query("GOSAT協力").query) == phrase("text", ["gosat", "協力"])


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ('"energy transition"', ["energi", "transit"]),
        ('"カスピ海 ルート"', ["カスピ", "海", "ルート"]),
        ("＂ネット・ゼロ＂", ["ネット", "ゼロ"]),
        ("“Central Asia”", ["central", "asia"]),
    ],
)
def test_quoted_text_is_a_phrase(raw, words):
    assert first_alternative(parse_query(raw).query) == phrase("text", words)


def test_or_exclusion_and_grouping():
    either = parse_query("テロ OR 犯罪").query
    assert isinstance(either, wq.Or)
    assert {leaves(child)[0].text for child in either.subqueries} == {"テロ", "犯罪"}

    excluded = parse_query("ガス -石油").query
    assert isinstance(excluded, wq.And)
    wanted, unwanted = excluded.subqueries
    assert leaves(wanted)[0] == wq.Term("text", "ガス")
    assert isinstance(unwanted, wq.Not) and leaves(unwanted.query)[0] == wq.Term("text", "石油")
    assert parse_query("ガス NOT 石油").query == excluded

    grouped = parse_query("(ガス OR 石油) 輸送").query
    assert isinstance(grouped, wq.And)
    assert isinstance(grouped.subqueries[0], wq.Or)
    # OR binds tighter than the implied AND, as in web search engines.
    assert parse_query("輸送 ガス OR 石油").query == wq.And(grouped.subqueries[::-1])


def test_field_prefixes_use_the_aliases_and_unknown_prefixes_are_text():
    assert {leaf.fieldname for leaf in leaves(parse_query("title:エネルギー").query)} == {"title"}
    assert parse_query('section:"net zero"').query == phrase("section", ["net", "zero"])
    assert parse_query("foo:bar", substrings=False).query == phrase("text", ["foo", "bar"])
    aliased = parse_query("heading:ガス", field_aliases={"heading": "section"})
    assert {leaf.fieldname for leaf in leaves(aliased.query)} == {"section"}
    grouped = parse_query("title:(ガス OR 石油) ODA", substrings=False).query
    assert {leaf.fieldname for leaf in leaves(grouped.subqueries[0])} == {"title"}
    assert {leaf.fieldname for leaf in leaves(grouped.subqueries[1])} == {"text"}


def test_several_default_fields_match_a_word_in_any_of_them():
    parsed = parse_query("ODA", fields=("text", "title"), substrings=False)
    assert parsed.query == wq.Or([wq.Term("text", "oda"), wq.Term("title", "oda")])


# What a query shows as typed: a table shaped like the others of this module, on other data.
@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("（ガス　ＯＲ　石油）", "(ガス OR 石油)"),
        ("ガス　温室", "ガス 温室"),
        ("ＯＤＡ　２０１７", "ODA 2017"),
        ("ガス\x00\x07 温室", "ガス 温室"),
    ],
)
def test_full_width_and_control_characters_read_like_plain_ascii(typed, plain):
    assert parse_query(typed) == parse_query(plain)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("  ＯＤＡ　２０１７ ", "ODA 2017"),
        ('"カスピ海 ルート" OR テロ', '"カスピ海 ルート" OR テロ'),
        ('"unclosed phrase', "unclosed phrase"),
        ("(ガス OR 石油", "ガス OR 石油"),
        ("a OR OR b", "a OR b"),
        ("title:(ガス OR 石油) -coal", "title:ガス OR title:石油 -coal"),
        ("!!! ガス", "ガス"),
        ("(a b) OR c", "(a b) OR c"),
    ],
)
def test_normalized_shows_what_was_actually_searched(raw, normalized):
    assert parse_query(raw).normalized == normalized


def test_highlight_terms_are_whole_phrases_and_never_exclusions():
    terms = parse_query('温室効果ガス -石油 "Ministry of Foreign Affairs"').highlight_terms
    assert "温室 効果 ガス" in terms and "ministri of foreign affair" in terms
    assert not {"温室", "効果", "ガス", "foreign", "of", "石油"} & terms


HOSTILE = [
    ('"unclosed', True, "was not closed"),
    ('ガス "温室 効果', True, 'Put a closing "'),
    ('"', False, 'A lone "'),
    ('""', False, "nothing to search"),
    ("(ガス", True, "A ( was not closed"),
    ("ガス)", True, "no matching ("),
    (")(", False, "nothing to search"),
    ("((((((((((ガス", True, "A ( was not closed"),
    ("ガス))))))))", True, "no matching ("),
    ("()", False, "Empty parentheses"),
    ("OR", False, "A lone OR"),
    ("AND", False, "A lone AND"),
    ("NOT", False, "A lone NOT"),
    ("-", False, "A lone -"),
    ("ガス OR", True, "A lone OR"),
    ("OR ガス", True, "A lone OR"),
    ("ガス AND", True, "A lone AND"),
    ("ガス -", True, "A lone -"),
    ("NOT NOT NOT", False, "A lone NOT"),
    ("- - -", False, "A lone -"),
    ("-ガス", False, "Add at least one word"),
    ("NOT ガス", False, "Add at least one word"),
    ("-ガス -石油", False, "Add at least one word"),
    ("ガス OR -石油", True, "exclusion on its own"),
    ("*", False, "Only a * at the end of a word"),
    ("?", False, "Only a * at the end of a word"),
    ("ガス*", True, None),
    ("ガ*ス", True, "Only a * at the end of a word"),
    ("ener?y", True, "Only a * at the end of a word"),
    ("!!!", False, "Left out “!!!”"),
    ("、。・", False, "Left out"),
    ("<script>alert(1)</script>", True, None),
    ("' OR 1=1 --", True, None),
    ("%s %(x)s {0} \\", True, None),
    ("title:", False, "needs a word right after the colon"),
    ('title:"', False, "needs a word right after the colon"),
    ("title:()", False, "Empty parentheses"),
    ("title:title:ガス", True, None),
    ("x" * 2100, True, f"only the first {MAX_QUERY_LENGTH}"),
    ("ガス " * 1000, True, f"only the first {MAX_QUERY_LENGTH}"),
    ("\x00\x1b[31m", True, None),
    ("ガ\u200bス", True, None),
    ("\ud800ガス", True, None),
    ("\u3000\u3000", False, None),
    ("", False, None),
    ("\n\t", False, None),
    ("ＮＯＴ　ガス　ＯＲ", False, "A lone OR"),
]


@pytest.mark.parametrize(("raw", "searchable", "notice"), HOSTILE)
def test_malformed_or_hostile_queries_never_raise_and_explain_repairs(raw, searchable, notice):
    parsed = parse_query(raw)
    assert (parsed.query is not None) is searchable
    assert len(parsed.normalized) <= MAX_QUERY_LENGTH
    assert all(isinstance(sentence, str) and sentence.endswith(".") for sentence in parsed.notices)
    if notice:
        assert any(notice in sentence for sentence in parsed.notices), parsed.notices
    if not raw.strip():
        assert parsed.notices == []


def test_markup_in_a_query_is_searched_as_its_words():
    parsed = parse_query("<script>alert(1)</script>")
    words = {w for leaf in leaves(parsed.query) for w in leaf.text.split(PAIR_SEPARATOR)}
    assert words == {"1", "script", "alert"}


# --- highlighting --------------------------------------------------------------------------


def test_phrase_is_marked_exactly_and_as_one_mark_in_a_real_sentence():
    sentence = paragraph_with("000", "温室効果ガス排出量")
    html = highlight(sentence, parse_query("温室効果ガス").highlight_terms, width=1000)
    assert marked(html) == ["温室効果ガス", "温室効果ガス"]
    assert re.sub(r"</?mark>", "", html) == sentence


def test_stemmed_english_word_is_marked_with_its_original_case():
    terms = parse_query("ammonia").highlight_terms
    assert marked(highlight(paragraph_with("001", "gasoline and ammonia"), terms)) == ["ammonia"]
    assert marked(highlight(paragraph_with("001", "Ammonia Urea"), terms)) == ["Ammonia"]


@pytest.mark.parametrize(
    ("text", "raw", "marks"),
    [
        ("温室効果ガスの削減", "温室効果ガス", ["温室効果ガス"]),
        ("reduce greenhouse gases now", '"greenhouse gas"', ["greenhouse gases"]),
        ("首脳は、ネット・ゼロ目標に", "ネットゼロ", ["ネット・ゼロ"]),
        ("ＯＤＡ借款とODA", "oda", ["ＯＤＡ", "ODA"]),
        ("２０１７年", "2017", ["２０１７"]),
        ("互惠的協力", "互恵", ["互惠"]),
        ("「対話」の枠内における", "枠内", ["枠内"]),
        ("現実を十分に反映する", "十分", ["十分"]),
        ("テロ、暴力的過激主義", "テロ 過激", ["テロ", "過激"]),
    ],
)
def test_marks_cover_the_original_characters_of_matched_words(text, raw, marks):
    assert marked(highlight(text, parse_query(raw).highlight_terms)) == marks


def test_mark_spans_are_offsets_into_the_original_text():
    text = "ガス、ＯＤＡ、ガス"
    assert mark_spans(text, {"ガス", "oda"}) == [(0, 2), (3, 6), (7, 9)]


def test_text_is_escaped_before_marks_are_added():
    html = highlight("<script>alert('x')</script> & ODA", {"oda", "script"})
    assert html == (
        "&lt;<mark>script</mark>&gt;alert(&#x27;x&#x27;)&lt;/<mark>script</mark>&gt; "
        "&amp; <mark>ODA</mark>"
    )


def test_long_text_gives_a_window_around_the_best_match_with_ellipses():
    text = fixture_text("002")
    html = highlight(text, parse_query("温室効果ガス").highlight_terms, width=80)
    assert html.startswith("…") and html.endswith("…")
    assert marked(html)[0] == "温室効果ガス"
    plain = re.sub(r"</?mark>", "", html).strip("…")
    assert len(plain) <= 80
    assert plain in text


def test_window_prefers_the_whole_phrase_over_a_stray_word_of_it():
    text = "天然ガスの輸送について。" + "関係のない文。" * 40 + "温室効果ガスの削減。"
    html = highlight(text, parse_query("温室効果ガス").highlight_terms, width=40)
    assert "<mark>温室効果ガス</mark>" in html


def test_without_a_match_the_snippet_is_the_escaped_start_of_the_text():
    text = "A & B. " * 100
    html = highlight(text, {"nothing"}, width=50)
    assert html.startswith("A &amp; B.") and html.endswith("…")
    assert "<mark>" not in html


def test_short_text_is_returned_whole():
    assert highlight("ガスと石油", {"ガス"}) == "<mark>ガス</mark>と石油"


@pytest.mark.parametrize(
    "text",
    [fixture_text(path.name[:3]) for path in FIXTURES]
    + ["ｶﾞｽ ㍻ ネット・ゼロ ア・・イ Ｘ＝Ｙ 互惠 強靱\u3000\n\t GOSAT", "ﾈｯﾄ･ｾﾞﾛ ﬁ ＡＢＣ"],
)
def test_the_fold_search_checks_texts_with_equals_the_indexing_fold(text):
    assert fold_for_match(text) == re.sub(r"\s+", " ", normalize(text)[0])


def test_the_archives_writer_records_the_same_lengths_as_whooshs(tmp_path):
    """The writer that reads each field's lengths once gives every term the same shortest and
    longest document as Whoosh's own writer, through a commit that merges segments too."""
    from whoosh import index as whoosh_index
    from whoosh.writing import SegmentWriter

    from search.backend import _Writer

    schema = Schema(id=ID(stored=True), text=TEXT, title=TEXT)
    words = [
        "connectivity",
        "energy",
        "water",
        "trade",
        "culture",
        "region",
        "dialogue",
        "partnership",
    ]
    stats = {}
    for name, writer_class in (("stock", SegmentWriter), ("archive", _Writer)):
        (tmp_path / name).mkdir()
        index = whoosh_index.create_in(tmp_path / name, schema)
        for batch in range(3):  # three commits: the last merges every segment into its own
            writer = writer_class(index)
            for n in range(40):
                body = " ".join(words[: 1 + (n * 7 + batch) % len(words)] * (1 + n % 5))
                writer.add_document(id=f"{batch}-{n}", text=body, title=words[n % len(words)])
            writer.commit(optimize=batch == 2)
        with index.searcher() as searcher:
            reader = searcher.reader()
            stats[name] = {
                (field, term): (info.min_length(), info.max_length(), info.doc_frequency())
                for field in ("text", "title")
                for term in reader.field_terms(field)
                for info in [reader.term_info(field, term)]
            }
    assert stats["archive"] == stats["stock"]
    assert len(stats["stock"]) >= len(words)
