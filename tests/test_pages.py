"""The reading room: browse, document pages, side by side, permalinks, citations, downloads."""

import datetime
import io
import json
import re
from html import unescape

import pytest
from django.db.models import F

from archive.importing import align_work
from archive.models import Clause, Document, Work
from tests.utils import (
    FILES,
    FIXTURES,
    FOREIGN_MINISTERS_2017,
    KYRGYZ,
    TOKYO_DECLARATION,
    TURKMENISTAN,
    squeezed,
)

pytestmark = pytest.mark.django_db


def page(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, (url, response.status_code)
    return unescape(response.content.decode())


def visible(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_home_page_says_what_the_archive_holds_and_offers_ways_in(client, seeded):
    html = page(client, "/")
    assert "4 texts in 5 language versions" in html
    assert 'name="q"' in html
    for way in (
        "Central Asia + Japan Dialogue Summit",
        "?year=2017",
        "?country=KZ",
        "?kind=declaration",
    ):
        assert way in html
    newest = re.findall(r'<time datetime="(\d{4}-\d\d-\d\d)"', html)
    assert newest == sorted(newest, reverse=True)


@pytest.mark.parametrize(
    ("params", "slugs"),
    [
        ({"year": "2017"}, {FOREIGN_MINISTERS_2017}),
        ({"country": "TM"}, {TURKMENISTAN, TOKYO_DECLARATION, FOREIGN_MINISTERS_2017}),
        ({"kind": "declaration"}, {TOKYO_DECLARATION}),
        ({"series": "Central Asia + Japan Dialogue Summit"}, {TOKYO_DECLARATION}),
        ({"lang": "en"}, {TURKMENISTAN}),
    ],
)
def test_document_list_filters(client, seeded, params, slugs):
    html = page(client, "/documents/", **params)
    shown = set(re.findall(r'href="/documents/([a-z0-9-]+)/(?:ja|en)/"', html))
    assert shown == slugs


def facet_counts(html: str, heading: str) -> dict[str, int]:
    """{value label: count} of one facet list on a page."""
    section = squeezed(html).split(f"<h2>{heading}</h2>")[1].split("</section>")[0]
    return {unescape(label): int(n) for label, n in re.findall(r">([^<>]+)</a> \((\d+)\)", section)}


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/documents/",
        f"/documents/{KYRGYZ}/ja/",
        f"/documents/{TURKMENISTAN}/parallel/",
        "/search/?q=GOSAT",
        "/recurring/",
        "/compare/",
        "/search/trend/?q=GOSAT",
        "/data/",
        "/no-such-page/",
    ],
)
def test_every_research_tool_is_one_click_from_every_page(client, seeded, path):
    response = client.get(path)
    assert response.status_code == (404 if path == "/no-such-page/" else 200)
    html = response.content.decode()
    menu = html.split('<nav aria-label="Main">')[1].split("</nav>")[0]
    for tool in ("/documents/", "/recurring/", "/compare/", "/search/trend/", "/data/"):
        assert f'href="{tool}"' in menu, (path, tool)


def test_the_japanese_interface_names_meetings_and_ordinals_in_japanese(client, seeded):
    def page(url, language):
        return unescape(client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode())

    japanese = page("/documents/", "ja")
    assert '<span lang="ja">日・キルギス首脳会談</span>' in japanese
    assert '<span lang="ja">第1回</span>' in japanese and '<span lang="ja">第6回</span>' in japanese
    assert "Summit Meeting</span>" not in japanese and ">1st<" not in japanese
    english = page("/documents/", "en")
    assert '<span lang="en">Japan–Kyrgyz Summit Meeting</span>' in english
    assert '<span lang="en">1st</span>' in english
    document = page(f"/documents/{KYRGYZ}/ja/", "ja")
    assert "日・キルギス首脳会談" in document
    assert "ほぼ同じ表現" in document and "Said nearly the same" not in document


def test_document_list_filters_combine_and_counts_follow_the_other_filters(client, seeded):
    html = page(client, "/documents/", country="TM", lang="ja")
    shown = set(re.findall(r'href="/documents/([a-z0-9-]+)/(?:ja|en)/"', html))
    assert shown == {TURKMENISTAN, TOKYO_DECLARATION, FOREIGN_MINISTERS_2017}
    # Counts are of texts with Turkmenistan and a Japanese version, not of the whole archive.
    assert facet_counts(html, "Kind") == {
        "Declaration": 1,
        "Joint press release": 1,
        "Joint statement": 1,
    }
    assert facet_counts(html, "Year") == {"2025": 2, "2017": 1}
    # A value's link keeps the other filters; the chosen value's link removes only itself.
    assert 'href="/documents/?country=TM&lang=ja&year=2017"' in html
    assert 'href="/documents/?lang=ja" aria-current="true"' in html
    assert (
        "Filtered by <strong>Language: Japanese</strong>, <strong>Country: Turkmenistan</strong>"
        in html
        or (
            "<strong>Country: Turkmenistan</strong>" in html
            and "<strong>Language: Japanese</strong>" in html
        )
    )
    both = page(client, "/documents/", country="TM", year="2017")
    assert set(re.findall(r'href="/documents/([a-z0-9-]+)/(?:ja|en)/"', both)) == {
        FOREIGN_MINISTERS_2017
    }


def test_document_list_sorts_by_date_either_way_and_by_title(client, seeded):
    def order(**params):
        html = page(client, "/documents/", **params)
        return list(dict.fromkeys(re.findall(r'href="/documents/([a-z0-9-]+)/(?:ja|en)/"', html)))

    assert order()[-1] == FOREIGN_MINISTERS_2017
    assert order(sort="oldest")[0] == FOREIGN_MINISTERS_2017
    by_title = order(sort="title")
    assert sorted(by_title) != by_title or len(by_title) == 5
    titles = [
        min(Document.objects.filter(work__slug=slug).values_list("title", flat=True))
        for slug in by_title
    ]
    assert titles == sorted(titles)


def test_the_japanese_interface_names_facets_countries_series_languages_and_dates(client, seeded):
    html = client.get("/documents/", {"country": "KZ"}, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "<strong>国: カザフスタン</strong>" in html
    assert "トルクメニスタン" in html and ">Turkmenistan<" not in html
    assert "「中央アジア＋日本」対話・首脳会合" in html
    assert ">日本語</a>" in html and ">Japanese</a>" not in html
    assert "2025年12月20日" in html and 'title="令和7年12月20日"' in html
    document = client.get(f"/documents/{TURKMENISTAN}/ja/", HTTP_ACCEPT_LANGUAGE="ja")
    text = document.content.decode()
    assert "<dd>英語</dd>" in text and "正文は英語版です" in text
    assert "<dd>日本、トルクメニスタン</dd>" in text  # the participants, listed as Japanese lists
    english = client.get(f"/documents/{TURKMENISTAN}/ja/", HTTP_ACCEPT_LANGUAGE="en")
    assert "<dd>Japan, Turkmenistan</dd>" in english.content.decode()
    results = client.get("/search/", {"q": "GOSAT"}, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert ">トルクメニスタン</a>" in results and ">日本語</a>" in results
    assert ">Japan, Turkmenistan<" not in results


def test_every_seed_document_renders_every_clause(client, seeded):
    for document in Document.objects.select_related("work"):
        html = page(client, document.get_absolute_url())
        for clause in document.clauses.all():
            assert f'id="{clause.anchor}"' in html
            for paragraph in clause.paragraphs:
                assert f"<p>{paragraph}</p>" in html


def test_document_page_title_block_marks_provisional_translation_and_authentic_language(
    client, seeded
):
    html = page(client, f"/documents/{TURKMENISTAN}/ja/")
    assert "Provisional translation" in html and "the authentic text is the English version" in html
    assert "2025-12-20" in html and "Tokyo" in html and "Turkmenistan" in html
    assert f'href="/documents/{TURKMENISTAN}/parallel/"' in html
    assert f'href="/documents/{TURKMENISTAN}/en/"' in html
    statement = page(client, f"/documents/{FOREIGN_MINISTERS_2017}/ja/")
    assert "中央アジア諸国と日本との間の多年にわたる協力と更なる関係強化" in statement
    assert "岸田 文雄" in statement and "Ashgabat" in statement


def test_multi_paragraph_clauses_keep_their_paragraphs(client, seeded):
    html = page(client, f"/documents/{FOREIGN_MINISTERS_2017}/ja/")
    clause_14 = html.split('id="c14"')[1].split("</section>")[0]
    assert clause_14.count("<p>") == 3


def test_work_url_redirects_to_the_readers_language(client, seeded):
    response = client.get(f"/documents/{TURKMENISTAN}/", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 302 and response["Location"].endswith("/ja/")
    response = client.get(f"/documents/{TURKMENISTAN}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Location"].endswith("/en/")
    response = client.get(f"/documents/{TOKYO_DECLARATION}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Location"].endswith("/ja/")  # the only version


def test_a_text_whose_versions_were_all_deleted_is_a_404_page(client, seeded):
    Document.objects.filter(work__slug=KYRGYZ).delete()  # as a bulk delete in the admin
    for url in (f"/documents/{KYRGYZ}/", f"/documents/{KYRGYZ}/parallel/"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 404
    assert "has no language version" in client.get(f"/documents/{KYRGYZ}/").content.decode()


def rows_of(html):
    rows = {}
    for number, body in re.findall(r'<tr id="row-(\d+)"[^>]*>(.*?)</tr>', html, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)
        rows[int(number)] = [visible(cell).strip() for cell in cells]
    return rows


def test_side_by_side_aligns_all_33_clauses_and_puts_gosat_in_row_17(client, seeded):
    html = page(client, f"/documents/{TURKMENISTAN}/parallel/")
    rows = rows_of(html)
    assert "温室効果ガス観測技術衛星（GOSAT）" in rows[17][0]
    assert "Greenhouse gases Observing SATellite (GOSAT)" in rows[17][1]
    clause_rows = [r for r in rows.values() if "—" not in r]
    assert len(rows) == 1 + 3 + 33  # titles, three headings, 33 clauses
    assert len(clause_rows) == len(rows)  # no empty cell anywhere: 33 of 33 aligned
    assert "経済分野" in rows[4][0] and "Economic field" in rows[4][1]
    swapped = rows_of(page(client, f"/documents/{TURKMENISTAN}/parallel/", left="en", right="ja"))
    assert "Greenhouse" in swapped[17][0]


def test_a_version_with_one_paragraph_split_in_two_still_aligns_every_other_row(client, seeded):
    japanese = Document.objects.get(work__slug=TURKMENISTAN, language="ja")
    caspian = japanese.clauses.get(label="12")
    first, second = caspian.text.split("双方は、この協力の一環として")
    tail = list(japanese.clauses.filter(sequence__gt=caspian.sequence).order_by("-sequence"))
    for clause in tail:  # make room: relabel the following paragraphs one up, as a re-parse would
        clause.label = str(int(clause.label) + 1)
        clause.sequence += 1
        clause.save()
    japanese.sections.filter(sequence__gt=caspian.sequence).update(sequence=F("sequence") + 1)
    caspian.text = first
    caspian.save()
    Clause.objects.create(
        document=japanese,
        section=caspian.section,
        label="13",
        sequence=caspian.sequence + 1,
        text="双方は、この協力の一環として" + second,
        source_offset=caspian.source_offset + 1,
    )
    align_work(Work.objects.get(slug=TURKMENISTAN))
    rows = rows_of(page(client, f"/documents/{TURKMENISTAN}/parallel/"))
    split_row = next(r for r in rows.values() if "Trans-Caspian" in r[1])
    assert "カスピ海横断国際輸送ルート" in split_row[0] and "この協力の一環として" in split_row[0]
    assert len(rows) == 37
    assert all("—" not in cells for cells in rows.values())
    assert "GOSAT" in rows[17][0] and "GOSAT" in rows[17][1]


def test_clause_permalink_shows_the_clause_its_translation_and_citations(client, seeded):
    html = page(client, f"/documents/{TURKMENISTAN}/en/15/")
    assert "Greenhouse gases Observing SATellite" in html
    assert "温室効果ガス観測技術衛星" in html and "provisional translation" in html
    assert "Economic field" in html
    assert f'href="/documents/{TURKMENISTAN}/en/#c15"' in html
    assert 'rel="prev"' in html and f"/documents/{TURKMENISTAN}/en/14/" in html
    assert f"/documents/{TURKMENISTAN}/en/16/" in html
    assert '<meta name="citation_title" content="Joint Press Release' in html
    assert '<meta name="citation_publication_date" content="2025/12/20">' in html
    plain = unescape(html.split('id="cite-plain">')[1].split("</pre>")[0])
    assert plain.startswith("Ministry of Foreign Affairs of Japan, Joint Press Release on the")
    assert "20 December 2025" in plain and "Tokyo" in plain
    # The press release prints no paragraph numbers: the citation says the number is ours.
    assert "15th paragraph (unnumbered in the original)" in plain and "para. 15" not in plain
    today = datetime.date.today()
    assert f"(accessed {today.day} " in plain
    bibtex = unescape(html.split('id="cite-bibtex">')[1].split("</pre>")[0])
    assert bibtex.startswith("@misc{") and "date = {2025-12-20}" in bibtex
    assert "organization = {Ministry of Foreign Affairs of Japan}" in bibtex
    assert f"urldate = {{{today.isoformat()}}}" in bibtex and "unnumbered in the original" in bibtex
    ris = unescape(html.split('id="cite-ris">')[1].split("</pre>")[0])
    assert "TY  - GOVDOC" in ris and "DA  - 2025/12/20" in ris
    assert "PB  - Ministry of Foreign Affairs of Japan" in ris and "Y2  - " in ris
    assert "N1  - 15th paragraph (unnumbered in the original)" in ris
    csl = json.loads(unescape(html.split('id="cite-csl">')[1].split("</pre>")[0]))
    assert csl[0]["issued"]["date-parts"] == [[2025, 12, 20]] and csl[0]["locator"] == "15"
    assert csl[0]["publisher"] == "Ministry of Foreign Affairs of Japan"
    assert csl[0]["accessed"]["date-parts"] == [[today.year, today.month, today.day]]
    # Tags a reference manager reads: a publisher and a Dublin Core type, no conference.
    assert '<meta name="DC.publisher" content="Ministry of Foreign Affairs of Japan">' in html
    assert '<meta name="DC.type" content="Text">' in html
    assert "citation_conference_title" not in html


def test_japanese_citation_names_title_date_place_and_paragraph(client, seeded):
    html = page(client, f"/documents/{TOKYO_DECLARATION}/ja/14/")
    plain = unescape(html.split('id="cite-plain">')[1].split("</pre>")[0])
    assert plain.startswith(
        "外務省『「中央アジア＋日本」対話・首脳会合 東京宣言』（2025年12月20日、東京）"
    )
    assert "（仮訳） 第14項" in plain and "閲覧）" in plain


def test_a_preamble_paragraph_is_cited_as_the_preamble_not_as_a_code(client, seeded):
    html = page(client, f"/documents/{TOKYO_DECLARATION}/ja/p1/")
    plain = unescape(html.split('id="cite-plain">')[1].split("</pre>")[0])
    assert "前文第1段落" in plain and "第p1項" not in plain
    assert "<h1>Preamble, para. 1</h1>" in html
    ja = client.get(f"/documents/{TOKYO_DECLARATION}/ja/p1/", HTTP_ACCEPT_LANGUAGE="ja")
    assert "<h1>前文第1段落</h1>" in ja.content.decode()
    document = page(client, f"/documents/{TOKYO_DECLARATION}/ja/")
    assert ">pr. 1</a>" in document and ">p1</a>" not in document


def test_numbers_the_archive_assigned_are_marked_on_the_page(client, seeded):
    unnumbered = page(client, f"/documents/{TURKMENISTAN}/en/")
    assert 'class="clause-label assigned"' in unnumbered and ">¶15</a>" in unnumbered
    assert 'id="numbering-note"' in unnumbered
    assert "<h1>15th paragraph (unnumbered in the original)</h1>" in page(
        client, f"/documents/{TURKMENISTAN}/en/15/"
    )
    printed = page(client, f"/documents/{TOKYO_DECLARATION}/ja/")
    assert ">(14)</a>" in printed and 'id="numbering-note"' not in printed
    side_by_side = page(client, f"/documents/{TURKMENISTAN}/parallel/")
    assert ">¶15</a>" in side_by_side


def test_a_version_in_another_language_than_the_authentic_one_says_it_is_a_translation(
    client, seeded
):
    # The Japan–Kyrgyz statement was signed in English; its Japanese carries no 仮訳 mark.
    html = page(client, f"/documents/{KYRGYZ}/ja/")
    assert "Translation — the authentic text is the English version" in html
    assert "<dd>English</dd>" in html  # not the code "en"
    clause = page(client, f"/documents/{KYRGYZ}/ja/14/")
    plain = unescape(clause.split('id="cite-plain">')[1].split("</pre>")[0])
    assert "（翻訳・正文は英語）" in plain
    assert "translation; authentic text in English" in clause  # the page, in English


def test_a_document_without_sections_shows_no_empty_contents(client, seeded):
    assert 'id="toc-heading"' not in page(client, f"/documents/{KYRGYZ}/ja/")
    assert 'id="toc-heading"' in page(client, f"/documents/{TOKYO_DECLARATION}/ja/")


def test_clause_across_versions_is_one_identifier_for_every_language(client, seeded):
    html = page(client, f"/documents/{TURKMENISTAN}/clauses/15/")
    assert "GOSAT" in html and "温室効果ガス" in html
    assert (
        f"/documents/{TURKMENISTAN}/ja/15/" in html and f"/documents/{TURKMENISTAN}/en/15/" in html
    )


@pytest.mark.parametrize(
    "url",
    [
        "/documents/no-such-text/ja/",
        f"/documents/{TURKMENISTAN}/ru/",
        "/documents/no-such-text/",
        "/documents/no-such-text/parallel/",
        f"/documents/{TOKYO_DECLARATION}/parallel/",  # one version only
        "/documents/no-such-text/ja/1/",
    ],
)
def test_unknown_slug_language_or_label_is_a_404_page(client, seeded, url):
    html = page(client, url, status=404)
    assert "<main" in html


def test_unknown_label_404_links_to_the_document(client, seeded):
    html = page(client, f"/documents/{TURKMENISTAN}/ja/99/", status=404)
    assert f'href="/documents/{TURKMENISTAN}/ja/"' in html and "“99”" in html
    html = page(client, f"/documents/{TURKMENISTAN}/clauses/99/", status=404)
    assert f'href="/documents/{TURKMENISTAN}/' in html


def test_permalinks_survive_reimport(client, seeded, workdir):
    from django.core.management import call_command

    before = page(client, f"/documents/{TOKYO_DECLARATION}/ja/14/")
    path = workdir / FILES["002"]
    path.write_text(path.read_text(encoding="utf-8").replace("東京宣言", "東京宣言 "), "utf-8")
    call_command("import_documents", str(path), stdout=io.StringIO())
    after = page(client, f"/documents/{TOKYO_DECLARATION}/ja/14/")
    assert "ネット・ゼロ／カーボンニュートラル" in after
    assert before.split("<main")[1].count("ネット・ゼロ") == after.split("<main")[1].count(
        "ネット・ゼロ"
    )


def test_text_and_json_downloads_round_trip_all_clause_text(client, seeded):
    for document in Document.objects.select_related("work"):
        slug, language = document.work.slug, document.language
        text = page(client, f"/documents/{slug}/{language}.txt")
        data = json.loads(page(client, f"/documents/{slug}/{language}.json"))
        clauses = list(document.clauses.all())
        assert [c["text"] for c in data["clauses"]] == [c.text for c in clauses]
        for clause in clauses:
            for paragraph in clause.paragraphs:
                assert paragraph in text


def test_source_download_is_the_file_exactly_as_received(client, seeded):

    response = client.get(f"/documents/{FOREIGN_MINISTERS_2017}/ja/source/")
    assert response.content == (FIXTURES / FILES["004"]).read_bytes()
    assert FILES["004"] in response["Content-Disposition"]


def test_interface_language_switches_to_japanese(client, seeded):
    response = client.post("/i18n/setlang/", {"language": "ja", "next": "/"})
    assert response.status_code == 302
    html = page(client, "/")
    assert '<html lang="ja">' in html
    assert "文書" in html and "検索" in html


def test_japanese_and_english_text_blocks_carry_lang_attributes(client, seeded):
    html = page(client, f"/documents/{TURKMENISTAN}/parallel/")
    assert html.count('<td lang="ja"') == html.count('<td lang="en"') == 37
    document = page(client, f"/documents/{TURKMENISTAN}/ja/")
    assert '<section class="clause" id="c1" lang="ja">' in document


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/documents/",
        f"/documents/{TURKMENISTAN}/ja/",
        f"/documents/{TOKYO_DECLARATION}/ja/",
        f"/documents/{FOREIGN_MINISTERS_2017}/ja/",
        f"/documents/{TURKMENISTAN}/parallel/",
        f"/documents/{TURKMENISTAN}/en/15/",
        f"/documents/{TOKYO_DECLARATION}/ja/41/",
        f"/documents/{TURKMENISTAN}/clauses/15/",
        f"/documents/{TURKMENISTAN}/ja.txt",
        f"/documents/{TURKMENISTAN}/ja.json",
    ],
)
def test_pages_run_a_fixed_number_of_queries(client, seeded, url, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        client.get(url)


def test_document_page_query_count_is_the_same_for_short_and_long_documents(
    client, seeded, django_assert_num_queries
):
    counts = set()
    for document in Document.objects.select_related("work"):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            client.get(document.get_absolute_url())
        counts.add(len(queries))
    assert len(counts) == 1


def test_pages_with_their_own_search_box_have_no_second_one_in_the_header(client, seeded):
    for url, params in (("/search/", {"q": "GOSAT"}), ("/", {})):
        html = page(client, url, **params)
        assert html.count('role="search"') == 1, url
    assert page(client, f"/documents/{TURKMENISTAN}/en/").count('role="search"') == 1


def test_robots_and_a_sitemap_that_lists_every_document_and_clause(client, seeded):
    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in robots.content.decode()
    # Endless query spaces are not for crawlers: every search has a feed and a history.
    for path in ("/search/feed", "/search/trend", "/compare/"):
        assert f"Disallow: {path}\n" in robots.content.decode()
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-documents.xml" in index and "sitemap-clauses.xml" in index
    clauses = client.get("/sitemap-clauses.xml").content.decode()
    assert clauses.count("<url>") == Clause.objects.count()
    assert f"http://testserver/documents/{TURKMENISTAN}/en/15/" in clauses
    documents = client.get("/sitemap-documents.xml").content.decode()
    assert documents.count("<url>") == Document.objects.count()


def test_pages_name_a_favicon(client, seeded):
    html = page(client, "/")
    assert 'rel="icon"' in html and "favicon" in html
