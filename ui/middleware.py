"""Response headers Django's own security middleware does not write."""

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

SLID_AT = "_session_slid_at"


class PermissionsPolicyMiddleware:
    """Writes the Permissions-Policy header from settings.PERMISSIONS_POLICY ({feature: allowlist}), so the
    service, and anything that ever manages to run in it, cannot use the camera, location and the like."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}={allow}" for feature, allow in settings.PERMISSIONS_POLICY.items())

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class SlidingSessionMiddleware:
    """Slides a signed-in session's expiry along with the user's requests: the session is saved again (with a
    fresh SESSION_COOKIE_AGE) once SESSION_SLIDE_SECONDS have passed since it was last saved, rather than on
    every request, which would cost every page a database write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty() and session.get(SLID_AT) is not None:
            now = int(time.time())
            if now - session[SLID_AT] >= settings.SESSION_SLIDE_SECONDS:
                session[SLID_AT] = now  # marks it modified: SessionMiddleware saves it with a fresh expiry
        return response


@receiver(user_logged_in)
def _start_sliding(sender, request, user, **kwargs):
    """Signing in saves the session anyway: note when, so the next minute's requests need not save it."""
    if request is not None and hasattr(request, "session"):
        request.session[SLID_AT] = int(time.time())
