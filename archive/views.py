"""Reading pages: home, browse, a document version, side by side, clause permalinks, downloads."""

import unicodedata
from urllib.parse import quote

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults

from archive import citations, facets
from archive.api import api_error, document_data
from archive.freshness import fixed_between_changes
from archive.models import Clause, ClauseMove, Document, Work
from archive.reading import (
    BROWSE_SORTS,
    active_filters,
    aligned_clauses,
    archive_counts,
    browse,
    browse_facets,
    document_body,
    filters_query,
    get_version,
    parallel_rows,
    plain_text,
    preferred_version,
    versions_of,
    works_newest_first,
)
from archive.research import distinctive, recurring
from archive.research.comparison import KINDS as COMPARISON_KINDS
from archive.research.comparison import compare

LATEST_WORKS = 10
WORKS_PER_PAGE = 50


@fixed_between_changes
def home(request):
    context = {
        "counts": archive_counts(),
        "facets": browse_facets(),
        "latest": works_newest_first()[:LATEST_WORKS],
    }
    return render(request, "archive/home.html", context)


@fixed_between_changes
def document_list(request):
    works, active, notices = browse(request.GET)
    page = Paginator(works, WORKS_PER_PAGE).get_page(page_number(request.GET.get("page", "")))
    context = {
        "works": page,
        "active": facets.summary(active),
        "notices": notices,
        "facets": browse_facets(active, request.GET),
        "sort": request.GET.get("sort") if request.GET.get("sort") in BROWSE_SORTS else "newest",
    }
    return render(request, "archive/document_list.html", context)


def page_number(value: str) -> int:
    """The page asked for: 1 unless `value` is a positive number; get_page turns a number past
    the end into the last page."""
    value = value.strip()
    return max(1, int(value)) if value.isascii() and value.isdigit() else 1


def version_or_404(slug: str, language: str):
    document = get_version(slug, language)
    if document is None:
        raise Http404(
            _("There is no “%(language)s” version of “%(slug)s”.")
            % {"language": language, "slug": slug}
        )
    return document


def document_redirect(request, slug: str):
    work = get_object_or_404(Work, slug=slug)
    version = preferred_version(versions_of(work), request.LANGUAGE_CODE)
    if version is None:  # every version deleted, the work left behind
        raise Http404(_("This text has no language version in the archive."))
    return redirect(version)


@fixed_between_changes
def document_detail(request, slug: str, language: str):
    document = version_or_404(slug, language)
    body = document_body(document)
    context = {
        "document": document,
        "body": body,
        "has_sections": any(kind == "section" for kind, _item in body),
        "numbered_by_archive": any(
            kind == "clause" and not item.printed_label and not item.is_preamble
            for kind, item in body
        ),
        "signatories": document.signatories.all(),
        "versions": versions_of(document.work),
        "countries": document.work.countries.all(),
        "similar": recurring.most_similar_texts(document),
        "distinctive": distinctive.distinctive(
            distinctive.group(document.language, text=document.work.slug),
            document.language,
            DISTINCTIVE_ON_DOCUMENT,
            count=1,
        ),
    }
    return render(request, "archive/document_detail.html", context)


@fixed_between_changes
def document_text(request, slug: str, language: str):
    document = version_or_404(slug, language)
    response = HttpResponse(plain_text(document), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = content_disposition("inline", f"{slug}-{language}.txt")
    return response


@fixed_between_changes
def document_json(request, slug: str, language: str):
    document = version_or_404(slug, language)
    return JsonResponse(document_data(document), json_dumps_params={"ensure_ascii": False})


def content_disposition(disposition: str, filename: str) -> str:
    """RFC 6266: the exact name as UTF-8 in filename*, and an ASCII fallback in filename for
    clients that ignore it; quotes, semicolons and line breaks in a name end up
    percent-encoded or replaced, never in the header as they are."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    fallback = "".join(c if c.isalnum() or c in "-_.() " else "_" for c in ascii_name).strip()
    stem, dot, suffix = fallback.rpartition(".")
    if not any(c.isalnum() for c in stem or suffix):
        fallback = f"download{dot}{suffix}" if dot and suffix.isalnum() else "download"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


SOURCE_CONTENT_TYPES = {"pdf": "application/pdf", "html": "text/html"}


def document_source(request, slug: str, language: str):
    """The source file exactly as received, in its own encoding."""
    document = version_or_404(slug, language)
    content_type = SOURCE_CONTENT_TYPES.get(
        document.source_format, f"text/plain; charset={document.source_encoding}"
    )
    response = HttpResponse(bytes(document.source_bytes), content_type=content_type)
    response["Content-Disposition"] = content_disposition("attachment", document.source_name)
    # An HTML source is the publisher's page, not ours: never run it on our origin.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Digest"] = f"sha-256={document.source_sha256}"
    return response


@fixed_between_changes
def parallel(request, slug: str):
    work = get_object_or_404(Work, slug=slug)
    versions = {d.language: d for d in versions_of(work)}
    if len(versions) < 2:
        raise Http404(_("This text has only one language version."))
    left = request.GET.get("left", "ja" if "ja" in versions else sorted(versions)[0])
    right = request.GET.get("right", next(lang for lang in sorted(versions) if lang != left))
    if left not in versions or right not in versions or left == right:
        raise Http404(_("Choose two different languages this text has."))
    columns = [versions[left], versions[right]]
    context = {
        "work": work,
        "columns": columns,
        "rows": parallel_rows(columns),
        "versions": versions.values(),
        "left": left,
        "right": right,
    }
    return render(request, "archive/parallel.html", context)


@fixed_between_changes
def clause_detail(request, slug: str, language: str, label: str):
    document = version_or_404(slug, language)
    clause = (
        Clause.objects.select_related("section__parent")
        .filter(document=document, label=label)
        .first()
    )
    if clause is None:
        moved = ClauseMove.objects.filter(document=document, label=label).first()
        if moved is not None:  # relabelled by a later import: the clause is here now
            return redirect("archive:clause", slug, language, moved.to_label, permanent=True)
        return render(
            request,
            "archive/clause_missing.html",
            {"document": document, "label": label},
            status=404,
        )
    clause.document = document  # the version already read, without its source file
    url = request.build_absolute_uri(clause.get_permalink())
    echoes, echoes_total = recurring.also_said_in(clause)
    context = {
        "document": document,
        "clause": clause,
        "echoes": echoes,
        "echoes_total": echoes_total,
        "others": aligned_clauses(clause),
        "previous": document.clauses.filter(sequence__lt=clause.sequence).last(),
        "next": document.clauses.filter(sequence__gt=clause.sequence).first(),
        "citation": citations.all_formats(document, clause, url),
        "meta_tags": citations.meta_tags(document, url),
        "permalink": url,
    }
    return render(request, "archive/clause_detail.html", context)


def clause_across_versions(request, slug: str, label: str):
    """One identifier for a clause in every version: shows the clause in each language."""
    work = get_object_or_404(Work, slug=slug)
    versions = versions_of(work)
    clauses = list(
        Clause.objects.filter(document__work=work, label=label)
        .select_related("document__work", "section")
        .defer(*Document.large_columns("document__"))
        .order_by("document__language")
    )
    if not clauses:
        moved = ClauseMove.objects.filter(document__work=work, label=label).first()
        if moved is not None:
            return redirect("archive:clause_across", slug, moved.to_label, permanent=True)
        pivot = preferred_version(versions, request.LANGUAGE_CODE)
        return render(
            request, "archive/clause_missing.html", {"document": pivot, "label": label}, status=404
        )
    return render(
        request,
        "archive/clause_across.html",
        {"work": work, "label": label, "clauses": clauses, "versions": versions},
    )


@fixed_between_changes
def recurring_list(request):
    """The formulas said in the most texts, each with its history; filterable like browse."""
    active, notices = active_filters(request.GET)
    context = {
        "formulas": recurring.formulas(filters_query(active)),
        "active": facets.summary(active),
        "notices": notices,
        "facets": browse_facets(active, request.GET),
    }
    return render(request, "archive/recurring.html", context)


@fixed_between_changes
def compare_texts(request):
    """Two statements clause by clause: /compare/?a=<slug>/<lang>&b=<slug>/<lang>."""
    if not request.GET.get("a", "").strip() and not request.GET.get("b", "").strip():
        return render(request, "archive/compare.html", {"choose": True})
    a, problem_a = _compared(request.GET.get("a", ""))
    b, problem_b = _compared(request.GET.get("b", "")) if "b" in request.GET else (None, "")
    problem = problem_a or problem_b
    if not problem and a and b and a.language != b.language:
        problem = _("Compare two versions in the same language; for a text and its translation, "
                    "read them side by side.")  # fmt: skip
    if not problem and a and b and a.pk == b.pk:
        problem = _("Choose two different texts to compare.")
    context = {"a": a, "b": b, "problem": problem}
    if a and not problem:
        context["similar"] = recurring.most_similar_texts(a, limit=10)
        context["comparison"] = comparison = compare(a, b) if b else None
        if comparison:
            shown = request.GET.get("kind", "")
            shown = shown if shown in COMPARISON_KINDS else ""
            context["shown"], context["pairs"] = shown, comparison.only(shown)
            context["kinds"] = [("", len(comparison.pairs), _("all clauses"))] + [
                (kind, comparison.count(kind), _COMPARISON_NAMES[kind]) for kind in COMPARISON_KINDS
            ]
    return render(request, "archive/compare.html", context, status=400 if problem else 200)


_COMPARISON_NAMES = {
    "shared": gettext_lazy("shared (nearly the same words)"),
    "reworded": gettext_lazy("reworded"),
    "related": gettext_lazy("same subject, other words"),
    "only-a": gettext_lazy("only in A"),
    "only-b": gettext_lazy("only in B"),
}


def _compared(value: str):
    """(version, "") for "<slug>/<lang>", else (None, why not)."""
    slug, _slash, language = value.strip().partition("/")
    if not value.strip():
        return None, _("Choose a text to compare: ?a=<text>/<language>, e.g. from a text's page.")
    document = get_version(slug, language) if slug and language else None
    if document is None:
        return None, _("There is no text “%(value)s”; give it as <text>/<language>.") % {
            "value": value
        }
    return document, ""


def page_not_found(request, exception):
    """404: our own message when a view gave one, a plain sentence otherwise (never the name of
    Django's exception class), and JSON under /api/."""
    message = exception.args[0] if exception is not None and exception.args else ""
    message = message if isinstance(message, str) else ""
    if request.path_info.startswith("/api/"):
        return api_error(message or "No such address in the API; see /api/documents/.", 404)
    return render(request, "404.html", {"message": message}, status=404)


def bad_request(request, exception):
    """400 from Django itself (a host the site does not serve, a request too large to read):
    JSON under /api/, as every other answer there, else the archive's page."""
    message = _("The request could not be read; check the address and try again.")
    if request.path_info.startswith("/api/"):
        return api_error(message, 400)
    return render(request, "400.html", {"message": message}, status=400)


def server_error(request):
    """500: JSON under /api/, else the standalone page (it must render without the database)."""
    if request.path_info.startswith("/api/"):
        return api_error("Server error; it has been logged. Please try again.", 500)
    return defaults.server_error(request)


DISTINCTIVE_SHOWN = 50
DISTINCTIVE_ON_DOCUMENT = 12


@fixed_between_changes
def distinctive_terms(request):
    """What a text, a year, a series or a country says more often than the rest of the
    archive, and what it says first: /distinctive/?lang=…&text=<slug>|year|series|country."""
    asked = distinctive.asked(request.GET, request.LANGUAGE_CODE)
    context = {"asked": asked, "facets": browse_facets(asked.active, request.GET)}
    if asked.chosen and not asked.problem:
        context["result"] = distinctive.distinctive(
            asked.versions(), asked.language, DISTINCTIVE_SHOWN, kept=asked.kept()
        )
        context["summary"] = facets.summary(asked.active)
        if asked.text:
            context["version"] = get_version(asked.text, asked.language)
    return render(
        request, "archive/distinctive.html", context, status=400 if asked.problem else 200
    )
