"""Fault tests: imports and builds killed at each phase, corrupt
indexes. The archive and the index must agree after the next command, or `manage.py check`
must report the drift and the command it names must repair it.

Imports and builds run as `manage.py` subprocesses on a scratch SQLite file and index (the
faults are the index's, so SQLite also under PostgreSQL CI); `CAJ_FAULT_PAUSE` stops one at a
named point (archive/signals.py `fault_point`) where the test kills it with SIGKILL.
"""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from whoosh import index as whoosh_index
from whoosh.qparser import QueryParser

from tests.utils import FILES, ROOT, manage, seed_folder

pytestmark = pytest.mark.faults

EDITED = FILES["001"]
MARK = "zzpenguin"  # a word no text has, added to one clause of the English press release


def kill_at(env, point: str, *args) -> int:
    """Run a command until it reaches the fault point, then kill -9 it; returns its pid."""
    process = subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**env, "CAJ_FAULT_PAUSE": point},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = []
    for line in process.stderr:
        lines.append(line)
        if f"fault point {point}" in line:
            break
    else:
        process.wait()
        pytest.fail(f"never reached {point}: {''.join(lines)}")
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stderr.close()
    return process.pid


def archive_counts(env) -> dict[int, int]:
    with sqlite3.connect(env["DATABASE_URL"].removeprefix("sqlite:///")) as db:
        rows = db.execute("SELECT document_id, count(*) FROM archive_clause GROUP BY document_id")
        return dict(rows.fetchall())


def archive_marked(env) -> int:
    with sqlite3.connect(env["DATABASE_URL"].removeprefix("sqlite:///")) as db:
        query = "SELECT count(*) FROM archive_clause WHERE text LIKE ?"
        return db.execute(query, (f"%{MARK}%",)).fetchone()[0]


def index_state(env) -> tuple[dict[int, int], int]:
    """Clauses per document in the index, and how many hold MARK."""
    ix = whoosh_index.open_dir(env["SEARCH_INDEX_PATH"])
    with ix.searcher() as searcher:
        counts = {}
        for term in searcher.reader().lexicon("document"):
            count = sum(1 for _ in searcher.reader().postings("document", term).all_ids())
            if count:
                counts[int(term.decode())] = count
        marked = len(searcher.search(QueryParser("text", ix.schema).parse(MARK), limit=None))
    return counts, marked


def assert_agree(env):
    counts, marked = index_state(env)
    assert counts == archive_counts(env)
    assert marked == archive_marked(env)
    report = manage("check", "--database", "default", env=env)
    assert "search.W" not in report.stdout + report.stderr


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """An archive of the seed texts with its index, built once; each test works on a copy."""
    folder = tmp_path_factory.mktemp("faults-template")
    env = environment(folder)
    manage("migrate", "--noinput", env=env)
    manage("import_documents", str(seed_folder()), env=env)
    manage("build_search_index", env=env)
    return folder


def environment(folder: Path) -> dict:
    return {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{folder / 'archive.sqlite3'}",
        "SEARCH_INDEX_PATH": str(folder / "index"),
        "DATASETS_DIR": str(folder / "data"),
    }


@pytest.fixture
def archive(template, tmp_path):
    """A scratch archive and index, plus fixtures/ with one clause edited."""
    shutil.copy(template / "archive.sqlite3", tmp_path / "archive.sqlite3")
    shutil.copytree(template / "index", tmp_path / "index")
    texts = tmp_path / "fixtures"
    shutil.copytree(ROOT / "fixtures", texts)
    text = (texts / EDITED).read_text(encoding="utf-8")
    assert "gasoline and ammonia" in text
    (texts / EDITED).write_text(
        text.replace("gasoline and ammonia", f"gasoline and {MARK} ammonia"), encoding="utf-8"
    )
    env = environment(tmp_path)
    assert_agree(env)
    return env, texts


def test_import_killed_before_commit_changes_nothing(archive):
    env, texts = archive
    before = archive_counts(env), index_state(env)
    kill_at(env, "before-commit", "import_documents", str(texts))
    assert (archive_counts(env), index_state(env)) == before
    assert archive_marked(env) == 0
    manage("import_documents", str(texts), env=env)
    assert archive_marked(env) == 1
    assert_agree(env)


@pytest.mark.parametrize(
    "recovery",
    [["repair_search_index"], ["build_search_index"], ["import_documents", "{texts}"]],
    ids=["repair", "build", "next-import"],
)
@pytest.mark.parametrize("point", ["after-commit", "index-write"])
def test_import_killed_after_commit_is_reported_and_repaired(archive, point, recovery):
    env, texts = archive
    kill_at(env, point, "import_documents", str(texts))
    assert archive_marked(env) == 1  # committed
    assert index_state(env)[1] == 0  # not indexed
    report = manage("check", env=env)
    assert "search.W001" in report.stderr and "repair_search_index" in report.stderr
    started = time.monotonic()
    manage(*(arg.format(texts=texts) for arg in recovery), env=env)
    assert time.monotonic() - started < 60  # no wait for a lock the killed import held
    assert_agree(env)
    assert not Path(env["SEARCH_INDEX_PATH"] + ".pending.json").read_text().count('"change"')


def test_drift_without_a_record_is_reported_and_repaired(archive):
    env, texts = archive
    kill_at(env, "after-commit", "import_documents", str(texts))
    Path(env["SEARCH_INDEX_PATH"] + ".pending.json").unlink()  # e.g. the index restored
    ix = whoosh_index.open_dir(env["SEARCH_INDEX_PATH"])
    with ix.writer() as writer:
        writer.delete_by_term("document", str(next(iter(archive_counts(env)))))
    report = manage("check", "--database", "default", env=env)
    assert "search.W003" in report.stderr and "repair_search_index" in report.stderr
    assert "Reindexed 1 document" in manage("repair_search_index", env=env).stdout
    assert index_state(env)[0] == archive_counts(env)


@pytest.fixture(scope="module")
def large_archive(tmp_path_factory):
    """Enough clauses (2,000+) that the index is written by several processes."""
    folder = tmp_path_factory.mktemp("faults-large")
    subprocess.run(
        [sys.executable, "bench/corpus.py", "2200", str(folder / "texts")],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    env = environment(folder)
    manage("migrate", "--noinput", env=env)
    manage("import_documents", str(folder / "texts"), env=env)
    manage("build_search_index", env=env)
    return env


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if fields and int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_build_killed_while_writing_keeps_the_old_index_and_leaves_no_workers(large_archive):
    env = large_archive
    before = index_state(env)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "build_search_index"],
        cwd=ROOT,
        env={**env, "CAJ_FAULT_PAUSE": "index-write"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in process.stderr:
        if "fault point index-write" in line:
            break
    workers = children(process.pid)
    assert len(workers) >= 2  # analysis is spread over processes
    process.kill()
    process.wait()
    process.stderr.close()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers)  # the workers died with their parent
    assert index_state(env) == before  # searches still see the whole old index
    started = time.monotonic()
    manage("build_search_index", env=env)
    assert time.monotonic() - started < 100  # no 120 s wait for a lock
    assert index_state(env)[0] == archive_counts(env)
    leftovers = [p.name for p in Path(env["SEARCH_INDEX_PATH"]).parent.glob(".index.*")]
    assert leftovers == []


def toc(path: Path) -> Path:
    return max(path.glob("_MAIN_*.toc"), key=lambda p: int(p.stem.rpartition("_")[2]))


def damage_toc(path: Path):
    os.truncate(toc(path), 100)


def damage_segment(path: Path):
    segment = max(path.glob("*.seg"), key=lambda p: p.stat().st_size)
    os.truncate(segment, 0)


def damage_folder(path: Path):
    (path / "notes.txt").write_text("left by someone")
    (path / "MAIN_WRITELOCK").unlink(missing_ok=True)
    (path / "MAIN_WRITELOCK").mkdir()
    (path / "_MAIN_99.toc").write_bytes(os.urandom(64))


@pytest.mark.parametrize("damage", [damage_toc, damage_segment, damage_folder])
def test_build_search_index_replaces_a_corrupt_index(seeded, scratch_index, damage):
    from archive.models import Clause
    from search import searching
    from search.results import SearchRequest

    damage(scratch_index)
    call_command("build_search_index", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert sorted(p.name for p in scratch_index.iterdir() if not p.name.endswith(".seg")) == [
        "ARCHIVE_GENERATION",
        "MAIN_WRITELOCK",
        toc(scratch_index).name,
    ]
    with whoosh_index.open_dir(str(scratch_index)).searcher() as searcher:
        assert searcher.doc_count() == Clause.objects.count()
    assert searching.search(SearchRequest(q="GOSAT")).total > 0


def test_repair_rebuilds_an_unreadable_index(seeded, scratch_index, capsys):
    from search import checks

    damage_toc(scratch_index)
    warnings = checks.index_drift_check(databases=["default"])
    assert [w.id for w in warnings] == ["search.W002"]
    call_command("repair_search_index")
    assert "Rebuilt it" in capsys.readouterr().out
    assert checks.index_drift_check(databases=["default"]) == []


def test_a_rebuilt_index_is_newer_than_the_one_a_searcher_holds(seeded, scratch_index):
    """Searchers compare generation numbers, so the swapped-in folder must count on."""
    searcher = whoosh_index.open_dir(str(scratch_index)).searcher()
    call_command("build_search_index", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert not searcher.up_to_date()
    searcher.close()
