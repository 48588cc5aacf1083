"""The signed-in user's own account: personal API tokens for the position feed."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ui.forms import GovukFormMixin

from .. import tokens
from ..models import ApiToken

LIFETIME_CHOICES = [(30, "30 days"), (90, "90 days"), (180, "180 days"), (365, "1 year")]


class TokenForm(GovukFormMixin, forms.Form):
    name = forms.CharField(max_length=100, label="Name",
                           help_text="What it is for, so you can tell your tokens apart, for example \"Power BI dashboard\"",
                           error_messages={"required": "Enter a name for the token, saying what it is for"})
    lifetime_days = forms.TypedChoiceField(choices=LIFETIME_CHOICES, coerce=int, initial=tokens.DEFAULT_LIFETIME_DAYS,
                                           label="Expires after", widget=forms.RadioSelect)


def _page(request, form, new_token=None, status=200):
    """Queries: the user's tokens (one), besides the session and user."""
    now = timezone.now()
    rows = [{"token": token, "status": tokens.status(token, now)} for token in request.user.api_tokens.all()]
    return render(request, "governance/tokens.html", {
        "form": form, "rows": rows, "new_token": new_token, "page_title": "API tokens",
    }, status=status)


def api_tokens(request):
    """List your tokens and create one; a new token's plain text is on this response only, never again."""
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            token, plain = tokens.create_token(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Not a redirect: the plain token is shown once, on this page, and is not kept anywhere.
            response = _page(request, TokenForm(), new_token={"token": token, "plain": plain})
            response["Cache-Control"] = "no-store"
            return response
    return _page(request, form, status=400)


@require_POST
def revoke_api_token(request, pk):
    """Revoke one of your own tokens (someone else's is not found)."""
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    tokens.revoke(token=token)
    messages.success(request, f"Token \"{token.name}\" revoked: it no longer works.")
    return redirect("governance:tokens")
