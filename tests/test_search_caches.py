"""The search caches belong to the process: one view of the index shared by every thread,
replaced whole when the index changes."""

import threading

import pytest
from django.db import connections
from whoosh import query as wq

from archive.models import Clause
from search import index_view, indexing
from search.results import SearchRequest, SearchUnavailable
from search.searching import matched, search

pytestmark = pytest.mark.django_db

QUERIES = [
    "GOSAT",
    "気候変動",
    "cooperation",
    "partner*",
    '"joint statement"',
    "中央アジア -日本",
    "協力",
    "GOSAT OR 気候変動",
]


@pytest.fixture
def fresh_start():
    """No view yet, as in a worker that has just started."""
    index_view.forget()
    yield
    index_view.forget()


def in_threads(count: int, work):
    """Run work(i) in `count` threads at once; their results, or the first exception.

    The threads share the test's database connection, as Django's live server thread does, so
    they read the test's data whether or not it is committed (an earlier transactional test
    may have flushed the session's)."""
    results: list = [None] * count
    errors: list[BaseException] = []
    start = threading.Barrier(count)
    shared = connections["default"]
    shared.inc_thread_sharing()

    def run(i):
        connections["default"] = shared
        try:
            start.wait()
            results[i] = work(i)
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        shared.dec_thread_sharing()
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)
    return results


def outcome(q: str, **options):
    results = search(SearchRequest(q=q, per_page=50, **options))
    return results.total, [hit.clause.pk for hit in results.hits], results.facets


def test_threads_share_one_view_and_build_facet_masks_once(seeded, fresh_start, monkeypatch):
    builds = []
    build = index_view.IndexView._build_facet_masks

    def counted(view):
        builds.append(view)
        return build(view)

    monkeypatch.setattr(index_view.IndexView, "_build_facet_masks", counted)

    def work(_):
        found = search(SearchRequest(q="GOSAT"))
        view = index_view.current()
        return view, view.facet_masks(), found.total

    (view_a, masks_a, total_a), (view_b, masks_b, total_b) = in_threads(2, work)
    assert view_a is view_b
    assert masks_a is masks_b
    assert len(builds) == 1
    assert total_a == total_b > 0
    # A thread started later finds the same view, its masks already built.
    ((view_c, masks_c, _),) = in_threads(1, work)
    assert view_c is view_a and masks_c is masks_a
    assert len(builds) == 1


def test_a_changed_index_gives_a_new_view_that_sees_the_change(seeded, scratch_index):
    assert search(SearchRequest(q="zyxquux")).total == 0
    before = index_view.current()
    clause = Clause.objects.filter(document__language="en").first()
    clause.text += " zyxquux"
    clause.save()
    indexing.reindex_documents([clause.document_id])

    found = search(SearchRequest(q="zyxquux"))
    assert [hit.clause.pk for hit in found.hits] == [clause.pk]
    after = index_view.current()
    assert after is not before
    assert index_view.current() is after  # and kept until the index changes again
    # A request that still holds the old view can finish with it.
    assert before.term_mask("text", "gosat")


def test_a_full_build_swaps_in_a_new_view_and_the_old_one_still_answers(seeded, scratch_index):
    total = search(SearchRequest(q="GOSAT")).total
    before = index_view.current()
    indexing.rebuild_all()  # a new folder swapped in, the old one removed
    assert search(SearchRequest(q="GOSAT")).total == total
    assert index_view.current() is not before
    assert before.docmask(wq.Term("text", "gosat")).bit_count() == total


def test_many_threads_give_the_same_results_as_one(seeded, fresh_start):
    requests = [
        (q, {"sort": sort, "page": page})
        for q in QUERIES
        for sort, page in (("relevance", 1), ("date", 1), ("relevance", 2))
    ]
    expected = [outcome(q, **options) for q, options in requests]
    index_view.forget()  # the threads start cold, and race to fill the caches

    def work(i):
        order = [(i * 7 + n) % len(requests) for n in range(20)]
        return [(n, outcome(requests[n][0], **requests[n][1])) for n in order]

    for answers in in_threads(8, work):
        assert len(answers) == 20
        for n, answer in answers:
            assert answer == expected[n], requests[n]


def test_the_term_mask_cache_is_bounded_by_the_setting(seeded, fresh_start, settings):
    settings.SEARCH_CACHE_TERM_MASKS = 3
    view = index_view.current()
    for word in ("gosat", "japan", "cooperation", "climate", "energy"):
        view.term_mask("text", word)
    assert len(view._terms) == 3


@pytest.fixture
def background_refresh(monkeypatch, fresh_start):
    """The process as a gunicorn worker runs it: a refresher swaps in new views."""
    monkeypatch.setattr(index_view, "refreshed_in_background", True)


def test_in_a_web_worker_a_changed_index_is_swapped_in_warm_and_no_request_builds_it(
    seeded, scratch_index, background_refresh
):
    assert index_view.refresh()  # what a worker does at start
    before = index_view.current()
    assert before._masks is not None  # facet masks built before the first request
    assert search(SearchRequest(q="GOSAT")).total > 0

    clause = Clause.objects.filter(document__language="en").first()
    clause.text += " zyxquux"
    clause.save()
    indexing.reindex_documents([clause.document_id])

    # Requests keep the previous, warm view until the refresher publishes the new one.
    assert search(SearchRequest(q="zyxquux")).total == 0
    assert index_view.current() is before
    assert index_view.refresh()
    after = index_view.current()
    assert after is not before and after._masks is not None
    # The words the previous view was asked for are already masks in the new one.
    assert ("text", "gosat") in after._terms
    assert [hit.clause.pk for hit in search(SearchRequest(q="zyxquux")).hits] == [clause.pk]
    assert not index_view.refresh()  # nothing changed since


def test_a_refresh_without_an_index_leaves_requests_to_say_how_to_build_it(
    seeded, tmp_path, settings, background_refresh
):
    default = {**settings.HAYSTACK_CONNECTIONS["default"], "PATH": str(tmp_path / "none")}
    settings.HAYSTACK_CONNECTIONS = {**settings.HAYSTACK_CONNECTIONS, "default": default}
    try:
        assert not index_view.refresh()
        with pytest.raises(SearchUnavailable, match="make index"):
            search(SearchRequest(q="GOSAT"))
    finally:
        index_view.forget()  # the next test opens the real index again


@pytest.mark.parametrize("sort", ["date", "oldest"])
def test_date_order_is_the_same_whether_the_hits_are_sorted_or_the_order_is_walked(
    seeded, fresh_start, monkeypatch, sort
):
    def pages(q):
        found = []
        for number in (1, 2, 3):
            results = search(SearchRequest(q=q, sort=sort, page=number, per_page=7))
            found += [hit.clause.pk for hit in results.hits]
        return found

    queries = ("協力", "cooperation", "GOSAT OR 気候変動", "中央アジア -日本")
    sorted_hits = {q: pages(q) for q in queries}
    monkeypatch.setattr(index_view, "SORT_FEW_HITS", 0)
    assert {q: pages(q) for q in queries} == sorted_hits
    every = search(SearchRequest(q="協力", sort=sort, per_page=500)).hits
    dates = [hit.clause.document.date for hit in every]
    assert dates == sorted(dates, reverse=(sort == "date")) and len(set(dates)) > 1


def test_a_rebuild_with_the_same_generation_number_is_seen(seeded, scratch_index):
    """haystack's rebuild_index clears the folder and starts again at the same Whoosh
    generation; the process's view must still see the new index, not keep reading the old
    one (whose clause ids may no longer exist)."""
    from django.core.management import call_command

    assert search(SearchRequest(q="GOSAT")).total == 4
    before = index_view.current()
    Clause.objects.filter(text__contains="GOSAT", document__language="en").delete()
    call_command("rebuild_index", interactive=False, verbosity=0)
    assert index_view.current() is not before
    assert search(SearchRequest(q="GOSAT")).total == 3


def test_term_masks_read_by_blocks_equal_whooshs_own_walk_across_segments_and_deletions(
    seeded, scratch_index
):
    """A re-indexed clause leaves its old document deleted in one segment and adds a new
    segment: the masks, read a block of postings at a time, must still hold exactly the
    documents Whoosh walks one by one."""
    clause = Clause.objects.filter(document__language="en").first()
    clause.text += " zyxquux cooperation"
    clause.save()
    indexing.reindex_documents([clause.document_id])
    reader = index_view.current().reader
    assert len(list(reader.leaf_readers())) > 1 and reader.doc_count() < reader.doc_count_all()
    compared = 0
    for fieldname in reader.indexed_field_names():
        for term in list(reader.lexicon(fieldname))[::5]:
            walked = index_view.bitmask(reader.postings(fieldname, term).all_ids())
            assert index_view.postings_mask(reader.postings(fieldname, term)) == walked
            compared += 1
    assert compared > 1000


@pytest.mark.parametrize("q", [*QUERIES, "アジア", "協力 -日本", "連結"])
def test_a_search_inside_some_clauses_finds_what_the_whole_search_finds_there(seeded, q):
    """Counting inside the aligned clauses alone (the equivalents' candidates) reads only
    their texts, and must find exactly what the whole search finds among them."""
    view = index_view.current()
    for within in (view.aligned("ja", "en"), view.aligned("en", "ja"), view.everything() // 3):
        everywhere = matched(SearchRequest(q=q))[1]
        assert matched(SearchRequest(q=q), within=within)[1] == everywhere & within


def test_a_new_worker_reads_the_candidates_counts_another_kept_for_the_same_index(
    seeded, fresh_start, page_cache, monkeypatch
):
    """What one process counted for the equivalents is kept in the page cache under the index
    version: a process that opens the same index answers the same without counting again."""
    from search import equivalents

    first = equivalents.equivalents("cooperation")
    index_view.forget()  # as a second worker, or this one restarted
    counted = []
    real = equivalents.matched
    monkeypatch.setattr(
        equivalents,
        "matched",
        lambda request, within=None: counted.append(request.q) or real(request, within),
    )
    again = equivalents.equivalents("cooperation")
    assert counted == ["cooperation"]  # the term's own pairs, and no candidate counted again
    assert [(e.text, e.found, e.dice) for e in again.equivalents] == [
        (e.text, e.found, e.dice) for e in first.equivalents
    ]
