"""A reader's path through the archive in a real headless Chromium (Debian's, via Playwright).

Screenshots of each page land in test-artifacts/ for a person to look at.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.utils import KYRGYZ, TOKYO_DECLARATION, TURKMENISTAN, build_search_index, import_fixtures

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop in this thread; the tests touch the database
    # only before pages load, so Django's async guard can stand down while they run.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield from _chromium()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; install it: apt-get install chromium")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def archive_server(live_server, transactional_db, search_index_path):
    import_fixtures()
    build_search_index()
    return live_server.url


def shoot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_reader_finds_the_turkmenistan_press_release_reads_it_side_by_side_and_cites_a_clause(
    browser, archive_server
):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-US")
    page.goto(archive_server + "/")
    expect(page.locator("h1")).to_contain_text("Central Asia + Japan Diplomatic Texts")
    shoot(page, "01-home")

    page.get_by_label("Search the texts").first.fill("GOSAT")
    page.get_by_role("button", name="Search").first.click()
    expect(page.locator(".hit")).to_have_count(3)  # the two versions of clause 15 are one hit
    expect(page.locator(".hit mark").first).to_have_text("GOSAT")
    shoot(page, "02-search-gosat")
    # A hit leads to its clause in context: marked as the target, the searched word marked.
    page.locator(".hit-meta a[lang]").first.click()
    target = page.locator(".clause:target")
    expect(target).to_have_count(1)
    expect(target.locator("mark").first).to_have_text("GOSAT")
    page.go_back()

    page.goto(archive_server + "/documents/?country=TM")
    page.get_by_role("link", name="Joint Press Release on the outcomes").click()
    expect(page.locator("h1")).to_contain_text("Joint Press Release")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < 110, header  # two lines at 1280 px: the menu under the rest
    shoot(page, "03-document-en")

    page.get_by_role("link", name="Side by side").first.click()
    row = page.locator("#row-17")
    expect(row.locator('td[lang="ja"]')).to_contain_text("温室効果ガス観測技術衛星（GOSAT）")
    expect(row.locator('td[lang="en"]')).to_contain_text("Observing SATellite (GOSAT)")
    expect(page.locator("tbody tr")).to_have_count(37)
    shoot(page, "04-side-by-side")

    row.locator('td[lang="en"] a.clause-label').click()
    expect(page.locator("h1")).to_have_text("15th paragraph (unnumbered in the original)")
    expect(page.locator("#cite-plain")).to_contain_text(
        "20 December 2025, 15th paragraph (unnumbered in the original)"
    )
    expect(page.locator('meta[name="citation_title"]')).to_have_attribute(
        "content",
        "Joint Press Release on the outcomes of the Summit Meeting between Her "
        "Excellency Prime Minister of Japan Sanae Takaichi and His Excellency President of "
        "Turkmenistan Serdar Berdimuhamedov",
    )
    shoot(page, "05-clause-permalink")
    page.emulate_media(media="print")  # printed: the text and citations, not the interface
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("#cite-plain")).to_be_visible()
    page.emulate_media(media="screen")

    page.get_by_label("Interface language").select_option("ja")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator("h1")).to_have_text("第15段落（原文に番号なし）")
    expect(page.get_by_role("heading", name="この項を引用する")).to_be_visible()
    shoot(page, "06-clause-permalink-ja")
    page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_hit_lands_on_its_clause_with_the_searched_word_marked_whole_and_visible(
    browser, archive_server, width
):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(archive_server + "/search/?q=gases")
    hit = page.locator(".hit", has=page.locator(".snippet mark", has_text=re.compile("^gas$")))
    hit.locator(".hit-meta a[lang]").first.click()
    target = page.locator(".clause:target")
    expect(target).to_have_count(1)
    # The clause says gasoline and gas: only the word that matched is marked.
    expect(target).to_contain_text("gasoline")
    expect(target.locator("mark")).to_have_text(["gas"])
    colours = target.locator("mark").first.evaluate(
        "m => [getComputedStyle(m).backgroundColor,"
        " getComputedStyle(m.closest('.clause')).backgroundColor]"
    )
    assert colours[0] != colours[1], f"the mark has the landing clause's colour {colours}"
    shoot(page, f"landing-mark-{width}")
    page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_clause_page_offers_one_citation_and_folds_the_other_formats(
    browser, archive_server, width
):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{archive_server}/documents/{TURKMENISTAN}/ja/15/")
    expect(page.locator("#cite-plain")).to_be_visible()
    for name, pre in (("BibTeX", "#cite-bibtex"), ("RIS", "#cite-ris"), ("CSL-JSON", "#cite-csl")):
        expect(page.locator(pre)).to_be_hidden()
        page.locator("summary", has_text=name).click()
        expect(page.locator(pre)).to_be_visible()
        page.locator("summary", has_text=name).click()
    # The provisional translation is said once, on its own version.
    badges = page.locator(".badge", has_text=re.compile("provisional translation", re.I))
    expect(badges).to_have_count(1)
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"clause page at {width} px: {height} px tall")
    assert height < (1800 if width == 1280 else 3000), height
    shoot(page, f"clause-citations-{width}")
    page.close()


NARROW_PAGES = [
    "/",
    "/documents/",
    "/search/?q=GOSAT",
    f"/documents/{TURKMENISTAN}/ja/",
    f"/documents/{TURKMENISTAN}/parallel/",
    f"/documents/{TURKMENISTAN}/ja/15/",
    "/recurring/",
    "/compare/",
    f"/compare/?a={TURKMENISTAN}/ja&b={KYRGYZ}/ja",
    "/search/trend/?q=GOSAT+OR+協力",
    "/search/trend/?q=温室効果ガス,+connectivity,+テロ,+GOSAT",
    "/concordance/?q=協力&parallel=on",
    "/concordance/?q=energy&sort=L1&parallel=on",
    "/terms/?q=energy",
    "/terms/?q=terrorism",
    "/distinctive/?lang=ja&text=2017-caj-6th-foreign-ministers-joint-statement",
    "/distinctive/?lang=ja&year=2025",
    "/data/",
    "/search/about/",
    "/api/",
    "/feeds/documents.atom",
]


@pytest.mark.parametrize("path", NARROW_PAGES)
def test_no_page_is_wider_than_a_phone(browser, archive_server, path):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(archive_server + path)
    wide = page.evaluate(
        """() => [document.documentElement.scrollWidth,
             Array.from(document.querySelectorAll('main *'))
               .filter(e => e.getBoundingClientRect().right > 391)
               .slice(0, 5).map(e => e.tagName + '.' + e.className)]"""
    )
    assert wide[0] <= 390, f"{path} is {wide[0]} px wide on a 390 px screen: {wide[1]}"
    page.close()


@pytest.mark.parametrize("path", ["/", "/recurring/", "/search/?q=GOSAT", "/documents/"])
def test_on_a_phone_the_content_comes_before_the_filters(browser, archive_server, path):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(archive_server + path)
    filters = page.locator("main .facets, main .browse").first
    content = page.locator("main ol.work-list, main ol.formulas, main .results").first
    expect(filters).to_have_count(1)
    assert content.bounding_box()["y"] < filters.bounding_box()["y"], path
    page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_browser_reads_the_api_and_the_feeds_as_pages(browser, archive_server, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(archive_server + "/api/")
    expect(page.locator("h1")).to_contain_text("JSON API")
    expect(page.locator("#search h2")).to_have_text("GET /api/search")
    expect(page.locator("#schema-Hit")).to_be_visible()
    shoot(page, f"api-reference-{width}")
    page.goto(archive_server + "/feeds/documents.atom")
    expect(page.locator("h1")).to_contain_text("new and changed documents")
    expect(page.locator(".feed-address")).to_have_value(archive_server + "/feeds/documents.atom")
    expect(page.locator(".feed-entries li")).to_have_count(5)  # the five seed versions
    shoot(page, f"feed-page-{width}")
    page.close()


SCREENS = {
    "home": "/",
    "search": "/search/?q=GOSAT",
    "document": f"/documents/{TURKMENISTAN}/ja/",
    "side-by-side": f"/documents/{TURKMENISTAN}/parallel/",
    "clause": f"/documents/{TURKMENISTAN}/ja/15/",
    "recurring": "/recurring/",
    "compare": f"/compare/?a={TOKYO_DECLARATION}/ja&b={KYRGYZ}/ja",
    "trend": "/search/trend/?q=温室効果ガス, connectivity, テロ",
    "concordance": "/concordance/?q=エネルギー OR energy&parallel=on",
    "terms": "/terms/?q=energy",
    "distinctive": "/distinctive/?lang=ja&text=2017-caj-6th-foreign-ministers-joint-statement",
}


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("name", list(SCREENS))
def test_screenshots_of_what_a_researcher_meets_first(browser, archive_server, name, width):
    """`make screenshots`: each page at a desk's and a phone's width, full length, in
    test-artifacts/screens/, for a person to look at before a release."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    response = page.goto(archive_server + SCREENS[name])
    assert response.status == 200
    expect(page.locator("main h1")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    (ARTIFACTS / "screens").mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "screens" / f"{name}-{width}.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_likeness_chart_spelling_pages_and_japanese_names_as_a_reader_sees_them(
    browser, archive_server, width
):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-US")
    page = context.new_page()
    # Recurring language: no "100% the same" above a diff that shows a change.
    page.goto(archive_server + "/recurring/")
    for echo in page.locator("ol.echoes > li").all():
        label = echo.locator(".similarity")
        if label.count():
            changed = echo.locator("ins, del").count() > 0
            expect(label).not_to_contain_text("100%")
            assert (label.inner_text() == "identical") == (not changed)
    # Term history: seven shaded years with no text, and whole-number ticks.
    page.goto(archive_server + "/search/trend/?q=GOSAT, 協力")
    expect(page.locator("svg.trend-chart rect.gap")).to_have_count(7)
    ticks = page.locator("svg.trend-chart text[text-anchor=end]").all_text_contents()
    assert ticks and all(tick.isdigit() for tick in ticks), ticks
    # A comparison shows one kind of clause on asking; on a phone a clause only in one text
    # takes no room for the other's empty side.
    page.goto(f"{archive_server}/compare/?a={TOKYO_DECLARATION}/ja&b={KYRGYZ}/ja")
    only_b = page.locator("tr.pair.only-b").first
    empty_a = only_b.locator("td[data-side=A]").bounding_box()
    assert (empty_a is None or empty_a["height"] < 1) == (width == 390), empty_a
    page.locator(".compare-counts a", has_text="reworded").click()
    expect(page.locator("tr.pair")).to_have_count(1)
    expect(page.locator("tr.pair.reworded ins").first).to_be_visible()
    # A misspelling: a correction that finds clauses, and no feed of the misspelling.
    page.goto(archive_server + "/search/?q=conectivity")
    expect(page.locator(".no-results")).not_to_contain_text("Follow this search")
    page.locator(".spelling a").click()
    expect(page.locator("#results-heading")).to_contain_text("“connectivity”")
    # A page past the end says where the results end, and leads there.
    page.goto(archive_server + "/search/?q=テロ&page=99")
    expect(page.get_by_text("Page 99 is past the end")).to_be_visible()
    page.get_by_role("link", name="Go to page 1").click()
    expect(page.locator(".hit").first).to_be_visible()
    context.close()
    # The Japanese interface names the meetings in Japanese.
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.goto(archive_server + "/documents/")
    expect(page.locator("main")).to_contain_text("日・キルギス首脳会談")
    expect(page.locator("main")).to_contain_text("第1回")
    expect(page.locator("main")).not_to_contain_text("Summit Meeting,")
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_side_by_side_uses_the_width_and_stacks_pairs_apart_on_a_phone(
    browser, archive_server, width
):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{archive_server}/documents/{TURKMENISTAN}/parallel/")
    cells = page.locator("#row-17 td")
    ja_box, en_box = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
    if width == 1280:
        assert abs(ja_box["y"] - en_box["y"]) < 1  # side by side
        # Each language takes close to half of the 1,280 px, not a third of a narrower column.
        assert ja_box["width"] >= 560 and en_box["width"] >= 560, (ja_box, en_box)
        shoot(page, "side-by-side-1280")
        page.close()
        return
    assert en_box["y"] >= ja_box["y"] + ja_box["height"] - 1  # stacked, not side by side
    # One number per clause on screen (the row number is for screen readers), and the
    # caption on one line.
    expect(page.locator("#row-17 th")).to_have_count(1)
    assert page.locator("#row-17 th").bounding_box()["width"] <= 1
    caption = page.locator("table.parallel caption").bounding_box()
    assert caption["height"] < 40, caption
    # Each cell is labelled with its language's name, and a rule sets each pair apart.
    labels = cells.evaluate_all("cs => cs.map(c => getComputedStyle(c, '::before').content)")
    assert labels == ['"Japanese"', '"English"'], labels
    rule = page.locator("#row-17").evaluate("r => getComputedStyle(r).borderTopWidth")
    assert float(rule.removesuffix("px")) >= 2, rule
    shoot(page, "07-side-by-side-narrow")
    page.close()


def test_documents_read_without_javascript_and_by_keyboard(browser, archive_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{archive_server}/documents/{TURKMENISTAN}/ja/")
    expect(page.locator("section.clause")).to_have_count(33)
    expect(page.locator("#c15")).to_contain_text("GOSAT")
    expect(page.locator("button.copy-link").first).to_be_hidden()  # needs JS, so not shown
    context.close()

    page = browser.new_page()
    page.goto(f"{archive_server}/documents/{TURKMENISTAN}/ja/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))  # waits: the jump is not instant
    copy = page.locator("#c15 button.copy-link")
    copy.focus()
    expect(copy).to_be_visible()
    assert copy.evaluate("b => getComputedStyle(b).opacity") == "1"
    shoot(page, "08-copy-link-on-focus")
    page.close()


# axe-core, the accessibility engine of Deque (MPL-2.0), vendored: there is no CDN here.
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
READING_PAGES = [
    "/",
    f"/documents/{TURKMENISTAN}/en/",
    f"/documents/{TURKMENISTAN}/parallel/",
    f"/documents/{TURKMENISTAN}/ja/15/",
    "/search/?q=GOSAT",
    "/documents/?country=TM",
    # Issue 13's research tools.
    "/search/?q=greenhouse+gas",
    "/recurring/",
    f"/compare/?a={TURKMENISTAN}/ja&b={KYRGYZ}/ja",
    "/search/trend/?q=GOSAT%2C+%E5%8D%94%E5%8A%9B",
    "/concordance/?q=energy&parallel=on",
    "/terms/?q=rule+of+law",
    "/distinctive/?lang=ja&year=2025",
    "/data/",
]


@pytest.mark.parametrize("locale", ["en-US", "ja-JP"])
def test_reading_pages_have_no_serious_accessibility_violations(browser, archive_server, locale):
    # The site's CSP forbids inline scripts, which is how the test injects axe.
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale=locale, bypass_csp=True)
    found = {}
    for path in READING_PAGES:
        page.goto(archive_server + path)
        page.add_script_tag(path=str(AXE))
        results = page.evaluate("async () => await axe.run(document)")
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if serious:
            found[path] = serious
    page.close()
    assert found == {}, "\n".join(f"{path}: {v}" for path, vs in found.items() for v in vs)


# The same reader's path in each interface language: what the reader sees, word for word.
# The Japanese interface is chosen as a Japanese reader's browser chooses it, from the
# Accept-Language header Playwright sends for locale="ja-JP".
INTERFACE = {
    "ja-JP": {
        "html_lang": "ja",
        "site": "「中央アジア＋日本」外交文書アーカイブ",
        "search_label": "本文を検索",
        "search_button": "検索",
        "facet_headings": ["言語", "年", "種類", "シリーズ", "国"],
        # GOSAT, each version its own hit: every facet's values named, not coded.
        "facet_values": {
            "言語": ["日本語", "英語"],
            "年": ["2025年"],
            "種類": ["共同プレスリリース", "宣言", "共同声明"],
            "シリーズ": ["二国間首脳会談", "「中央アジア＋日本」対話・首脳会合"],
            "国": ["日本", "トルクメニスタン", "キルギス", "カザフスタン"],
        },
        "turkmenistan": "トルクメニスタン",
        "gosat_in_turkmenistan": "「GOSAT」に一致する項: 2 件",
        "other_version": "英語 · 第15段落（原文に番号なし）",
        "each_version": "言語版ごとに別の結果として表示",
        "one_hit": "同じ条項の各言語版をまとめて表示",
        "translation": "翻訳 — 正文は英語版です",
        "provisional": "仮訳 — 正文は英語版です",
        "facts": {"正文": "英語", "種類": "共同声明", "参加国": "日本、キルギス"},
        "date": "2025年12月20日",
        "era": "令和7年12月20日",
        "era_2017": "平成29年5月1日",
        "kazakhstan": "カザフスタン",
        "joint_statement": "共同声明",
        "declaration": "宣言",
        "kind_heading": "種類",
        "country_heading": "国",
        "language_heading": "言語",
        "japanese": "日本語",
        "filtered_by": "絞り込み:",
        "filter_summary": ["種類: 共同声明", "国: カザフスタン"],
        "by_title": "題名順",
        "oldest_first": "古い順",
        "next": "次へ",
        "page_2_of_5": "5 ページ中 2 ページ目",
        "no_match": "「xyzzyq」に一致する項はありません",
        "english_hint": "英語の語は語形変化も含めて照合します",
        "japanese_hint": "日本語は文字どおりに",
        "several_words_hint": "すべての語が一つの項に含まれる必要があります",
        "how_to_search": "検索の書き方",
        "shorter_searches": "次の短い検索なら条項が見つかります",
    },
    # The English strings, key for key with the Japanese above: alike in shape by design.
    "en-US": {
        "html_lang": "en",
        "site": "Central Asia + Japan Diplomatic Texts",
        "search_label": "Search the texts",
        "search_button": "Search",
        "facet_headings": ["Language", "Year", "Kind", "Series", "Country"],
        "facet_values": {
            "Language": ["Japanese", "English"],
            "Year": ["2025"],
            "Kind": ["Joint press release", "Declaration", "Joint statement"],
            "Series": ["Bilateral summit meetings", "Central Asia + Japan Dialogue Summit"],
            "Country": ["Japan", "Turkmenistan", "Kyrgyzstan", "Kazakhstan"],
        },
        "turkmenistan": "Turkmenistan",
        "gosat_in_turkmenistan": "2 clauses match “GOSAT”",
        "other_version": "Japanese · 15th paragraph (unnumbered in the original)",
        "each_version": "each language version as its own hit",
        "one_hit": "versions of one clause as one hit",
        "translation": "Translation — the authentic text is the English version",
        "provisional": "Provisional translation — the authentic text is the English version",
        "facts": {"Authentic text": "English", "Kind": "Joint statement",
                  "Participants": "Japan, Kyrgyzstan"},
        "date": "2025-12-20",
        "era": "",
        "era_2017": "",
        "kazakhstan": "Kazakhstan",
        "joint_statement": "Joint statement",
        "declaration": "Declaration",
        "kind_heading": "Kind",
        "country_heading": "Country",
        "language_heading": "Language",
        "japanese": "Japanese",
        "filtered_by": "Filtered by",
        "filter_summary": ["Kind: Joint statement", "Country: Kazakhstan"],
        "by_title": "by title",
        "oldest_first": "oldest first",
        "next": "Next",
        "page_2_of_5": "Page 2 of 5",
        "no_match": "No clause matches “xyzzyq”",
        "english_hint": "English words match their other forms",
        "japanese_hint": "Japanese is matched character for character",
        "several_words_hint": "Every word must appear in a clause",
        "how_to_search": "How to write a search",
        "shorter_searches": "These shorter searches find clauses:",
    },
}  # fmt: skip
# A facet value shown as its code, as the URL carries it: what neither interface may show.
CODES = re.compile(r"^(?:[A-Z]{2}|[a-z]{2}|[a-z]+(?:-[a-z]+)+)$")


def facet_links(page, within: str, heading: str):
    """The value links of one facet list (`within`: .facets on search, .browse on /documents/)."""
    return (
        page.locator(f"{within} section")
        .filter(has=page.get_by_role("heading", name=heading, exact=True))
        .get_by_role("link")
    )


def facet_count(page, within: str, heading: str, label: str) -> int:
    item = facet_links(page, within, heading).filter(has_text=re.compile(f"^{re.escape(label)}$"))
    text = item.locator("xpath=..").inner_text()  # "宣言 (1)"
    return int(re.search(r"\((\d+)\)", text).group(1))


@pytest.mark.parametrize("locale", ["ja-JP", "en-US"])
def test_reader_walks_search_documents_and_pages_in_each_interface_language(
    browser, archive_server, locale
):
    """Each point a reader meets, in the interface language the browser asks for; screenshots
    ja-NN-… and en-NN-… in test-artifacts/ side by side."""
    words = INTERFACE[locale]
    prefix = locale[:2]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
    page = context.new_page()

    page.goto(archive_server + "/")
    expect(page.locator("html")).to_have_attribute("lang", words["html_lang"])
    expect(page.locator("h1")).to_have_text(words["site"])
    shoot(page, f"{prefix}-01-home")

    # Search: hits, facets named in the interface's language (never codes), versions grouped.
    page.get_by_label(words["search_label"]).first.fill("GOSAT")
    page.get_by_role("button", name=words["search_button"], exact=True).first.click()
    hits = page.locator("ol.hits > li.hit")
    expect(hits).to_have_count(3)  # Turkmenistan 15 in Japanese and English: one hit
    grouped = hits.filter(has=page.locator("p.aligned"))
    expect(grouped).to_have_count(1)  # the version left out stands beside the one shown
    expect(grouped.locator(".aligned-label")).to_have_text(words["other_version"])
    shoot(page, f"{prefix}-02-search-gosat")
    page.locator(".result-tools").get_by_role("link", name=words["each_version"]).click()
    expect(hits).to_have_count(4)  # each version its own hit: clause 15 in both languages
    expect(hits.locator(f"a[lang=en][href*='{TURKMENISTAN}/en/']")).to_have_count(1)
    expect(hits.locator(f"a[lang=ja][href*='{TURKMENISTAN}/ja/']")).to_have_count(1)
    headings = page.locator(".facets h2")
    expect(headings).to_have_text(words["facet_headings"])
    for heading, values in words["facet_values"].items():
        labels = facet_links(page, ".facets", heading).all_inner_texts()
        for value in values:
            assert value in labels, (heading, value, labels)
    labels = page.locator(".facets a").all_inner_texts()
    assert not [label for label in labels if CODES.match(label)], labels
    if prefix == "ja":  # countries, kinds, series and languages all in Japanese words
        assert not [label for label in labels if re.search("[A-Za-z]", label)], labels
    shoot(page, f"{prefix}-03-search-facets-all-versions")
    page.locator(".result-tools").get_by_role("link", name=words["one_hit"]).click()
    expect(hits).to_have_count(3)

    # Choosing a facet: the filter is shown by its name, chosen, and the counts follow it.
    facet_links(page, ".facets", words["country_heading"]).filter(
        has_text=re.compile(f"^{re.escape(words['turkmenistan'])}$")
    ).click()
    expect(page).to_have_url(re.compile(r"[?&]country=TM(&|$)"))
    chosen = page.locator(".facets a[aria-current=true]")
    expect(chosen).to_have_text([words["turkmenistan"]])
    expect(page.locator("#results-heading")).to_have_text(words["gosat_in_turkmenistan"])
    expect(page.locator(".facets")).not_to_contain_text("TM")
    expect(page.locator("main")).not_to_contain_text(re.compile(r"\bTM\b|country\s*:"))
    shoot(page, f"{prefix}-04-search-filtered-by-country")

    # Print: the hits, not the header, the forms or the filters.
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("main form")).to_be_hidden()
    expect(page.locator(".language-switch")).to_be_hidden()
    expect(page.locator(".facets")).to_be_hidden()
    expect(hits.first).to_be_visible()
    shoot(page, f"{prefix}-05-search-print")
    page.emulate_media(media="screen")

    # A hit leads to its clause in context: marked as the target, the searched word marked.
    page.goto(archive_server + "/search/?q=" + "温室効果ガス")
    expect(page.locator(".hit mark").first).to_have_text("温室効果ガス")
    page.locator(".hit-meta a[lang]").first.click()
    target = page.locator(".clause:target")
    expect(target).to_have_count(1)
    expect(target.locator("mark").first).to_have_text("温室効果ガス")
    background = target.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), background
    shoot(page, f"{prefix}-06-clause-from-hit")

    # A version in another language than the authentic one says it is a translation; the
    # title block names languages and dates as the interface writes them.
    page.goto(f"{archive_server}/documents/{KYRGYZ}/ja/")
    expect(page.locator(".title-block .badge")).to_have_text(words["translation"])
    facts = page.locator("dl.facts")
    for term, value in words["facts"].items():
        expect(facts.locator(f"dt:text-is('{term}') + dd")).to_have_text(value)
    date = facts.locator("time").first
    expect(date).to_have_text(words["date"])
    expect(date).to_have_attribute("datetime", "2025-12-20")
    expect(date).to_have_attribute("title", words["era"])
    shoot(page, f"{prefix}-07-document-translation")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    forms = page.locator("form").all()
    assert len(forms) >= 2  # the header's search box and language switch at least
    for form in forms:
        expect(form).to_be_hidden()
    expect(page.locator("#c1")).to_be_visible()
    page.emulate_media(media="screen")
    page.goto(f"{archive_server}/documents/{TURKMENISTAN}/ja/")
    expect(page.locator(".title-block .badge")).to_have_text(words["provisional"])
    page.goto(f"{archive_server}/documents/{TURKMENISTAN}/en/")
    expect(page.locator(".title-block .badge")).to_have_count(0)  # the authentic text

    # /documents/: filters combine, each facet counts with the other filters, sorts.
    page.goto(archive_server + "/documents/")
    browse = ".browse"
    assert facet_count(page, browse, words["kind_heading"], words["joint_statement"]) == 2
    expect(facet_links(page, browse, words["language_heading"])).to_contain_text(
        [words["japanese"]]
    )
    facet_links(page, browse, words["country_heading"]).filter(
        has_text=re.compile(f"^{re.escape(words['kazakhstan'])}$")
    ).click()
    # With Kazakhstan chosen, the kinds count only the texts Kazakhstan took part in.
    assert facet_count(page, browse, words["kind_heading"], words["joint_statement"]) == 1
    assert facet_count(page, browse, words["kind_heading"], words["declaration"]) == 1
    facet_links(page, browse, words["kind_heading"]).filter(
        has_text=re.compile(f"^{re.escape(words['joint_statement'])}$")
    ).click()
    expect(page).to_have_url(re.compile(r"country=KZ"))
    expect(page).to_have_url(re.compile(r"kind=joint-statement"))
    summary = page.locator("main p").filter(has_text=words["filtered_by"])
    expect(summary.locator("strong")).to_have_text(words["filter_summary"])
    expect(summary).not_to_contain_text("KZ")
    expect(summary).not_to_contain_text("joint-statement")
    expect(page.locator(".work-list > li.work")).to_have_count(1)  # the 2017 statement
    expect(page.locator(".work-list time")).to_have_attribute("title", words["era_2017"])
    # …and the countries count only the joint statements.
    assert facet_count(page, browse, words["country_heading"], words["kazakhstan"]) == 1
    expect(page.locator(f"{browse} a[aria-current=true]")).to_have_count(2)
    shoot(page, f"{prefix}-08-documents-country-and-kind")

    page.goto(archive_server + "/documents/")
    page.locator(".result-tools").get_by_role("link", name=words["by_title"]).click()
    expect(page).to_have_url(re.compile(r"sort=title"))
    firsts = page.locator(".work-list > li.work").evaluate_all(
        "works => works.map(w => w.querySelector('.versions a').textContent.trim())"
    )
    assert len(firsts) == 4
    # Latin titles before Japanese ones; 第６回外相会合 (2017) before 首脳会合 (Tokyo); the
    # Kyrgyz statement (高市早苗日本国内閣…) after the two 「中央アジア＋日本」 texts.
    assert firsts[0].startswith("Joint Press Release"), firsts
    assert "第６回外相会合" in firsts[1] and "東京宣言" in firsts[2], firsts
    assert firsts[3].startswith("高市早苗日本国内閣総理大臣"), firsts
    shoot(page, f"{prefix}-09-documents-by-title")
    page.locator(".result-tools").get_by_role("link", name=words["oldest_first"]).click()
    expect(page.locator(".work-list time").first).to_have_attribute("datetime", "2017-05-01")

    # Search page 2 numbers its hits on from the first page's 20.
    page.goto(archive_server + "/search/?q=" + "協力")
    expect(hits).to_have_count(20)
    expect(page.locator("ol.hits")).to_have_attribute("start", "1")
    first_on_page_1 = hits.first.inner_text()
    page.locator(".pagination").get_by_role("link", name=words["next"]).click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator("ol.hits")).to_have_attribute("start", "21")
    expect(hits).to_have_count(20)
    expect(page.locator(".pagination span")).to_have_text(words["page_2_of_5"])
    assert hits.first.inner_text() != first_on_page_1
    # …and the numbers are shown: a decimal list of list items, not a restyled one.
    style = page.locator("ol.hits").evaluate("ol => getComputedStyle(ol).listStyleType")
    assert style == "decimal", style
    assert hits.first.evaluate("li => getComputedStyle(li).display") == "list-item"
    shoot(page, f"{prefix}-10-search-page-2")

    # Nothing found: advice that fits an English word, and a way on.
    page.goto(archive_server + "/search/?q=xyzzyq")
    nothing = page.locator(".no-results")
    expect(nothing.locator("h2")).to_have_text(words["no_match"])
    expect(nothing).to_contain_text(words["english_hint"])
    expect(nothing).not_to_contain_text(words["japanese_hint"])  # no compound advice
    expect(nothing).not_to_contain_text(words["several_words_hint"])  # one word
    expect(nothing.get_by_role("link", name=words["how_to_search"])).to_be_visible()
    shoot(page, f"{prefix}-11-search-nothing-found")
    page.goto(archive_server + "/search/?q=GOSAT+xyzzyq")
    expect(nothing).to_contain_text(words["shorter_searches"])
    expect(nothing).to_contain_text(words["several_words_hint"])
    nothing.get_by_role("link", name="GOSAT", exact=True).click()
    expect(hits).to_have_count(3)
    context.close()

    # A narrow screen: the hits before the filters.
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale=locale)
    page = context.new_page()
    page.goto(archive_server + "/search/?q=GOSAT")
    expect(page.locator("html")).to_have_attribute("lang", words["html_lang"])
    results = page.locator("section.results").bounding_box()
    filters = page.locator("aside.facets").bounding_box()
    assert results["y"] + results["height"] <= filters["y"] + 1, (results, filters)
    shoot(page, f"{prefix}-12-search-narrow")
    context.close()


@pytest.mark.parametrize("locale", ["ja-JP", "en-US"])
def test_the_header_is_two_lines_at_1280_px_in_each_interface_language(
    browser, archive_server, locale
):
    """Site name, search box and language switch side by side, the menu of documents and
    research tools on one line under them, each label on one line."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
    page = context.new_page()
    page.goto(f"{archive_server}/documents/{KYRGYZ}/ja/")
    expect(page.locator("html")).to_have_attribute("lang", locale[:2])
    header = page.locator(".site-header")
    expect(header.locator(".search-box")).to_be_visible()  # the header with its search box
    header.screenshot(path=str(ARTIFACTS / f"{locale[:2]}-13-header-1280.png"))
    parts = header.locator(":scope > *").evaluate_all(
        "parts => parts.map(p => [p.className || p.tagName, p.getBoundingClientRect().top,"
        " p.getBoundingClientRect().bottom])"
    )
    first = [part for part in parts if part[0] != "NAV"]
    assert max(top for _, top, _ in first) < min(bottom for _, _, bottom in first), parts
    menu = header.locator("nav li").evaluate_all(
        "items => items.map(i => Math.round(i.getBoundingClientRect().top))"
    )
    assert len(menu) == 7 and len(set(menu)) == 1, f"the menu is not one line: {menu}"
    assert min(menu) >= max(bottom for _, _, bottom in first) - 1, (menu, parts)
    lines = header.locator("a, button, label").evaluate_all(
        """elements => elements.filter(e => e.getBoundingClientRect().width > 1).map(e => {
             const range = document.createRange();
             range.selectNodeContents(e);
             const rows = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
             return [e.textContent.trim(), rows.size];
           })"""
    )
    broken = [text for text, rows in lines if rows > 1]
    assert broken == [], f"labels broken over two lines in the header: {broken}"
    box = header.bounding_box()
    assert box["height"] < 110, box
    context.close()


@pytest.mark.parametrize("locale", ["ja-JP", "en-US"])
def test_printed_lists_take_the_width_the_hidden_filters_leave(browser, archive_server, locale):
    """Printed, the filters are gone; the hits and the list of texts take the page's width
    rather than the filters' narrow column."""
    prefix = locale[:2]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
    page = context.new_page()
    page.emulate_media(media="print")
    narrow = {}
    for name, path, listing, filters in [
        ("search", "/search/?q=GOSAT", "section.results", "aside.facets"),
        ("documents", "/documents/?country=TM", "ol.work-list", "nav.browse"),
    ]:
        page.goto(archive_server + path)
        expect(page.locator(".site-header")).to_be_hidden()
        expect(page.locator(filters)).to_be_hidden()
        shoot(page, f"{prefix}-14-print-{name}")
        room = page.locator("main h1").bounding_box()["width"]  # the printed page's text width
        width = page.locator(listing).bounding_box()["width"]
        if width < 0.8 * room:
            narrow[path] = f"{width:.0f} px of {room:.0f}"
    context.close()
    assert narrow == {}, f"printed in a narrow column: {narrow}"


# Issue 13: the research tools, as a reader sees them, in each interface language.
TOOLS_TEXT = {
    "en-US": {
        "also": "Also said in",
        "shared": "shared",
        "discovered": "Also in other texts and languages",
        "via": "Via the aligned Japanese of",
    },
    "ja-JP": {
        "also": "他の文書でも述べられた表現",
        "shared": "共通",
        "discovered": "他の文書・他の言語でも",
        "via": "の日本語版を経由",
    },
}


@pytest.mark.parametrize("locale", ["en-US", "ja-JP"])
def test_research_tools_show_recurring_language_comparisons_history_and_discoveries(
    browser, archive_server, locale
):
    words, prefix = TOOLS_TEXT[locale], locale[:2]
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale=locale)

    # The document page marks the GOSAT clause; its page lists the two other texts, with diffs.
    page.goto(f"{archive_server}/documents/{TURKMENISTAN}/ja/")
    page.locator("#c15 a.recurs").click()
    section = page.locator("#recurring")
    expect(section.locator("h2")).to_have_text(words["also"])
    expect(section.locator("ol.echoes > li")).to_have_count(2)
    expect(section.locator(f'a[href="/documents/{TOKYO_DECLARATION}/ja/17/"]')).to_be_visible()
    expect(section.locator("ins").first).to_be_visible()
    section.scroll_into_view_if_needed()
    shoot(page, f"{prefix}-20-also-said-in")

    # Comparing the two bilateral statements: counts first, then the pairs.
    page.goto(f"{archive_server}/compare/?a={TURKMENISTAN}/ja&b={KYRGYZ}/ja")
    expect(page.locator(".compare-counts li").nth(1)).to_contain_text("2")
    expect(page.locator("tr.pair.shared")).to_have_count(2)
    expect(page.locator("tr.pair.shared th").first).to_contain_text(words["shared"])
    assert page.locator("tr.pair.related").count() >= 8
    page.locator(".compare-counts li").nth(1).get_by_role("link").click()
    expect(page.locator("tr.pair")).to_have_count(2)  # only the shared clauses
    shoot(page, f"{prefix}-21-compare")

    # The formulas said most, with their history.
    page.goto(f"{archive_server}/recurring/")
    first = page.locator("li.formula").first
    expect(first.locator("ol.echoes > li")).to_have_count(3)
    shoot(page, f"{prefix}-22-recurring")

    # Term history: a chart drawn on the server, one line per term, and the table beside it.
    page.goto(f"{archive_server}/search/trend/?q=GOSAT, 協力, テロ")
    chart = page.locator("svg.trend-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("g.series")).to_have_count(3)
    assert chart.bounding_box()["width"] > 600
    expect(page.locator(".trend-table tbody tr")).to_have_count(2)  # 2017 and 2025
    shoot(page, f"{prefix}-23-term-history")

    # An English search reaches the Japanese-only texts, and says how.
    page.goto(f"{archive_server}/search/?q=greenhouse gas")
    group = page.locator("section.discovered")
    expect(group.locator("h2")).to_have_text(words["discovered"])
    expect(group.locator(f'a[href="/documents/{KYRGYZ}/ja/14/"]')).to_be_visible()
    expect(group.locator(".path").first).to_contain_text(words["via"])
    group.scroll_into_view_if_needed()
    shoot(page, f"{prefix}-24-discovery")
    page.close()


# Made up for the workbench's test: line 6 stands between paragraphs numbered in one run.
WORKBENCH_TEXT = """\
架空の日本・タジキスタン共同声明

2031年5月8日、東京

1. 双方は、氷河の観測で協力することで一致した。
協力の柱
2. 双方は、山岳地域の道路整備を進めることを確認した。
"""


@pytest.mark.parametrize("locale", ["en-US", "ja-JP"])
def test_a_new_curator_adds_corrects_and_publishes_a_text_in_the_workbench(
    browser, archive_server, django_user_model, tmp_path, locale
):
    from django.contrib.auth.models import Permission

    curator = django_user_model.objects.create_user("curator", password="a-curator-pw")
    curator.is_staff = True
    curator.save()
    curator.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_draft", "view_document"])
    )
    source = tmp_path / "made-up-statement.txt"
    source.write_text(WORKBENCH_TEXT, encoding="utf-8")
    slug = f"2031-made-up-tajikistan-{locale[:2]}"

    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale=locale)
    page.goto(archive_server + "/admin/workbench/")
    page.locator("#id_username").fill("curator")
    page.locator("#id_password").fill("a-curator-pw")
    page.locator("input[type=submit]").click()
    page.locator("#id_source").set_input_files(str(source))
    page.locator("#id_language").select_option("ja")
    page.locator("#id_kind").select_option("joint-statement")
    page.locator("#id_slug").fill(slug)
    page.locator(".workbench-form button[type=submit]").click()

    # The warning stands beside line 6, which the importer read as a heading.
    line = page.locator("#line-6")
    expect(line.locator(".warning")).to_contain_text("line 6")
    expect(line.locator("td").nth(2)).to_have_text("heading 1")
    shoot(page, f"workbench-review-{locale}")
    line.locator("select").select_option("furniture")
    line.locator("button").click()
    expect(page.locator("#line-6 td").nth(2)).to_have_text("furniture")
    expect(page.locator("#line-6 .warning")).to_have_count(0)

    page.locator("form:has(input[value=publish]) button").click()
    expect(page.locator("h1")).to_contain_text("架空の日本・タジキスタン共同声明")
    assert page.url.endswith(f"/documents/{slug}/ja/")
    page.goto(archive_server + "/search/?q=" + "氷河の観測")
    expect(page.locator(".hit").first).to_contain_text("氷河の観測")

    # From the admin's list of texts, the text opens again in the workbench with the
    # correction kept; numbered by order with line 5 set aside, it is published again.
    page.goto(archive_server + f"/admin/archive/document/?q={slug}")
    page.locator("a[href*='/admin/workbench/stored/']").first.click()
    expect(page.locator("#line-6 td").nth(2)).to_have_text("furniture")
    page.locator("#line-5 select").select_option("furniture")
    page.locator("#line-5 button").click()
    page.locator("#id_labels").select_option("order")
    page.locator("form:has(input[value=facts]) button").click()
    page.locator("form:has(input[value=publish]) button").click()
    expect(page.locator(".lost-links")).to_contain_text("¶2")  # the links that change
    page.locator("form:has(input[name=confirm]) button").click()
    # The old address of clause 2 leads to the clause that carries its text now.
    page.goto(archive_server + f"/documents/{slug}/ja/2/")
    assert page.url.endswith(f"/documents/{slug}/ja/1/")
    expect(page.locator("main")).to_contain_text("山岳地域の道路整備")

    # The history restores the reading before: two clauses again.
    page.goto(archive_server + f"/admin/archive/document/?q={slug}")
    page.locator("a[href*='/admin/workbench/stored/']").first.click()
    page.locator("a[href$='/revisions/']").click()
    page.locator(".revisions > li").first.locator("button").click()
    page.locator("form:has(input[value=publish]) button").click()
    page.locator("form:has(input[name=confirm]) button").click()
    page.goto(archive_server + f"/documents/{slug}/ja/2/")
    expect(page.locator("main")).to_contain_text("山岳地域の道路整備")
    assert page.url.endswith(f"/documents/{slug}/ja/2/")
