"""Recurring language and comparisons: on the real fixtures, where the GOSAT
clause recurs in three texts and the Turkmenistan and Kyrgyz statements share two clauses and
reword about ten, and on made-up texts in tests/texts_recurring/ for English and for imports."""

import io
import re
from html import unescape

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from archive.models import Clause, Document, Recurrence, SketchEntry
from archive.research import recurring
from archive.research.comparison import compare
from search.analysis import fold_for_match
from tests.utils import KYRGYZ, MADE_UP, TOKYO_DECLARATION, TURKMENISTAN, import_made_up, squeezed

pytestmark = pytest.mark.django_db


def clause(slug, language, label):
    return Clause.objects.select_related("document__work").get(
        document__work__slug=slug, document__language=language, label=label
    )


def links_of(c):
    return {
        (r.other.document.work.slug, r.other.label): r.similarity
        for r in Recurrence.objects.filter(clause=c).select_related("other__document__work")
    }


def page(client, url, status=200, **headers):
    response = client.get(url, **headers)
    assert response.status_code == status, (url, response.status_code)
    return unescape(response.content.decode())


# 1. Detection


def test_the_gosat_clause_is_linked_in_all_three_texts_that_say_it(seeded):
    turkmenistan = clause(TURKMENISTAN, "ja", "15")
    assert links_of(turkmenistan) == {
        (KYRGYZ, "14"): pytest.approx(1.0),
        (TOKYO_DECLARATION, "17"): pytest.approx(0.65, abs=0.05),
    }
    # Stored from both sides: the declaration's clause knows both bilateral statements.
    assert set(links_of(clause(TOKYO_DECLARATION, "ja", "17"))) == {
        (TURKMENISTAN, "15"),
        (KYRGYZ, "14"),
    }


def test_the_two_bilateral_statements_share_exactly_two_clauses_near_verbatim(seeded):
    shared = Recurrence.objects.filter(
        clause__document__work__slug=TURKMENISTAN,
        other__document__work__slug=KYRGYZ,
        similarity__gte=recurring.SHARED,
    )
    pairs = sorted(shared.values_list("clause__label", "other__label"))
    assert pairs == [("14", "17"), ("15", "14")]


def test_a_version_is_not_linked_to_its_own_translation_or_itself(seeded):
    assert not Recurrence.objects.filter(
        clause__document__work_id=models_work_id(TURKMENISTAN),
        other__document__work_id=models_work_id(TURKMENISTAN),
    ).exists()
    assert (
        not Recurrence.objects.filter(clause__document__language="ja")
        .exclude(other__document__language="ja")
        .exists()
    )


def models_work_id(slug):
    return Document.objects.filter(work__slug=slug).values_list("work_id", flat=True).first()


def test_shingles_fold_width_and_punctuation_but_not_words():
    same = recurring.text_similarity(
        "人工知能（AI）協力のための日本", "人工知能(AI)協力のための日本", "ja"
    )
    assert same == 1.0
    assert recurring.text_similarity(
        "The Sides welcomed the 1st meeting.", "the sides WELCOMED the 1st meeting", "en"
    ) == pytest.approx(1.0)
    assert recurring.text_similarity("双方は協力を歓迎した。", "首脳は制裁を非難した。", "ja") < 0.3


def test_english_texts_are_linked_by_words_and_an_import_adds_only_its_own_links(seeded):
    untouched = set(Recurrence.objects.values_list("pk", "clause_id", "other_id", "similarity"))
    import_made_up()
    first = clause("test-2019-climate-dialogue", "en", "1")
    assert links_of(first) == {
        ("test-2023-climate-dialogue", "1"): pytest.approx(0.92, abs=0.05),
        (TURKMENISTAN, "15"): pytest.approx(0.73, abs=0.05),  # the release's English
    }
    # "hold the next meeting of the Dialogue in …" recurs under another number.
    assert set(links_of(clause("test-2019-climate-dialogue", "en", "2"))) == {
        ("test-2023-climate-dialogue", "3")
    }
    assert links_of(clause("test-2019-climate-dialogue", "en", "3")) == {}
    # The Japanese test text joins the GOSAT formula of the fixtures.
    assert (TOKYO_DECLARATION, "17") in links_of(clause("test-2024-gosat-dialogue", "ja", "1"))
    # Links between texts the import did not touch are the same rows as before.
    assert untouched <= set(
        Recurrence.objects.values_list("pk", "clause_id", "other_id", "similarity")
    )


def test_changing_a_text_recomputes_its_links_and_removing_a_clause_removes_them(seeded, tmp_path):
    import_made_up()
    folder = tmp_path / "made-up"
    folder.mkdir()
    for path in MADE_UP.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    text = (folder / "en_2023_climate.txt").read_text(encoding="utf-8")
    start = text.index("1. Both sides welcomed")
    end = text.index("\n\n2.")
    reworded = text[:start] + "1. The Sides discussed fisheries in the Aral Sea basin." + text[end:]
    (folder / "en_2023_climate.txt").write_text(reworded, encoding="utf-8")
    call_command("import_documents", str(folder), stdout=io.StringIO(), stderr=io.StringIO())
    assert set(links_of(clause("test-2019-climate-dialogue", "en", "1"))) == {(TURKMENISTAN, "15")}
    assert set(links_of(clause("test-2019-climate-dialogue", "en", "2"))) == {
        ("test-2023-climate-dialogue", "3")
    }


def test_find_recurring_recomputes_every_link_to_the_same_result(seeded):
    before = set(Recurrence.objects.values_list("clause_id", "other_id"))
    out = io.StringIO()
    call_command("find_recurring", stdout=out)
    assert set(Recurrence.objects.values_list("clause_id", "other_id")) == before
    assert f"{len(before) // 2} pairs of clauses that recur" in out.getvalue()


@given(st.text(max_size=60), st.text(max_size=60), st.sampled_from(["ja", "en"]))
def test_a_diff_spells_both_texts_exactly(before, after, language):
    pieces = recurring.diff(before, after, language)
    assert "".join(t for op, t in pieces if op != "removed") == after
    spelled_before = "".join(t for op, t in pieces if op != "added")
    assert recurring.folded(spelled_before) == recurring.folded(before)


def test_an_english_diff_marks_whole_words_and_a_japanese_one_characters():
    pieces = recurring.diff(
        "The Sides welcomed the progress.", "The Sides welcomed the further progress.", "en"
    )
    assert ("added", "further ") in pieces
    pieces = recurring.diff("首脳は、協力を歓迎した。", "双方は、協力を歓迎した。", "ja")
    assert pieces[:2] == [("removed", "首脳"), ("added", "双方")]


def test_a_diff_of_long_clauses_is_bounded_and_still_spells_both_texts():
    sentence = "双方は、地域の連結性を強化し、持続可能な開発に向けた協力を推進することで一致した。"
    before = sentence * 200  # 8,400 characters: 70 million character pairs
    after = (sentence * 100) + sentence.replace("協力", "連携") + (sentence * 99)
    pieces = recurring.diff(before, after, "ja")
    assert "".join(text for op, text in pieces if op != "removed") == after
    assert "".join(text for op, text in pieces if op != "added") == before
    changed = sorted(text for op, text in pieces if op != "same")
    assert changed == sorted([sentence, sentence.replace("協力", "連携")])  # whole sentences
    english = "The Sides agreed to strengthen cooperation. " * 600
    pieces = recurring.diff(english, english.replace("agreed", "decided"), "en")
    assert "".join(t for op, t in pieces if op != "removed") == english.replace("agreed", "decided")
    # A short pair is still compared word by word.
    assert ("added", " further") in recurring.diff("the progress.", "the further progress.", "en")


# 1. Pages and API


def test_the_clause_page_says_where_else_it_was_said_with_what_changed(client, seeded):
    html = page(client, f"/documents/{TURKMENISTAN}/ja/15/", HTTP_ACCEPT_LANGUAGE="en")
    section = html[html.index('id="recurring"') :]
    section = section[: section.index("</section>")]
    assert "Also said in" in section
    assert f'href="/documents/{TOKYO_DECLARATION}/ja/17/"' in section
    assert f'href="/documents/{KYRGYZ}/ja/14/"' in section
    assert "65% the same" in section
    kyrgyz = section.split(f'href="/documents/{KYRGYZ}/ja/14/"')[1].split("</li>")[0]
    assert "identical" in kyrgyz or "punctuation or spacing differs" in kyrgyz
    # The declaration says 首脳 (the leaders) where this clause says 双方 (both sides).
    assert "双方" in section.split("<del>")[1].split("</del>")[0]
    assert "首脳" in section.split("<ins>")[1].split("</ins>")[0]


@pytest.mark.parametrize("path", ["/recurring/", f"/documents/{TURKMENISTAN}/ja/15/"])
def test_a_likeness_never_says_the_same_above_a_diff_that_shows_a_change(client, seeded, path):
    html = page(client, path, HTTP_ACCEPT_LANGUAGE="en")
    echoes = re.findall(
        r'<span class="similarity">(.*?)</span>.*?<p class="diff"[^>]*>(.*?)</p>', html, re.S
    )
    assert echoes
    for label, diff in echoes:
        changed = "<ins>" in diff or "<del>" in diff
        assert "100%" not in label
        assert (label == "identical") == (not changed), (label, diff[:200])


def test_the_clause_page_in_japanese_names_the_section_in_japanese(client, seeded):
    html = page(client, f"/documents/{TURKMENISTAN}/ja/15/", HTTP_ACCEPT_LANGUAGE="ja")
    assert "他の文書でも述べられた表現" in html
    assert "2025年12月20日" in html[html.index('id="recurring"') :]


def test_a_clause_said_nowhere_else_has_no_recurring_section(client, seeded):
    html = page(client, f"/documents/{TURKMENISTAN}/ja/2/")
    assert 'id="recurring"' not in html


def test_the_document_page_marks_the_clauses_that_recur(client, seeded):
    html = page(client, f"/documents/{TURKMENISTAN}/ja/", HTTP_ACCEPT_LANGUAGE="en")
    gosat = html[html.index('id="c15"') : html.index('id="c16"')]
    assert "Said nearly the same in 2 other texts" in gosat
    assert f'href="/documents/{TURKMENISTAN}/ja/15/#recurring"' in gosat
    unique = html[html.index('id="c2"') : html.index('id="c3"')]
    assert "Said nearly the same" not in unique


def test_the_document_page_offers_to_compare_with_the_most_similar_texts(client, seeded):
    html = page(client, f"/documents/{TURKMENISTAN}/ja/", HTTP_ACCEPT_LANGUAGE="en")
    similar = html[html.index('id="similar-heading"') :]
    similar = similar[: similar.index("</nav>")]
    assert f"b={KYRGYZ}/ja" in similar and "2 clauses in common" in similar
    assert f"b={TOKYO_DECLARATION}/ja" in similar and "1 clause in common" in similar
    assert similar.index(KYRGYZ) < similar.index(TOKYO_DECLARATION)


def test_recurring_page_lists_the_gosat_formula_with_its_history(client, seeded):
    html = page(client, "/recurring/", HTTP_ACCEPT_LANGUAGE="en")
    formulas = html.split('<li class="formula">')[1:]
    assert "Said in 3 texts" in formulas[0]
    for slug, label in ((TOKYO_DECLARATION, "17"), (KYRGYZ, "14"), (TURKMENISTAN, "15")):
        assert f'href="/documents/{slug}/ja/{label}/"' in formulas[0]
    assert "First said" in formulas[0] and "Last said" in formulas[0]
    # Each formula once: the GOSAT clauses do not start formulas of their own.
    assert sum("GOSAT" in f for f in formulas) == 1


def test_recurring_page_orders_history_oldest_first_and_filters(client, seeded):
    import_made_up()
    html = page(client, "/recurring/?lang=en", HTTP_ACCEPT_LANGUAGE="en")
    formula = next(f for f in squeezed(html).split('<li class="formula">')[1:] if "GOSAT" in f)
    assert formula.index("2019-03-01") < formula.index("2023-06-09")
    assert "Said in 3 texts, 3 wordings" in formula and "<ins>" in formula
    only_kyrgyz = page(client, "/recurring/?country=KG", HTTP_ACCEPT_LANGUAGE="en")
    assert TURKMENISTAN not in only_kyrgyz  # Turkmenistan is not a party to the filter's texts
    assert f'href="/documents/{KYRGYZ}/ja/14/"' in only_kyrgyz


def test_clause_and_document_pages_cost_the_same_queries_with_more_recurrences(
    client, seeded, django_assert_max_num_queries
):
    url = f"/documents/{TURKMENISTAN}/ja/15/"
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    import_made_up()  # one more text says the GOSAT clause
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(url)


# 2. Compare


def test_comparing_the_two_bilateral_statements_lists_shared_and_reworded_clauses(seeded):
    a = Document.objects.get(work__slug=TURKMENISTAN, language="ja")
    b = Document.objects.get(work__slug=KYRGYZ, language="ja")
    comparison = compare(a, b)
    pairs = {(p.a.label, p.b.label): p for p in comparison.pairs if p.a and p.b}
    shared = sorted(k for k, p in pairs.items() if p.kind == "shared")
    assert shared == [("14", "17"), ("15", "14")]
    # Pairs a quarter to a third alike share a subject in other words; none is called
    # reworded, which needs the words that recurring language needs.
    related = {k for k, p in pairs.items() if p.kind == "related"}
    assert 8 <= len(related) <= 12
    assert {("1", "1"), ("28", "19"), ("29", "21"), ("4", "12")} <= related
    assert all(p.similarity < recurring.RECURS for p in pairs.values() if p.kind == "related")
    assert all(p.similarity >= recurring.RECURS for p in pairs.values() if p.kind == "reworded")
    counts = comparison.counts
    paired = counts["shared"] + counts["reworded"] + counts["related"]
    assert paired + counts["only_a"] == a.clauses.count()
    assert paired + counts["only_b"] == b.clauses.count()
    # Each clause only in B follows the row of the B clause printed before it.
    row_of = {p.b.sequence: n for n, p in enumerate(comparison.pairs) if p.b}
    for n, p in enumerate(comparison.pairs):
        earlier = [seq for seq in row_of if seq < p.b.sequence] if p.kind == "only-b" else []
        assert not earlier or row_of[max(earlier)] < n


def test_compare_page_shows_counts_and_the_diff_of_each_reworded_clause(client, seeded):
    url = f"/compare/?a={TURKMENISTAN}/ja&b={KYRGYZ}/ja"
    html = page(client, url, HTTP_ACCEPT_LANGUAGE="en")
    assert "2 shared (nearly the same words)</a>" in html
    rows = html.split('<tr class="pair ')[1:]
    shared = [r for r in rows if r.startswith("shared")]
    assert len(shared) == 2 and any("GOSAT" in r for r in shared)
    related = [r for r in rows if r.startswith("related")]
    assert related and all("same subject" in r and "<ins>" not in r for r in related)
    url = f"/compare/?a={TOKYO_DECLARATION}/ja&b={KYRGYZ}/ja"
    rows = page(client, url, HTTP_ACCEPT_LANGUAGE="en").split('<tr class="pair ')[1:]
    reworded = [r for r in rows if r.startswith("reworded")]
    assert reworded and all("<ins>" in r or "<del>" in r for r in reworded)


@pytest.mark.parametrize("kind", ["shared", "related", "only-a", "only-b"])
def test_compare_shows_only_the_clauses_of_the_kind_asked_for(client, seeded, kind):
    url = f"/compare/?a={TURKMENISTAN}/ja&b={KYRGYZ}/ja"
    everything = page(client, url, HTTP_ACCEPT_LANGUAGE="en").split('<tr class="pair ')[1:]
    html = page(client, f"{url}&kind={kind}", HTTP_ACCEPT_LANGUAGE="en")
    rows = html.split('<tr class="pair ')[1:]
    assert rows and all(r.startswith(kind + '"') for r in rows)
    assert len(rows) == sum(r.startswith(kind + '"') for r in everything)
    assert '<strong aria-current="true">' in html
    assert f"{len(everything)} all clauses</a>" in html  # the way back to every pair


def test_compare_explains_what_is_wrong_with_its_question(client, seeded):
    cases = {
        f"/compare/?b={KYRGYZ}/ja": "Choose a text to compare",
        "/compare/?a=no-such-text/ja": "There is no text “no-such-text/ja”",
        f"/compare/?a={TURKMENISTAN}/ja&b={TURKMENISTAN}/en": "same language",
        f"/compare/?a={TURKMENISTAN}/ja&b={TURKMENISTAN}/ja": "two different texts",
    }
    for url, message in cases.items():
        assert message in page(client, url, status=400, HTTP_ACCEPT_LANGUAGE="en")


def test_compare_without_a_question_explains_how_to_ask(client, seeded):
    html = page(client, "/compare/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Compare with…" in html and 'name="a"' in html and 'name="b"' in html


def test_compare_with_only_one_text_lists_the_most_similar_ones(client, seeded):
    html = page(client, f"/compare/?a={TURKMENISTAN}/ja", HTTP_ACCEPT_LANGUAGE="en")
    assert f"b={KYRGYZ}/ja" in html and f"b={TOKYO_DECLARATION}/ja" in html


def test_the_recurring_api_lists_a_clauses_echoes_oldest_first_with_diffs(client, seeded):
    response = client.get(f"/api/documents/{TURKMENISTAN}/ja/15/recurring")
    assert response.status_code == 200
    body = response.json()
    assert body["clause"] == {
        "work": TURKMENISTAN,
        "language": "ja",
        "label": "15",
        "url": f"/documents/{TURKMENISTAN}/ja/15/",
    }
    assert body["total"] == 2
    by_work = {item["work"]: item for item in body["recurring"]}
    assert by_work[KYRGYZ]["label"] == "14" and by_work[KYRGYZ]["similarity"] == 1.0
    declaration = by_work[TOKYO_DECLARATION]
    assert declaration["url"] == f"/documents/{TOKYO_DECLARATION}/ja/17/"
    assert (
        "".join(p["text"] for p in declaration["diff"] if p["op"] != "removed")
        == (declaration["text"])
    )
    assert "GOSAT" in response.content.decode()  # readable JSON, not \\u escapes
    assert "首脳" in response.content.decode()


def test_the_recurring_api_answers_json_404s(client, seeded):
    for url in (
        f"/api/documents/{TURKMENISTAN}/ja/999/recurring",
        f"/api/documents/{TURKMENISTAN}/ru/15/recurring",
        "/api/documents/no-such-text/ja/1/recurring",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["status"] == 404 and response.json()["error"]


def test_an_edit_in_the_admin_recomputes_the_links_of_its_document(seeded, admin_client):
    edited = clause(KYRGYZ, "ja", "14")
    address = f"/admin/archive/clause/{edited.pk}/change/"
    form = admin_client.get(address).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data["text"] = "双方は、試験のために置き換えたこの文について意見を交換した。"
    response = admin_client.post(address, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert links_of(clause(TURKMENISTAN, "ja", "15")) == {
        (TOKYO_DECLARATION, "17"): pytest.approx(0.65, abs=0.05)
    }
    # The counts the document page and /recurring/ read follow, on both sides.
    assert clause(TURKMENISTAN, "ja", "15").recurrences_count == 1
    assert clause(KYRGYZ, "ja", "14").recurrences_count == 0


def test_every_clause_counts_its_stored_links(seeded):
    import_made_up()
    counted = dict(
        Clause.objects.filter(recurrences_count__gt=0).values_list("pk", "recurrences_count")
    )
    stored = {}
    for pk in Recurrence.objects.values_list("clause_id", flat=True):
        stored[pk] = stored.get(pk, 0) + 1
    assert counted == stored and stored


def test_a_clause_keeps_only_its_most_similar_links(seeded, monkeypatch):
    monkeypatch.setattr(recurring, "KEPT", 1)
    import_made_up()  # the GOSAT clause of the Tokyo Declaration now recurs in 3 other texts
    declaration = links_of(clause(TOKYO_DECLARATION, "ja", "17"))
    # The most similar is kept: the made-up 2024 text (0.70), not the 2025 statements (0.65).
    assert list(declaration) == [("test-2024-gosat-dialogue", "1")]
    assert all(n <= 1 for n in Clause.objects.values_list("recurrences_count", flat=True))


def test_recurring_language_and_search_fold_variant_kanji_alike():
    # 002 prints 互惠 and 強靱 where the other texts print 互恵 and 強靭: search finds both
    # spellings with either, and recurring language takes them for the same words too.
    printed = "互惠的な協力を通じて強靱な経済を築く"
    common = "互恵的な協力を通じて強靭な経済を築く"
    assert fold_for_match(printed) == fold_for_match(common)
    assert recurring.shingles(printed, "ja") == recurring.shingles(common, "ja")
    assert recurring.text_similarity(printed, common, "ja") == 1.0


def test_an_import_reads_its_own_clauses_and_their_candidates_never_the_whole_language(
    seeded, monkeypatch
):
    read = []
    shingles = recurring.shingles

    def reading(text, language):
        read.append(text)
        return shingles(text, language)

    monkeypatch.setattr(recurring, "shingles", reading)
    before = set(Clause.objects.values_list("pk", flat=True))
    import_made_up()
    new = Clause.objects.exclude(pk__in=before)
    values = set(SketchEntry.objects.filter(clause__in=new).values_list("value", flat=True))
    sharing = Clause.objects.filter(
        pk__in=SketchEntry.objects.filter(value__in=values).values("clause")
    )
    allowed = set(sharing.values_list("text", flat=True))
    every = set(Clause.objects.values_list("text", flat=True))
    assert set(read) <= allowed < every  # (the old way read every clause of the language)
    # And what it read was enough: the new English text found its echo in the fixtures.
    assert (TURKMENISTAN, "15") in links_of(clause("test-2019-climate-dialogue", "en", "1"))


def test_check_archive_restores_lost_sketches_so_new_texts_meet_the_old_again(seeded):
    declaration = Document.objects.get(work__slug=TOKYO_DECLARATION, language="ja")
    SketchEntry.objects.filter(document_id=declaration.pk).delete()
    out = io.StringIO()
    with pytest.raises(CommandError, match="check_archive --repair"):
        call_command("check_archive", stdout=out)
    assert "1 document(s) without sketches" in out.getvalue()
    call_command("check_archive", "--repair", stdout=io.StringIO())
    assert recurring.unsketched() == []
    import_made_up()
    assert (TOKYO_DECLARATION, "17") in links_of(clause("test-2024-gosat-dialogue", "ja", "1"))


def test_without_its_sketches_an_old_text_is_not_found_by_a_new_one(seeded):
    # The other side of the test above: the stored sketches are what an import reads.
    declarations = Document.objects.filter(work__slug=TOKYO_DECLARATION).values("pk")
    SketchEntry.objects.filter(document_id__in=declarations).delete()
    import_made_up()
    assert (TOKYO_DECLARATION, "17") not in links_of(clause("test-2024-gosat-dialogue", "ja", "1"))


def test_the_recurring_page_costs_the_same_queries_however_many_formulas_it_shows(client, seeded):
    from django.core.cache import cache

    def cold_queries():
        cache.clear()  # the formulas are kept per generation: count the page that finds them
        with CaptureQueriesContext(connection) as queries:
            html = page(client, "/recurring/")
        return len(queries.captured_queries), html.count('class="formula"')

    before, shown_before = cold_queries()
    import_made_up()  # the climate dialogue's sentences and the GOSAT clause recur more
    after, shown_after = cold_queries()
    assert shown_after > shown_before
    assert after == before <= 10
