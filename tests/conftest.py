"""Shared test setup: the real fixtures imported through the real importer."""

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FILES = {
    "000": "000_8de714b2e908a213.txt",
    "001": "001_a145850f4f38ab17.txt",
    "002": "002_e5200c9010b3f9b1.txt",
    "003": "003_c363393320e862de.txt",
    "004": "004_8b923e37741170ef.txt",
}
LANGUAGES = {"000": "ja", "001": "en", "002": "ja", "003": "ja", "004": "ja"}
TURKMENISTAN = "2025-japan-turkmenistan-joint-press-release"
TOKYO_DECLARATION = "2025-caj-summit-tokyo-declaration"
KYRGYZ = "2025-japan-kyrgyz-joint-statement"
FOREIGN_MINISTERS_2017 = "2017-caj-6th-foreign-ministers-joint-statement"


def source_text(key: str) -> str:
    return (FIXTURES / FILES[key]).read_text(encoding="utf-8")


def import_fixtures():
    call_command("import_documents", stdout=io.StringIO(), stderr=io.StringIO())


def build_search_index():
    call_command("rebuild_index", interactive=False, verbosity=0)


@pytest.fixture(scope="session")
def search_index_path(tmp_path_factory):
    """A real Whoosh index on disk, in a folder of this test session."""
    from django.conf import settings
    from haystack import connections

    path = tmp_path_factory.mktemp("whoosh-index")
    settings.HAYSTACK_CONNECTIONS["default"]["PATH"] = str(path)
    connections.reload("default")
    return path


@pytest.fixture(scope="session", autouse=True)
def datasets_path(tmp_path_factory):
    """Bulk downloads (written after every import) go to a folder of this test session, never
    to var/data."""
    from django.conf import settings

    path = tmp_path_factory.mktemp("datasets")
    settings.DATASETS_DIR = path
    return path


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, search_index_path, datasets_path):
    """Import the seed texts and index them once per session; each test is rolled back."""
    with django_db_blocker.unblock():
        import_fixtures()
        build_search_index()


@pytest.fixture
def seeded(db):
    """The seed texts, re-imported if a transactional test flushed them."""
    from archive.models import Document

    if not Document.objects.exists():
        import_fixtures()
        build_search_index()


@pytest.fixture
def workdir(tmp_path):
    """A copy of fixtures/ (texts and manifest) that a test may change."""
    target = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, target)
    return target


@pytest.fixture
def scratch_index(search_index_path, tmp_path):
    """A copy of the session's index that a test may change; the session index stays as is."""
    from django.conf import settings
    from haystack import connections

    path = tmp_path / "index"
    shutil.copytree(search_index_path, path)
    settings.HAYSTACK_CONNECTIONS["default"]["PATH"] = str(path)
    connections.reload("default")
    yield path
    settings.HAYSTACK_CONNECTIONS["default"]["PATH"] = str(search_index_path)
    connections.reload("default")


@pytest.fixture(autouse=True)
def fresh_cache():
    """Django's cache (the browse facet counts, keyed by the archive's generation) starts empty
    in each test: a rolled-back test leaves the generation as it was but the data changed."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
