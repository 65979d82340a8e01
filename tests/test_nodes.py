"""More than one machine: every change raises the archive's generation, each copy of the index
records the generation it holds, and a copy that is behind catches up on its own.

The last test runs two production servers (gunicorn, as `make serve`) with separate index
folders against one database: PostgreSQL when the suite runs on it (CI), an SQLite file
otherwise. A text imported on one machine is searchable on the other within SYNC_WITHIN.
"""

import contextlib
import io
import json
import os
import shutil
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from haystack import connections as haystack_connections

from archive.models import Clause, Document, DocumentChange
from archive.signals import current_generation
from search import index_view, indexing, worker
from search.results import SearchRequest
from search.searching import search
from tests.utils import get, gunicorn, manage, seed_folder

pytestmark = pytest.mark.nodes

SYNC_WITHIN = 10.0  # seconds: SEARCH_SYNC_SECONDS=1 plus indexing a short text, with margin

STATEMENT = """\
日本国と{country}との間の{word}に関する共同声明

令和8年2月3日、東京

１．両国は、{word}の分野における協力を強化する。
２．両国は、次回の会合を{country}で開催することを確認した。
"""


def write_text(folder: Path, slug: str, word: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "statement.txt").write_text(
        STATEMENT.format(country="ウズベキスタン共和国", word=word), encoding="utf-8"
    )
    (folder / "manifest.toml").write_text(
        f'[[document]]\nfile = "statement.txt"\nslug = "{slug}"\nlanguage = "ja"\n'
        'kind = "joint-statement"\ncountries = ["JP", "UZ"]\n',
        encoding="utf-8",
    )
    return folder


def import_folder(folder: Path) -> None:
    call_command("import_documents", str(folder), stdout=io.StringIO(), stderr=io.StringIO())


@contextlib.contextmanager
def index_at(path: Path):
    """Search and index through the copy of the index at `path`, as another machine would."""
    connection = settings.HAYSTACK_CONNECTIONS["default"]
    kept = connection["PATH"]
    connection["PATH"] = str(path)
    haystack_connections.reload("default")
    try:
        yield
    finally:
        connection["PATH"] = kept
        haystack_connections.reload("default")
        index_view.forget()


def test_every_import_raises_the_generation_once_and_logs_its_documents(
    seeded, tmp_path, django_capture_on_commit_callbacks, scratch_index
):
    before = current_generation()
    folder = write_text(tmp_path / "new", "test-generation-statement", "ゼクトラン")
    with django_capture_on_commit_callbacks(execute=True):
        import_folder(folder)
    document = Document.objects.get(work__slug="test-generation-statement")
    assert current_generation() == before + 1
    assert list(DocumentChange.objects.filter(generation=before + 1).values_list("document_id"))
    assert set(
        DocumentChange.objects.filter(generation=before + 1).values_list("document_id", flat=True)
    ) == {document.pk}
    # The index that took the change says it holds this generation.
    assert indexing.indexed_generation() == before + 1

    with django_capture_on_commit_callbacks(execute=True):
        import_folder(folder)  # unchanged: nothing to log
    assert current_generation() == before + 1


def test_a_full_build_records_the_generation_it_was_built_from(seeded, scratch_index):
    indexing.rebuild_all()
    assert indexing.indexed_generation(scratch_index) == current_generation()


def test_a_copy_of_the_index_that_is_behind_catches_up_with_changes_made_elsewhere(
    seeded, tmp_path, django_capture_on_commit_callbacks, scratch_index
):
    indexing.rebuild_all()
    here = scratch_index
    elsewhere = tmp_path / "other-node-index"
    shutil.copytree(here, elsewhere)
    generation = indexing.indexed_generation(here)

    # Another machine imports a text and deletes one: only its own copy is updated.
    with index_at(elsewhere):
        with django_capture_on_commit_callbacks(execute=True):
            import_folder(write_text(tmp_path / "new", "test-catch-up-statement", "ヴォルテクス"))
        gone = Document.objects.get(work__slug="2025-japan-kyrgyz-joint-statement")
        gone_pk = gone.pk
        with django_capture_on_commit_callbacks(execute=True):
            from archive.signals import send_documents_changed

            gone.delete()
            send_documents_changed([gone_pk])
        assert search(SearchRequest(q="ヴォルテクス")).total == 1
    index_view.forget()
    assert search(SearchRequest(q="ヴォルテクス")).total == 0  # this copy is behind
    assert indexing.indexed_generation(here) == generation < current_generation()
    kyrgyz_hits = search(SearchRequest(q="GOSAT", doc="2025-japan-kyrgyz-joint-statement")).total
    assert kyrgyz_hits > 0

    assert worker.sync() > 0  # what the refresher of this machine's web workers runs
    index_view.forget()
    assert search(SearchRequest(q="ヴォルテクス")).total == 1
    assert search(SearchRequest(q="GOSAT", doc="2025-japan-kyrgyz-joint-statement")).total == 0
    assert indexing.indexed_generation(here) == current_generation()
    assert indexing.drift() == {}
    assert worker.sync() == 0  # up to date: nothing to do


def test_a_worker_indexes_what_a_dead_process_of_its_machine_left_and_clears_its_record(
    seeded, scratch_index
):
    clause = Clause.objects.filter(document__language="en").first()
    clause.text += " quorvandel"
    clause.save()
    indexing.record_change([clause.document_id], "killed-import")
    with indexing._state() as state:  # as if its process had been killed
        state["changes"][-1]["pid"] = 2**22 + 12345
    assert indexing.pending_documents() == [clause.document_id]

    assert worker.sync() > 0
    index_view.forget()
    assert search(SearchRequest(q="quorvandel")).total == 1
    assert indexing.pending_documents() == []


def test_a_worker_leaves_a_change_in_progress_to_the_process_making_it(seeded, scratch_index):
    clause = Clause.objects.filter(document__language="en").first()
    indexing.record_change([clause.document_id], "import-under-way")  # this live process
    try:
        assert worker.sync() == 0
    finally:
        indexing._forget_changes({"import-under-way"})


def test_a_worker_does_not_build_a_missing_index_piecemeal(seeded, tmp_path):
    with index_at(tmp_path / "no-index-yet"):
        assert worker.sync() == 0
        assert not indexing.index_exists()


# -- Two machines ----------------------------------------------------------------------------


@contextlib.contextmanager
def shared_database(folder: Path):
    """A new, empty database both nodes use: on the PostgreSQL server of the suite when it
    runs on PostgreSQL, else an SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{folder / 'shared.sqlite3'}"
        return
    import psycopg

    name = f"caj_two_nodes_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_admin_url(), autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(_admin_url(), autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin_url() -> str:
    """The suite's server, through its maintenance database."""
    return os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"


def search_total(port: int, query: str) -> int:
    status, _, body = get(port, f"/api/search?q={query}")
    assert status == 200, body[:300]
    return json.loads(body)["total"]


def wait_for(condition, within: float) -> float:
    """Seconds until condition() holds; fails after `within`."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > within:
            pytest.fail(f"not within {within} s")
        time.sleep(0.2)
    return time.monotonic() - start


@pytest.mark.postgres
def test_an_import_on_one_node_is_searchable_on_the_other(tmp_path):
    with shared_database(tmp_path) as database_url:
        base = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "GUNICORN_CMD_ARGS")
        }
        base.update(
            DEBUG="0",
            SECRET_KEY="two-nodes-test-key-not-for-production-" + "a8Rk3nW7yQ2vT9mZ5xL1" * 2,
            SECURE_SSL_REDIRECT="0",
            ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=database_url,
            STATIC_ROOT=str(tmp_path / "static"),
            SEARCH_SYNC_SECONDS="1",
        )
        nodes = {
            name: {
                **base,
                "SEARCH_INDEX_PATH": str(tmp_path / name / "index"),
                "ARCHIVE_VAR_DIR": str(tmp_path / name / "var"),
            }
            for name in ("a", "b")
        }
        manage("migrate", "--noinput", env=nodes["a"])
        manage("import_documents", str(seed_folder()), env=nodes["a"])
        manage("collectstatic", "--noinput", env=nodes["a"])
        for env in nodes.values():
            manage("build_search_index", env=env)

        word = "クロノヴェール"
        with (
            gunicorn(nodes["a"], tmp_path / "a.log") as (_, port_a, _),
            gunicorn(nodes["b"], tmp_path / "b.log") as (_, port_b, _),
        ):
            assert search_total(port_a, "GOSAT") == search_total(port_b, "GOSAT") > 0
            assert search_total(port_b, quote(word)) == 0
            # A curator imports on machine A (its own copy of the index is updated at once).
            folder = write_text(tmp_path / "new", "test-two-nodes-statement", word)
            manage("import_documents", str(folder), env=nodes["a"])
            imported = time.monotonic()
            wait_for(lambda: search_total(port_a, quote(word)) == 1, within=SYNC_WITHIN)
            wait_for(lambda: search_total(port_b, quote(word)) == 1, within=SYNC_WITHIN)
            assert time.monotonic() - imported < SYNC_WITHIN  # on B, from the import's end
            assert indexing.indexed_generation(
                nodes["b"]["SEARCH_INDEX_PATH"]
            ) == indexing.indexed_generation(nodes["a"]["SEARCH_INDEX_PATH"])
            for port in (port_a, port_b):
                status, _, body = get(port, "/documents/test-two-nodes-statement/ja/")
                assert status == 200 and word.encode() in body
