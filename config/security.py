"""Security Django does not do by itself: the Content-Security-Policy header, and a limit on
failed admin logins."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import reverse


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


class AdminLoginThrottleMiddleware:
    """Refuse admin login attempts from an address that failed ADMIN_LOGIN_ATTEMPTS times in
    ADMIN_LOGIN_WINDOW seconds: 429 until the window passes.

    Counts live in Django's cache, so with the default local-memory cache they are per
    server process; a shared cache (CACHES) makes them per site.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or request.path != reverse("admin:login"):
            return self.get_response(request)
        key = f"admin-login-failures:{request.META.get('REMOTE_ADDR', '')}"
        if cache.get(key, 0) >= settings.ADMIN_LOGIN_ATTEMPTS:
            return HttpResponse(
                "Too many failed logins from this address; try again later.",
                status=429,
                content_type="text/plain; charset=utf-8",
                headers={"Retry-After": str(settings.ADMIN_LOGIN_WINDOW)},
            )
        response = self.get_response(request)
        if response.status_code == 200:  # the form again: the login failed
            cache.set(key, cache.get(key, 0) + 1, settings.ADMIN_LOGIN_WINDOW)
        elif response.status_code in (301, 302):
            cache.delete(key)
        return response
