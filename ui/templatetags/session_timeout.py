"""The session-timeout warning every signed-in page carries (templates/base.html)."""

from django import template
from django.conf import settings

register = template.Library()

# How long before the end of the session the warning shows: two minutes (WCAG 2.2.1 asks for at least 20
# seconds to respond), or half the session when an idle window is shorter than four minutes.
WARNING_SECONDS = 120


@register.inclusion_tag("ui/session_timeout.html", takes_context=True)
def session_timeout_warning(context):
    """The warning's dialog, hidden until ui/static/ui/session-timeout.js opens it; nothing for a signed-out
    visitor (no session to keep) or without JavaScript (the dialog stays hidden: nothing breaks)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    seconds = settings.SESSION_COOKIE_AGE
    return {
        "show": bool(user and user.is_authenticated),
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "session_seconds": seconds,
        "warning_seconds": min(WARNING_SECONDS, seconds // 2),
        "idle_minutes": settings.SESSION_IDLE_MINUTES,
    }
