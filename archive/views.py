"""Reading pages: the list of texts and one document version."""

from django.http import Http404
from django.shortcuts import render

from archive.models import Work
from archive.reading import document_body, get_version, versions_of


def document_list(request):
    works = Work.objects.prefetch_related("documents", "countries")
    return render(request, "archive/document_list.html", {"works": works})


def document_detail(request, slug: str, language: str):
    document = get_version(slug, language)
    if document is None:
        raise Http404(f"No '{language}' version of '{slug}'.")
    context = {
        "document": document,
        "body": document_body(document),
        "signatories": document.signatories.all(),
        "versions": versions_of(document.work),
    }
    return render(request, "archive/document_detail.html", context)
