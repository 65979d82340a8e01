"""Read-only JSON API over the archive: texts with their versions, and one version in full;
its description, as JSON and as a reference page."""

import json
from functools import cache
from pathlib import Path

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from archive.models import Document, Work
from archive.reading import get_version, versions_of
from archive.research import distinctive
from archive.research.recurring import also_said_in

# The OpenAPI 3.1 description of every endpoint below and every field of its answers, written
# by hand; tests/test_api_schema.py checks real answers against it.
OPENAPI = Path(__file__).resolve().parent / "openapi.json"


@cache
def openapi_description() -> dict:
    return json.loads(OPENAPI.read_text(encoding="utf-8"))


def index(request):
    """/api/: the description of the API, as JSON for scripts (and with ?format=json), and as
    a reference page, drawn from the same description, for a browser that asks for HTML."""
    wanted = request.get_preferred_type(["application/json", "text/html"])
    if request.GET.get("format") != "json" and wanted == "text/html":
        response = render(request, "archive/api_reference.html", reference(openapi_description()))
    else:
        response = JsonResponse(
            openapi_description(), json_dumps_params={"ensure_ascii": False, "indent": 2}
        )
    patch_vary_headers(response, ["Accept"])
    return response


def reference(description: dict) -> dict:
    """The OpenAPI description as a page lists it: each endpoint with its parameters and
    answers, then each schema with its fields; a `$ref` becomes the schema's name."""

    def shape(schema: dict | bool) -> dict:
        schema = schema if isinstance(schema, dict) else {}  # `true`: any value
        ref = schema.get("$ref", "").rsplit("/", 1)[-1]
        kind = schema.get("type", "")
        kind = " or ".join(kind) if isinstance(kind, list) else kind
        if kind == "array" and "items" in schema:
            item = shape(schema["items"])
            kind = f"array of {item['ref'] or item['type']}"
        return {
            "ref": ref,
            "type": kind,
            "enum": schema.get("enum", []),
            "pattern": schema.get("pattern", ""),
            "description": schema.get("description", ""),
        }

    def parameter(given: dict) -> dict:
        name = given.get("$ref", "").rsplit("/", 1)[-1]
        return description["components"]["parameters"][name] if name else given

    endpoints = []
    for path, operations in description["paths"].items():
        for method, operation in operations.items():
            answers = []
            for status, answer in operation["responses"].items():
                content = answer.get("content", {}).get("application/json", {})
                answers.append(
                    {
                        "status": status,
                        "description": answer.get("description", ""),
                        **shape(content.get("schema", {})),
                    }  # fmt: skip
                )
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "id": operation.get("operationId", path),
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "description": p.get("description", ""),
                            **{
                                k: v
                                for k, v in shape(p.get("schema", {})).items()
                                if k != "description"
                            },
                        }  # fmt: skip
                        for p in map(parameter, operation.get("parameters", []))
                    ],
                    "answers": answers,
                }
            )
    schemas = [
        {
            "name": name,
            **shape(schema),
            "fields": [
                {"name": field, "required": field in schema.get("required", []), **shape(sub)}
                for field, sub in schema.get("properties", {}).items()
            ],
        }
        for name, schema in description["components"]["schemas"].items()
    ]
    return {"info": description["info"], "endpoints": endpoints, "schemas": schemas}


def api_error(message: str, status: int) -> JsonResponse:
    """The body of every API error: what went wrong and how to fix it, and the status again."""
    return JsonResponse({"error": message, "status": status}, status=status)


def not_found(message: str) -> JsonResponse:
    return api_error(message, 404)


def version_summary(document: Document) -> dict:
    return {
        "language": document.language,
        "title": document.title,
        "is_provisional": document.is_provisional,
        "url": document.get_absolute_url(),
        "api_url": reverse("api:document", args=[document.work.slug, document.language]),
    }


def work_summary(work: Work) -> dict:
    return {
        "slug": work.slug,
        "kind": work.kind,
        "series": work.series,
        "meeting": work.meeting,
        "meeting_ja": work.meeting_ja,
        "date": work.date.isoformat() if work.date else None,
        "countries": [c.code for c in work.countries.all()],
        "authentic_language": work.authentic_language,
        "versions": [version_summary(d) for d in work.documents.all()],
    }


def document_list(request):
    works = Work.objects.prefetch_related("countries", "documents__work")
    return JsonResponse(
        {"texts": [work_summary(w) for w in works]}, json_dumps_params={"ensure_ascii": False}
    )


def work_detail(request, slug: str):
    """A text with its language versions (each version in full at its own address)."""
    work = Work.objects.prefetch_related("countries", "documents__work").filter(slug=slug).first()
    if work is None:
        return not_found(f"No text '{slug}'. See /api/documents/ for texts.")
    return JsonResponse(work_summary(work), json_dumps_params={"ensure_ascii": False})


def document_detail(request, slug: str, language: str):
    document = get_version(slug, language)
    if document is None:
        return not_found(f"No '{language}' version of '{slug}'. See /api/documents/ for texts.")
    return JsonResponse(document_data(document), json_dumps_params={"ensure_ascii": False})


def document_data(document: Document) -> dict:
    work = document.work
    sections = list(document.sections.all())
    clauses = list(document.clauses.all())
    by_section: dict[int | None, list[str]] = {}
    for clause in clauses:
        by_section.setdefault(clause.section_id, []).append(clause.label)
    section_ids = {s.pk: n for n, s in enumerate(sections)}
    return {
        **work_summary(work),
        "language": document.language,
        "title": document.title,
        "subtitle": document.subtitle,
        "date": document.date.isoformat() if document.date else None,
        "date_range": [document.date_start.isoformat(), document.date_end.isoformat()]
        if document.date_start and document.date_end
        else None,
        "place": document.place,
        "place_as_printed": document.place_as_printed,
        "is_provisional": document.is_provisional,
        "translation_of": document.translation_of.language if document.translation_of else None,
        "other_versions": [d.language for d in versions_of(work) if d.pk != document.pk],
        "source": {
            "file": document.source_name,
            "sha256": document.source_sha256,
            "encoding": document.source_encoding,
            "url": document.source_url,
        },
        "metadata_lines": document.metadata_lines,
        "sections": [
            {
                "index": n,
                "label": s.label,
                "heading": s.heading,
                "level": s.level,
                "parent": section_ids.get(s.parent_id),
                "clause_labels": by_section.get(s.pk, []),
            }
            for n, s in enumerate(sections)
        ],
        "clauses": [
            {
                "label": c.label,
                "printed_label": c.printed_label,
                "anchor": c.anchor,
                "section": section_ids.get(c.section_id),
                "is_preamble": c.is_preamble,
                "paragraphs": c.paragraphs,
                "text": c.text,
                "url": c.get_permalink(),
                "url_in_context": c.get_absolute_url(),
            }
            for c in clauses
        ],
        "closing": document.closing,
        "signatories": [{"name": s.name, "title": s.title} for s in document.signatories.all()],
        "warnings": document.warnings,
    }


RECURRING_LISTED = 200


def clause_recurring(request, slug: str, language: str, label: str):
    """The clauses of other texts that say nearly the same as this one, oldest first, each
    with its similarity and its diff against this clause (archive/research/recurring.py)."""
    document = get_version(slug, language)
    if document is None:
        return not_found(f"No '{language}' version of '{slug}'. See /api/documents/ for texts.")
    clause = document.clauses.filter(label=label).first()
    if clause is None:
        return not_found(
            f"No clause '{label}' in {slug} [{language}]. See {document_url(document)}."
        )
    echoes, total = also_said_in(clause, limit=RECURRING_LISTED)
    body = {
        "clause": {
            "work": slug,
            "language": language,
            "label": clause.label,
            "url": clause.get_permalink(),
        },
        "total": total,
        "recurring": [
            {
                "work": echo.clause.document.work.slug,
                "title": echo.clause.document.title,
                "language": echo.clause.document.language,
                "date": echo.clause.document.date.isoformat()
                if echo.clause.document.date
                else None,
                "label": echo.clause.label,
                "printed_label": echo.clause.printed_label,
                "similarity": round(echo.similarity, 4),
                "text": echo.clause.text,
                "url": echo.clause.get_permalink(),
                "diff": [{"op": op, "text": text} for op, text in echo.diff],
            }
            for echo in echoes
        ],
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def document_url(document: Document) -> str:
    return reverse("api:document", args=[document.work.slug, document.language])


def distinctive_terms(request):
    """The distinctive and the new terms of a text, a year, a kind, a series or a country, in
    one language (archive/research/distinctive.py)."""
    asked = distinctive.asked(request.GET, "en")
    if asked.problem:
        return not_found(asked.problem + " See /api/documents/ for texts.")
    if asked.notices:
        return api_error(" ".join(asked.notices), 400)
    notice = None
    if asked.chosen:
        found = distinctive.distinctive(
            asked.versions(), asked.language, shown=None, kept=asked.kept()
        )
    else:
        found = distinctive.whole_language(asked.language)
        notice = (
            "Every version in this language is the group, so nothing is elsewhere to compare "
            "with. Say which texts: text=<slug>, or year, kind, series or country."
        )
    return JsonResponse(
        {
            "group": asked.query(),
            "language": found.language,
            "versions": found.versions,
            "size": found.size,
            "size_elsewhere": found.size_elsewhere,
            "thresholds": {
                "keyness": distinctive.KEYNESS,
                "log_ratio": distinctive.LOG_RATIO,
                "occurrences": distinctive.AT_LEAST,
            },
            "distinctive": [term_data(t) for t in found.terms],
            "new": [term_data(t) for t in found.new],
            "notice": notice,
        },
        json_dumps_params={"ensure_ascii": False},
    )


def term_data(term: distinctive.Term) -> dict:
    return {
        "text": term.text,
        "term": term.key,
        "here": term.here,
        "elsewhere": term.elsewhere,
        "keyness": term.keyness,
        "log_ratio": term.log_ratio,
        "first": term.first.isoformat() if term.first else None,
        "new": term.new,
        "later_texts": term.later_texts,
        "concordance": term.concordance,
    }
