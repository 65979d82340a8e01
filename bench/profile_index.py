"""Where index building spends its time: cProfile of one Whoosh writer adding N clauses.

Part of `make bench-profile`; run inside the benchmark's settings (DATABASE_URL and
SEARCH_INDEX_PATH of a bench run). Prints the functions by own time and the analyzer's share.
"""

import cProfile
import io
import os
import pstats
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from haystack import connections  # noqa: E402
from whoosh import index as whoosh_index  # noqa: E402

from search.search_indexes import ClauseIndex  # noqa: E402


def main(count: int = 3000) -> None:
    backend = connections["default"].get_backend()
    backend.setup()
    clause_index = ClauseIndex()
    documents = backend.prepare_documents(clause_index, clause_index.index_queryset()[:count])
    with tempfile.TemporaryDirectory() as folder:
        index = whoosh_index.create_in(folder, backend.schema)

        def build():
            with index.writer() as writer:
                for fields in documents:
                    writer.add_document(**fields)

        profile = cProfile.Profile()
        profile.runcall(build)
    stats = pstats.Stats(profile)
    total = stats.total_tt
    # The outermost analyzer step (the pair filter) includes the tokenizer and stemmer.
    analyzer = max(
        timing[3]
        for (path, _, name), timing in stats.stats.items()
        if path.endswith("search/analysis.py") and name == "__call__"
    )
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(15)
    print(out.getvalue())
    print(
        f"{len(documents)} clauses, {total:.2f} s profiled, {total / len(documents) * 1000:.2f} "
        f"ms each; the analyzer (folding, MeCab, stemming, pairs) {analyzer / total:.0%} of it"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
