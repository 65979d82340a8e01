"""The rooms hold: the ingestion pipeline imports no Django and nothing of the database or
search, and the archive imports nothing from search (docs/architecture.md draws this)."""

import ast
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _imported_modules(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_the_ingestion_pipeline_runs_without_django_or_the_database():
    modules = sorted(f"archive.ingest.{p.stem}" for p in (ROOT / "archive" / "ingest").glob("*.py"))
    program = (
        f"import importlib, sys\nfor m in {modules!r}: importlib.import_module(m)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'search') "
        "or m == 'archive.models'))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]", f"the pipeline loaded {loaded}"


def test_the_archive_imports_nothing_from_search():
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            m for m in _imported_modules(path) if m.split(".")[0] == "search"
        )
        for path in (ROOT / "archive").rglob("*.py")
        if "migrations" not in path.parts
    }
    assert {path: found for path, found in offenders.items() if found} == {}
