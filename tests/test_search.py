"""Bilingual search over a real on-disk Whoosh index of the seed texts, with real MeCab."""

import csv
import io
import json
import re
import threading
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.test import override_settings
from whoosh import index as whoosh_index

from archive.models import Clause, Document
from search import indexing
from search.results import SearchRequest
from search.searching import search
from tests.utils import FILES, TURKMENISTAN, index_at, squeezed

pytestmark = pytest.mark.django_db
KEY = {name: key for key, name in FILES.items()}


def found(q, **filters):
    """{(fixture key, clause label)} of every hit for q."""
    request = SearchRequest(q=q, filters=tuple(filters.items()), per_page=1000)
    return {(KEY[h.clause.document.source_name], h.clause.label) for h in search(request).hits}


GOSAT = {("000", "15"), ("001", "15"), ("002", "17"), ("003", "14")}


def test_gosat_finds_exactly_the_gosat_clauses(seeded):
    assert found("GOSAT") == GOSAT


def test_a_japanese_compound_matches_only_as_a_phrase(seeded):
    japanese_gosat = {hit for hit in GOSAT if hit[0] != "001"}
    assert found("温室効果ガス") == japanese_gosat
    assert found('"温室効果ガス"') == japanese_gosat
    assert found("ガス 温室") >= japanese_gosat  # two words, AND: may find more, never fewer


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ODA", {("004", "3"), ("002", "10"), ("002", "25"), ("003", "7"), ("003", "11")}),
        ("ネットゼロ", {("000", "4"), ("002", "14"), ("002", "15")}),
        ("互恵", {("002", "2")}),  # printed 互惠
        ("強靭", {("002", "9"), ("002", "16")}),  # printed 強靱
        ("カスピ海", {("000", "12"), ("002", "25"), ("003", "7")}),
        ("テロ", {("000", "24"), ("002", "3"), ("002", "12"), ("003", "9"), ("004", "7")}),
    ],
)
def test_width_and_variant_forms_are_found_by_either_spelling(seeded, query, expected):
    assert found(query) >= expected


def test_full_width_year_matches_ascii_year(seeded):
    hits = found("2017")
    assert ("004", "14") in hits and ("004", "22") in hits  # printed ２０１７
    assert {key for key, _ in hits} == {"004"}


def test_testimony_of_variant_folding_in_the_printed_text(seeded):
    # The hits above are real folds, not coincidences: the printed forms differ from the query.
    declaration = Document.objects.get(source_name=FILES["002"])
    assert "互惠" in declaration.clauses.get(label="2").text
    assert "ネット・ゼロ" in declaration.clauses.get(label="14").text
    assert "ＯＤＡ" not in declaration.clauses.get(label="25").text
    statement = Document.objects.get(source_name=FILES["004"])
    assert "ＯＤＡ" in statement.clauses.get(label="3").text


def test_english_words_are_stemmed_and_phrases_work(seeded):
    assert ("001", "3") in found("energy transition")
    assert ("001", "3") in found('"energy transition"')
    assert found("ammonia") == {("001", "5"), ("001", "7")}
    assert found("gases") >= {("001", "15")}


def test_ammonia_hits_show_the_aligned_japanese_clauses(client, seeded):
    html = client.get("/search/", {"q": "ammonia"}).content.decode()
    japanese = Document.objects.get(work__slug=TURKMENISTAN, language="ja")
    for label in ("5", "7"):
        text = japanese.clauses.get(label=label).text
        assert text[:40] in html
    assert html.count('class="aligned" lang="ja"') == 2


def test_mixed_script_and_boolean_queries(seeded):
    assert found("GOSAT 協力") == {("000", "15"), ("002", "17"), ("003", "14")}
    assert found("ODA カスピ海") == {("002", "25"), ("003", "7")}
    assert found("GOSAT OR ammonia") == GOSAT | {("001", "5"), ("001", "7")}
    assert found("GOSAT -協力") == {("001", "15")}
    assert found("GOSAT NOT 協力") == {("001", "15")}
    assert found("(ammonia OR GOSAT) Paris") == {("001", "15")}


def test_field_prefixes_search_titles_and_section_headings(seeded):
    in_political = found('section:"Political field" terrorism')
    assert in_political == {("001", "24")}
    assert {key for key, _ in found("title:宣言 GOSAT")} == {"002"}


def test_search_within_one_document(seeded):
    request = SearchRequest(q="GOSAT", doc=TURKMENISTAN, per_page=50)
    assert {h.clause.document.work.slug for h in search(request).hits} == {TURKMENISTAN}


def test_filters_narrow_results_and_facet_counts_add_up(seeded):
    everything = search(SearchRequest(q="協力 OR cooperation", per_page=5))
    languages = dict(everything.facets["language"])
    assert sum(languages.values()) == everything.total
    assert sum(dict(everything.facets["year"]).values()) == everything.total
    english = search(SearchRequest(q="協力 OR cooperation", filters=(("language", "en"),)))
    assert english.total == languages["en"] < everything.total
    older = search(SearchRequest(q="協力 OR cooperation", filters=(("year", "2017"),)))
    assert older.total == dict(everything.facets["year"])["2017"]
    assert {h.clause.document.date.year for h in older.hits} == {2017}


def test_pagination_and_date_sort(client, seeded):
    first = search(SearchRequest(q="協力", per_page=10))
    second = search(SearchRequest(q="協力", per_page=10, page=2))
    assert first.total > 20 and len(first.hits) == 10
    assert not {h.clause.pk for h in first.hits} & {h.clause.pk for h in second.hits}
    oldest = search(SearchRequest(q="協力", sort="oldest", per_page=5))
    assert oldest.hits[0].clause.document.date.year == 2017
    html = client.get("/search/", {"q": "協力", "page": "2"}).content.decode()
    assert "Page 2 of" in html


def test_results_page_shows_each_hit_with_its_context(client, seeded):
    html = client.get("/search/", {"q": "GOSAT", "versions": "all"}).content.decode()
    assert "4 clauses match" in html
    assert f"/documents/{TURKMENISTAN}/en/?hl=gosat#c15" in html
    assert "<mark>GOSAT</mark>" in html
    assert "2025-12-20" in html and "Economic field" in html


def test_highlight_marks_exactly_the_matched_words(client, seeded):
    hits = client.get("/api/search", {"q": "温室効果ガス"}).json()["hits"]
    for hit in hits:
        marked = [part.split("</mark>")[0] for part in hit["snippet_html"].split("<mark>")[1:]]
        assert marked and set(marked) == {"温室効果ガス"}
    english = client.get("/api/search", {"q": "ammonia"}).json()["hits"]
    for hit in english:
        marked = [part.split("</mark>")[0] for part in hit["snippet_html"].split("<mark>")[1:]]
        assert {m.lower() for m in marked} == {"ammonia"}


def test_a_hit_asks_its_page_to_mark_the_forms_its_snippet_marked(client, seeded):
    html = client.get("/search/", {"q": "gases"}).content.decode()
    links = []
    results = html.split('<ol class="hits"')[1].split("</ol>")[0]
    for hit in results.split('<li class="hit">')[1:]:
        link = unquote(re.search(r'\?hl=([^"#]*)#', hit).group(1))
        snippet = re.search(r'<p class="snippet"[^>]*>(.*?)</p>', hit, re.S).group(1)
        marked = {m.lower() for m in re.findall(r"<mark>(.*?)</mark>", snippet)}
        assert set(link.split("|")) - {""} == marked
        links.append(link)
    assert links
    # The singular, found as a form of the word, is what its page is asked to mark.
    assert any("gas" in link.split("|") for link in links)


def test_a_misspelt_word_that_finds_nothing_gets_a_correction_that_does(client, seeded):
    html = squeezed(client.get("/search/", {"q": "conectivity"}).content.decode())
    assert "No clause matches “conectivity”" in html
    assert re.search(r'Did you mean\s*<a href="\?q=connectivity">connectivity</a> \(1\)', html)
    assert "Follow this search" not in html  # a misspelling is no search to follow
    japanese = client.get("/search/", {"q": "Turkmenistn"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert "もしかして" in japanese.content.decode()
    assert ">Turkmenistan</a>" in japanese.content.decode()
    # A word the archive does not hold, near no word it does, gets no correction.
    html = client.get("/search/", {"q": "Antarctica"}).content.decode()
    assert "Did you mean" not in html and "Follow this search" in html


def test_a_page_past_the_last_says_so_and_links_to_the_last(client, seeded):
    html = client.get("/search/", {"q": "テロ", "page": 99}).content.decode()
    total = int(re.search(r"(\d+) clauses? match", html).group(1))
    assert total and '<li class="hit">' not in html
    assert "Page 99 is past the end: these results end on page 1." in html
    assert 'href="?q=%E3%83%86%E3%83%AD&amp;page=1">Go to page 1</a>' in html


def test_a_wildcard_scoped_to_a_field_searches_that_field(seeded):
    def clauses(q):
        results = search(SearchRequest(q=q, per_page=200))
        return results, {hit.clause.pk for hit in results.hits}

    scoped, found = clauses("title:joint*")
    assert scoped.parsed.normalized == "title:joint*" and not scoped.notices
    assert found == clauses("title:joint")[1]  # the versions whose title says Joint …
    assert all("joint" in hit.clause.document.title.lower() for hit in scoped.hits)
    japanese, found = clauses("title:共同*")
    assert found and all("共同" in hit.clause.document.title for hit in japanese.hits)
    assert found != clauses("共同*")[1]  # not the clauses whose own words start so


def test_a_word_repeated_in_a_query_is_searched_once(seeded):
    once = search(SearchRequest(q="協力 GOSAT"))
    repeated = search(SearchRequest(q="協力 " * 100 + "GOSAT 協力"))
    assert repeated.parsed.normalized == "協力 GOSAT" == once.parsed.normalized
    assert [h.clause.pk for h in repeated.hits] == [h.clause.pk for h in once.hits]
    assert search(SearchRequest(q="テロ OR 犯罪 OR テロ")).parsed.normalized == "テロ OR 犯罪"


def test_nothing_found_page_says_what_was_searched_and_how_to_broaden(client, seeded):
    html = client.get("/search/", {"q": "Antarctica", "lang": "ja"}).content.decode()
    assert "No clause matches “Antarctica”" in html
    assert "without the filters" in html


def test_exports_contain_all_results_not_only_one_page(client, seeded):
    total = search(SearchRequest(q="協力")).total
    response = client.get("/search/export.csv", {"q": "協力", "page": "2"})
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[0][:4] == ["Document", "Text slug", "Language", "Date"]
    assert len(rows) - 1 == total > 20
    data = json.loads(client.get("/search/export.json", {"q": "GOSAT"}).getvalue())
    assert data["total"] == 4 and {r["Clause"] for r in data["results"]} == {"15", "17", "14"}


def test_search_api_returns_total_facets_and_hits(client, seeded):
    data = client.get("/api/search", {"q": "GOSAT", "lang": "ja"}).json()
    assert data["total"] == 3
    assert data["facets"]["language"] == {"ja": 3}
    hit = data["hits"][0]
    assert {"slug", "language", "label", "url", "snippet", "score"} <= hit.keys()
    assert hit["url"].endswith(f"/{hit['label']}/")  # the clause's permalink
    assert hit["in_context_url"].endswith(f"#c{hit['label']}")


@pytest.mark.parametrize(
    "params",
    [
        {"q": "GOSAT", "lang": "japanese"},
        {"q": "x", "year": "20x5"},
        {"q": "x", "page": "0"},
        {"q": "x", "page": "abc"},
        {"q": "x", "sort": "random"},
        {"q": "x", "country": "kz1"},
    ],
)
def test_search_api_answers_bad_parameters_with_400(client, seeded, params):
    response = client.get("/api/search", params)
    assert response.status_code == 400
    assert "error" in response.json()


HOSTILE_QUERIES = [
    '"unclosed',
    '温室効果ガス"',
    '""',
    "(GOSAT",
    "GOSAT)",
    "((()))",
    ")(",
    "OR",
    "AND",
    "NOT",
    "-",
    "--",
    "GOSAT OR",
    "OR GOSAT",
    "NOT NOT",
    "*",
    "?",
    "GOS*T",
    "\\",
    "title:",
    ":",
    "foo:bar",
    "<script>alert(1)</script>",
    "<b>bold</b>",
    "&lt;script&gt;",
    "'; DROP TABLE x;--",
    "x" * 2000,
    "協力 " * 400,
    "\x00\x01\x02GOSAT\x7f",
    "\u200b\u200b",
    "　",
    "（",
    "）",
    "「",
    "ＯＲ",
    "title:(",
    'section:"',
    "~",
    "^",
    "GOSAT~2",
    "GOSAT^3",
    "[1 TO 5]",
    "{}",
    "%",
    "\ud800" if False else "𠮷野家",
    "🙂",
    "a" * 300 + " OR " + "b" * 300,
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_malformed_or_hostile_queries_never_break_the_page(client, seeded, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == (400 if "\x00" in query else 200)  # a NUL is refused
    html = response.content.decode()
    assert "<script>alert" not in html and "Traceback" not in html
    api = client.get("/api/search", {"q": query})
    assert api.status_code in (200, 400)
    assert "<script>" not in str(api.json().get("hits", ""))


def test_an_unbalanced_quote_is_explained(client, seeded):
    html = client.get("/search/", {"q": '"energy transition'}).content.decode()
    assert 'class="notice"' in html


def test_results_page_query_count_does_not_grow_with_hits(
    client, seeded, django_assert_num_queries
):
    client.get("/search/", {"q": "GOSAT"})  # the index view's first use loads its columns
    # The archive's generation (the page's ETag), hits, their aligned versions, and the
    # clauses they lead to in other texts (discovery).
    with django_assert_num_queries(4):
        client.get("/search/", {"q": "GOSAT"})
    with django_assert_num_queries(4):
        client.get("/search/", {"q": "協力"})


def test_import_updates_the_index_for_what_changed(
    seeded, workdir, scratch_index, django_capture_on_commit_callbacks
):
    path = workdir / FILES["003"]
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "双方は、日本の特定技能制度", "双方は、ペンギン観測と日本の特定技能制度"
        ),
        encoding="utf-8",
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_documents", str(path), stdout=io.StringIO())
    assert found("ペンギン観測") == {("003", "24")}
    assert found("GOSAT") == GOSAT  # the other documents are still indexed


def test_admin_edit_of_a_clause_updates_the_index(
    admin_client, seeded, scratch_index, django_capture_on_commit_callbacks
):
    clause = Clause.objects.get(document__source_name=FILES["001"], label="33")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/archive/clause/{clause.pk}/change/",
            {
                "document": clause.document_id,
                "section": clause.section_id or "",
                "sequence": clause.sequence,
                "label": clause.label,
                "printed_label": "",
                "text": clause.text + " Penguins too.",
                "source_offset": clause.source_offset,
            },
        )
    assert response.status_code == 302
    assert found("penguins") == {("001", "33")}


def test_two_writers_at_once_both_land(seeded, scratch_index):
    """A writer waits for the lock another holds; neither update is lost."""
    ids = list(Document.objects.values_list("pk", flat=True))
    held = whoosh_index.open_dir(str(scratch_index)).writer()  # e.g. an import in progress
    worker = threading.Thread(target=indexing.reindex_documents, args=(ids[:2],))
    worker.start()
    worker.join(timeout=1.0)
    assert worker.is_alive()  # waiting, not failing
    held.delete_by_term("document", str(ids[2]))
    held.commit()
    worker.join(timeout=60)
    assert not worker.is_alive()
    searcher = whoosh_index.open_dir(str(scratch_index)).searcher()
    assert searcher.doc_count() == Clause.objects.exclude(document_id=ids[2]).count()


def test_missing_index_page_names_the_command_that_fixes_it(client, seeded, tmp_path):
    with override_settings(
        HAYSTACK_CONNECTIONS={
            "default": {
                "ENGINE": "search.backend.ArchiveWhooshEngine",
                "PATH": str(tmp_path / "no"),
            }
        }
    ):
        response = client.get("/search/", {"q": "GOSAT"})
        api = client.get("/api/search", {"q": "GOSAT"})
    assert response.status_code == 503
    assert "make index" in response.content.decode()
    assert api.status_code == 503 and "rebuild_index" in api.json()["error"]


def test_unreadable_index_page_names_the_command_that_fixes_it(client, seeded, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "_MAIN_1.toc").write_bytes(b"not a whoosh table of contents")
    with override_settings(
        HAYSTACK_CONNECTIONS={
            "default": {
                "ENGINE": "search.backend.ArchiveWhooshEngine",
                "PATH": str(broken),
            }
        }
    ):
        response = client.get("/search/", {"q": "GOSAT"})
    assert response.status_code == 503
    assert "rebuild_index" in response.content.decode()


def test_about_page_documents_the_query_syntax(client):
    html = client.get("/search/about/").content.decode()
    for example in ("温室効果ガス", "OR", "NOT", "title:", "ネット・ゼロ"):
        assert example in html


def test_build_search_index_command_builds_the_same_index_as_rebuild_index(seeded, tmp_path):
    before = {q: found(q) for q in ("GOSAT", "温室効果ガス", "ammonia", "テロ")}
    with index_at(tmp_path / "built", reload=True):
        out = io.StringIO()
        call_command("build_search_index", stdout=out)
        assert f"Indexed {Clause.objects.count()} clauses" in out.getvalue()
        assert {q: found(q) for q in before} == before


def test_a_search_that_finds_nothing_suggests_shorter_searches_that_do(client, seeded):
    html = squeezed(client.get("/search/", {"q": "GOSAT penguin"}).content.decode())
    assert "These shorter searches find clauses:" in html
    # Counted as the page shows them: the press release's two versions of its clause are one.
    assert ">GOSAT</a> (3)" in html and ">penguin</a>" not in html
    assert "the Japanese term may find more" in html  # an English query
    assert "character for character" not in html

    japanese = squeezed(client.get("/search/", {"q": "カスピ海横断鉄道"}).content.decode())
    assert "character for character" in japanese and "Japanese term" not in japanese
    assert ">カスピ海</a> (3)" in japanese  # the first half of the word
    assert "Every word must appear" not in japanese  # one word: no advice about several


def test_the_versions_of_one_clause_are_one_hit_unless_the_reader_asks_for_each(client, seeded):
    # GOSAT: Turkmenistan clause 15 in Japanese and English, Tokyo Declaration 17, Kyrgyz 14.
    def hits(language, **params):
        response = client.get("/search/", {"q": "GOSAT", **params}, HTTP_ACCEPT_LANGUAGE=language)
        results = response.context["results"]
        return results.total, [(h.clause.document.language, h.clause.label) for h in results.hits]

    total, shown = hits("en")
    assert total == 3 and ("en", "15") in shown and ("ja", "15") not in shown
    total, shown = hits("ja")  # the Japanese interface keeps the Japanese version
    assert total == 3 and ("ja", "15") in shown and ("en", "15") not in shown
    total, shown = hits("en", versions="all")
    assert total == 4 and {("en", "15"), ("ja", "15")} <= set(shown)
    # The version left out still stands beside the one shown.
    page = client.get("/search/", {"q": "GOSAT"}).content.decode()
    assert "温室効果ガス観測技術衛星" in page and "each language version as its own hit" in page
    # Filtering to one language shows that language's version, whatever the interface.
    total, shown = hits("en", lang="ja")
    assert total == 3 and ("ja", "15") in shown


def test_hits_name_their_paragraph_as_citations_do(client, seeded):
    html = client.get("/search/", {"q": "GOSAT"}).content.decode()
    # Turkmenistan 15 prints no number; the Tokyo Declaration prints (17).
    assert "15th paragraph (unnumbered in the original)" in html
    assert ">Para. 17</a>" in html
