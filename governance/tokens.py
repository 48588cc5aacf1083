"""Personal API tokens for the position feed: created once, stored hashed, expiring, revocable.

The plain token is shown to its owner once, when created; only its SHA-256 hash is kept, so a copy of the
database does not give anyone a working token. A token is looked up by its hash (a unique index): nothing
secret is compared character by character, so response times say nothing about how close a guess was.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import ApiToken

# Recognisable in logs and by secret scanners; the rest is 256 bits from the OS's random source.
TOKEN_START = "bcs_"
PREFIX_LENGTH = 12
DEFAULT_LIFETIME_DAYS = 90
MAX_LIFETIME_DAYS = 366


class InvalidToken(Exception):
    """The token was not accepted; the message says why, for the 401 answer."""


def hash_token(plain: str) -> str:
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


def create_token(*, user, name: str, lifetime_days: int = DEFAULT_LIFETIME_DAYS,
                 now: datetime.datetime | None = None) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns the saved row and the plain token, which is never available again."""
    name = " ".join((name or "").split())
    errors = {}
    if not name:
        errors["name"] = "Enter a name for the token, saying what it is for"
    elif len(name) > ApiToken._meta.get_field("name").max_length:
        errors["name"] = "The name must be 100 characters or fewer"
    if not isinstance(lifetime_days, int) or not 1 <= lifetime_days <= MAX_LIFETIME_DAYS:
        errors["lifetime_days"] = f"A token lasts between 1 and {MAX_LIFETIME_DAYS} days"
    if not user.is_active:
        errors["user"] = "An inactive user cannot have tokens"
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    plain = TOKEN_START + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=plain[:PREFIX_LENGTH], token_hash=hash_token(plain),
        created_at=now, expires_at=now + datetime.timedelta(days=lifetime_days),
    )
    return token, plain


def authenticate(plain: str, *, now: datetime.datetime | None = None) -> ApiToken:
    """The token row for a presented token, its last use recorded; InvalidToken if unknown, revoked, expired
    or its user is inactive. Two queries: the lookup (with the user) and the last-used update."""
    now = now or timezone.now()
    presented = hash_token(plain or "")
    token = ApiToken.objects.select_related("user").filter(token_hash=presented).first()
    # The row was found by its hash; comparing again in constant time costs nothing and keeps it honest.
    if token is None or not hmac.compare_digest(token.token_hash, presented):
        raise InvalidToken("The token is not recognised")
    if token.revoked_at is not None:
        raise InvalidToken("The token has been revoked")
    if token.expires_at <= now:
        raise InvalidToken("The token has expired")
    if not token.user.is_active:
        raise InvalidToken("The token's user is no longer active")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
    return token


def revoke(*, token: ApiToken, now: datetime.datetime | None = None) -> ApiToken:
    """Stop a token working from now on. Revoking a revoked token keeps its first revocation time."""
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def revoke_all_for_user(*, user, now: datetime.datetime | None = None) -> int:
    """Revoke every live token of a user (called when the user is deactivated); returns how many."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now or timezone.now())


@transaction.atomic
def deactivate_user(*, user) -> int:
    """Deactivate a login and revoke its tokens in one transaction; returns how many tokens were revoked. Saving
    the login inactive also ends its sessions (governance.access, which revokes the tokens on every route)."""
    live = ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    revoke_all_for_user(user=user)  # the login may have been inactive already, with tokens left live
    return live


def status(token: ApiToken, now: datetime.datetime | None = None) -> str:
    """Active, Expired or Revoked, as the account page shows it."""
    now = now or timezone.now()
    if token.revoked_at is not None:
        return "Revoked"
    if token.expires_at <= now:
        return "Expired"
    return "Active"
