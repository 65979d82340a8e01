"""The curator's workbench: staff with the permission add a made-up text, see each warning
beside its line, correct the reading by pointing at a line, and publish it through the
import the command line runs; bad input gets one message and changes nothing."""

import tomllib
from html import unescape

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from archive.models import Clause, Document, Draft
from archive.workbench.drafts import manifest_text

pytestmark = pytest.mark.django_db

# Made up for these tests. Line 6, a short line between paragraphs numbered in one run, is a
# caption the page left in (of a photograph, say); the importer reads a heading and warns.
MADE_UP = """\
架空の日本・キルギス共同声明

2031年4月2日、東京

1. 双方は、教育分野の協力を進めることで一致した。
協力の柱
2. 双方は、水資源の管理で協力することを確認した。
""".encode()


@pytest.fixture
def curator(client, django_user_model):
    user = django_user_model.objects.create_user("curator", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="add_draft"))
    client.force_login(user)
    return client


def add(client, data: bytes = MADE_UP, name: str = "made-up.txt", **fields):
    """Post the add form; `source=""` posts no file."""
    form = {"language": "ja", "kind": "joint-statement", "slug": "2031-made-up-statement"}
    form["source"] = SimpleUploadedFile(name, data)
    form.update(fields)
    return client.post(reverse("workbench:drafts"), form)


def page(response) -> str:
    return unescape(response.content.decode())


def test_a_reader_and_staff_without_the_permission_get_nothing(client, django_user_model):
    drafts = reverse("workbench:drafts")
    response = client.get(drafts)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    staff = django_user_model.objects.create_user("staff", password="pw", is_staff=True)
    client.force_login(staff)
    assert client.get(drafts).status_code == 403
    assert add(client).status_code == 403
    assert not Draft.objects.exists()


def test_a_curator_adds_corrects_and_publishes_a_text(
    curator, seeded, scratch_index, django_capture_on_commit_callbacks
):
    from search.results import SearchRequest
    from search.searching import search

    response = add(curator)
    draft = Draft.objects.get()
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()
    assert not Document.objects.filter(work__slug="2031-made-up-statement").exists()

    review = curator.get(draft.get_absolute_url())
    lines = {line.number: line for line in review.context["lines"]}
    assert lines[1].reading == "title" and lines[5].reading == "clause 1"
    assert lines[6].reading == "heading 1" and "caption" in lines[6].warnings[0]

    # The curator says line 6 is furniture: the reading is made again with it, and the
    # warning it answers is gone.
    corrected = curator.post(
        draft.get_absolute_url(), {"action": "line", "line": 6, "role": "furniture"}
    )
    assert corrected.status_code == 302 and corrected["Location"].endswith("#line-6")
    draft.refresh_from_db()
    assert draft.entry["furniture"] == [6]
    lines = {line.number: line for line in curator.get(draft.get_absolute_url()).context["lines"]}
    assert lines[6].reading == "furniture" and lines[6].said == "furniture"
    assert not lines[6].warnings

    # The entry the workbench exports imports the same on the command line.
    exported = tomllib.loads(curator.get(reverse("workbench:manifest", args=[draft.pk])).text)
    assert exported["document"][0]["furniture"] == [6]
    assert exported["document"][0]["slug"] == "2031-made-up-statement"

    with django_capture_on_commit_callbacks(execute=True):
        published = curator.post(draft.get_absolute_url(), {"action": "publish"})
    document = Document.objects.get(work__slug="2031-made-up-statement", language="ja")
    assert published.status_code == 302 and published["Location"] == document.get_absolute_url()
    assert not document.sections.exists()
    assert list(document.clauses.values_list("label", flat=True)) == ["1", "2"]
    assert not document.warnings
    draft.refresh_from_db()
    assert draft.published == document
    assert "水資源の管理" in page(curator.get(document.get_absolute_url()))
    hits = search(SearchRequest(q="水資源の管理")).hits
    assert any(hit.clause.document_id == document.pk for hit in hits)


def test_the_admin_lists_drafts_and_leads_to_the_workbench(admin_client, curator):
    add(curator)
    listing = page(admin_client.get(reverse("admin:archive_draft_changelist")))
    assert reverse("workbench:drafts") in listing and "2031-made-up-statement" in listing


def test_each_warning_stands_beside_its_line(curator, seeded):
    add(curator)
    review = curator.get(Draft.objects.get().get_absolute_url())
    warned = [line for line in review.context["lines"] if line.warnings]
    assert warned, "the made-up text carries a warning about a line"
    for line in warned:
        assert all(warning.startswith(f"line {line.number}") for warning in line.warnings)
    html = page(review)
    first = warned[0]
    assert html.index(f'id="line-{first.number}"') < html.index(first.warnings[0])


def test_a_slug_is_proposed_from_the_year_and_title(curator, seeded):
    english = b"Joint Statement on Water Cooperation\n\nTokyo, April 2, 2031\n\n1. They agreed.\n"
    add(curator, english, "water.txt", slug="", language="en")
    assert Draft.objects.get().entry["slug"] == "2031-joint-statement-on-water-cooperation"


@pytest.mark.parametrize(
    ("data", "name", "fields", "message"),
    [
        (b"\x82\xa0\xff\xfe\x80" * 20, "bad.txt", {}, "neither UTF-8 nor Shift_JIS"),
        (MADE_UP, "scan.png", {}, "a source is a text file"),
        (b"   \n", "empty.txt", {}, "the file is empty"),
        (MADE_UP, "made-up.txt", {"slug": "2004-kazakhstan-joint-statement"}, "already holds"),
    ],
)
def test_bad_input_gets_one_message_and_changes_nothing(
    curator, seeded, data, name, fields, message, settings
):
    if "slug" in fields:
        fields["slug"] = Document.objects.filter(language="ja").first().work.slug
    clauses = Clause.objects.count()
    response = add(curator, data, name, **fields)
    assert response.status_code == 200
    assert message in page(response)
    assert "Traceback" not in page(response)
    assert not Draft.objects.exists() and Clause.objects.count() == clauses


def test_an_oversized_source_is_refused_before_it_is_read(curator, seeded, settings):
    settings.IMPORT_MAX_TEXT_BYTES = 100
    response = add(curator, MADE_UP * 10)
    assert response.status_code == 200 and "may be at most" in page(response)
    assert not Draft.objects.exists()


def test_the_exported_entry_round_trips_every_correction():
    entry = {
        "slug": "a",
        "language": "ja",
        "kind": "other",
        "countries": ["JP", "KG"],
        "title": '引用符 "と" 改行\nのある題',
        "headings": [[5, 1], [9, 2]],
        "furniture": [2],
        "title_lines": [],
    }
    read = tomllib.loads(manifest_text("a.txt", entry))["document"][0]
    assert read == {"file": "a.txt", **entry}


def _published(curator) -> Draft:
    add(curator)
    draft = Draft.objects.get()
    curator.post(draft.get_absolute_url(), {"action": "line", "line": 6, "role": "furniture"})
    curator.post(draft.get_absolute_url(), {"action": "publish"})
    draft.refresh_from_db()
    return draft


def _import_again(tmp_path, data: bytes) -> str:
    """`import_documents` of the file with a manifest entry that says nothing of its lines."""
    import io

    from django.core.management import call_command

    (tmp_path / "made-up.txt").write_bytes(data)
    (tmp_path / "manifest.toml").write_text(
        '[[document]]\nfile = "made-up.txt"\nslug = "2031-made-up-statement"\n'
        'language = "ja"\nkind = "joint-statement"\n',
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("import_documents", "--no-datasets", str(tmp_path), stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_the_command_line_keeps_the_corrections_made_in_the_workbench(curator, seeded, tmp_path):
    draft = _published(curator)
    assert not draft.published.sections.exists()
    _import_again(tmp_path, MADE_UP)
    document = Document.objects.get(pk=draft.published.pk)
    assert not document.sections.exists(), "line 6 is still furniture"
    assert list(document.clauses.values_list("label", flat=True)) == ["1", "2"]


def test_corrections_made_on_another_copy_of_the_source_are_not_applied_and_said(
    curator, seeded, tmp_path
):
    _published(curator)
    changed = MADE_UP.replace("水資源".encode(), "森林資源".encode())
    output = _import_again(tmp_path, changed)
    assert "corrections were made to this text in the workbench" in output
    document = Document.objects.get(work__slug="2031-made-up-statement", language="ja")
    assert any("workbench" in warning for warning in document.warnings)


@pytest.fixture
def local_pages(settings):
    """Pages served on 127.0.0.1 by a server this test starts; the refusal of loopback
    addresses is switched off for it alone."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    pages = {
        "/statement.txt": ("text/plain; charset=utf-8", MADE_UP),
        "/big": ("text/plain", b"x" * 500),
    }

    class Pages(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            if self.path == "/old":
                self.send_response(301)
                self.send_header("Location", "/statement.txt")
                self.end_headers()
                return
            if self.path not in pages:
                self.send_error(404)
                return
            kind, body = pages[self.path]
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.WORKBENCH_FETCH_PRIVATE = True
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_source_is_fetched_from_its_address_through_a_redirect(curator, seeded, local_pages):
    response = add(curator, source_url=f"{local_pages}/old", source="")
    draft = Draft.objects.get()
    assert response.status_code == 302
    assert draft.file_name == "statement.txt" and bytes(draft.source_bytes) == MADE_UP
    assert draft.entry["source_url"] == f"{local_pages}/old"


def test_a_page_over_the_limit_is_refused(curator, seeded, local_pages, settings):
    settings.IMPORT_MAX_PDF_BYTES = 100
    response = add(curator, source_url=f"{local_pages}/big", source="")
    assert response.status_code == 200 and "larger than" in page(response)
    assert not Draft.objects.exists()


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "169.254.169.254", "::1", "fd00::1"])
def test_a_private_address_is_refused_before_any_connection(curator, seeded, monkeypatch, address):
    import socket

    from archive.workbench import fetching

    monkeypatch.setattr(fetching, "resolve", lambda host, port: [address])

    def no_connection(*args, **kwargs):
        raise AssertionError("a connection was opened")

    monkeypatch.setattr(socket, "create_connection", no_connection)
    response = add(curator, source_url="https://statements.example/page.html", source="")
    assert response.status_code == 200 and "private or internal address" in page(response)
    assert not Draft.objects.exists()


def test_only_web_addresses_are_fetched(curator, seeded):
    response = add(curator, source_url="ftp://statements.example/page.txt", source="")
    assert "only http and https" in page(response)
    assert "Choose a source file" in page(add(curator, source=""))
    assert not Draft.objects.exists()


def test_the_queue_leads_from_a_warned_text_to_its_review(curator, seeded):
    warned = Document.objects.exclude(warnings=[]).order_by("-imported_at").first()
    listing = page(curator.get(reverse("workbench:drafts")))
    assert reverse("workbench:stored", args=[warned.pk]) in listing
    review = curator.get(reverse("workbench:stored", args=[warned.pk]), follow=True)
    draft = Draft.objects.get(replaces=warned)
    assert bytes(draft.source_bytes) == bytes(warned.source_bytes)
    assert draft.entry["slug"] == warned.work.slug
    # The stored version reads again as it was imported: the same clauses, the same warnings.
    lines = review.context["lines"]
    read_warnings = [w for line in lines for w in line.warnings] + review.context["general"]
    assert len(read_warnings) == len(warned.warnings)
    assert review.context["parsed"].clauses.__len__() == warned.clauses.count()
    # A second visit opens the same draft.
    curator.get(reverse("workbench:stored", args=[warned.pk]))
    assert Draft.objects.filter(replaces=warned).count() == 1


def test_replacing_a_stored_version_lists_the_links_that_change_before_it_writes(curator, seeded):
    draft = _published(curator)
    document = draft.published
    redraft = curator.get(reverse("workbench:stored", args=[document.pk]), follow=True)
    redraft = Draft.objects.get(replaces=document, published__isnull=True)
    # Label by order is the same here; number paragraphs by order with a clause joined away.
    curator.post(redraft.get_absolute_url(), {"action": "line", "line": 7, "role": "join"})
    asked = curator.post(redraft.get_absolute_url(), {"action": "publish"})
    assert asked.status_code == 200 and "¶2" in page(asked)
    assert document.clauses.count() == 2, "nothing is written before the curator confirms"
    done = curator.post(redraft.get_absolute_url(), {"action": "publish", "confirm": "yes"})
    assert done.status_code == 302
    assert list(document.clauses.values_list("label", flat=True)) == ["1"]


def test_a_correction_taken_back_in_a_new_reading_stays_taken_back(curator, seeded):
    document = _published(curator).published
    curator.get(reverse("workbench:stored", args=[document.pk]))
    redraft = Draft.objects.get(replaces=document, published__isnull=True)
    assert redraft.entry["furniture"] == [6]
    curator.post(redraft.get_absolute_url(), {"action": "line", "line": 6, "role": "clear"})
    lines = {line.number: line for line in curator.get(redraft.get_absolute_url()).context["lines"]}
    assert lines[6].reading == "heading 1", "line 6 is read by the importer again"


def test_an_old_clause_address_redirects_to_the_clause_that_carries_its_text_now(
    client, seeded, tmp_path
):
    """A new reading drops the first clause and renumbers the rest: the address of the old
    last clause redirects, permanently, to the label its text has now."""
    first = (
        MADE_UP.decode().replace("協力の柱\n", "")
        + "3. 双方は、次回会合を東京で開くことで一致した。\n"
    )
    second = (
        "架空の日本・キルギス共同声明\n\n2031年4月2日、東京\n\n"
        "1. 双方は、水資源の管理で協力することを確認した。\n"
        "2. 双方は、次回会合を東京で開くことで一致した。\n"
    )
    _import_again(tmp_path, first.encode())
    document = Document.objects.get(work__slug="2031-made-up-statement", language="ja")
    assert list(document.clauses.values_list("label", flat=True)) == ["1", "2", "3"]
    _import_again(tmp_path, second.encode())
    old = reverse("archive:clause", args=["2031-made-up-statement", "ja", "3"])
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == reverse(
        "archive:clause", args=["2031-made-up-statement", "ja", "2"]
    )
    assert "次回会合" in page(client.get(response["Location"]))
    across = client.get(reverse("archive:clause_across", args=["2031-made-up-statement", "3"]))
    assert across.status_code == 301 and across["Location"].endswith("/clauses/2/")
    # A label no text moved to is still gone, and says so.
    assert (
        client.get(
            reverse("archive:clause", args=["2031-made-up-statement", "ja", "9"])
        ).status_code
        == 404
    )


def test_each_replacing_import_keeps_a_revision_that_can_be_restored(curator, seeded):
    """Publish, replace with a reading that joins clause 2 into clause 1, see who replaced
    what, then restore the earlier reading: the history keeps every state."""
    document = _published(curator).published
    curator.get(reverse("workbench:stored", args=[document.pk]))
    redraft = Draft.objects.get(replaces=document, published__isnull=True)
    curator.post(redraft.get_absolute_url(), {"action": "line", "line": 7, "role": "join"})
    curator.post(redraft.get_absolute_url(), {"action": "publish", "confirm": "yes"})
    assert list(document.clauses.values_list("label", flat=True)) == ["1"]

    history = curator.get(reverse("workbench:revisions", args=[document.pk]))
    (change,) = history.context["changes"]
    assert change.removed == ["2"] and change.rewritten == ["1"] and not change.added
    assert change.revision.replaced_by.username == "curator"
    assert "Replaced" in page(history) and "by curator" in page(history)

    restored = curator.post(
        reverse("workbench:revisions", args=[document.pk]), {"revision": change.revision.pk}
    )
    draft = Draft.objects.filter(replaces=document, published__isnull=True).first()
    assert restored["Location"] == draft.get_absolute_url()
    assert draft.entry["furniture"] == [6] and "joins" not in draft.entry
    curator.post(draft.get_absolute_url(), {"action": "publish", "confirm": "yes"})
    assert list(document.clauses.values_list("label", flat=True)) == ["1", "2"]
    assert document.revisions.count() == 2


def test_the_command_line_keeps_a_revision_too(curator, seeded, tmp_path):
    document = _published(curator).published
    _import_again(tmp_path, MADE_UP.replace("水資源".encode(), "森林資源".encode()))
    (revision,) = document.revisions.all()
    assert revision.replaced_by is None and bytes(revision.source_bytes) == MADE_UP
    assert dict(revision.clauses)["2"].startswith("双方は、水資源")


def test_the_review_shows_which_clause_of_the_other_version_each_clause_pairs_with(curator, seeded):
    """A new reading of a stored version of a bilingual text: each clause names the clause of
    the other language version that the side-by-side view will put beside it."""
    english = Document.objects.filter(language="en", work__documents__language="ja").first()
    japanese = english.work.documents.get(language="ja")
    review = curator.get(reverse("workbench:stored", args=[japanese.pk]), follow=True)
    paired = [line for line in review.context["lines"] if line.pairs]
    assert len(paired) >= japanese.clauses.count() // 2
    stored_rows = {c.label: c.row for c in japanese.clauses.all()}
    english_rows = {c.row: c.label for c in english.clauses.all()}
    for line in paired:
        label = line.reading.removeprefix("clause ").replace("preamble", "")
        if label and label in stored_rows:
            assert ("en", english_rows.get(stored_rows[label])) in line.pairs
    assert "↔ en ¶" in page(review)


def test_another_version_of_a_known_text_is_offered_for_linking(curator, seeded):
    from archive.models import Work

    work = next(
        w
        for w in Work.objects.filter(date__isnull=False).prefetch_related("documents")
        if {d.language for d in w.documents.all()} == {"ja"}
    )
    dated = f"{work.date:%B} {work.date.day}, {work.date.year}"
    english = f"Joint Statement\n\n{dated}\n\n1. The sides met.\n"
    add(curator, english.encode(), "english.txt", slug="", language="en", kind=work.kind)
    draft = Draft.objects.get()
    review = curator.get(draft.get_absolute_url())
    assert work in review.context["known"]
    curator.post(draft.get_absolute_url(), {"action": "link", "slug": work.slug})
    draft.refresh_from_db()
    assert draft.entry["slug"] == work.slug
    curator.post(draft.get_absolute_url(), {"action": "publish"})
    assert sorted(work.documents.values_list("language", flat=True)) == ["en", "ja"]


def test_an_unreachable_address_gets_one_message(curator, seeded, settings):
    import socket

    settings.WORKBENCH_FETCH_PRIVATE = True
    with socket.socket() as probe:  # a port nothing listens on once it is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    response = add(curator, source_url=f"http://127.0.0.1:{port}/page.html", source="")
    assert response.status_code == 200 and "could not be fetched" in page(response)
    assert not Draft.objects.exists()


def test_a_subtitle_and_a_date_line_are_said_by_pointing_too(curator, seeded):
    text = MADE_UP.decode().replace(
        "2031年4月2日、東京\n", "―協力の新たな段階へ―\n本文は令和13年4月3日付\n"
    )
    add(curator, text.encode())
    draft = Draft.objects.get()
    curator.post(draft.get_absolute_url(), {"action": "line", "line": 3, "role": "subtitle"})
    curator.post(draft.get_absolute_url(), {"action": "line", "line": 4, "role": "date-line"})
    draft.refresh_from_db()
    assert draft.entry["subtitle"] == "―協力の新たな段階へ―"
    assert draft.entry["date"] == "2031-04-03"
    wrong = curator.post(
        draft.get_absolute_url(), {"action": "line", "line": 5, "role": "date-line"}
    )
    assert wrong.status_code == 400 and "holds no date" in page(wrong)


def test_publishing_regenerates_the_bulk_data_as_the_import_does(
    curator, seeded, settings, tmp_path
):
    from archive.research import datasets

    settings.DATASETS_DIR = tmp_path / "data"
    datasets.export_all()
    draft = _published(curator)
    assert datasets.is_current()
    lines = (tmp_path / "data" / "clauses.jsonl").read_text(encoding="utf-8")
    assert draft.published.work.slug in lines


def test_the_review_shows_the_text_as_readers_will_and_the_history_each_revisions_text(
    curator, seeded
):
    add(curator)
    review = page(curator.get(Draft.objects.get().get_absolute_url()))
    assert "¶1" in review and "双方は、水資源の管理で協力することを確認した。" in review
    document = _published_again(curator)
    history = page(curator.get(reverse("workbench:revisions", args=[document.pk])))
    assert "¶2" in history and "水資源の管理" in history


def _published_again(curator) -> Document:
    draft = Draft.objects.get()
    curator.post(draft.get_absolute_url(), {"action": "line", "line": 6, "role": "furniture"})
    curator.post(draft.get_absolute_url(), {"action": "publish"})
    document = Draft.objects.get().published
    curator.get(reverse("workbench:stored", args=[document.pk]))
    redraft = Draft.objects.get(replaces=document, published__isnull=True)
    curator.post(redraft.get_absolute_url(), {"action": "line", "line": 7, "role": "join"})
    curator.post(redraft.get_absolute_url(), {"action": "publish", "confirm": "yes"})
    return document
