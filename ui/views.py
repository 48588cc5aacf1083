"""Views every part of the service shares."""

import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

# When the accessibility statement was prepared and last reviewed (its "Preparation" section).
STATEMENT_PREPARED = datetime.date(2026, 12, 2)
STATEMENT_REVIEWED = datetime.date(2026, 12, 2)


@require_POST
def keep_alive(request):
    """"Stay signed in" from the session-timeout warning: the sign-in requirement (LoginRequiredMiddleware)
    and the CSRF check have already run, so a signed-in user's session is saved with a fresh expiry and the
    answer is empty (204): the page the user is typing in is never reloaded."""
    request.session.modified = True  # saved even if SESSION_SAVE_EVERY_REQUEST is ever turned off
    return HttpResponse(status=204)


@login_not_required  # the regulations require the statement to be reachable by anyone, signed in or not
@require_GET
def accessibility(request):
    """The accessibility statement, in the layout of the model statement for the Public Sector Bodies
    (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018."""
    return render(request, "ui/accessibility.html", {
        "page_title": "Accessibility statement",
        "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
        "prepared": STATEMENT_PREPARED,
        "reviewed": STATEMENT_REVIEWED,
    })


@login_not_required  # read before signing in, by anyone the service may hold data about
@require_GET
def privacy(request):
    """The privacy notice. The periods it gives are the settings', so the notice cannot drift from the code."""
    return render(request, "ui/privacy.html", {
        "page_title": "Privacy notice",
        "contact_email": settings.PRIVACY_CONTACT_EMAIL,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "messages_cookie": CookieStorage.cookie_name,
        "csrf_cookie_days": settings.CSRF_COOKIE_AGE // 86400,
        "session_idle_minutes": settings.SESSION_IDLE_MINUTES,
        "login_cool_off_minutes": settings.LOGIN_COOLOFF_MINUTES,
        "token_window_minutes": settings.API_TOKEN_FAILURE_WINDOW_MINUTES,
    })
