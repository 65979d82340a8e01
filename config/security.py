"""Security Django does not do by itself: the Content-Security-Policy header, a limit on
failed admin logins, the methods each address answers, and the refusal of a NUL character
in an address."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _


class ContentSecurityPolicyMiddleware:
    """Add settings.CONTENT_SECURITY_POLICY to every response that does not set its own.

    A link or script slipped into a page cannot load or run code from elsewhere,
    and no inline script runs at all.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            policy = self.policy
            if settings.DEBUG and response.status_code >= 400:
                # Django's own error pages under DEBUG (`make run`) are styled inline; they
                # show only on a developer's machine, never with DEBUG off.
                policy += "; style-src 'self' 'unsafe-inline'"
            response["Content-Security-Policy"] = policy
        return response


def client_address(request) -> str:
    """The address of the reader's machine: REMOTE_ADDR, unless that is one of
    settings.TRUSTED_PROXIES, whose X-Forwarded-For is then read from the right, past every
    trusted proxy. A client that is no proxy cannot choose its own address this way."""
    address = request.META.get("REMOTE_ADDR", "")
    if address not in settings.TRUSTED_PROXIES:
        return address
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([a for a in forwarded if a]):
        if hop not in settings.TRUSTED_PROXIES:
            return hop
    return address


class AdminLoginThrottleMiddleware:
    """Refuse admin logins, 429 until ADMIN_LOGIN_WINDOW seconds pass, from a client address
    that failed ADMIN_LOGIN_ATTEMPTS times for one account, or four times as often over all
    accounts. Counting by address and account, one attacker locks out neither the curators at
    other addresses nor, behind a shared address, the other accounts.

    Counts live in Django's cache, so with the default local-memory cache they are per
    server process; a shared cache (CACHES) makes them per site.
    """

    ACROSS_ACCOUNTS = 4  # times ADMIN_LOGIN_ATTEMPTS, from one address over every account

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or request.path != reverse("admin:login"):
            return self.get_response(request)
        address = client_address(request)
        account = request.POST.get("username", "").strip().casefold()[:150]
        keys = (f"admin-login-failures:{address}:{account}", f"admin-login-failures:{address}")
        limits = (
            settings.ADMIN_LOGIN_ATTEMPTS,
            settings.ADMIN_LOGIN_ATTEMPTS * self.ACROSS_ACCOUNTS,
        )
        if any(cache.get(key, 0) >= limit for key, limit in zip(keys, limits, strict=True)):
            return HttpResponse(
                "Too many failed logins from this address; try again later.",
                status=429,
                content_type="text/plain; charset=utf-8",
                headers={"Retry-After": str(settings.ADMIN_LOGIN_WINDOW)},
            )
        response = self.get_response(request)
        if response.status_code == 200:  # the form again: the login failed
            for key in keys:
                cache.set(key, cache.get(key, 0) + 1, settings.ADMIN_LOGIN_WINDOW)
        elif response.status_code in (301, 302):
            cache.delete(keys[0])
        return response


class NulCharacterMiddleware:
    """Refuse, with 400 and a sentence, an address whose parameters hold a NUL character
    (%00): no text or search holds one, and PostgreSQL refuses it in any query, so every view
    that passes a parameter to the database would fail. Checked here once for all of them;
    other control characters are the views' to clean (a search drops them, and says so)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            message = _(
                "The address holds a NUL character (%00), which no text or search can contain; "
                "remove it and try again."
            )
            if request.path_info.startswith("/api/"):
                from archive.api import api_error

                return api_error(message, 400)
            return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)


class ReadOnlyMethodsMiddleware:
    """The archive's pages, API and files are read: they answer GET and HEAD, and any other
    method (TRACE, PUT, a POST to the API) 405 with the methods allowed, never the page, and
    before the CSRF check could answer 403. Only the admin and the language switch take POST."""

    READ = ("GET", "HEAD")
    WRITABLE = ("/admin/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in self.READ or request.path_info.startswith(self.WRITABLE):
            return self.get_response(request)
        message = _("This address is read only: it answers GET and HEAD, not %(method)s.") % {
            "method": request.method[:20]
        }
        if request.path_info.startswith("/api/"):
            from archive.api import api_error

            response = api_error(message, 405)
        else:
            response = HttpResponse(message, status=405, content_type="text/plain; charset=utf-8")
        response["Allow"] = ", ".join(self.READ)
        return response
