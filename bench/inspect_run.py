"""Part of `make bench`, run inside the benchmark's Django settings: counts, SQL queries per
page, and the alternatives (stock Whoosh, FTS5 trigram) against our hits. Prints JSON."""

import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from archive.models import Clause, Document, Recurrence  # noqa: E402
from archive.research.recurring import most_similar_texts  # noqa: E402
from bench.alternatives import Fts5Trigram, StockWhoosh, compare  # noqa: E402
from bench.run import QUERIES, percentile  # noqa: E402
from search.results import SearchRequest  # noqa: E402
from search.searching import all_matches  # noqa: E402

FILTERS = {
    "lang": "document__language",
    "year": "document__date__year",
    "kind": "document__work__kind",
}


def sample_pages() -> dict[str, str]:
    """A 60-clause document with two versions: its page, side by side, one clause."""
    document = (
        Document.objects.annotate(n=Count("clauses"))
        .filter(n=60, language="ja", work__documents__language="en")
        .select_related("work")
        .first()
        or Document.objects.annotate(n=Count("clauses")).order_by("-n").first()
    )
    slug = document.work.slug
    # Issue 13: the clause said in the most texts, and comparing the sample with its nearest.
    echoed = Recurrence.objects.values("clause_id").annotate(n=Count("id")).order_by("-n").first()
    echoed = Clause.objects.get(pk=echoed["clause_id"]) if echoed else Clause.objects.first()
    nearest = most_similar_texts(document, limit=1)
    pages = {
        "document page": document.get_absolute_url(),
        "side-by-side page": f"/documents/{slug}/parallel/",
        "clause page": f"/documents/{slug}/{document.language}/30/",
        "clause page, most recurring clause": echoed.get_permalink(),
        "recurring language page": "/recurring/",
        "term history (協力, GOSAT, テロ)": "/search/trend/?q=%E5%8D%94%E5%8A%9B%2C+GOSAT%2C+"
        "%E3%83%86%E3%83%AD",
        "distinctive terms of the sample text": f"/distinctive/?lang={document.language}"
        f"&text={slug}",
        "distinctive terms of a year": f"/distinctive/?lang=ja&year={document.date.year}"
        if document.date
        else "/distinctive/?lang=ja&year=2015",
        **largest_groups(),
    }
    if nearest:
        other = nearest[0]["document"]
        pages["compare page"] = (
            f"/compare/?a={slug}/{document.language}&b={other.work.slug}/{other.language}"
        )
    return pages


def largest_groups() -> dict[str, str]:
    """The distinctive terms of the series and the country with the most Japanese versions:
    the largest groups a reader can ask for, short of a whole language."""
    japanese = Document.objects.filter(language="ja")
    pages = {}
    for name, param, path in (
        ("series", "series", "work__series"),
        ("country", "country", "work__countries__code"),
    ):
        largest = (
            japanese.exclude(**{path: ""}).exclude(**{f"{path}__isnull": True})
            .values(path).annotate(n=Count("pk")).order_by("-n").first()
        )  # fmt: skip
        if largest:
            pages[f"distinctive terms of the largest {name}"] = (
                f"/distinctive/?lang=ja&{param}={quote(largest[path])}"
            )
    return pages


def reading_paths() -> list[str]:
    """Every document's page, side by side where it has another version, and two of its
    clauses: what readers of the reader log (bench/readers.py) open."""
    versions = dict(
        Document.objects.values("work_id").annotate(n=Count("id")).values_list("work_id", "n")
    )
    labels: dict[int, list[str]] = {}
    for document_id, label in Clause.objects.order_by("document_id", "sequence").values_list(
        "document_id", "label"
    ):
        labels.setdefault(document_id, []).append(label)
    paths = []
    for document in Document.objects.select_related("work").order_by("pk"):
        page = document.get_absolute_url()
        paths.append(page)
        if versions.get(document.work_id, 1) > 1:
            paths.append(f"/documents/{document.work.slug}/parallel/")
        mine = labels.get(document.pk, [])
        for label in dict.fromkeys(mine[:1] + mine[len(mine) // 2 :][:1]):
            paths.append(f"{page}{quote(label)}/")
    return list(dict.fromkeys(paths))


def queries_per_page(pages: dict[str, str]) -> dict[str, int]:
    client = Client(HTTP_HOST="127.0.0.1")
    paths = {
        **pages,
        "search page (協力)": "/search/?q=%E5%8D%94%E5%8A%9B",
        "search API (協力)": "/api/search?q=%E5%8D%94%E5%8A%9B",
    }
    counts = {}
    for name, path in paths.items():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200, path
        counts[name] = len(captured)
    return counts


def ours(query: str, params: dict) -> set[int]:
    names = {"lang": "language"}
    request = SearchRequest(q=query, filters=tuple((names.get(k, k), v) for k, v in params.items()))
    return {hit.clause.pk for hit in all_matches(request, limit=10_000_000)[1]}


def alternatives(workdir: Path) -> dict:
    rows = list(Clause.objects.values_list("pk", "text").iterator())
    engines = {
        "stock_whoosh": StockWhoosh(workdir / "stock-whoosh"),
        "fts5_trigram": Fts5Trigram(workdir / "fts5.sqlite3"),
    }
    built = {name: engine.add(rows) for name, engine in engines.items()}
    report, timings = {}, {name: [] for name in engines}
    recalls = {name: [] for name in engines}
    for query, params in QUERIES:
        allowed = None
        if params:
            lookup = {FILTERS[k]: v for k, v in params.items()}
            allowed = set(Clause.objects.filter(**lookup).values_list("pk", flat=True))
        reference = ours(query, params)
        row = {"ours": len(reference)}
        for name, engine in engines.items():
            start = time.perf_counter()
            found = set(engine.search(query))
            timings[name].append((time.perf_counter() - start) * 1000)
            if allowed is not None:
                found &= allowed
            row[name] = compare(reference, found)
            if row[name]["recall"] is not None:
                recalls[name].append(row[name]["recall"])
        row["fts5_like"] = engines["fts5_trigram"].last_used_like_fallback
        report[query + (f" {params}" if params else "")] = row
    summary = {
        name: {
            "build_s": round(built[name], 1),
            "p50": round(percentile(timings[name], 50), 1),
            "p95": round(percentile(timings[name], 95), 1),
            "recall": round(sum(recalls[name]) / max(len(recalls[name]), 1), 2),
        }
        for name in engines
    }
    return {"engines": summary, "queries": report}


def main() -> None:
    if sys.argv[1:] == ["--reading"]:
        print(json.dumps(reading_paths(), ensure_ascii=False))
        return
    workdir = Path(os.environ["SEARCH_INDEX_PATH"]).parent
    pages = sample_pages()
    print(
        json.dumps(
            {
                "clauses": Clause.objects.count(),
                "documents": Document.objects.count(),
                "recurring_pairs": Recurrence.objects.count() // 2,
                "pages": pages,
                "queries": queries_per_page(pages),
                "alternatives": alternatives(workdir),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
