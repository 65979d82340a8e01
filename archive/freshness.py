"""Pages fixed between two changes of the archive: an ETag from the archive's generation, the
code that draws the page and what the request asked for, so that a reader's browser or a
shared cache in front of the site asks again with If-None-Match and gets 304 without the page
being drawn (Django's `condition`); and Cache-Control for such a cache."""

import hashlib
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.views.decorators.http import condition

from archive.signals import current_generation, generation_pinned

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


def page_etag(request, *args, **kwargs) -> str:
    """The page's version: the same for every reader who would be shown the same page."""
    staff = request.user.is_authenticated and request.user.is_staff
    asked = "\n".join([CODE, request.get_full_path(), get_language() or "", str(staff)])
    return f"{current_generation()}-{hashlib.sha256(asked.encode()).hexdigest()[:16]}"


def fixed_between_changes(view):
    """For a view whose page only an import or an edit can change."""
    conditional = condition(etag_func=page_etag)(view)

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
