"""Bearer tokens for /api/: checked before the sign-in requirement, answering 401 rather than a redirect."""

import math

from django.http import JsonResponse

from . import throttling, tokens

API_PREFIX = "/api/"


def unauthorised(message: str, *, invalid: bool) -> JsonResponse:
    """401 with the challenge RFC 6750 asks for; a presented but refused token says invalid_token."""
    response = JsonResponse({"error": message}, status=401)
    challenge = 'Bearer realm="api"'
    if invalid:
        challenge += f', error="invalid_token", error_description="{message}"'
    response["WWW-Authenticate"] = challenge
    return response


def too_many_refused(wait) -> JsonResponse:
    """429 with Retry-After (whole seconds, rounded up): this address presented too many refused tokens."""
    seconds = max(1, math.ceil(wait.total_seconds()))
    response = JsonResponse({"error": "Too many refused tokens from your address: try again in "
                                      f"{throttling.in_words(wait)}"}, status=429)
    response["Retry-After"] = str(seconds)
    return response


class BearerTokenMiddleware:
    """For /api/ paths: `Authorization: Bearer <token>` signs the request in as the token's user for this
    request only (no session is created); a bad token, or neither a token nor a session, answers 401; an
    address that presented too many refused tokens answers 429 (governance.throttling.ApiTokenFailures).

    Goes after AuthenticationMiddleware (which would otherwise set request.user back to the session's user)
    and before LoginRequiredMiddleware (which would redirect an API client to the sign-in page).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX):
            refused = self._authenticate(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _authenticate(self, request):
        header = request.headers.get("Authorization", "")
        scheme, _, presented = header.partition(" ")
        if header and scheme.lower() == "bearer":
            # Asked before the token is looked at: once an address is throttled, a right token waits too, so
            # a guesser learns nothing from the answers until the window has passed.
            address = throttling.client_address(request)
            wait = throttling.api_token_wait(address)
            if wait is not None:
                return too_many_refused(wait)
            try:
                token = tokens.authenticate(presented.strip())
            except tokens.InvalidToken as refused:
                throttling.record_api_token_failure(address)
                return unauthorised(str(refused), invalid=True)
            request.user = token.user
            request.api_token = token
            return None
        if header:
            return unauthorised("Use an Authorization: Bearer token", invalid=True)
        if not request.user.is_authenticated:
            return unauthorised("Sign in, or send an Authorization: Bearer token", invalid=False)
        return None


class AuditRequestMiddleware:
    """Binds the request being answered for governance.audit, so that every change it causes (through a
    page, the admin or the API) records who made it and from what address. The request, not its user, is
    bound: BearerTokenMiddleware, further in, may yet set the user to an API token's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from . import audit

        token = audit.bind_request(request)
        try:
            return self.get_response(request)
        finally:
            audit.unbind(token)
