"""Shared test setup: the real fixtures imported through the real importer."""

import shutil

import pytest

from tests.utils import build_search_index, import_fixtures, index_at, seed_folder


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
def pages_drawn_afresh():
    """Tests change rows without an import and roll back to the same generation, so a page
    kept from one test would answer the next. Each test draws its pages afresh; the tests of
    the page cache (`page_cache`) turn it on in a folder of their own."""
    from django.test.utils import override_settings

    with override_settings(CACHES=_caches(page_cache=None)):
        yield


def _caches(page_cache) -> dict:
    from django.conf import settings

    pages = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    if page_cache is not None:
        pages = {**settings.CACHES["pages"], "BACKEND": "diskcache.DjangoCache"}
        pages["LOCATION"] = str(page_cache)
    return {**settings.CACHES, "pages": pages}


@pytest.fixture
def page_cache(tmp_path):
    """The server's page cache, on, empty, in a folder of this test."""
    from django.test.utils import override_settings

    with override_settings(CACHES=_caches(tmp_path / "page-cache")):
        yield tmp_path / "page-cache"


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
    """A copy of the seed texts and their manifest that a test may change."""
    target = tmp_path / "fixtures"
    shutil.copytree(seed_folder(), target)
    return target


@pytest.fixture
def scratch_index(search_index_path, tmp_path):
    """A copy of the session's index that a test may change; the session index stays as is."""
    path = tmp_path / "index"
    shutil.copytree(search_index_path, path)
    with index_at(path, reload=True):
        yield path


@pytest.fixture(autouse=True)
def fresh_cache():
    """Django's cache (the browse facet counts, keyed by the archive's generation) starts empty
    in each test: a rolled-back test leaves the generation as it was but the data changed."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
