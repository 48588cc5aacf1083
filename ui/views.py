"""Views every part of the service shares."""

from django.http import HttpResponse
from django.views.decorators.http import require_POST


@require_POST
def keep_alive(request):
    """"Stay signed in" from the session-timeout warning: the sign-in requirement (LoginRequiredMiddleware)
    and the CSRF check have already run, so a signed-in user's session is saved with a fresh expiry and the
    answer is empty (204): the page the user is typing in is never reloaded."""
    request.session.modified = True  # saved even if SESSION_SAVE_EVERY_REQUEST is ever turned off
    return HttpResponse(status=204)
