"""Helpers the test modules share: the seed fixtures and their slugs, imports through the real
command, snapshots of the archive, the production server in a subprocess, and the
side-by-side rows of a parallel page. Fixtures live in conftest.py; no test module imports
from another."""

import atexit
import contextlib
import http.client
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata
from html import unescape
from pathlib import Path
from typing import NamedTuple

import pytest
from django.core.management import call_command

from archive.models import Clause, Document, Section, Signatory, Work
from tests.seeds import FILES, FIXTURES

LANGUAGES = {"000": "ja", "001": "en", "002": "ja", "003": "ja", "004": "ja"}


TURKMENISTAN = "2025-japan-turkmenistan-joint-press-release"


TOKYO_DECLARATION = "2025-caj-summit-tokyo-declaration"


KYRGYZ = "2025-japan-kyrgyz-joint-statement"

# The pages an import or an edit alone can change, one of each kind (archive.freshness).
FIXED_PAGES = [
    "/",
    "/documents/",
    "/documents/?kind=joint-statement",
    f"/documents/{TURKMENISTAN}/ja/",
    f"/documents/{TURKMENISTAN}/ja.txt",
    f"/documents/{TURKMENISTAN}/ja.json",
    f"/documents/{TURKMENISTAN}/parallel/",
    f"/documents/{TURKMENISTAN}/ja/15/",
    "/recurring/",
    "/distinctive/?lang=ja&year=2025",
]


FOREIGN_MINISTERS_2017 = "2017-caj-6th-foreign-ministers-joint-statement"


def squeezed(html: str) -> str:
    """A page's HTML with each run of white space as one space, as a browser lays it out: a
    test then reads what a reader sees, not where a template breaks its lines."""
    return re.sub(r"\s+", " ", html)


def source_text(key: str) -> str:
    return (FIXTURES / FILES[key]).read_text(encoding="utf-8")


_SEEDS: list[Path] = []


def seed_folder() -> Path:
    """fixtures/ as the tests know it: the five seed texts and their manifest entries, copied
    apart once per process, so a text a curator adds to fixtures/ changes no test."""
    if not _SEEDS:
        folder = Path(tempfile.mkdtemp(prefix="seeds-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _SEEDS.append(copy_seeds(FIXTURES, folder))
    return _SEEDS[0]


def copy_seeds(source: Path, target: Path) -> Path:
    """The seed texts of `source` and their manifest entries, copied into `target`."""
    manifest = (source / "manifest.toml").read_text(encoding="utf-8")
    header, *entries = re.split(r"^\[\[document\]\]$", manifest, flags=re.M)
    kept = [e for e in entries if any(f'file = "{name}"\n' in e for name in FILES.values())]
    assert len(kept) == len(FILES), f"{source}/manifest.toml lost a seed's entry"
    text = header + "".join("[[document]]" + entry for entry in kept)
    (target / "manifest.toml").write_text(text, encoding="utf-8")
    for name in FILES.values():
        shutil.copy2(source / name, target / name)
    return target


def import_fixtures():
    call_command("import_documents", str(seed_folder()), stdout=io.StringIO(), stderr=io.StringIO())


def build_search_index():
    call_command("rebuild_index", interactive=False, verbosity=0)


ROOT = Path(__file__).resolve().parent.parent


GUNICORN = Path(sys.executable).parent / "gunicorn"


STARTUP_SECONDS = 20


def manage(*args: str, env: dict, check: bool = True) -> subprocess.CompletedProcess:
    """manage.py in a subprocess with `env`; unless `check` is off, a failure fails the test."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check:
        assert result.returncode == 0, (
            f"manage.py {' '.join(args)}:\n{result.stdout}{result.stderr}"
        )
    return result


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def gunicorn(env: dict, log_path: Path):
    """Start gunicorn as `make serve` does, on a free port; yield (process, port, log path)."""
    port = free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(GUNICORN), "-c", "config/gunicorn.conf.py", "config.wsgi"],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not port_open(port):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not listen on {port}:\n{log_path.read_text()}")
            time.sleep(0.1)
        yield process, port, log_path
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def production_environment(folder: Path) -> dict:
    """The environment of a production run on loopback (DEBUG off, as `make serve`), with a
    migrated archive in `folder` that holds the seed texts, indexed, and collected static files."""
    folder.mkdir(parents=True, exist_ok=True)
    unset = ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "GUNICORN_CMD_ARGS")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(
        DEBUG="0",
        SECRET_KEY="serving-test-key-not-for-production-" + "q7Zk2mW9xR4tB8vN1pL6" * 2,
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{folder / 'archive.sqlite3'}",
        SEARCH_INDEX_PATH=str(folder / "whoosh_index"),
        STATIC_ROOT=str(folder / "static"),
        ARCHIVE_VAR_DIR=str(folder / "var"),
    )
    manage("migrate", "--noinput", env=env)
    manage("import_documents", str(seed_folder()), env=env)
    manage("build_search_index", env=env)
    manage("collectstatic", "--noinput", env=env)
    return env


def get(port: int, path: str, **headers) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def run_import(*paths, **options):
    """import_documents of `paths` (the seed texts when none), with its output."""
    out, err = io.StringIO(), io.StringIO()
    paths = paths or (seed_folder(),)
    call_command("import_documents", *map(str, paths), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def archive_snapshot():
    """Everything a failed import must leave untouched."""
    return (
        list(Work.objects.values_list("pk", "slug", "kind", "date", "authentic_language")),
        list(Document.objects.values_list("pk", "title", "fingerprint", "source_sha256")),
        list(Section.objects.values_list("pk", "heading", "sequence")),
        list(Clause.objects.values_list("pk", "label", "text", "section_id")),
        list(Signatory.objects.values_list("pk", "name", "title")),
    )


def refused_import(make, tmp_path) -> str:
    """Import a folder that `make` fills, which must be refused; the refusal's message, once
    the archive is checked unchanged."""
    from django.core.management.base import CommandError

    folder = tmp_path / "incoming"
    folder.mkdir()
    make(folder)
    before = archive_snapshot()
    with pytest.raises(CommandError) as error:
        run_import(folder)
    assert archive_snapshot() == before
    return str(error.value)


def with_authentic(pairs: Path, tmp_path, pair: str, language: str) -> Path:
    """A copy of the pair folder `pairs/pair` in which every other version is the translation
    of `language`'s."""
    folder = tmp_path / pair
    shutil.copytree(pairs / pair, folder)
    manifest = folder / "manifest.toml"
    head, *entries = manifest.read_text(encoding="utf-8").split("[[document]]")
    for index, entry in enumerate(entries):
        entry = re.sub(r"(?m)^(translation_of|authentic_language) = .*\n", "", entry)
        if f'language = "{language}"' not in entry:
            entry = entry.rstrip("\n") + f'\ntranslation_of = "{language}"\n\n'
        entries[index] = entry
    manifest.write_text("[[document]]".join([head, *entries]), encoding="utf-8")
    return folder


def write_manifest(workdir, body):
    (workdir / "manifest.toml").write_text(body, encoding="utf-8")


ENTRY = (
    '[[document]]\nfile = "{file}"\nslug = "{slug}"\nlanguage = "ja"\nkind = "joint-statement"\n'
)


MADE_UP = Path(__file__).resolve().parent / "texts_recurring"


def import_made_up():
    call_command("import_documents", str(MADE_UP), stdout=io.StringIO(), stderr=io.StringIO())


MARKER = re.compile(r"(?<![0-9A-Za-z])(?:[0-9]{4}|[A-Z]{3,})(?![0-9A-Za-z])")


class Cell(NamedTuple):
    text: str  # what a reader sees; "—" for an empty cell
    labels: list[str]  # labels of the clauses in the cell, in order


class Row(NamedTuple):
    kind: str  # "section" or "clause"
    ja: Cell
    en: Cell


def side_by_side(client, slug) -> list[Row]:
    """The rows of /documents/<slug>/parallel/ (Japanese left, English right), titles left out."""
    response = client.get(f"/documents/{slug}/parallel/", {"left": "ja", "right": "en"})
    assert response.status_code == 200
    html = unescape(response.content.decode())
    rows = []
    for kind, body in re.findall(r'<tr id="row-\d+" class="row-(\w+)">(.*?)</tr>', html, re.S):
        cells = [
            Cell(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip(), labels(cell))
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)
        ]
        rows.append(Row(kind, *cells))
    assert rows[0].kind == "title"
    return rows[1:]


def labels(cell_html: str) -> list[str]:
    return re.findall(r'id="[a-z]{2}-c([^"]+)"', cell_html)


def markers(text: str) -> set[str]:
    return set(MARKER.findall(unicodedata.normalize("NFKC", text)))


@contextlib.contextmanager
def index_at(path, reload: bool = False):
    """The search index is read from `path` while the block runs (a missing folder, a fresh
    build), and from the session's folder again after it, whatever the block raises. With
    `reload`, haystack's connection is rebuilt both ways too."""
    from django.conf import settings
    from haystack import connections

    connection = settings.HAYSTACK_CONNECTIONS["default"]
    before = connection["PATH"]
    connection["PATH"] = str(path)
    if reload:
        connections.reload("default")
    try:
        yield path
    finally:
        connection["PATH"] = before
        if reload:
            connections.reload("default")
