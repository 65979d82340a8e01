"""Part of `make bench`: what a crowd of readers asks for over a day, and what that costs the
server. The reader log is Zipf-shaped, as query logs are: a few searches asked again and again,
and a long tail of searches asked once, drawn from the corpus's long-tail vocabulary, mixed with
reading pages of every document. Replaying it reports, beside every figure, how many answers
came from the page cache, and what each kind of request cost the server's CPU (Server-Timing),
with the cache cold and warm."""

import bisect
import itertools
import random
import re
import statistics
import threading
import time
import urllib.parse
from collections import Counter

# Of the requests: searches (the rest are reading pages), and of the searches, what else a
# reader asks for beside the words.
SEARCH_SHARE = 0.7
SEARCH_OPTIONS = [
    (0.10, {"lang": "ja"}),
    (0.05, {"lang": "en"}),
    (0.10, {"sort": "date"}),
    (0.10, {"page": "2"}),
]
API_SHARE = 0.1  # of the searches, asked of /api/search
# Zipf exponent: rank r is asked with probability ∝ 1 / r**s.
ZIPF_S = 1.0


def zipf_cumulative(count: int, s: float = ZIPF_S) -> list[float]:
    total, cumulative = 0.0, []
    for rank in range(1, count + 1):
        total += rank**-s
        cumulative.append(total)
    return cumulative


def _draw(rng: random.Random, cumulative: list[float]) -> int:
    return bisect.bisect_left(cumulative, rng.random() * cumulative[-1])


def ranked_queries(head: list[str], vocabulary: dict[str, list[str]]) -> list[str]:
    """Every query a reader might type, most asked first: the bench's fixed queries, then the
    long-tail vocabulary's words, taken in turn from each kind (names, places, terms; both
    languages) in the order the corpus favours them."""
    tail = itertools.chain.from_iterable(zip(*vocabulary.values(), strict=False))
    seen, ranked = set(), []
    for query in itertools.chain(head, tail):
        if query not in seen:
            seen.add(query)
            ranked.append(query)
    return ranked


def reader_log(
    queries: list[str], reading: list[str], count: int, seed: int
) -> list[tuple[str, str]]:
    """`count` requests as (kind, path): kind is "search" or "page"."""
    rng = random.Random(seed)
    query_weights = zipf_cumulative(len(queries))
    order = list(reading)
    random.Random(seed * 7 + 1).shuffle(order)  # which pages are popular is chance
    page_weights = zipf_cumulative(len(order))
    log = []
    for _ in range(count):
        if rng.random() >= SEARCH_SHARE and order:
            log.append(("page", order[_draw(rng, page_weights)]))
            continue
        params = {"q": queries[_draw(rng, query_weights)]}
        roll = rng.random()
        for share, extra in SEARCH_OPTIONS:
            if roll < share:
                params.update(extra)
                break
            roll -= share
        base = "/api/search" if rng.random() < API_SHARE else "/search/"
        log.append(("search", f"{base}?{urllib.parse.urlencode(params)}"))
    return log


def shape(log: list[tuple[str, str]]) -> dict:
    """How long the log's tail is: distinct requests, the share of them asked only once, and
    the share of all requests that those make."""
    counts = Counter(path for _kind, path in log)
    once = sum(1 for n in counts.values() if n == 1)
    return {
        "requests": len(log),
        "distinct": len(counts),
        "distinct_asked_once": round(once / len(counts), 2),
        "requests_asked_once": round(once / len(log), 2),
        "top_request_share": round(counts.most_common(1)[0][1] / len(log), 3),
    }


_PART = re.compile(r'(\w+);dur=([\d.]+)(?:;desc="([^"]*)")?')


def server_account(header: str) -> tuple[dict[str, float], str]:
    """Server-Timing as (ms per part, what became of the page cache: hit, miss or "")."""
    parts, cache = {}, ""
    for name, duration, description in _PART.findall(header or ""):
        parts[name] = float(duration)
        if name == "cache":
            cache = description
    return parts, cache


def replay(log: list[tuple[str, str]], clients: int, fetch) -> dict:
    """Ask for every request of `log` once, in order, with `clients` readers at a time, each
    asking its next as soon as its last answer came. `fetch(path)` gives (ms, status,
    Server-Timing header)."""
    lock = threading.Lock()
    position = itertools.count()
    answers: list[tuple[str, float, int, dict, str]] = []

    def reader():
        while (n := next(position)) < len(log):
            kind, path = log[n]
            ms, status, header = fetch(path)
            parts, cache = server_account(header)
            with lock:
                answers.append((kind, ms, status, parts, cache))

    started = time.monotonic()
    threads = [threading.Thread(target=reader) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    result = {
        "clients": clients,
        "requests": len(answers),
        "seconds": round(elapsed, 1),
        "throughput": round(len(answers) / elapsed, 1),
        "errors": sum(1 for a in answers if a[2] != 200),
        "hit_rate": _hit_rate(answers),
    }
    for kind in ("search", "page"):
        mine = [a for a in answers if a[0] == kind]
        if mine:
            result[kind] = _figures(mine)
    return result


def _hit_rate(answers) -> float:
    return round(sum(1 for a in answers if a[4] == "hit") / max(len(answers), 1), 3)


def _figures(answers) -> dict:
    latencies = sorted(a[1] for a in answers)
    cpu = [a[3].get("cpu", 0.0) for a in answers]
    hits = [a[3].get("cpu", 0.0) for a in answers if a[4] == "hit"]
    misses = [a[3].get("cpu", 0.0) for a in answers if a[4] != "hit"]
    return {
        "requests": len(answers),
        "hit_rate": _hit_rate(answers),
        "p50_ms": round(_percentile(latencies, 50), 1),
        "p95_ms": round(_percentile(latencies, 95), 1),
        "cpu_ms_mean": round(statistics.fmean(cpu), 2),
        "cpu_ms_hit_median": round(statistics.median(hits), 2) if hits else None,
        "cpu_ms_miss_median": round(statistics.median(misses), 2) if misses else None,
    }


def _percentile(ordered: list[float], p: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]
