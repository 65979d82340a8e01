"""What a search asks and what it gives back: the request, its hits and pages, and the one
error a reader may meet (the index is missing or unreadable). No Whoosh here."""

from dataclasses import dataclass, field

from archive.models import Clause
from search.query import ParsedQuery

PER_PAGE = 20
SORTS = ("relevance", "date", "oldest")


class SearchUnavailable(Exception):
    """The index is missing or unreadable; the message says which command fixes it."""


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    filters: tuple[tuple[str, str], ...] = ()  # (facet, value), e.g. ("language", "ja")
    doc: str = ""  # one text's slug
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE
    # Versions of one clause as one hit: when aligned versions of a clause both match, only
    # the one in `prefer` (else the first by language) is a hit; the others stand beside it.
    group_versions: bool = False
    prefer: str = ""


@dataclass
class Hit:
    clause: Clause
    score: float
    snippet: str  # HTML: escaped text with <mark> around matched words
    translations: list[Clause] = field(default_factory=list)
    marked: tuple[str, ...] = ()  # the snippet's marked strings, folded: the link's ?hl=


@dataclass
class SearchResults:
    request: SearchRequest
    parsed: ParsedQuery
    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    # Ranking ran out of its time budget and the hits are newest first: a page not to keep.
    cut_short: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.per_page))

    @property
    def first_number(self) -> int:
        """The number of the first hit on this page (21 on page 2 of 20 a page)."""
        return (self.request.page - 1) * self.request.per_page + 1

    @property
    def notices(self) -> list[str]:
        return self.parsed.notices
