"""Hostile and careless input: each bad source gets one line and an unchanged archive,
or imports safely and every page of it renders; filters, error pages and headers hold up."""

import errno
import json
from unittest import mock
from urllib.parse import quote

import pytest
from django.core.management import CommandError
from django.db import DataError, OperationalError
from django.test import Client
from django.utils.html import escape

from archive.models import Document, Work

# The import helpers, as test_importing.py takes them: the same list by design.
from tests.utils import (
    ENTRY,
    FILES,
    TURKMENISTAN,
    archive_snapshot,
    refused_import,
    run_import,
    source_text,
    write_manifest,
)

pytestmark = pytest.mark.django_db

TEXT = "共同声明\n\n双方は一致した。\n"


def one_text(extra="", file="new.txt", slug="new-text"):
    """A folder maker: one good text, with `extra` lines added to its manifest entry."""

    def make(folder):
        (folder / "new.txt").write_text(TEXT, encoding="utf-8")
        write_manifest(folder, ENTRY.format(file=file, slug=slug) + extra)

    return make


def with_second_entry(entry):
    """A good text plus a second manifest entry that is bad on its own."""

    def make(folder):
        one_text()(folder)
        with open(folder / "manifest.toml", "a", encoding="utf-8") as manifest:
            manifest.write(entry)

    return make


def latin1_manifest(folder):
    (folder / "new.txt").write_text(TEXT, encoding="utf-8")
    body = "# Déclaration commune\n" + ENTRY.format(file="new.txt", slug="new-text")
    (folder / "manifest.toml").write_bytes(body.encode("latin-1"))


def control_characters_on_disk(folder):
    (folder / "new\r\n.txt").write_text(TEXT, encoding="utf-8")
    write_manifest(folder, ENTRY.format(file="new\\r\\n.txt", slug="new-text"))


def replacement_from_another_file(folder):
    (folder / "other.txt").write_text(
        "Joint Press Release\n\n1. The sides agreed.\n", encoding="utf-8"
    )
    entry = ENTRY.format(file="other.txt", slug=TURKMENISTAN).replace('"ja"', '"en"')
    write_manifest(folder, entry.replace("joint-statement", "joint-press-release"))


REFUSED = {
    "javascript: source_url": (
        one_text('source_url = "javascript:alert(document.domain)"\n'),
        "source_url",
    ),
    "javascript: source_url in capitals": (
        one_text('source_url = "JavaScript:alert(1)"\n'),
        "source_url",
    ),
    "data: source_url": (one_text('source_url = "data:text/html,<b>x</b>"\n'), "source_url"),
    "scheme-relative source_url": (one_text('source_url = "//evil.example/"\n'), "source_url"),
    "source_url without a host": (one_text('source_url = "https://"\n'), "source_url"),
    "source_url with a quote": (
        one_text('source_url = "https://example.org/\\"onmouseover=alert(1)"\n'),
        "source_url",
    ),
    "source_url over 500 characters": (
        one_text(f'source_url = "https://example.org/{"a" * 490}"\n'),
        "500",
    ),
    "slug over 120 characters": (one_text(slug="a" * 121), "120"),
    "file with ../": (with_second_entry(ENTRY.format(file="../../etc/passwd", slug="x")), ".."),
    "file in a subfolder": (with_second_entry(ENTRY.format(file="sub/new.txt", slug="x")), "/"),
    "file with a backslash": (
        with_second_entry(ENTRY.format(file="..\\\\new.txt", slug="x")),
        "file name",
    ),
    "file with CR LF in the manifest": (
        with_second_entry(ENTRY.format(file="a\\r\\nb.txt", slug="x")),
        "control character",
    ),
    "file with CR LF on disk": (control_characters_on_disk, "control character"),
    "manifest not in UTF-8": (latin1_manifest, "not UTF-8"),
    "date 2025-13-45": (one_text('date = "2025-13-45"\n'), "must be a real date"),
    "another file for a stored version": (replacement_from_another_file, "--replace"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_hostile_input_is_refused_with_one_line_and_the_archive_unchanged(seeded, tmp_path, case):
    make, expected = REFUSED[case]
    message = refused_import(make, tmp_path)
    assert expected in message
    assert "\n" not in message and "\r" not in message and "Traceback" not in message
    assert "manifest.toml" in message or ".txt" in message


# Limits, set low so the real fixtures cross them.
LIMITS = {
    "text file size": ("IMPORT_MAX_TEXT_BYTES", 1000, "over the limit of 1,000 bytes"),
    "clause length": ("IMPORT_MAX_CLAUSE_CHARS", 50, "characters"),
    "sections per document": ("IMPORT_MAX_SECTIONS", 2, "sections"),
    "clauses per document": ("IMPORT_MAX_CLAUSES", 10, "clauses"),
    "lines per text, before parsing": ("IMPORT_MAX_LINES", 20, "lines"),
}


@pytest.mark.parametrize("case", list(LIMITS))
def test_a_file_over_a_limit_is_refused_with_one_line(seeded, workdir, settings, case):
    name, value, expected = LIMITS[case]
    setattr(settings, name, value)
    before = archive_snapshot()
    with pytest.raises(CommandError) as error:
        run_import(workdir / FILES["000"])
    message = str(error.value)
    assert expected in message and FILES["000"] in message and name in message
    assert "\n" not in message and "Traceback" not in message
    assert archive_snapshot() == before


def test_a_million_short_lines_are_refused_before_they_are_parsed(seeded, tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "lines.txt").write_text("共同声明\n\n" + "あ\n\n" * 500_000, encoding="utf-8")
    write_manifest(folder, ENTRY.format(file="lines.txt", slug="many-lines"))
    before = archive_snapshot()
    with pytest.raises(CommandError) as error:
        run_import(folder)
    # Refused by the line count, which is read before the parser sees the text.
    assert "1,000,003 lines" in str(error.value) and "IMPORT_MAX_LINES" in str(error.value)
    assert archive_snapshot() == before


# Refused as the test above is, by another limit: the same steps by design.
def test_a_clause_over_the_default_length_names_the_file_and_clause(seeded, tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "long.txt").write_text(
        "共同声明\n\n（1）双方は一致した。\n\n（2）" + "あ" * 20_001 + "\n", encoding="utf-8"
    )
    write_manifest(folder, ENTRY.format(file="long.txt", slug="long-text"))
    before = archive_snapshot()
    with pytest.raises(CommandError) as error:
        run_import(folder)
    assert "long.txt" in str(error.value) and "20,000" in str(error.value)
    assert archive_snapshot() == before


# Files that import and whose every page must render.
JA_TEXT = (
    "日本・ウズベキスタン共同声明\n\n2024年12月25日\n\n"
    "（1）双方は協力の強化で一致した。\n\n（2）双方は人材育成で一致した。\n"
)
EN_TEXT = (
    "Japan-Uzbekistan Joint Statement\n\nDecember 25, 2024\n\n"
    "(1) The sides agreed to strengthen cooperation.\n\n(2) The sides agreed on training.\n"
)
ACCEPTED = {
    "non-ASCII file names": ("共同声明（仮訳）.txt", "Joint Statement – 最終.txt"),
    "quotes and semicolons in file names": ('a"b.txt', 'x"; filename="evil.html.txt'),
    "percent and apostrophe in names": ("50% done.txt", "it's here.txt"),
}


def toml_string(text):
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


@pytest.mark.parametrize("case", list(ACCEPTED))
def test_hostile_file_names_import_and_every_page_renders(client, seeded, tmp_path, case):
    ja_name, en_name = ACCEPTED[case]
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / ja_name).write_text(JA_TEXT, encoding="utf-8")
    (folder / en_name).write_text(EN_TEXT, encoding="utf-8")
    url = "https://www.mofa.go.jp/mofaj/press/release/pressit_000001_00001.html?a=1&b=2"
    write_manifest(
        folder,
        f'[[document]]\nfile = {toml_string(ja_name)}\nslug = "hostile"\nlanguage = "ja"\n'
        f'kind = "joint-statement"\ntranslation_of = "en"\nsource_url = "{url}"\n'
        f'[[document]]\nfile = {toml_string(en_name)}\nslug = "hostile"\nlanguage = "en"\n'
        'kind = "joint-statement"\n',
    )
    run_import(folder)
    for language, name in (("ja", ja_name), ("en", en_name)):
        document = Document.objects.get(work__slug="hostile", language=language)
        assert document.source_name == name
        base = f"/documents/hostile/{language}"
        for page in (f"{base}/", f"{base}.json", f"{base}.txt"):
            assert client.get(page).status_code == 200, page
        for clause in document.clauses.all():
            assert client.get(clause.get_permalink()).status_code == 200
            assert client.get(f"/documents/hostile/clauses/{clause.label}/").status_code == 200
        download = client.get(f"{base}/source/")
        assert download.status_code == 200
        assert bytes(download.content) == (folder / name).read_bytes()
        header = download["Content-Disposition"]
        assert header.isascii() and "\r" not in header and "\n" not in header
        assert header.startswith("attachment; filename=")
        assert f"filename*=UTF-8''{quote(name, safe='')}" in header
        fallback = header.split('filename="', 1)[1].split('"', 1)[0]
        assert fallback and "\\" not in fallback and ";" not in fallback
    assert client.get("/documents/hostile/parallel/").status_code == 200


def test_the_source_url_is_stored_only_when_it_is_http(client, seeded, tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    one_text('source_url = "https://example.org/statement"\n')(folder)
    run_import(folder)
    page = client.get("/documents/new-text/ja/")
    assert b'href="https://example.org/statement"' in page.content


# Content-Security-Policy.
@pytest.mark.parametrize(
    "path", ["/", "/documents/", f"/documents/{TURKMENISTAN}/ja/", "/api/documents/", "/nowhere/"]
)
def test_every_response_carries_a_content_security_policy(client, seeded, path):
    policy = client.get(path)["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_under_debug_djangos_error_pages_may_use_their_inline_styles(client, seeded, settings):
    settings.DEBUG = True
    response = client.get("/nowhere/")
    assert response.status_code == 404 and b"<style" in response.content
    assert "style-src 'self' 'unsafe-inline'" in response["Content-Security-Policy"]
    page = client.get("/")  # a page of the archive keeps the strict policy
    assert "unsafe-inline" not in page["Content-Security-Policy"]


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=GOSAT%00",
        "/search/?q=GOSAT&series=%00",
        "/documents/?series=Bilateral%00",
        "/documents/?country=KG%00",
        "/recurring/?kind=%00",
        f"/compare/?a={TURKMENISTAN}/ja%00",
        "/search/trend/?q=%00GOSAT",
        "/search/feed?q=GOSAT%00",
        "/search/export.csv?q=GOSAT&doc=%00",
        "/api/search?q=GOSAT&series=%00",
        "/api/search/trend?q=GOSAT%00",
        "/?x%00=1",
    ],
)
def test_a_nul_character_in_any_parameter_is_a_400_that_says_so(client, seeded, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.content.decode()
    assert "NUL character (%00)" in body
    if url.startswith("/api/"):
        assert response.json()["status"] == 400


@pytest.mark.parametrize("method", ["TRACE", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"])
@pytest.mark.parametrize(
    "path", ["/", f"/documents/{TURKMENISTAN}/ja/", "/search/?q=GOSAT", "/api/search?q=GOSAT"]
)
def test_a_method_the_archive_does_not_answer_is_a_405_that_names_the_allowed(seeded, method, path):
    client = Client(enforce_csrf_checks=True)  # as a browser or a script meets the site
    response = client.generic(method, path)
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
    assert b"<html" not in response.content.lower()  # TRACE never echoes the page
    if path.startswith("/api/"):
        assert response.json()["status"] == 405
    assert client.head(path).status_code == 200


def test_behind_a_proxy_one_attacker_locks_out_neither_other_readers_nor_other_accounts(
    client, db, settings
):
    from django.contrib.auth.models import User
    from django.core.cache import cache

    cache.clear()
    User.objects.create_superuser("curator", "c@example.org", "right-password")
    User.objects.create_superuser("editor", "e@example.org", "other-password")
    settings.ADMIN_LOGIN_ATTEMPTS = 3
    settings.TRUSTED_PROXIES = frozenset({"127.0.0.1"})
    url = "/admin/login/?next=/admin/"

    def login(username, password, forwarded):
        return client.post(
            url,
            {"username": username, "password": password},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    for _ in range(3):  # an attacker at 203.0.113.9, against the curator's account
        assert login("curator", "guess", "203.0.113.9").status_code == 200
    assert login("curator", "right-password", "203.0.113.9").status_code == 429
    # The curator at another address is not locked out; the attacker cannot slip out by
    # writing another address into the header, ahead of the one the proxy adds.
    assert login("curator", "right-password", "198.51.100.4").status_code == 302
    assert login("curator", "guess", "198.51.100.4, 203.0.113.9").status_code == 429
    # Without the proxy trusted, its header is ignored: every reader behind it is one
    # address, and still the attacker's failures lock only the account they tried.
    settings.TRUSTED_PROXIES = frozenset()
    cache.clear()
    for _ in range(3):
        assert login("curator", "guess", "203.0.113.9").status_code == 200
    assert login("curator", "right-password", "198.51.100.4").status_code == 429
    assert login("editor", "other-password", "198.51.100.4").status_code == 302


def test_a_full_disk_during_an_import_writes_nothing_and_says_what_to_do(seeded, workdir):
    name = FILES["000"]
    (workdir / name).write_text(source_text("000").replace("双方は", "両国は", 1), encoding="utf-8")
    before = archive_snapshot()
    # The record of pending index changes is the import's first file write (a real full disk
    # cannot be made here without root; ENOSPC is what the kernel would answer).
    full = OSError(errno.ENOSPC, "No space left on device", "var/whoosh_index.pending.json")
    with (
        mock.patch("search.indexing._state", side_effect=full),
        pytest.raises(CommandError) as error,
    ):
        run_import(workdir)
    message = str(error.value)
    assert "No space left on device" in message and "free some space" in message
    assert "Nothing was imported" in message and "\n" not in message
    assert archive_snapshot() == before


# Replacing a stored version.
def test_another_file_replaces_a_version_only_with_replace_and_reports_lost_labels(
    seeded, tmp_path
):
    folder = tmp_path / "incoming"
    folder.mkdir()
    replacement_from_another_file(folder)
    _, err = run_import(folder, replace=True)
    document = Document.objects.get(work__slug=TURKMENISTAN, language="en")
    assert document.source_name == "other.txt"
    assert "warning" in err and "will no longer be found" in err
    assert "2, 3, 4" in err and ", 33" in err


def test_a_changed_file_that_drops_clauses_reports_their_labels(seeded, workdir):
    path = workdir / FILES["002"]
    text = path.read_text(encoding="utf-8")
    start = text.index("- （53）")
    path.write_text(text[:start], encoding="utf-8")
    out, _ = run_import(path, dry_run=True)
    assert "will no longer be found" in out and "53" in out
    _, err = run_import(path)
    assert "will no longer be found" in err and "53" in err


# Database errors during the write.
@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (OperationalError("database is locked"), "Another import is running"),
        (DataError("value too long for type character varying(200)"), "value too long"),
    ],
)
def test_a_database_error_during_the_write_is_one_line_and_writes_nothing(
    seeded, workdir, monkeypatch, error, expected
):
    import archive.importing

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(archive.importing, "_write_signatories", fail)
    path = workdir / FILES["002"]
    path.write_text(path.read_text(encoding="utf-8").replace("首脳は", "首脳らは"), "utf-8")
    before = archive_snapshot()
    with pytest.raises(CommandError) as raised:
        run_import(path)
    message = str(raised.value)
    assert expected in message and "unchanged" in message
    assert "\n" not in message and "Traceback" not in message
    assert archive_snapshot() == before


# Browse filters.
@pytest.mark.parametrize("year", ["0", "10000", "9" * 20, "０", "²", "-1", "2025x"])
def test_an_invalid_year_on_the_browse_page_is_ignored_with_a_notice(client, seeded, year):
    response = client.get("/documents/", {"year": year})
    assert response.status_code == 200
    assert len(response.context["works"]) == Work.objects.count()
    assert any("year" in notice for notice in response.context["notices"])
    assert "year" not in response.context["active"]
    html = response.content.decode()
    assert all(escape(notice) in html for notice in response.context["notices"])  # shown


def test_a_valid_year_still_filters(client, seeded):
    response = client.get("/documents/", {"year": "2017"})
    assert response.context["notices"] == []
    assert {w.date.year for w in response.context["works"]} == {2017}


# Error pages.
def test_the_404_page_for_an_unmatched_url_is_a_plain_sentence(client, seeded):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Resolver404" not in response.content
    assert b"Not found" in response.content


def test_api_errors_come_back_as_json(client, seeded, monkeypatch):
    missing = client.get("/api/no/such/thing/")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"
    assert missing.json()["status"] == 404

    import archive.api

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(archive.api, "work_summary", broken)
    client.raise_request_exception = False
    failed = client.get("/api/documents/")
    assert failed.status_code == 500 and failed["Content-Type"] == "application/json"
    assert failed.json()["status"] == 500 and "boom" not in failed.content.decode()
    page = client.get("/no/such/page/")
    assert page.status_code == 404


def test_admin_logins_are_throttled_after_repeated_failures(client, db, settings):
    from django.contrib.auth.models import User
    from django.core.cache import cache

    cache.clear()
    User.objects.create_superuser("curator", "c@example.org", "right-password")
    settings.ADMIN_LOGIN_ATTEMPTS = 3
    url = "/admin/login/?next=/admin/"
    for _ in range(3):
        response = client.post(url, {"username": "curator", "password": "wrong"})
        assert response.status_code == 200  # the form again
    refused = client.post(url, {"username": "curator", "password": "right-password"})
    assert refused.status_code == 429 and "Too many failed logins" in refused.content.decode()
    cache.clear()  # the window passed
    assert (
        client.post(url, {"username": "curator", "password": "right-password"}).status_code == 302
    )
