"""Property test of the search pages: any query and parameters, never a 5xx, never
the reader's markup in the page. Hypothesis looks for the next hostile input for us."""

import sys
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.query import parse_query

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Pieces of the query syntax and of the texts, so that random queries reach the parser's
# corners (groups, quotes, fields, prefixes) and find clauses, not only random characters.
PIECES = [
    "(",
    ")",
    '"',
    "“",
    "OR",
    "AND",
    "NOT",
    "-",
    "*",
    "?",
    ":",
    "title:",
    "section:",
    "energy",
    "Japan",
    "協力",
    "パートナー",
    "ネット・ゼロ",
    "ＯＤＡ",
    "GOSAT",
    "<script>alert(1)</script>",
    "&amp;",
    "　",
    "\x00",
    "\u200b",
    "𠮷",
]
WORDS = st.lists(st.sampled_from(PIECES), max_size=30)


def nested(opening: str, depth: int | None, inner: str) -> str:
    """``inner`` in ``depth`` groups; None: as many as fit in the 500 characters searched."""
    if depth is None:
        depth = max(0, (500 - len(inner)) // (len(opening) + 1))
    return opening * depth + inner + ")" * depth


# Deep structure within the length limit: the parser and the query tree recurse per level.
NESTED = st.builds(
    nested,
    st.sampled_from(["(", "-(", "NOT (", "title:(", "(x OR ", "(-"]),
    st.one_of(st.none(), st.integers(0, 30)),
    WORDS.map(" ".join),
)
QUERIES = st.one_of(
    st.text(max_size=80),
    WORDS.map(" ".join),
    WORDS.map("".join),
    NESTED,
    st.text(alphabet='()-" ', min_size=200, max_size=600),
)
VALUES = {
    "lang": ["ja", "en", "ru"],
    "year": ["2017", "2025", "1999"],
    "kind": ["joint-statement", "declaration"],
    "series": ["Central Asia + Japan"],
    "country": ["KZ", "UZ", "ZZ"],
    "doc": ["2025-caj-summit-tokyo-declaration", "no-such-doc"],
    "sort": ["relevance", "date", "oldest"],
    "page": ["1", "2", "1000", "0", "-1"],
}
PARAMETERS = st.fixed_dictionaries(
    {},
    optional={
        name: st.one_of(st.sampled_from(values), st.text(max_size=25))
        for name, values in VALUES.items()
    },
)
SCRIPT_TAGS = "<script src="  # the page's own script (templates/base.html)


@contextmanager
def default_recursion_limit():
    """Python's default limit while a request runs, as in the server: Hypothesis raises the
    limit for the test it runs, which hid the parser's RecursionError."""
    raised = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        yield
    finally:
        sys.setrecursionlimit(raised)


@settings(max_examples=300, deadline=None)
@given(QUERIES)
def test_any_query_parses_without_raising(q):
    parsed = parse_query(q)
    assert all(isinstance(notice, str) for notice in parsed.notices)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(q=QUERIES, params=PARAMETERS)
def test_any_search_is_answered_without_a_server_error(client, seeded, q, params):
    query = {"q": q, **params}
    with default_recursion_limit():
        page = client.get("/search/", query)
        api = client.get("/api/search", query)
        export = client.get("/search/export.csv", query)
    # A NUL in any parameter is refused before any view, with a sentence (config.security).
    has_nul = any("\x00" in str(value) for value in query.values())
    assert page.status_code == (400 if has_nul else 200), page.status_code
    html = page.content.decode()
    assert html.lower().count("<script") == html.lower().count(SCRIPT_TAGS)
    assert api.status_code in (200, 400), api.status_code
    assert "<script" not in str(api.json().get("hits", "")).lower()
    assert export.status_code in (200, 400), export.status_code
