"""Security headers Django does not send by itself: the Content-Security-Policy."""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Add settings.CONTENT_SECURITY_POLICY to every response that does not set its own.

    A link or script slipped into a page (issue 11 §6) cannot load or run code from elsewhere,
    and no inline script runs at all.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response
