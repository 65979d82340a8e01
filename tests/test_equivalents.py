"""The archive's own translations of a term: ranked from its aligned clause pairs, found both
ways, with the cases the pairs cannot decide said so; on the fixtures' language pair and on a
made-up parallel corpus (written here, under tests, never into fixtures/)."""

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def answer(client, term: str) -> dict:
    response = client.get("/api/terms/equivalents", {"q": term})
    assert response.status_code == 200
    return response.json()


# On the fixtures' pair (33 aligned clauses), each of these occurs in the same two pairs on
# both sides and in no other, and nothing else does.
DECIDED = [("energy", "エネルギー"), ("United Nations", "国連"), ("investment", "投資")]


@pytest.mark.parametrize(("english", "japanese"), DECIDED)
def test_the_real_equivalent_comes_first_both_ways(client, seeded, english, japanese):
    forth, back = answer(client, english), answer(client, japanese)
    assert forth["decided"] and forth["equivalents"][0]["text"] == japanese
    assert back["decided"] and back["equivalents"][0]["text"].casefold() == english.casefold()
    first = forth["equivalents"][0]
    assert (first["pairs"], first["found"], first["dice"]) == (2, 2, 1.0)
    assert forth["equivalents"][1]["dice"] < 1.0
    assert first["first_year"] == first["last_year"] == 2025
    assert len(first["examples"]) == 2
    assert all(english.split()[0].casefold()[:5] in e["term"]["text"].casefold()
               for e in first["examples"])  # fmt: skip


def test_rule_of_law_comes_first_both_ways_but_its_tie_is_said(client, seeded):
    """法の支配 is in the same two pairs as rule of law and in no other, but so is
    中央アジア地域 (and, the other way, Central Asian): co-occurrence cannot part them, and
    the answer must not pretend it can. Their parts can: 中央 leads elsewhere to Central and
    地域 to region, while 法 and 支配 lead to rule of law, so 法の支配 is listed first."""
    forth = answer(client, "rule of law")
    assert not forth["decided"] and forth["tied"] == ["法の支配", "中央アジア地域"]
    assert [e["parts_agree"] for e in forth["equivalents"][:2]] == [1.0, 0.0]
    back = answer(client, "法の支配")
    assert not back["decided"] and back["tied"][0] == "rule of law"
    assert back["equivalents"][0]["parts_agree"] > back["equivalents"][1]["parts_agree"]
    assert all(e["parts_agree"] is None for e in answer(client, "energy")["equivalents"])
    html = client.get("/terms/", {"q": "rule of law"}).content.decode()
    assert "cannot decide" in html and "not a finding" in html and "(parts 1.00)" in html
    assert "The pairs decide" not in html


def test_a_term_in_a_single_pair_is_never_presented_as_a_finding(client, seeded):
    found = answer(client, "terrorism")
    assert found["pairs"] == 1 and not found["decided"]
    assert all(e["pairs"] == 1 for e in found["equivalents"])
    html = client.get("/terms/", {"q": "terrorism"}).content.decode()
    assert "single aligned pair" in html and "not a finding" in html
    assert "テロ" in html and "1 / 1" in html  # how many pairs support each candidate


def test_a_term_without_pairs_or_without_a_query_gets_a_sentence(client, seeded):
    assert answer(client, "penguin")["pairs"] == 0
    assert "no equivalent to show" in client.get("/terms/", {"q": "penguin"}).content.decode()
    for params in ({}, {"q": ""}, {"q": "energy", "year": "0"}):
        response = client.get("/api/terms/equivalents", params)
        assert response.status_code == 400 and response.json()["error"]
    assert client.get("/terms/").status_code == 200


# -- A made-up parallel corpus ----------------------------------------------------------------

YEARS = [2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022, 2024, 2025]


# The first two paragraphs say their term three ways each, so that no other word of them
# follows the term everywhere; the sixth uses the words around it (地域, 強化, 協力) elsewhere.
_CONNECTIVITY = [
    ("双方は、地域の{}の強化について一致した。", "Both sides agreed on strengthening regional {}."),
    ("双方は、{}の向上に向けた協力を確認した。", "Both sides confirmed cooperation to improve {}."),
    ("双方は、両国間の{}を重視した。", "Both sides attached importance to {} between them."),
]
_HUMAN_RESOURCES = [
    ("双方は、人材育成における協力を歓迎した。", "Both sides welcomed cooperation in {}."),
    ("日本は、エネルギー分野の人材育成を推進する。", "Japan will promote {} in the energy sector."),
    ("日本は、人材育成への支援を継続する。", "Japan will continue its support for {}."),
]


def _version(language: str, year: int) -> str:
    """A made-up statement: connectivity is 連結性 up to 2014 and コネクティビティ after;
    human resource development is always the compound 人材育成, whose parts also occur
    apart (中小企業の育成, 人材の交流)."""
    ja, en = _CONNECTIVITY[YEARS.index(year) % 3]
    people_ja, people_en = _HUMAN_RESOURCES[YEARS.index(year) % 3]
    rendering = "コネクティビティ" if year >= 2016 else "連結性"
    paragraphs = {
        "ja": [
            ja.format(rendering),
            people_ja,
            "双方は、中小企業の育成を支援することで一致した。",
            "双方は、人材の交流を促進することを確認した。",
            f"双方は、第{year - 2000}回合同委員会の開催を歓迎した。",
            "双方は、地域の安定について意見を交換し、協力の強化を確認した。",
        ],
        "en": [
            en.format("connectivity"),
            people_en.format("human resource development"),
            "Both sides agreed to support the development of small businesses.",
            "Both sides confirmed that they would promote exchanges of people.",
            f"Both sides welcomed the holding of the Joint Committee in {year}.",
            "Both sides exchanged views on regional stability and confirmed stronger cooperation.",
        ],
    }[language]
    head = (
        ["**日本国と架空国の共同声明**", "", f"{year}年5月1日"]
        if language == "ja"
        else ["**Joint Statement between Japan and Fictland**", "", f"May 1, {year}"]
    )
    body = [f"{number}. {text}" for number, text in enumerate(paragraphs, 1)]
    return "\n\n".join(["\n".join(head), *body]) + "\n"


@pytest.fixture
def made_up_pairs(seeded, tmp_path, scratch_index, django_capture_on_commit_callbacks):
    return import_made_up_pairs(tmp_path, django_capture_on_commit_callbacks)


def import_made_up_pairs(tmp_path, django_capture_on_commit_callbacks):
    folder = tmp_path / "made-up-pairs"
    folder.mkdir()
    entries = []
    for year in YEARS:
        for language in ("ja", "en"):
            name = f"fictland-{year}-{language}.txt"
            (folder / name).write_text(_version(language, year), encoding="utf-8")
            entries.append(
                f'[[document]]\nfile = "{name}"\nslug = "{year}-japan-fictland-joint-statement"\n'
                f'language = "{language}"\nkind = "joint-statement"\n'
                + ('translation_of = "en"\n' if language == "ja" else "")
            )
    (folder / "manifest.toml").write_text("\n".join(entries), encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_documents", str(folder), stdout=io.StringIO(), stderr=io.StringIO())
    return folder


def test_a_candidates_count_follows_the_archive_after_an_import(
    client, seeded, tmp_path, scratch_index, django_capture_on_commit_callbacks
):
    """A candidate's count over the archive's aligned clauses is kept while the index does not
    change, and counted again once an import changes it."""

    def cooperation() -> dict:
        return {e["text"]: e for e in answer(client, "cooperation")["equivalents"]}

    before = cooperation()["双方"]
    assert answer(client, "cooperation") == answer(client, "cooperation")
    import_made_up_pairs(tmp_path, django_capture_on_commit_callbacks)
    # Each made-up Japanese version has 双方 in four clauses, at most two of them beside
    # cooperation: the count comes from the whole archive, not from the term's pairs.
    assert cooperation()["双方"]["found"] >= before["found"] + 4 * len(YEARS)


def test_a_compound_noun_is_one_equivalent_ranked_above_its_parts(client, made_up_pairs):
    found = answer(client, "human resource development")
    texts = [e["text"] for e in found["equivalents"]]
    assert found["decided"] and texts[0] == "人材育成"
    assert found["equivalents"][0]["pairs"] == len(YEARS)
    for part in ("人材", "育成"):  # each also stands apart, in other pairs
        assert part not in texts or texts.index(part) > 0
    back = answer(client, "人材育成")
    assert back["decided"] and back["equivalents"][0]["text"] == "human resource development"


def test_the_rendering_is_shown_changing_over_time(client, made_up_pairs):
    found = answer(client, "connectivity")
    first, second = found["equivalents"][:2]
    assert found["decided"] and (first["text"], second["text"]) == ("コネクティビティ", "連結性")
    assert set(first["years"]) == {"2016", "2018", "2020", "2022", "2024", "2025"}
    # 連結性 up to 2014 here, and in the fixtures' 2025 pair.
    assert set(second["years"]) == {"2008", "2010", "2012", "2014", "2025"}
    html = client.get("/terms/", {"q": "connectivity"}).content.decode()
    assert "year by year" in html
    for rendering in ("連結性", "コネクティビティ"):
        assert answer(client, rendering)["equivalents"][0]["text"] == "connectivity"


def test_a_term_in_more_pairs_than_are_read_is_judged_from_a_share_of_them(
    client, made_up_pairs, monkeypatch
):
    """Past MAX_PAIRS the pairs read stand for all of the term's: the equivalent's strength
    is estimated from its share of them, not deflated by the pairs left unread."""
    monkeypatch.setattr("search.equivalents.MAX_PAIRS", 6)
    found = answer(client, "human resource development")
    assert (found["pairs"], found["read"]) == (len(YEARS) + 1, 6)  # and the fixtures' one
    first, second = found["equivalents"][:2]
    assert found["decided"] and first["text"] == "人材育成"
    # Unscaled, 5 or 6 pairs of the 6 read against all 11 would give at most 0.57.
    assert first["dice"] > 0.8 and second["dice"] < first["dice"]
    html = client.get("/terms/", {"q": "human resource development"}).content.decode()
    assert "drawn from 6 of them, spread evenly" in html


@pytest.mark.parametrize(("name", "value"), [("FLOOR", 0.95), ("MARGIN", 0.2)])
def test_a_first_candidate_without_a_clear_lead_is_not_a_finding(
    client, seeded, monkeypatch, name, value
):
    """cooperation → 協力 (Dice 0.92, 0.16 ahead of 双方) is a finding; raise the floor above
    its strength, or the margin above its lead, and the page must stop calling it one."""
    assert answer(client, "cooperation")["decided"]
    monkeypatch.setattr(f"search.equivalents.{name}", value)
    found = answer(client, "cooperation")
    assert not found["decided"] and found["equivalents"][0]["text"] == "協力"
    html = client.get("/terms/", {"q": "cooperation"}).content.decode()
    assert "No candidate stands clearly ahead" in html and "The pairs decide" not in html


def test_finding_equivalents_never_reads_the_versions_source_files(client, seeded):
    """Each pair's clause comes with its version's row; the source file (megabytes for a long
    text) must stay behind, or every look-up reads it once per clause."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert answer(client, "cooperation")["decided"]
    assert queries and not [q["sql"] for q in queries if "source_bytes" in q["sql"]]
