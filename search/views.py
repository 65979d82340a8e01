"""Search pages: results, exports of all results, the JSON search API, and the syntax help."""

import csv
import html
import json
import re
from functools import wraps

from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.log import log_response

from archive import facets
from archive.api import api_error
from archive.freshness import fixed_between_changes, not_to_keep
from archive.text import has_japanese
from config.timing import span
from search.concordance import CONTEXT, all_lines, concordance
from search.discovery import discover
from search.equivalents import FLOOR, MARGIN, equivalents
from search.forms import ConcordanceForm, SearchForm
from search.hits import hits_in_chunks
from search.index_view import version as index_version
from search.results import SearchResults, SearchUnavailable
from search.searching import ordered_matches, search, spellings, suggestions
from search.trend import MAX_TERMS, chart, split_terms, term_history


def facet_groups(results: SearchResults, active: dict, query) -> list[dict]:
    groups = []
    for name, counts in results.facets.items():
        facet = facets.BY_NAME[name]
        values = [
            {
                "label": facet.label(value),
                "count": count,
                "active": active.get(facet.param) == value,
                "href": facets.toggled(
                    query, facet.param, None if active.get(facet.param) == value else value
                ),
            }
            for value, count in counts
        ]
        groups.append({"name": name, "title": facet.title, "values": values})
    return groups


@fixed_between_changes(also=index_version)
def search_page(request):
    form = SearchForm(request.GET)
    context = {"form": form, "q": request.GET.get("q", ""), "results": None}
    status = 200
    # Versions of one clause are one hit on the page unless the reader asks for each.
    grouped = request.GET.get("versions") != "all"
    context["grouped"] = grouped
    if form.can_search():  # without the invalid filters, which the page names
        try:
            results = search(
                form.search_request(group_versions=grouped, prefer=request.LANGUAGE_CODE[:2])
            )
        except SearchUnavailable as error:
            context["unavailable"] = str(error)
            status = 503
        else:
            context["results"] = results
            context["export_limit"] = EXPORT_LIMIT
            if not results.total and results.parsed.query is not None:
                # Counted as the page would show them: versions of a clause as one hit.
                context["spellings"] = spellings(results.request)
                context["suggestions"] = suggestions(results.request)
                context["japanese_query"] = has_japanese(results.parsed.normalized)
            context["facet_groups"] = facet_groups(results, form.cleaned_data, request.GET)
            if results.request.page == 1 and results.hits:
                with span("discovery"):
                    context["discovered"] = discover(results)
    context["problems"] = form.problems()
    response = render(request, "search/results.html", context, status=status)
    if context["results"] is not None and context["results"].cut_short:
        not_to_keep(response)
    return response


@fixed_between_changes(also=index_version)
def concordance_page(request):
    """Every occurrence of a search's words, one line each, in context (search.concordance)."""
    form = ConcordanceForm(request.GET)
    context = {"form": form, "q": request.GET.get("q", ""), "result": None, "context": CONTEXT}
    status = 200
    if form.can_search():
        search_request = form.search_request()
        try:
            context["result"] = concordance(
                search_request, form.order(), search_request.page, form.parallel_lines()
            )
        except SearchUnavailable as error:
            context["unavailable"] = str(error)
            status = 503
    context["sort"] = form.order()
    context["parallel"] = form.parallel_lines()
    context["problems"] = form.problems()
    return render(request, "search/concordance.html", context, status=status)


def json_errors(view):
    """An unexpected failure answered as JSON, like every other answer of an API or export
    view, and logged as Django logs a 500."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Exception as error:
            response = api_error("The search failed unexpectedly; please try again later.", 500)
            log_response(
                "Internal Server Error: %s",
                request.path,
                response=response,
                request=request,
                exception=error,
            )
            return response

    return wrapper


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    """``cell`` as a spreadsheet shows it but never runs it: OWASP's advice against CSV
    injection (https://owasp.org/www-community/attacks/CSV_Injection) is a leading ' on a
    cell that starts like a formula."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def _term_history(request):
    """(form, terms, history or None, problem or ""): the term history the request asks for,
    of its first MAX_TERMS terms; `form.dropped` holds the others, which the answers name."""
    form = SearchForm(request.GET)
    form.is_valid()
    terms = split_terms(form.cleaned_data.get("q") or "")
    terms, form.dropped = terms[:MAX_TERMS], terms[MAX_TERMS:]
    if not terms:
        return form, terms, None, ""
    try:
        return form, terms, term_history(terms, form.search_request()), ""
    except SearchUnavailable as error:
        return form, terms, None, str(error)


def trend_page(request):
    """How often each term occurs by year: a chart drawn on the server, and its numbers."""
    form, terms, history, unavailable = _term_history(request)
    measure = "share" if request.GET.get("measure") == "share" else "clauses"
    context = {
        "form": form,
        "q": request.GET.get("q", ""),
        "terms": terms,
        "history": history,
        "chart": chart(history, measure) if history else None,
        "measure": measure,
        "max_terms": MAX_TERMS,
        "dropped": form.dropped,
        "unavailable": unavailable,
        "problems": form.problems(),
    }
    return render(request, "search/trend.html", context, status=503 if unavailable else 200)


def trend_csv(request):
    form, terms, history, unavailable = _term_history(request)
    if unavailable or not history:
        message = unavailable or "Give one or more terms: ?q=GOSAT, connectivity"
        return HttpResponse(message, status=503 if unavailable else 400, content_type="text/plain")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="term-history.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["Year", "Clauses"]
        + [f"{spreadsheet_safe(t)}: {h}" for t in terms for h in ("clauses", "share")]
    )
    for row in history.rows():
        cells = [row["year"], row["clauses"]]
        for term in row["terms"]:
            cells += [term["count"], f"{term['share']:.6f}"]
        writer.writerow(cells)
    return response


@json_errors
def api_trend(request):
    form, terms, history, unavailable = _term_history(request)
    if unavailable:
        return api_error(unavailable, 503)
    if form.problems() or not history or form.dropped:
        problems = form.problems() or ["Give one or more terms, separated by commas: q=GOSAT, テロ"]
        if history and form.dropped:
            problems = [
                f"Give at most {MAX_TERMS} terms; {len(terms) + len(form.dropped)} were given "
                f"({', '.join(form.dropped)} beyond the limit)."
            ]
        return api_error(" ".join(problems), 400)
    body = {
        "terms": [
            {
                "term": series.term,
                "total": series.total,
                "notices": series.notices,
                "years": [
                    {
                        "year": int(year),
                        "clauses": series.counts.get(year, 0),
                        "share": round(history.share(series, year), 6),
                    }
                    for year in history.years
                ],
            }
            for series in history.series
        ],
        "clauses_per_year": [{"year": int(y), "clauses": history.totals[y]} for y in history.years],
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def about(request):
    return render(request, "search/about.html", {"export_limit": EXPORT_LIMIT})


EXPORT_COLUMNS = [
    "Document",
    "Text slug",
    "Language",
    "Date",
    "Section",
    "Clause",
    "Clause URL",
    "Clause text",
    "Provisional translation",
    "Score",
]


def export_rows(request, hits):
    for hit in hits:
        clause, document = hit.clause, hit.clause.document
        yield [
            document.title,
            document.work.slug,
            document.language,
            document.date.isoformat() if document.date else "",
            clause.section.heading if clause.section else "",
            clause.label,
            request.build_absolute_uri(clause.get_permalink()),
            clause.text,
            "yes" if document.is_provisional else "no",
            f"{hit.score:.3f}",
        ]


# The most rows one export holds: the ordered clause ids of every hit are held while the rows
# stream (about 100 bytes a hit), the clauses themselves 500 at a time. The answer says when
# the limit was reached (X-Export-Truncated, "truncated"), and so does the search page.
EXPORT_LIMIT = 100_000


def _export(request):
    """(parsed query, hits up to EXPORT_LIMIT loaded as the rows stream, their number, whether
    hits were left out), or an error."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        return None, api_error(" ".join(form.problems()), 400)
    try:
        parsed, scored = ordered_matches(form.search_request(), limit=EXPORT_LIMIT + 1)
    except SearchUnavailable as error:
        return None, api_error(str(error), 503)
    truncated = len(scored) > EXPORT_LIMIT
    scored = scored[:EXPORT_LIMIT]
    return (parsed, hits_in_chunks(scored, parsed), len(scored), truncated), None


def _streamed(chunks, content_type: str, filename: str, truncated: bool, total: int):
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Export-Rows"] = str(total)
    response["X-Export-Limit"] = str(EXPORT_LIMIT)
    response["X-Export-Truncated"] = "true" if truncated else "false"
    return response


class _Line:
    """A file for csv.writer that hands back each line written, so rows stream one by one."""

    def write(self, line: str) -> str:
        return line


def csv_chunks(request, hits):
    writer = csv.writer(_Line())
    yield "\ufeff"  # so spreadsheet programs read the Japanese as UTF-8
    yield writer.writerow(EXPORT_COLUMNS)
    for row in export_rows(request, hits):
        yield writer.writerow(map(spreadsheet_safe, row))


def json_chunks(request, head: dict, hits):
    """`head` and then "results": one object per hit, written as the rows are made."""
    yield json.dumps(head, ensure_ascii=False, indent=1).removesuffix("\n}")
    yield ',\n "results": ['
    separator = "\n  "
    for row in export_rows(request, hits):
        result = dict(zip(EXPORT_COLUMNS, row, strict=True))
        yield separator + json.dumps(result, ensure_ascii=False)
        separator = ",\n  "
    yield "\n ]\n}\n"


@json_errors
def export_csv(request):
    found, error = _export(request)
    if error:
        return error
    _parsed, hits, total, truncated = found
    return _streamed(
        csv_chunks(request, hits), "text/csv; charset=utf-8", "search-results.csv", truncated, total
    )


# The JSON export: the CSV export's steps with its own body and content type.
@json_errors
def export_json(request):
    found, error = _export(request)
    if error:
        return error
    parsed, hits, total, truncated = found
    head = {
        "query": parsed.normalized,
        "notices": parsed.notices,
        "total": total,
        "truncated": truncated,
        "limit": EXPORT_LIMIT,
    }
    return _streamed(
        json_chunks(request, head, hits),
        "application/json; charset=utf-8",
        "search-results.json",
        truncated,
        total,
    )


def plain_snippet(snippet_html: str) -> tuple[str, list[list[int]]]:
    """The snippet as plain text, and the [start, end) offsets of its marked words in it."""
    text, matches, position = [], [], 0
    for piece in re.split(r"(<mark>.*?</mark>)", snippet_html):
        marked = piece.startswith("<mark>")
        plain = html.unescape(piece[6:-7] if marked else piece)
        if marked:
            matches.append([position, position + len(plain)])
        text.append(plain)
        position += len(plain)
    return "".join(text), matches


def api_hit(request, hit) -> dict:
    """One hit as the API gives it: the clause's permalink (absolute, like every URL of the
    API), where it is in its document, and its snippet as text with match offsets."""
    clause, document = hit.clause, hit.clause.document
    text, matches = plain_snippet(str(hit.snippet))
    return {
        "slug": document.work.slug,
        "language": document.language,
        "title": document.title,
        "date": document.date.isoformat() if document.date else None,
        "section": clause.section.heading if clause.section else None,
        "label": clause.label,
        "printed_label": clause.printed_label,
        "url": request.build_absolute_uri(clause.get_permalink()),
        "in_context_url": request.build_absolute_uri(clause.get_absolute_url()),
        "snippet": text,
        "matches": matches,
        "snippet_html": str(hit.snippet),
        "score": round(hit.score, 4),
    }


@json_errors
@fixed_between_changes(also=index_version)
def api_search(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        return api_error(" ".join(form.problems()), 400)
    try:
        results = search(form.search_request())
    except SearchUnavailable as error:
        return api_error(str(error), 503)
    body = {
        "query": results.parsed.normalized,
        "notices": results.notices,
        "total": results.total,
        "page": results.request.page,
        "pages": results.pages,
        "facets": {name: dict(counts) for name, counts in results.facets.items()},
        "hits": [api_hit(request, hit) for hit in results.hits],
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    return not_to_keep(response) if results.cut_short else response


# The search export's names for the same facts, after the line itself.
CONCORDANCE_COLUMNS = [
    "Left",
    "Keyword",
    "Right",
    "Document",
    "Text slug",
    "Language",
    "Date",
    "Clause",
    "Clause URL",
]


def concordance_row(request, line) -> list[str]:
    clause, document = line.clause, line.clause.document
    return [
        line.left,
        line.keyword,
        line.right,
        document.title,
        document.work.slug,
        document.language,
        document.date.isoformat() if document.date else "",
        clause.label,
        request.build_absolute_uri(clause.get_permalink()),
    ]


def _concordance_export(request):
    """(head, lines) of the concordance the request asks for, or an error."""
    form = ConcordanceForm(request.GET)
    if not form.is_valid():
        return None, api_error(" ".join(form.problems()), 400)
    if not form.cleaned_data.get("q"):
        return None, api_error("q is required: the words whose occurrences to list.", 400)
    try:
        parsed, found, partial, lines = all_lines(form.search_request(), form.order())
    except SearchUnavailable as error:
        return None, api_error(str(error), 503)
    head = {
        "query": parsed.normalized,
        "notices": parsed.notices,
        "sort": form.order(),
        "clauses": found,
        "partial": partial,
    }
    return (head, lines), None


def _concordance_stream(chunks, content_type: str, filename: str, head: dict):
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Export-Clauses"] = str(head["clauses"])
    response["X-Export-Truncated"] = "true" if head["partial"] else "false"
    return response


@json_errors
def concordance_csv(request):
    found, error = _concordance_export(request)
    if error:
        return error
    head, lines = found

    def chunks():
        writer = csv.writer(_Line())
        yield "\ufeff"
        yield writer.writerow(CONCORDANCE_COLUMNS)
        for line in lines:
            yield writer.writerow(map(spreadsheet_safe, concordance_row(request, line)))

    return _concordance_stream(chunks(), "text/csv; charset=utf-8", "concordance.csv", head)


@json_errors
def concordance_json(request):
    found, error = _concordance_export(request)
    if error:
        return error
    head, lines = found

    def chunks():
        yield json.dumps(head, ensure_ascii=False, indent=1).removesuffix("\n}")
        yield ',\n "lines": ['
        separator = "\n  "
        for line in lines:
            row = dict(zip(CONCORDANCE_COLUMNS, concordance_row(request, line), strict=True))
            yield separator + json.dumps(row, ensure_ascii=False)
            separator = ",\n  "
        yield "\n ]\n}\n"

    return _concordance_stream(
        chunks(), "application/json; charset=utf-8", "concordance.json", head
    )


def api_line(request, line) -> dict:
    """One line of the concordance as the API gives it, with its aligned clauses."""
    left, keyword, right, title, slug, language, date, label, url = concordance_row(request, line)
    found = {
        "left": left,
        "keyword": keyword,
        "right": right,
        "title": title,
        "slug": slug,
        "language": language,
        "date": date or None,
        "label": label,
        "url": url,
    }
    found["aligned"] = [
        {
            "language": clause.document.language,
            "label": clause.label,
            "text": clause.text,
            "url": request.build_absolute_uri(clause.get_permalink()),
        }
        for clause in line.aligned
    ]
    return found


@json_errors
@fixed_between_changes(also=index_version)
def api_concordance(request):
    form = ConcordanceForm(request.GET)
    if not form.is_valid():
        return api_error(" ".join(form.problems()), 400)
    if not form.cleaned_data.get("q"):
        return api_error("q is required: the words whose occurrences to list.", 400)
    search_request = form.search_request()
    try:
        result = concordance(
            search_request, form.order(), search_request.page, form.parallel_lines()
        )
    except SearchUnavailable as error:
        return api_error(str(error), 503)
    body = {
        "query": result.parsed.normalized,
        "notices": result.parsed.notices,
        "sort": result.sort,
        "clauses": result.clauses,
        "page": search_request.page,
        "pages": result.pages,
        "partial": result.partial,
        "equivalent": result.equivalent.text if result.equivalent else None,
        "lines": [api_line(request, line) for line in result.lines],
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def _equivalents(request):
    """(form, term, equivalents or None, problem or "") for /terms/ and its API."""
    form = SearchForm(request.GET)
    form.is_valid()
    term = (form.cleaned_data.get("q") or "").strip()
    if not term:
        return form, term, None, ""
    # The pairs are those of every version of the two languages: a language filter would
    # leave only one side.
    filters = tuple(
        (name, value) for name, value in form.search_request().filters if name != "language"
    )
    try:
        return form, term, equivalents(term, filters), ""
    except SearchUnavailable as error:
        return form, term, None, str(error)


@fixed_between_changes(also=index_version)
def terms_page(request):
    """The archive's own translations of a term (search.equivalents)."""
    form, term, found, unavailable = _equivalents(request)
    context = {
        "form": form,
        "q": request.GET.get("q", ""),
        "term": term,
        "found": found,
        "tied": [equivalent.text for equivalent in found.tied] if found else [],
        "floor": FLOOR,
        "margin": MARGIN,
        "unavailable": unavailable,
        "problems": form.problems(),
    }
    return render(request, "search/terms.html", context, status=503 if unavailable else 200)


def api_clause(request, clause) -> dict:
    return {
        "language": clause.document.language,
        "slug": clause.document.work.slug,
        "label": clause.label,
        "text": clause.text,
        "url": request.build_absolute_uri(clause.get_permalink()),
    }


@json_errors
@fixed_between_changes(also=index_version)
def api_equivalents(request):
    form, term, found, unavailable = _equivalents(request)
    if form.errors:
        return api_error(" ".join(form.problems()), 400)
    if not term:
        return api_error("q is required: the term whose equivalents to list.", 400)
    if unavailable:
        return api_error(unavailable, 503)
    body = {
        "term": found.term,
        "language": found.language,
        "other": found.other,
        "pairs": found.pairs,
        "read": found.read,
        "decided": found.decided,
        "tied": [equivalent.text for equivalent in found.tied],
        "equivalents": [
            {
                "text": e.text,
                "pairs": e.pairs,
                "found": e.found,
                "dice": e.dice,
                "parts_agree": e.parts_agree,
                "first_year": e.first_year,
                "last_year": e.last_year,
                "years": {str(year): n for year, n in sorted(e.years.items())},
                "examples": [
                    {"term": api_clause(request, mine), "equivalent": api_clause(request, theirs)}
                    for mine, theirs in e.examples
                ],
            }
            for e in found.equivalents
        ],
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})
