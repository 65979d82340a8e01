"""`make bench`: import, index and search throughput and latency at archive scale, beside the
alternatives (haystack's stock Whoosh setup, SQLite FTS5 trigram) on the same clauses and queries.

For each size (default 10,000 and 100,000 clauses) it generates a corpus (bench/corpus.py),
imports it with the real importer into a fresh SQLite database, builds the index with
`build_search_index` (what `make index` runs), serves the site with a WSGI server and times
real HTTP requests. Results go to bench/out/results.json and bench/out/results.md.
"""

import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(os.environ.get("BENCH_OUT", ROOT / "bench" / "out"))
PY = sys.executable
PORT = 8765
REPEAT = int(os.environ.get("BENCH_REPEAT", "10"))

# The fixed query mix: (query, extra parameters). One-word, compound, phrase, mixed-script,
# boolean, filtered and zero-hit queries in both languages; names next to ・, parts of
# compounds and words, and prefixes (issue 9).
QUERIES = [
    ("協力", {}),
    ("テロ", {}),
    ("カスピ海", {}),
    ("人材育成", {}),
    ("温室効果ガス", {}),
    ("中央アジア諸国", {}),
    ("国際秩序", {}),
    ('"法の支配"', {}),
    ("ネットゼロ", {}),
    ("cooperation", {}),
    ("ammonia", {}),
    ("terrorism", {}),
    ('"energy transition"', {}),
    ("connectivity", {}),
    ("GOSAT 協力", {}),
    ("ODA カスピ海", {}),
    ("テロ OR terrorism", {}),
    ("ammonia -urea", {}),
    ("協力", {"lang": "ja", "year": "2017"}),
    ("cooperation", {"kind": "joint-press-release"}),
    ("量子コンピュータ", {}),
    ("penguin", {}),
    ("title:声明 協力", {}),
    ("ジャパロフ", {}),
    ("ベルディムハメドフ", {}),
    ("パートナー", {}),
    ("国間", {}),
    ("japan", {}),
    ("テロ*", {}),
    ("partner*", {}),
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(ms: list[float]) -> dict:
    return {
        "p50": round(percentile(ms, 50), 1),
        "p95": round(percentile(ms, 95), 1),
        "p99": round(percentile(ms, 99), 1),
        "n": len(ms),
    }


def environment(workdir: Path) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{workdir / 'archive.sqlite3'}",
        SEARCH_INDEX_PATH=str(workdir / "index"),
        DEBUG="0",
        SECRET_KEY="bench-secret-key-not-for-production-0123456789abcdef",
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="config.settings",
        STATIC_ROOT=str(workdir / "static"),  # DEBUG=0 serves collected, hashed files
    )
    return env


def timed(args: list[str], env: dict) -> tuple[float, int]:
    """Run a command; return (seconds, peak RSS in MB) of that process."""
    start = time.perf_counter()
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(args)}")
    return time.perf_counter() - start, usage.ru_maxrss // 1024


def get(path: str) -> tuple[float, int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    start = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    connection.close()
    return elapsed, response.status, body


def search_path(base: str, query: str, params: dict) -> str:
    return f"{base}?{urllib.parse.urlencode({'q': query, **params})}"


def measure_server(env: dict, pages: dict) -> dict:
    server = subprocess.Popen(
        [PY, "bench/serve.py", str(PORT)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        server.stdout.readline()  # "ready"
        get("/search/?q=warm")  # open the index and load MeCab once
        # First request of each query: nothing of it cached yet.
        cold = [get(search_path("/search/", query, params))[0] for query, params in QUERIES]
        latencies: dict[str, list[float]] = {
            "search page, first request": cold,
            "search page": [],
            "search API": [],
        }
        per_query = {}
        for query, params in QUERIES:
            page_ms, api_ms = [], []
            for _ in range(REPEAT):
                page_ms.append(get(search_path("/search/", query, params))[0])
                api_ms.append(get(search_path("/api/search", query, params))[0])
            latencies["search page"] += page_ms
            latencies["search API"] += api_ms
            total = json.loads(get(search_path("/api/search", query, params))[2])["total"]
            per_query[query + (f" {params}" if params else "")] = {
                "hits": total,
                "page_p50": round(statistics.median(page_ms), 1),
                "api_p50": round(statistics.median(api_ms), 1),
            }
        for name, path in pages.items():
            get(path)
            latencies[name] = [get(path)[0] for _ in range(REPEAT * 3)]
        with open(f"/proc/{server.pid}/status") as status:
            rss = next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmHWM"))
    finally:
        server.terminate()
        server.wait()
    return {
        "latency_ms": {k: summary(v) for k, v in latencies.items()},
        "per_query": per_query,
        "server_peak_rss_mb": rss,
    }


def bench_size(size: int) -> dict:
    corpus = OUT / f"corpus-{size}"
    if not (corpus / "manifest.toml").exists():
        subprocess.run([PY, "bench/corpus.py", str(size), str(corpus)], cwd=ROOT, check=True)
    workdir = OUT / f"run-{size}"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    env = environment(workdir)
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    import_s, import_rss = timed([PY, "manage.py", "import_documents", str(corpus)], env)
    index_s, index_rss = timed([PY, "manage.py", "build_search_index"], env)
    facts = json.loads(
        subprocess.run(
            [PY, "bench/inspect_run.py"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    clauses = facts["clauses"]
    result = {
        "size": size,
        "clauses": clauses,
        "documents": facts["documents"],
        "import": {
            "seconds": round(import_s, 1),
            "clauses_per_s": round(clauses / import_s),
            "peak_rss_mb": import_rss,
        },
        "index": {
            "seconds": round(index_s, 1),
            "clauses_per_s": round(clauses / index_s),
            "peak_rss_mb": index_rss,
            "size_mb": round(
                sum(f.stat().st_size for f in (workdir / "index").rglob("*") if f.is_file()) / 1e6,
                1,
            ),
        },
        "sql_queries_per_page": facts["queries"],
        "sample_document": facts["pages"]["document page"],
    }
    result.update(measure_server(env, facts["pages"]))
    result["alternatives"] = facts["alternatives"]
    return result


def markdown(results: list[dict]) -> str:
    lines = [
        "| measure | " + " | ".join(f"{r['clauses']:,} clauses" for r in results) + " |",
        "|---|" + "---|" * len(results),
    ]

    def row(name, get_value):
        lines.append(f"| {name} | " + " | ".join(str(get_value(r)) for r in results) + " |")

    row(
        "import (clauses/s, wall s, peak RSS MB)",
        lambda r: "{clauses_per_s:,} / {seconds} s / {peak_rss_mb} MB".format(**r["import"]),
    )
    row(
        "index build (clauses/s, wall s, peak RSS MB, size on disk)",
        lambda r: (
            "{clauses_per_s:,} / {seconds} s / {peak_rss_mb} MB / {size_mb} MB on disk".format(
                **r["index"]
            )
        ),
    )
    for name in results[0]["latency_ms"]:
        row(
            f"{name} ms p50 / p95 / p99",
            lambda r, n=name: "{p50} / {p95} / {p99}".format(**r["latency_ms"][n]),
        )
    for name in results[0]["sql_queries_per_page"]:
        row(f"SQL queries: {name}", lambda r, n=name: r["sql_queries_per_page"][n])
    row("server peak RSS (MB)", lambda r: r["server_peak_rss_mb"])
    for name in results[0]["alternatives"]["engines"]:
        row(
            f"{name}: build s / search p50 / p95 ms / mean recall vs ours",
            lambda r, n=name: "{build_s} s / {p50} / {p95} / {recall}".format(
                **r["alternatives"]["engines"][n]
            ),
        )
    lines += [
        "",
        "Hits per query (ours / stock Whoosh / FTS5 trigram), largest size:",
        "",
        "| query | ours | stock Whoosh | FTS5 trigram |",
        "|---|---|---|---|",
    ]
    for query, row_ in results[-1]["alternatives"]["queries"].items():
        lines.append(
            f"| `{query}` | {row_['ours']} | {row_['stock_whoosh']['hits']} "
            f"| {row_['fts5_trigram']['hits']}{' (LIKE)' if row_['fts5_like'] else ''} |"
        )
    return "\n".join(lines)


def main() -> None:
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "10000 100000").split()]
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    for size in sizes:
        print(f"== {size:,} clauses", flush=True)
        results.append(bench_size(size))
        print(
            json.dumps(
                {k: results[-1][k] for k in ("import", "index", "latency_ms", "server_peak_rss_mb")}
            ),
            flush=True,
        )
    machine = {
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": os.uname().sysname + " " + os.uname().machine,
    }
    (OUT / "results.json").write_text(
        json.dumps({"machine": machine, "results": results}, ensure_ascii=False, indent=1)
    )
    table = markdown(results)
    (OUT / "results.md").write_text(table + "\n")
    print(table)


if __name__ == "__main__":
    main()
