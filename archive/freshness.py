"""Pages fixed between two changes of the archive, drawn once per change and not once per
reader: an ETag from the archive's generation, the code that draws the page and what the
request asked for, so that a reader's browser or a shared cache in front of the site asks
again with If-None-Match and gets 304 without the page being drawn (Django's `condition`);
Cache-Control for such a cache; and the page as drawn for anonymous readers, kept under that
same key in the server's page cache (settings.CACHES["pages"]), shared by its processes."""

import hashlib
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.views.decorators.http import condition

from archive.signals import archive_version, generation_pinned
from config.timing import describe, span

_ROOT = Path(__file__).resolve().parent.parent


def _code_digest() -> str:
    """The templates, translations and Python of the site: a new release draws pages
    differently with the same archive, so its pages must not match the old ETags."""
    digest = hashlib.sha256()
    for folder in ("templates", "archive", "search", "config", "locale"):
        for path in sorted((_ROOT / folder).rglob("*")):
            if path.suffix in {".html", ".py", ".mo", ".txt", ".xml"} and path.is_file():
                digest.update(path.relative_to(_ROOT).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


CODE = _code_digest()


def fixed_between_changes(view=None, *, also=None):
    """For a view whose page only an import or an edit can change; `also`, when given, names
    the version of anything else the page is drawn from (the search index, which follows the
    archive a moment after each import), as a function of no arguments."""
    if view is None:
        return lambda view: fixed_between_changes(view, also=also)

    def etag(request, *args, **kwargs) -> str:
        return page_etag(request, also() if also else "")

    conditional = condition(etag_func=etag)(_kept(view, etag))

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with generation_pinned():
            response = conditional(request, *args, **kwargs)
        if response.status_code in (200, 304):
            if request.user.is_authenticated:
                patch_cache_control(response, private=True, no_cache=True)
            else:
                # Served from a cache for at most PAGE_MAX_AGE after an import, then checked
                # with its ETag (cheap: one query, no page drawn).
                patch_cache_control(response, public=True, max_age=settings.PAGE_MAX_AGE)
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    return wrapped


def page_etag(request, version: str = "") -> str:
    """The page's version: the same for every reader who would be shown the same page."""
    staff = request.user.is_authenticated and request.user.is_staff
    archive = archive_version()
    asked = [CODE, archive, version, request.get_full_path(), get_language() or "", str(staff)]
    digest = hashlib.sha256("\n".join(asked).encode()).hexdigest()[:20]
    return f"{archive.partition('.')[0]}-{digest}"


def not_to_keep(response: HttpResponse) -> HttpResponse:
    """Mark a page the server must draw again for the next reader (a search cut short by its
    time budget: the next one may have the time)."""
    response.keep = False
    return response


def _kept(view, etag):
    """`view`, answered from the page cache when a reader who shares pages asks for a page
    drawn before under the same key."""

    @wraps(view)
    def kept(request, *args, **kwargs):
        store = caches["pages"]
        if isinstance(store, DummyCache) or not _shares_pages(request):
            return view(request, *args, **kwargs)
        key = "page:" + etag(request)
        with span("cache"):
            found = store.get(key)
        if found is not None:
            describe("cache", "hit")
            status, content, headers = found
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            return response
        describe("cache", "miss")
        response = view(request, *args, **kwargs)
        if _keepable(request, response):
            with span("cache"):
                store.set(key, (response.status_code, response.content, list(response.items())))
        return response

    return kept


def _shares_pages(request) -> bool:
    """A reader whose pages are anyone's: not signed in and carrying no session or message
    that a page could show to them alone."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and not request.user.is_authenticated
    )


def _keepable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and getattr(response, "keep", True)
        and not response.cookies
        # A page that drew a CSRF token holds this reader's token.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )
