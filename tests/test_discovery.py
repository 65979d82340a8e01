"""Discovery across languages: a search reaches clauses it does not match,
through the alignment of versions and through recurring language, and says how."""

from html import unescape

import pytest

from search.discovery import discover
from search.results import SearchRequest
from search.searching import search
from tests.utils import KYRGYZ, TOKYO_DECLARATION, TURKMENISTAN, build_search_index, import_made_up

pytestmark = pytest.mark.django_db


def found_by(q, **options):
    results = search(SearchRequest(q=q, group_versions=True, **options))
    return {
        (d.clause.document.work.slug, d.clause.document.language, d.clause.label): d
        for d in discover(results)
    }


def test_greenhouse_gas_reaches_the_japanese_only_declaration_and_kyrgyz_statement(seeded):
    found = found_by("greenhouse gas")
    assert set(found) == {(TOKYO_DECLARATION, "ja", "17"), (KYRGYZ, "ja", "14")}
    path = found[(TOKYO_DECLARATION, "ja", "17")]
    assert (path.hit.document.language, path.hit.label) == ("en", "15")
    assert (path.aligned.document.work.slug, path.aligned.document.language) == (TURKMENISTAN, "ja")
    assert path.similarity == pytest.approx(0.65, abs=0.05)


def test_what_the_search_matches_itself_is_not_discovered(seeded):
    # GOSAT is printed in all four clauses: they are hits, not discoveries.
    assert found_by("GOSAT") == {}


def test_discovery_keeps_the_filters_other_than_language(seeded):
    assert found_by("greenhouse gas", filters=(("kind", "joint-statement"),)) == {}
    kyrgyz_only = found_by("greenhouse gas", filters=(("country", "KG"),))
    assert set(kyrgyz_only) <= {(TOKYO_DECLARATION, "ja", "17"), (KYRGYZ, "ja", "14")}


def test_the_reverse_a_japanese_search_reaches_english_texts(seeded, search_index_path):
    import_made_up()  # two English texts that say the GOSAT clause nearly as the release does
    build_search_index()
    try:
        found = found_by("温室効果ガス観測技術衛星")
        english = {key for key in found if key[1] == "en"}
        assert ("test-2019-climate-dialogue", "en", "1") in english
        path = found[("test-2019-climate-dialogue", "en", "1")]
        assert path.aligned.document.language == "en"  # via the release's English version
    finally:
        from archive.models import Work

        Work.objects.filter(slug__startswith="test-").delete()
        build_search_index()


def test_the_search_page_shows_the_group_under_the_hits_with_its_path(client, seeded):
    html = unescape(
        client.get("/search/", {"q": "greenhouse gas"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    group = html[html.index('id="discovered-heading"') :]
    group = group[: group.index("</section>")]
    assert html.index('class="hits"') < html.index('id="discovered-heading"')
    assert f'href="/documents/{TOKYO_DECLARATION}/ja/17/"' in group
    assert f'href="/documents/{KYRGYZ}/ja/14/"' in group
    assert "Via the aligned Japanese of" in group
    assert f'href="/documents/{TURKMENISTAN}/ja/15/"' in group
    japanese = unescape(
        client.get("/search/", {"q": "greenhouse gas"}, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    )
    assert "の日本語版を経由" in japanese


def test_a_page_after_the_first_shows_no_discoveries(client, seeded):
    html = client.get("/search/", {"q": "greenhouse gas", "page": 2}).content.decode()
    assert 'id="discovered-heading"' not in html


def test_discovery_costs_a_fixed_number_of_queries(client, seeded, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        client.get("/search/", {"q": "greenhouse gas"})
    with django_assert_max_num_queries(12):
        client.get("/search/", {"q": "協力"})
