"""A reader's path through the archive in a real headless Chromium (Debian's, via Playwright).

Screenshots of each page land in test-artifacts/ for a person to look at.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.conftest import TURKMENISTAN, build_search_index, import_fixtures

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
    assert header["height"] < 70, header  # one line at 1280 px
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


def test_narrow_screen_stacks_the_two_columns_per_row(browser, archive_server):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{archive_server}/documents/{TURKMENISTAN}/parallel/")
    cells = page.locator("#row-17 td")
    ja_box, en_box = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
    assert en_box["y"] >= ja_box["y"] + ja_box["height"] - 1  # stacked, not side by side
    # One number per clause on screen (the row number is for screen readers), and the
    # caption on one line.
    expect(page.locator("#row-17 th")).to_have_count(1)
    assert page.locator("#row-17 th").bounding_box()["width"] <= 1
    caption = page.locator("table.parallel caption").bounding_box()
    assert caption["height"] < 40, caption
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
