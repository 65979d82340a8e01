"""The workbench's pages: staff with the permission to add drafts only, never cached, and
nothing written to the archive until the curator publishes."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from archive.models import Document, Draft, Revision, Work
from archive.workbench.drafts import (
    PROVISIONAL_SLUG,
    DraftError,
    body,
    changed_links,
    corrected,
    history,
    manifest_text,
    proposed_slug,
    publish,
    read,
    regenerate_bulk_data,
    source_lines,
    stored_entry,
)
from archive.workbench.fetching import FetchError, fetch
from archive.workbench.forms import AddForm, FactsForm, LineForm

QUEUE = 50  # texts with open warnings listed, newest first
KNOWN = 3  # known texts offered for linking


def curator(view):
    """Anonymous readers are sent to log in; staff without the permission get 403."""
    view = permission_required("archive.add_draft", raise_exception=True)(never_cache(view))
    return staff_member_required(view)


@curator
def drafts(request):
    form = AddForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        entry = form.entry()
        try:
            name, data = _source(form.cleaned_data)
            if "slug" not in entry:
                entry["slug"] = proposed_slug(read(name, data, {**entry, "slug": PROVISIONAL_SLUG}))
            _refuse_taken(entry)
            read(name, data, entry)
        except (DraftError, FetchError) as error:
            form.add_error(None, str(error))
        else:
            draft = Draft.objects.create(
                file_name=name, source_bytes=data, entry=entry, created_by=request.user
            )
            return redirect(draft)
    listed = (
        Draft.objects.select_related("published__work")
        .defer("source_bytes", *Document.large_columns("published__"))
        .order_by("-updated_at")[:50]
    )
    warned = (
        Document.objects.light()
        .select_related("work")
        .exclude(warnings=[])
        .order_by("-imported_at")[:QUEUE]
    )
    return render(
        request, "workbench/drafts.html", {"form": form, "drafts": listed, "queue": warned}
    )


@curator
def stored(request, pk):
    """A stored version read again in the workbench: its open draft, or a new one made from
    its source and the entry it was imported with."""
    document = get_object_or_404(Document.objects.select_related("work"), pk=pk)
    draft = Draft.objects.filter(replaces=document, published__isnull=True).first()
    if draft is None:
        draft = Draft.objects.create(
            file_name=document.source_name,
            source_bytes=bytes(document.source_bytes),
            entry=stored_entry(document),
            created_by=request.user,
            replaces=document,
        )
    return redirect(draft)


def _source(data: dict) -> tuple[str, bytes]:
    """The uploaded file, or the page fetched from the source address: (name, bytes)."""
    if upload := data["source"]:
        return Path(upload.name).name, upload.read()
    fetched = fetch(data["source_url"], settings.IMPORT_MAX_PDF_BYTES)
    return fetched.name, fetched.data


def _refuse_taken(entry: dict, draft: Draft | None = None) -> None:
    taken = Document.objects.filter(work__slug=entry["slug"], language=entry["language"])
    if draft is not None and draft.replaces_id:
        taken = taken.exclude(pk=draft.replaces_id)
    if taken.exists():
        raise DraftError(
            _(
                "The archive already holds a “%(language)s” version of %(slug)s. Give this text "
                "another slug; a stored version is replaced with `import_documents --replace`."
            )
            % {"slug": entry["slug"], "language": entry["language"]}
        )


@curator
def review(request, pk):
    draft = get_object_or_404(Draft.objects, pk=pk)
    entry, problem = draft.entry, ""
    if request.method == "POST" and not draft.published_id:
        action = request.POST.get("action")
        try:
            if action == "publish":
                replacing = _replacing(draft, entry)
                if replacing and request.POST.get("confirm") != "yes":
                    return _confirm(request, draft, entry)
                result = publish(
                    draft.file_name, bytes(draft.source_bytes), entry, replacing, request.user
                )
                draft.published = result.document
                draft.save(update_fields=["published", "updated_at"])
                messages.success(request, _("Published: %(title)s") % {"title": result.document})
                if problem := regenerate_bulk_data():
                    messages.warning(request, problem)
                return redirect(result.document)
            entry = _changed(request, entry, draft)
            read(draft.file_name, bytes(draft.source_bytes), entry, _replacing(draft, entry))
        except DraftError as error:
            problem = str(error)
        else:
            draft.entry = entry
            draft.save(update_fields=["entry", "updated_at"])
            anchor = f"#line-{request.POST['line']}" if action == "line" else ""
            return redirect(draft.get_absolute_url() + anchor)
    context = {"draft": draft, "problem": problem, "line_form": LineForm()}
    try:
        prepared = read(
            draft.file_name, bytes(draft.source_bytes), draft.entry, _replacing(draft, draft.entry)
        )
    except DraftError as error:
        context["problem"] = problem or str(error)
    else:
        lines, general = source_lines(prepared, draft.entry)
        context.update(parsed=prepared.parsed, lines=lines, general=general, body=body(prepared))
        if not draft.replaces_id and not draft.published_id:
            context["known"] = _known_texts(prepared, draft.entry)
    context["facts_form"] = FactsForm(
        initial={k: draft.entry.get(k, "") for k in ("slug", "date", "place", "labels")}
    )
    return render(request, "workbench/review.html", context, status=400 if problem else 200)


def _known_texts(prepared, entry: dict) -> list[Work]:
    """Texts the archive holds of the same date and kind with no version in this language:
    this may be their other version, which shares their slug."""
    day = prepared.parsed.date
    if not day or Work.objects.filter(slug=entry.get("slug")).exists():
        return []
    works = Work.objects.filter(date=day, kind=entry.get("kind")).prefetch_related(
        Prefetch("documents", queryset=Document.objects.light())
    )
    return list(works.exclude(documents__language=entry.get("language"))[:KNOWN])


def _replacing(draft: Draft, entry: dict) -> bool:
    """Whether publishing replaces the stored version the draft was made from."""
    replaced = draft.replaces
    return bool(replaced) and (replaced.work.slug, replaced.language) == (
        entry.get("slug"),
        entry.get("language"),
    )


def _confirm(request, draft: Draft, entry: dict):
    """What replacing the stored version changes, before anything is written."""
    prepared = read(draft.file_name, bytes(draft.source_bytes), entry, replace=True)
    context = {"draft": draft, "lost": changed_links(prepared), "parsed": prepared.parsed}
    return render(request, "workbench/confirm.html", context)


def _changed(request, entry: dict, draft: Draft) -> dict:
    """The entry with the posted correction: a line's role, or the facts."""
    if request.POST.get("action") == "link":  # the other version of a known text
        work = get_object_or_404(Work, slug=request.POST.get("slug", ""))
        entry = {**entry, "slug": work.slug}
        _refuse_taken(entry, draft)
        return entry
    if request.POST.get("action") == "line":
        form = LineForm(request.POST)
        if not form.is_valid():
            raise DraftError(_("Choose a line and what it is."))
        number, role = form.cleaned_data["line"], form.cleaned_data["role"]
        source = read(draft.file_name, bytes(draft.source_bytes), entry, _replacing(draft, entry))
        lines = source.source.text.split("\n")
        return corrected(entry, number, role, lines[number - 1] if number <= len(lines) else "")
    form = FactsForm(request.POST)
    if not form.is_valid():
        raise DraftError(" ".join(str(e) for errors in form.errors.values() for e in errors))
    entry = dict(entry)
    for key in ("slug", "date", "place", "labels"):
        value = form.cleaned_data[key]
        if value:
            entry[key] = value.isoformat() if key == "date" else value
        else:
            entry.pop(key, None)
    _refuse_taken(entry, draft)
    return entry


@curator
def revisions(request, pk):
    """A version's history: each import that replaced it, who and when, and what it changed;
    any earlier reading can be opened as a draft and restored by publishing it."""
    document = get_object_or_404(Document.objects.light().select_related("work"), pk=pk)
    if request.method == "POST":
        revision = get_object_or_404(Revision, pk=request.POST.get("revision"), document=document)
        draft = Draft.objects.create(
            file_name=revision.source_name,
            source_bytes=bytes(revision.source_bytes),
            entry={k: v for k, v in revision.entry.items() if k != "file"}
            or stored_entry(document),
            created_by=request.user,
            replaces=document,
        )
        return redirect(draft)
    context = {"document": document, "changes": history(document)}
    return render(request, "workbench/revisions.html", context)


@curator
def manifest(request, pk):
    draft = get_object_or_404(Draft.objects.defer("source_bytes"), pk=pk)
    response = HttpResponse(
        manifest_text(draft.file_name, draft.entry), content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="manifest.toml"'
    return response
