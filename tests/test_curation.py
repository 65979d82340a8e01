"""A curator's review: `import_documents --dry-run` outlines without writing; admin and staff
see each document's outline and import warnings; readers never see the warnings."""

import io
from html import unescape

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.importing import prepare_imports
from archive.ingest.outline import stored_outline
from archive.models import Clause, Country, Document, Section, Signatory, Work
from tests.utils import FIXTURES, KYRGYZ, seed_folder

pytestmark = pytest.mark.django_db

# Made up for these tests. The second "2." makes the parser warn (numbering that repeats
# within one section; numbers that start again under a new heading are two-level numbering).
REPEATED_NUMBERING = """\
日本国外務大臣とカザフスタン共和国外務大臣の会談に関する共同声明

2024年8月9日、アスタナ

◆ 総論
1. 双方は、両国間の拡大戦略的パートナーシップの進展を歓迎した。
2. 双方は、「中央アジア＋日本」対話の枠組みにおける協力を一層強化することで一致した。
2. 双方は、人的交流の拡大に向けて査証手続の円滑化を進めることで一致した。
◆ 経済
3. 双方は、重要鉱物の安定供給に向けた協力を強化することで一致した。

2024年8月9日にアスタナにて、日本語で2通作成した。
"""
CLEAN = """\
Joint Statement by the Foreign Ministers of Japan and Kyrgyzstan

Bishkek, May 12, 2023

1. Both sides welcomed the steady growth of trade and investment between the two countries.

2. Both sides concurred on strengthening cooperation in disaster risk reduction.
"""
ENTRY = '[[document]]\nfile = "{file}"\nslug = "{slug}"\nlanguage = "{language}"\nkind = "{kind}"\n'
WARNED_SLUG = "2024-japan-kazakhstan-foreign-ministers-joint-statement"
CLEAN_SLUG = "2023-japan-kyrgyzstan-foreign-ministers-joint-statement"
CORRECTED_TITLE = "Joint Statement of the Foreign Ministers of Japan and the Kyrgyz Republic"


@pytest.fixture
def incoming(tmp_path):
    """A folder with two new texts and their manifest: one that warns, one corrected by title."""
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "kazakhstan.txt").write_text(REPEATED_NUMBERING, encoding="utf-8")
    (folder / "kyrgyzstan.txt").write_text(CLEAN, encoding="utf-8")
    (folder / "manifest.toml").write_text(
        ENTRY.format(file="kazakhstan.txt", slug=WARNED_SLUG, language="ja", kind="joint-statement")
        + ENTRY.format(file="kyrgyzstan.txt", slug=CLEAN_SLUG, language="en", kind="other")
        + f'title = "{CORRECTED_TITLE}"\n',
        encoding="utf-8",
    )
    return folder


def run_import(*paths, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_documents", *map(str, paths), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def row_counts():
    models = (Work, Country, Document, Section, Clause, Signatory)
    return {model.__name__: model.objects.count() for model in models}


def test_dry_run_prints_an_outline_of_a_new_file_and_writes_nothing(seeded, incoming):
    path = incoming / "kazakhstan.txt"
    before = row_counts()
    out, _ = run_import(path, dry_run=True)
    assert row_counts() == before
    assert not Work.objects.filter(slug=WARNED_SLUG).exists()
    assert f"kazakhstan.txt: {WARNED_SLUG} [ja]" in out
    assert "日本国外務大臣とカザフスタン共和国外務大臣の会談に関する共同声明" in out
    assert "    ◆ 総論: 1–3\n    ◆ 経済: 4\n" in out  # the tree, with the labels each holds
    assert "2024-08-09" in out and "provisional   no" in out
    assert "date_place   2024年8月9日、アスタナ" in out
    parsed = prepare_imports([path])[0].parsed
    assert all(f"{c.label}  {c.text[:30]}…" in out for c in parsed.clauses)
    assert parsed.warnings  # repeated numbering
    assert all(warning in out for warning in parsed.warnings)
    assert out.rstrip().endswith(
        f"Dry run: 1 file parsed, {len(parsed.warnings)} warning"
        f"{'s' if len(parsed.warnings) > 1 else ''}; nothing was written."
    )


def test_dry_run_of_the_seed_texts_changes_nothing(seeded):
    before = row_counts()
    fingerprints = list(Document.objects.values_list("fingerprint", "imported_at"))
    out, _ = run_import(seed_folder(), dry_run=True)
    assert row_counts() == before
    assert list(Document.objects.values_list("fingerprint", "imported_at")) == fingerprints
    assert out.count(" files parsed") == 1 and "Dry run: 5 files parsed" in out
    assert "signatories\n    日本国総理大臣 高市早苗" in out


def test_the_seed_texts_carry_only_the_warnings_the_readme_explains(seeded):
    out, _ = run_import(seed_folder(), dry_run=True)
    warnings = []
    for block in out.split("\n  warnings")[1:]:
        lines = block.split("\n")[1:]
        for line in lines[: next((i for i, x in enumerate(lines) if x[:4] != "    "), None)]:
            warnings.append(line.strip())
    kinds = {
        "page break": sum("cut by a page break was joined" in w for w in warnings),
        "no numbers": sum(w.startswith("no printed paragraph numbers") for w in warnings),
        "date from body": sum("was taken from the body" in w for w in warnings),
    }
    assert kinds == {"page break": 7, "no numbers": 3, "date from body": 1}, warnings
    assert len(warnings) == 11 and "Dry run: 5 files parsed, 11 warnings" in out
    readme = (FIXTURES.parent / "README.md").read_text(encoding="utf-8")
    assert "11 warnings" in readme and "page break" in readme


def test_dry_run_of_a_bad_file_is_refused_with_one_line(seeded, incoming):
    (incoming / "kazakhstan.txt").write_text("[文書名] 共同声明\n", encoding="utf-8")
    before = row_counts()
    with pytest.raises(CommandError) as error:
        run_import(incoming, dry_run=True)
    assert "kazakhstan.txt" in str(error.value) and "\n" not in str(error.value)
    assert row_counts() == before


def test_manifest_title_correction_shows_in_the_dry_run_and_in_the_import(seeded, incoming):
    path = incoming / "kyrgyzstan.txt"
    out, _ = run_import(path, dry_run=True)
    assert f"title         {CORRECTED_TITLE} (manifest)" in out
    assert "title        Joint Statement by the Foreign Ministers" in out  # the printed line
    run_import(path)
    document = Document.objects.get(work__slug=CLEAN_SLUG)
    assert document.title == CORRECTED_TITLE


def test_the_admin_outline_is_what_the_dry_run_promised(seeded, incoming):
    out, _ = run_import(incoming, dry_run=True)
    run_import(incoming)
    for slug in (WARNED_SLUG, CLEAN_SLUG):
        assert stored_outline(Document.objects.get(work__slug=slug)) in out


def test_admin_change_page_shows_warnings_and_outline(admin_client, seeded, incoming):
    run_import(incoming)
    document = Document.objects.get(work__slug=WARNED_SLUG)
    assert document.warnings
    url = reverse("admin:archive_document_change", args=[document.pk])
    html = unescape(admin_client.get(url).content.decode())
    assert all(warning in html for warning in document.warnings)
    assert "◆ 経済: 4" in html
    for clause in document.clauses.all():
        assert clause.text.replace("\n", " ")[:30] in html
    assert html.index("Import warnings") < html.index('name="title"')  # near the top


def test_admin_changelist_filters_documents_that_have_warnings(admin_client, seeded, incoming):
    run_import(incoming)
    url = reverse("admin:archive_document_changelist")
    warned = set(admin_client.get(url, {"has_warnings": "yes"}).context["cl"].queryset)
    clean = set(admin_client.get(url, {"has_warnings": "no"}).context["cl"].queryset)
    assert warned == set(Document.objects.exclude(warnings=[]))
    assert Document.objects.get(work__slug=WARNED_SLUG) in warned
    assert Document.objects.get(work__slug=CLEAN_SLUG) in clean
    assert warned.isdisjoint(clean) and len(warned | clean) == Document.objects.count()


def test_admin_changelist_query_count_does_not_grow_with_documents(admin_client, seeded, incoming):
    url = reverse("admin:archive_document_changelist")
    admin_client.get(url)  # the session and content types are loaded once
    with CaptureQueriesContext(connection) as five:
        admin_client.get(url)
    run_import(incoming)
    with CaptureQueriesContext(connection) as seven:
        admin_client.get(url)
    assert len(seven) == len(five)


def test_document_page_shows_import_warnings_to_staff_only(
    client, admin_client, django_user_model, seeded, incoming
):
    run_import(incoming)
    document = Document.objects.get(work__slug=WARNED_SLUG)
    url = document.get_absolute_url()

    def page(visitor):
        return unescape(visitor.get(url).content.decode())

    staff = page(admin_client)
    assert "Import warnings (visible to staff)" in staff
    assert all(warning in staff for warning in document.warnings)
    assert reverse("admin:archive_document_change", args=[document.pk]) in staff
    anonymous = page(client)
    client.force_login(django_user_model.objects.create_user("reader", password="not-staff"))
    for html in (anonymous, page(client)):
        assert "Import warnings" not in html
        assert not any(warning in html for warning in document.warnings)


def test_a_bulk_delete_in_the_admin_reaches_search_recurring_language_and_the_data_page(
    admin_client, seeded, scratch_index, django_capture_on_commit_callbacks, settings, tmp_path
):
    from archive.models import Clause, Recurrence
    from archive.research import datasets
    from archive.signals import current_generation
    from search.results import SearchRequest
    from search.searching import search

    settings.DATASETS_DIR = tmp_path / "data"
    datasets.export_all()
    kyrgyz = Document.objects.get(work__slug=KYRGYZ)
    generation = current_generation()
    assert search(SearchRequest(q="キルギス共和国大統領")).total > 0
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/archive/document/",
            {"action": "delete_selected", "_selected_action": [kyrgyz.pk], "post": "yes"},
        )
    assert response.status_code == 302 and not Document.objects.filter(pk=kyrgyz.pk).exists()
    assert current_generation() > generation
    # Search no longer finds the deleted clauses, and counts only what is left.
    left = Clause.objects.filter(text__contains="キルギス共和国大統領").count()
    assert search(SearchRequest(q="キルギス共和国大統領")).total == left
    # Every clause's count of recurring links is its links, the deleted ones' partners too.
    for clause in Clause.objects.all():
        assert clause.recurrences_count == Recurrence.objects.filter(clause=clause).count()
    assert "behind it" in admin_client.get("/data/").content.decode()


def test_a_work_edited_in_the_admin_is_searched_by_its_new_kind(
    admin_client, seeded, scratch_index, django_capture_on_commit_callbacks
):
    from archive.models import Work
    from search.results import SearchRequest
    from search.searching import search

    work = Work.objects.get(slug=KYRGYZ)
    before = search(SearchRequest(q="協力", filters=(("kind", "declaration"),))).total
    change = admin_client.get(f"/admin/archive/work/{work.pk}/change/").context["adminform"]
    data = {
        key: value
        for key, value in change.form.initial.items()
        if value is not None and key != "countries"
    }
    data.update(
        kind="declaration",
        countries=[c.pk for c in work.countries.all()],
        **{
            "documents-TOTAL_FORMS": "1",
            "documents-INITIAL_FORMS": "1",
            "documents-0-id": str(work.documents.get().pk),
            "documents-0-work": str(work.pk),
            "documents-0-language": "ja",
            "documents-0-title": work.documents.get().title,
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/archive/work/{work.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    after = search(SearchRequest(q="協力", filters=(("kind", "declaration"),))).total
    kyrgyz_hits = sum(
        "協力" in text for text in work.documents.get().clauses.values_list("text", flat=True)
    )
    assert after == before + kyrgyz_hits


def test_check_archive_finds_what_went_round_the_change_path_and_repairs_it(
    seeded, scratch_index, settings, tmp_path
):
    from archive.models import Clause
    from archive.research import datasets

    settings.DATASETS_DIR = tmp_path / "data"
    datasets.export_all()
    out = io.StringIO()
    call_command("check_archive", stdout=out)
    assert "agree" in out.getvalue()
    # Changes made behind the archive's back: a version deleted and a count altered by hand.
    Document.objects.filter(work__slug=KYRGYZ).delete()
    Clause.objects.filter(pk=Clause.objects.first().pk).update(recurrences_count=99)
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"4 part\(s\) disagree"):
        call_command("check_archive", stdout=out)
    report = out.getvalue()
    assert "search index: 1 document(s)" in report
    assert "recurring language: " in report and "bulk data: 192 clauses in the files" in report
    # The deleted version's words are still in its kind's and countries' kept counts.
    assert "term counts: " in report and "group(s) disagree with their versions" in report
    out = io.StringIO()
    call_command("check_archive", "--repair", stdout=out)
    assert "Repaired 4 part(s); all agree now." in out.getvalue()
    call_command("check_archive", stdout=io.StringIO())  # no CommandError: all agree
