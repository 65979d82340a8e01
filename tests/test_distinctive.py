"""What is distinctive about a text, a year, a series or a country, and what the archive meets
there first: on the fixtures and on made-up statements written here, under tests, never into
fixtures/ (archive/research/distinctive.py)."""

import io

import pytest
from django.core.management import call_command

from archive.research.distinctive import _keyness, _log_ratio, terms_in

pytestmark = pytest.mark.django_db

SERIES = "Fictland talks"
YEARS = (2010, 2012, 2014, 2016)
_EVERY_YEAR = [
    "Both sides confirmed cooperation in trade and culture.",
    "Both sides confirmed cooperation in education.",
    "Both sides confirmed cooperation in health.",
]
_ONLY = {
    2010: ["Both sides welcomed the opening of an embassy."],
    2012: [
        "Japan will support desalination of water.",
        "Japan will support desalination of water.",
        "Both sides discussed desalination technology.",
        "Both sides discussed desalination technology.",
        "The desalination plant opened.",
        "The desalination plant opened.",
    ],
    2014: ["Both sides launched a hydrogen partnership.", "Hydrogen trade will grow."]
    + ["The hydrogen partnership includes research."],
    2016: ["Both sides reviewed the hydrogen partnership.", "Hydrogen research continues."],
}


def slug(year: int) -> str:
    return f"{year}-japan-fictland-talks"


def _statement(year: int, paragraphs: list[str]) -> str:
    head = ["Joint Statement on the Japan–Fictland Talks", "", f"May 1, {year}"]
    body = [f"{n}. {text}" for n, text in enumerate(paragraphs, 1)]
    return "\n\n".join(["\n".join(head), *body]) + "\n"


def _import(folder, texts: dict[int, list[str]], callbacks) -> None:
    entries = []
    for year, paragraphs in texts.items():
        name = f"fictland-{year}.txt"
        (folder / name).write_text(_statement(year, paragraphs), encoding="utf-8")
        entries.append(
            f'[[document]]\nfile = "{name}"\nslug = "{slug(year)}"\nlanguage = "en"\n'
            f'kind = "joint-statement"\nseries = "{SERIES}"\n'
        )
    (folder / "manifest.toml").write_text("\n".join(entries), encoding="utf-8")
    with callbacks(execute=True):
        call_command("import_documents", str(folder), stdout=io.StringIO(), stderr=io.StringIO())


@pytest.fixture
def fictland(seeded, tmp_path, scratch_index, django_capture_on_commit_callbacks):
    folder = tmp_path / "fictland"
    folder.mkdir()
    _import(folder, {year: _EVERY_YEAR + _ONLY[year] for year in YEARS},
            django_capture_on_commit_callbacks)  # fmt: skip
    return folder


def answer(client, **params) -> dict:
    response = client.get("/api/distinctive", params)
    assert response.status_code == 200, response.content
    return response.json()


def terms(found: dict, kind: str = "distinctive") -> list[str]:
    return [term["term"] for term in found[kind]]


def test_keyness_is_dunnings_log_likelihood_with_the_log_ratio_as_its_effect_size():
    # 6 of 100 here, none of 900 elsewhere: G² = 2 × 6 × ln(6 ÷ 0.6); log₂(0.06 ÷ (0.5/900)).
    assert (_keyness(6, 0, 100, 900), _log_ratio(6, 0, 100, 900)) == (27.63, 6.75)
    assert _keyness(10, 90, 100, 900) == 0.0  # the same rate here and elsewhere
    assert _keyness(1, 90, 100, 900) < 0  # rarer here


def test_terms_leave_out_function_words_numbers_and_kana_alone():
    assert terms_in("Both sides agreed between them on the 2012 plan for G7 water.", "en") == [
        "sides", "agreed", "plan", "water",
    ]  # fmt: skip
    japanese = terms_in(
        "双方は、2025年に中央アジア地域について意見交換を行うことで一致した。", "ja"
    )
    assert japanese == ["双方", "中央アジア地域", "意見交換", "一致"]  # compounds joined


def test_the_term_one_text_uses_often_and_no_other_text_uses_leads_its_list(client, fictland):
    found = answer(client, lang="en", text=slug(2012))
    first = found["distinctive"][0]
    assert (first["text"], first["here"], first["elsewhere"]) == ("desalination", 6, 0)
    assert first["keyness"] >= 10.83 and first["log_ratio"] >= 1
    assert first["concordance"] == "/concordance/?q=desalination&lang=en"
    # Said at the same rate in every Fictland text, so distinctive of none.
    assert "cooperation" not in terms(found) and "sides" not in terms(found)
    assert all(t["here"] >= 2 and t["keyness"] >= 10.83 for t in found["distinctive"])


def test_a_term_first_used_in_a_text_is_new_there_with_the_texts_that_took_it_up(client, fictland):
    new = {t["term"]: t for t in answer(client, lang="en", text=slug(2014))["new"]}
    assert (new["hydrogen"]["first"], new["hydrogen"]["later_texts"]) == ("2014-05-01", 1)
    assert new["hydrogen"]["new"] and "cooperation" not in new  # said since 2010
    assert "hydrogen" not in terms(answer(client, lang="en", text=slug(2016)), "new")
    html = client.get(f"/documents/{slug(2014)}/en/").content.decode()
    assert "What this text says that others do not" in html
    assert 'href="/concordance/?q=hydrogen&amp;lang=en"' in html


def test_the_earliest_text_says_every_term_is_new_rather_than_list_them_all(client, fictland):
    html = client.get("/distinctive/", {"lang": "en", "text": slug(2010)}).content.decode()
    assert "no earlier text in this language" in html
    assert "terms the archive meets here first" not in html


def test_totals_follow_a_deleted_version_and_a_changed_one(
    client, fictland, django_capture_on_commit_callbacks
):
    from archive.importing import delete_versions
    from archive.models import Document

    again = fictland.parent / "again"
    again.mkdir()
    _import(again, {2016: _EVERY_YEAR + ["Both sides reviewed the partnership."]},
            django_capture_on_commit_callbacks)  # fmt: skip
    hydrogen = {t["term"]: t for t in answer(client, lang="en", text=slug(2014))["new"]}
    assert hydrogen["hydrogen"]["later_texts"] == 0  # 2016 no longer says it
    with django_capture_on_commit_callbacks(execute=True):
        delete_versions(Document.objects.filter(work__slug=slug(2012)).values_list("pk", flat=True))
    found = answer(client, lang="en", text=slug(2014))
    assert "desalination" not in terms(found) + terms(found, "new")
    others = [slug(2010), slug(2016), "2025-japan-turkmenistan-joint-press-release"]
    assert found["size_elsewhere"] == sum(answer(client, lang="en", text=s)["size"] for s in others)


def test_a_year_a_series_and_a_country_are_groups_too(client, fictland, django_assert_num_queries):
    assert terms(answer(client, lang="en", year="2012"))[0] == "desalination"
    series = answer(client, lang="en", series=SERIES)
    assert series["versions"] == len(YEARS) and "hydrogen" in terms(series)
    # The fixtures' English text is the one version of Turkmenistan in English.
    country = answer(client, lang="en", country="TM")
    text = answer(client, lang="en", text="2025-japan-turkmenistan-joint-press-release")
    assert country["versions"] == 1 and country["distinctive"] == text["distinctive"]
    assert country["size"] == text["size"] > 0
    with django_assert_num_queries(2):  # the group's rows with every total they need; a count
        client.get("/api/distinctive", {"lang": "en", "series": SERIES})


def test_the_fixtures_2017_statement_is_told_apart_by_its_own_voice(client, seeded):
    """各国外務大臣 (the foreign ministers of each country) speaks 52 times in the 2017
    statement and in no other Japanese version of the fixtures."""
    found = answer(client, lang="ja", text="2017-caj-6th-foreign-ministers-joint-statement")
    first = found["distinctive"][0]
    assert (first["text"], first["here"], first["elsewhere"]) == ("各国外務大臣", 52, 0)
    html = client.get("/documents/2017-caj-6th-foreign-ministers-joint-statement/ja/")
    assert "各国外務大臣" in html.content.decode().split("What this text says")[1]


@pytest.mark.parametrize(
    ("params", "status", "says"),
    [
        ({"lang": "en", "year": "20x5"}, 400, "not a year"),
        ({"lang": "xx", "text": slug(2012)}, 400, "lang"),
        ({"text": "no-such-text"}, 404, "no text “no-such-text”"),
        ({"lang": "ru", "text": slug(2012)}, 404, "no version in this language"),
    ],
)
def test_a_group_that_cannot_be_answered_gets_one_clear_message(
    client, fictland, params, status, says
):
    response = client.get("/api/distinctive", params)
    assert response.status_code == status and says in response.json()["error"]
    page = client.get("/distinctive/", params)
    assert page.status_code in (200, 400) and "Traceback" not in page.content.decode()
    if status == 404:
        assert says in page.content.decode()


def test_without_a_group_the_whole_language_is_compared_with_nothing_and_says_so(client, fictland):
    found = answer(client, lang="en")
    assert (found["distinctive"], found["new"], found["size_elsewhere"]) == ([], [], 0)
    assert found["versions"] == 5 and "Say which texts" in found["notice"]
    texts = [slug(year) for year in YEARS] + ["2025-japan-turkmenistan-joint-press-release"]
    assert found["size"] == sum(answer(client, lang="en", text=t)["size"] for t in texts)
    assert answer(client, lang="en", text=slug(2012))["notice"] is None
    assert "Choose a year" in client.get("/distinctive/", {"lang": "en"}).content.decode()


def test_the_migration_counts_an_existing_archive_as_imports_do(fictland):
    import importlib

    from django.apps import apps

    from archive.models import TermCount, TermTotal

    def stored():
        counts = TermCount.objects.values_list("document_id", "term", "text", "occurrences")
        totals = TermTotal.objects.values_list("language", "term", "occurrences", "texts", "first")
        return sorted(counts), sorted(totals)

    written = stored()
    assert written[0] and {language for language, term, *_ in written[1] if term == ""} == {
        "ja",
        "en",
    }
    TermCount.objects.all().delete()
    TermTotal.objects.all().delete()
    importlib.import_module("archive.migrations.0013_term_counts").count_terms(apps, None)
    assert stored() == written


def test_a_version_counted_a_few_clauses_at_a_time_counts_the_same(seeded, monkeypatch):
    """A long text is counted a run of clauses at a time, each run's counts added to its rows;
    the counts must be those of the whole text at once."""
    from archive.models import Document, TermCount
    from archive.research import distinctive

    version = Document.objects.get(work__slug="2017-caj-6th-foreign-ministers-joint-statement")
    rows = TermCount.objects.filter(document=version).order_by("term")
    whole = list(rows.values_list("term", "text", "occurrences", "date", "language"))
    monkeypatch.setattr(distinctive, "CLAUSES_AT_A_TIME", 2)
    assert distinctive.count_terms([version.pk]) == len(whole) > 100
    assert list(rows.values_list("term", "text", "occurrences", "date", "language")) == whole


def _kept_and_afresh() -> tuple[tuple, tuple]:
    """The groups' counts as kept through the changes, and as summed afresh from the
    versions' counts by the migration that first filled them."""
    import importlib

    from django.apps import apps

    from archive.models import CountedIn, GroupCount

    def stored():
        rows = GroupCount.objects.values_list(
            "facet", "value", "language", "term", "text", "occurrences", "texts", "first"
        )
        return sorted(rows), sorted(CountedIn.objects.values_list("document_id", "facet", "value"))

    kept = stored()
    GroupCount.objects.all().delete()
    CountedIn.objects.all().delete()
    importlib.import_module("archive.migrations.0018_group_counts").count_groups(apps, None)
    return kept, stored()


def _move_in_the_admin(admin_client, work, callbacks, **changes) -> None:
    form = admin_client.get(f"/admin/archive/work/{work.pk}/change/").context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "countries"}
    version = work.documents.get()
    data.update(
        countries=[c.pk for c in work.countries.all()],
        **{
            "documents-TOTAL_FORMS": "1",
            "documents-INITIAL_FORMS": "1",
            "documents-0-id": str(version.pk),
            "documents-0-work": str(work.pk),
            "documents-0-language": version.language,
            "documents-0-title": version.title,
        },
    )
    data.update(changes)
    with callbacks(execute=True):
        response = admin_client.post(f"/admin/archive/work/{work.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_kind_series_and_country_keep_counts_that_follow_every_change(
    client, admin_client, fictland, django_capture_on_commit_callbacks
):
    """Each change moves the groups' counts; they must stay what summing every version of the
    group afresh gives: a text imported again with other words, the earliest text of the
    series moved to another series and given a country in the admin, a version deleted."""
    from archive.importing import delete_versions
    from archive.models import Document, Work

    again = fictland.parent / "again"
    again.mkdir()
    _import(again, {2016: _EVERY_YEAR + ["Both sides reviewed the Partnership."]},
            django_capture_on_commit_callbacks)  # fmt: skip
    earliest = Work.objects.get(slug=slug(2010))
    _move_in_the_admin(admin_client, earliest, django_capture_on_commit_callbacks,
                       series="Other talks", countries=["KZ"])  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        delete_versions(Document.objects.filter(work__slug=slug(2012)).values_list("pk", flat=True))
    series = answer(client, lang="en", series=SERIES)
    assert series["versions"] == 2 and "desalination" not in terms(series) + terms(series, "new")
    kept, afresh = _kept_and_afresh()
    assert kept == afresh
    groups = {(facet, value) for facet, value, *_ in kept[0]}
    assert {("series", "Other talks"), ("country", "KZ"), ("series", SERIES)} <= groups
    # Three times in each of the two versions left, the earliest of which is now 2014's.
    in_series = [row for row in kept[0] if row[:4] == ("series", SERIES, "en", "cooperation")]
    assert [(n, texts, str(first)) for *_, n, texts, first in in_series] == [(6, 2, "2014-05-01")]
    moved = Document.objects.get(work=earliest)
    assert {(f, v) for pk, f, v in kept[1] if pk == moved.pk} == {
        ("kind", "joint-statement"),
        ("series", "Other talks"),
        ("country", "KZ"),
    }
    versions = set(Document.objects.values_list("pk", flat=True))
    assert {pk for pk, *_ in kept[1]} == versions  # the deleted version counts nowhere


def test_a_group_read_from_its_own_counts_answers_as_summing_its_versions(seeded, fictland):
    from archive.models import GroupCount
    from archive.reading import filters_query
    from archive.research import distinctive

    groups = GroupCount.objects.values_list("facet", "value", "language").distinct()
    assert {facet for facet, *_ in groups} == {"kind", "series", "country"}
    for facet, value, language in groups:
        versions = distinctive.group(language, filters_query({facet: value}))
        kept = distinctive.distinctive(versions, language, kept=(facet, value))
        assert kept == distinctive.distinctive(versions, language), (facet, value, language)
        assert kept.size > 0


def _weighed_in_python(versions, language) -> tuple[list[str], list[str]]:
    """The distinctive and the new terms of these versions, weighed term by term from every
    row of their counts: what the query that returns only the terms near the thresholds must
    agree with."""
    from collections import Counter

    from archive.models import TermCount, TermTotal
    from archive.research.distinctive import AT_LEAST, KEYNESS, LANGUAGE_TOTAL, LOG_RATIO

    here, first, dated = Counter(), {}, Counter()
    for term, n, day in TermCount.objects.filter(document__in=versions).values_list(
        "term", "occurrences", "date"
    ):
        here[term] += n
        if day:
            dated[term] += 1
            first[term] = min(first.get(term, day), day)
    totals = {t.term: t for t in TermTotal.objects.filter(language=language)}
    c = sum(here.values())
    d = totals[LANGUAGE_TOTAL].occurrences - c
    weighed = []
    for term, a in here.items():
        b = totals[term].occurrences - a
        g2, ratio = _keyness(a, b, c, d), _log_ratio(a, b, c, d)
        if a >= AT_LEAST and g2 >= KEYNESS and ratio >= LOG_RATIO:
            weighed.append((-g2, -a, term))
    new = [
        (-max(0, totals[term].texts - dated[term]), -here[term], term)
        for term, day in first.items()
        if day == totals[term].first
    ]
    return [t for *_, t in sorted(weighed)], [t for *_, t in sorted(new)]


def test_the_query_returns_every_term_that_weighing_each_in_turn_finds(seeded, fictland):
    """The query leaves the terms far from the thresholds in the database; none that passes
    them, and no new term, may be left there with them."""
    from archive.models import GroupCount
    from archive.reading import filters_query
    from archive.research import distinctive

    groups = [(f, v, lang) for f, v, lang in GroupCount.objects.values_list(
        "facet", "value", "language").distinct()]  # fmt: skip
    groups += [("year", "2012", "en"), ("year", "2017", "ja")]
    found_any = False
    for facet, value, language in groups:
        versions = distinctive.group(language, filters_query({facet: value}))
        found = distinctive.distinctive(versions, language)
        distinct, new = _weighed_in_python(versions, language)
        assert [t.key for t in found.terms] == distinct, (facet, value, language)
        assert ([t.key for t in found.new], found.new_count) == (new, len(new))
        two = distinctive.distinctive(versions, language, shown=2)
        assert [t.key for t in two.new] == new[:2] and [t.key for t in two.terms] == distinct[:2]
        found_any = found_any or bool(distinct)
    assert found_any
