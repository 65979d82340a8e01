"""Term history: how often each of a few queries occurs, year by year, as numbers
(clauses, and their share of the year's clauses) and as a chart drawn on the server (SVG), so
it reads without JavaScript and prints.
"""

import re
from dataclasses import dataclass, field

from search.results import SearchRequest
from search.searching import year_counts

MAX_TERMS = 6
# Terms are separated by commas (Latin, full-width or Japanese) or semicolons.
_SEPARATORS = re.compile(r"[,，、;；]")


def split_terms(q: str) -> list[str]:
    """'温室効果ガス, connectivity、テロ' → the three terms; blanks and repeats dropped."""
    terms = []
    for term in _SEPARATORS.split(q):
        term = term.strip()
        if term and term not in terms:
            terms.append(term)
    return terms


@dataclass
class Series:
    term: str
    counts: dict[str, int]  # year → clauses matching
    notices: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class TermHistory:
    years: list[str]  # every year the archive (under the filters) has clauses in, oldest first
    totals: dict[str, int]  # year → clauses
    series: list[Series]

    @property
    def clauses(self) -> int:
        return sum(self.totals.values())

    def share(self, series: Series, year: str) -> float:
        total = self.totals.get(year, 0)
        return series.counts.get(year, 0) / total if total else 0.0

    def rows(self) -> list[dict]:
        """One row per year: its clauses, and each term's count and share."""
        return [
            {
                "year": year,
                "clauses": self.totals[year],
                "terms": [
                    {
                        "count": s.counts.get(year, 0),
                        "share": self.share(s, year),
                        "percent": round(self.share(s, year) * 100, 1),
                    }
                    for s in self.series
                ],
            }
            for year in self.years
        ]


def term_history(terms: list[str], base: SearchRequest) -> TermHistory:
    """Each term searched with the filters of `base`; one index pass of bitmasks per term."""
    series, totals = [], {}
    for term in terms[:MAX_TERMS]:
        request = SearchRequest(q=term, filters=base.filters, doc=base.doc)
        parsed, counts, totals = year_counts(request)
        series.append(Series(term, {y: n for y, n in counts.items() if n}, parsed.notices))
    return TermHistory(sorted(totals), totals, series)


# The chart: geometry only; templates/search/_trend_chart.svg draws it.
WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40
# Told apart by dash and marker as well as colour (colour-blind readers, print).
STYLES = [
    {"colour": "#1f5fa8", "dash": "", "marker": "circle"},
    {"colour": "#b3541e", "dash": "6 4", "marker": "square"},
    {"colour": "#2e7d32", "dash": "2 3", "marker": "diamond"},
    {"colour": "#6a3d9a", "dash": "10 3 2 3", "marker": "circle"},
    {"colour": "#8c6d00", "dash": "1 2", "marker": "square"},
    {"colour": "#444444", "dash": "8 2", "marker": "diamond"},
]


@dataclass
class Chart:
    width: int
    height: int
    x_ticks: list[dict]  # {"x", "label"}
    y_ticks: list[dict]  # {"y", "label"}
    lines: list[dict]  # {"term", "points": "x,y x,y", "markers": [{"x","y","label"}], style…}
    baseline: float
    left: int
    right: int
    gaps: list[dict] = field(default_factory=list)  # {"x", "width"}: years with no text

    @property
    def top(self) -> int:
        return TOP

    @property
    def plot_height(self) -> float:
        return self.baseline - TOP

    @property
    def year_labels_y(self) -> float:
        return self.baseline + 20

    @property
    def value_labels_x(self) -> int:
        return self.left - 6


def _nice_step(value: float, whole: bool) -> float:
    """The step between value ticks, 1, 2 or 5 times a power of ten, so that about four steps
    reach `value`; counts step by whole numbers (no 1.25 clauses)."""
    if value <= 0:
        return 1.0
    rough = value / 4
    power = 1.0
    while power * 10 <= rough:
        power *= 10
    while power > rough:
        power /= 10
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    return max(1.0, step) if whole else step


def _calendar(years: list[str]) -> list[str]:
    """Every year from the first to the last: the axis keeps the distance between dated
    texts, and a year with none shows as a gap, not as a line drawn across it."""
    if not years or not all(year.isdigit() for year in years):
        return years or [""]
    return [str(year) for year in range(int(years[0]), int(years[-1]) + 1)]


def chart(history: TermHistory, measure: str = "clauses") -> Chart:
    """Lines of clauses (or share of the year's clauses) per year, one per term, broken where
    the archive holds no text of a year."""

    def value(series, year):
        if measure == "share":
            return history.share(series, year) * 100
        return series.counts.get(year, 0)

    years = _calendar(history.years)
    dated = set(history.years)
    highest = max((value(s, y) for s in history.series for y in dated), default=0)
    step = _nice_step(highest, whole=measure != "share")
    top = step * max(1, -(-highest // step))  # the first tick at or above the highest value
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    spacing = plot_w / max(1, len(years) - 1)

    def x(i):
        return round(LEFT + (i * spacing if len(years) > 1 else plot_w / 2), 1)

    def y(v):
        return round(TOP + plot_h * (1 - v / top), 1)

    label_every = max(1, -(-len(years) // 12))  # at most about a dozen year labels
    x_ticks = [{"x": x(i), "label": year} for i, year in enumerate(years) if i % label_every == 0]
    y_ticks = []
    for k in range(round(top / step) + 1):
        v = step * k
        text = f"{v:g}%" if measure == "share" else f"{v:g}"
        y_ticks.append({"y": y(v), "label": text})
    gaps = [
        {"x": x(i) - spacing / 2, "width": spacing}
        for i, year in enumerate(years)
        if year not in dated
    ]
    lines = []
    for n, series in enumerate(history.series):
        runs: list[list[tuple]] = [[]]
        for i, year in enumerate(years):
            if year in dated:
                runs[-1].append((x(i), y(value(series, year)), value(series, year), year))
            elif runs[-1]:
                runs.append([])
        points = [point for run in runs for point in run]
        lines.append(
            {
                "term": series.term,
                "segments": [  # a year alone between gaps is its marker only
                    " ".join(f"{px},{py}" for px, py, _v, _y in run) for run in runs if len(run) > 1
                ],
                "markers": [
                    {"x": px, "y": py, "left": px - 4, "top": py - 4, "year": year, "value": v}
                    for px, py, v, year in points
                ],
                **STYLES[n % len(STYLES)],
            }
        )
    return Chart(WIDTH, HEIGHT, x_ticks, y_ticks, lines, y(0), LEFT, WIDTH - RIGHT, gaps)
