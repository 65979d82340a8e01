"""The bench's reader log (bench/readers.py): shaped like a real query log, and replayed so
that every figure says how much of it the page cache served."""

import time
from collections import Counter

import pytest

from bench.corpus import _tail_vocabulary
from bench.readers import ranked_queries, reader_log, replay, shape


def test_the_reader_log_has_a_long_tail_of_requests_asked_once():
    """With the bench's own vocabulary and about as many reading pages as the bench archive
    of 100,000 clauses has."""
    queries = ranked_queries(["word0", "word1"], _tail_vocabulary())
    pages = [f"/documents/text-{n}/ja/" for n in range(10_000)]
    log = reader_log(queries, pages, 3_000, seed=1)
    assert len(log) == 3_000 and log == reader_log(queries, pages, 3_000, seed=1)
    tail = shape(log)
    assert tail["requests_asked_once"] >= 0.5 and tail["distinct_asked_once"] >= 0.5
    # A few requests asked again and again: the most asked is the first query, by far.
    counts = Counter(path for kind, path in log if kind == "search")
    (top, asked), (_second, after) = counts.most_common(2)
    assert top == "/search/?q=word0" and asked > 1.5 * after
    assert 0.6 < sum(kind == "search" for kind, _path in log) / len(log) < 0.8


@pytest.mark.django_db
def test_a_replay_counts_the_answers_the_page_cache_served(client, seeded, page_cache):
    def fetch(path):
        start = time.perf_counter()
        response = client.get(path)
        ms = (time.perf_counter() - start) * 1000
        return ms, response.status_code, response["Server-Timing"]

    log = [
        ("search", "/search/?q=GOSAT"),
        ("page", "/documents/"),
        ("search", "/search/?q=GOSAT"),
        ("page", "/documents/"),
        ("page", "/documents/"),
        ("search", "/search/?q=協力"),
    ]
    result = replay(log, 1, fetch)
    assert result["requests"] == 6 and result["errors"] == 0
    assert result["hit_rate"] == 0.5
    assert result["search"]["hit_rate"] == round(1 / 3, 3)
    assert result["page"]["hit_rate"] == round(2 / 3, 3)
    assert result["page"]["cpu_ms_hit_median"] < result["page"]["cpu_ms_miss_median"]
