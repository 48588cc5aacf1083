"""Bearer tokens for /api/: checked before the sign-in requirement, answering 401 rather than a redirect."""

from django.http import JsonResponse

from . import tokens

API_PREFIX = "/api/"


def unauthorised(message: str, *, invalid: bool) -> JsonResponse:
    """401 with the challenge RFC 6750 asks for; a presented but refused token says invalid_token."""
    response = JsonResponse({"error": message}, status=401)
    challenge = 'Bearer realm="api"'
    if invalid:
        challenge += f', error="invalid_token", error_description="{message}"'
    response["WWW-Authenticate"] = challenge
    return response


class BearerTokenMiddleware:
    """For /api/ paths: `Authorization: Bearer <token>` signs the request in as the token's user for this
    request only (no session is created); a bad token, or neither a token nor a session, answers 401.

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
            try:
                token = tokens.authenticate(presented.strip())
            except tokens.InvalidToken as refused:
                return unauthorised(str(refused), invalid=True)
            request.user = token.user
            request.api_token = token
            return None
        if header:
            return unauthorised("Use an Authorization: Bearer token", invalid=True)
        if not request.user.is_authenticated:
            return unauthorised("Sign in, or send an Authorization: Bearer token", invalid=False)
        return None
