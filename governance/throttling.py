"""Throttling guesses: sign-ins, password reset requests and API tokens, with every count in the database, so
that every process of the service (and every server behind a load balancer) sees the same state.

- Sign-ins: django-axes (the AXES_* settings) locks one user name from one address after repeated wrong
  passwords. This module gives it the client's address (`client_address`) and the lockout page
  (`lockout_response`).
- Password reset requests and refused API tokens: `ThrottleEvent` rows counted in a sliding window by the
  rules below.
"""

from __future__ import annotations

import datetime
import ipaddress
import logging
import math

from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone

from .models import ThrottleEvent

log = logging.getLogger(__name__)


# The client's address --------------------------------------------------------------------------------------

class ClientAddress:
    """"The client's address is the connection's (REMOTE_ADDR), unless DJANGO_TRUSTED_PROXY_COUNT says that
    many proxies of our own stand in front of the service: then it is the address the outermost of them saw,
    the entry that many places from the right of X-Forwarded-For (each proxy appends the address it was
    connected from, so anything further left was written by the client and proves nothing)."

    Without a trusted proxy the header is ignored, so nobody escapes a lockout by sending a made-up one; a
    header too short for the proxies said to be there (a request that went round them) or an entry that is not
    an IP address falls back to the connection's address too."""

    @staticmethod
    def of(request) -> str | None:
        remote = request.META.get("REMOTE_ADDR") or None
        proxies = settings.TRUSTED_PROXY_COUNT
        if proxies <= 0:
            return remote
        chain = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(chain) < proxies:
            return remote
        candidate = chain[-proxies]
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            return remote


def client_address(request) -> str | None:
    """The client's address by the ClientAddress rule (axes' AXES_CLIENT_IP_CALLABLE, and the throttles')."""
    return ClientAddress.of(request)


# Words for a wait --------------------------------------------------------------------------------------------

def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def in_words(delta: datetime.timedelta) -> str:
    """A wait in words, rounded up to the minute: "1 minute", "15 minutes", "1 hour 30 minutes"."""
    minutes = max(1, math.ceil(delta.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    parts = ([_plural(hours, "hour")] if hours else []) + ([_plural(minutes, "minute")] if minutes else [])
    return " ".join(parts)


# Sign-in lockouts (django-axes) ------------------------------------------------------------------------------

def login_cool_off(request=None) -> datetime.timedelta:
    """How long a locked sign-in stays locked (axes' AXES_COOLOFF_TIME): DJANGO_LOGIN_COOLOFF_MINUTES."""
    return datetime.timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES)


def lockout_response(request, original_response=None, credentials=None):
    """The page axes answers with once a user name is locked from this address (AXES_LOCKOUT_CALLABLE): 429,
    how long the lock lasts from now and when it ends, and who can lift it sooner. Retry-After says the same
    to software."""
    username = get_client_username(request, credentials) or ""
    cool_off = login_cool_off(request)
    now = timezone.now()
    # The lock ends a cool-off after the last failure counted (failures while locked are not counted).
    last = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).aggregate(
        last=Max("attempt_time"))["last"] or now
    ends = max(last + cool_off, now + datetime.timedelta(seconds=1))
    wait = ends - now
    context = {
        "username": username,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cool_off": in_words(cool_off),
        "wait": in_words(wait),
        "ends": timezone.localtime(ends),
        "now_date": timezone.localdate(now),
    }
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(math.ceil(wait.total_seconds()))
    return response


# Counted throttles -----------------------------------------------------------------------------------------

class Throttle:
    """A sliding window: an event is refused once `limit` events of this kind and key happened within the
    last `window`; it is allowed again when the oldest of those leaves the window."""

    kind: str

    @classmethod
    def limit(cls) -> int:
        raise NotImplementedError

    @classmethod
    def window(cls) -> datetime.timedelta:
        raise NotImplementedError

    @classmethod
    def retry_after(cls, key: str, *, now: datetime.datetime | None = None) -> datetime.timedelta | None:
        """How long until `key` may go again, or None if it may now. One query."""
        now = now or timezone.now()
        limit = cls.limit()
        recent = (ThrottleEvent.objects.filter(kind=cls.kind, key=key, at__gt=now - cls.window())
                  .order_by("-at").values_list("at", flat=True)[:limit])
        recent = list(recent)
        if len(recent) < limit:
            return None
        # When the limit-th most recent event leaves the window, fewer than `limit` remain in it.
        return recent[-1] + cls.window() - now

    @classmethod
    def record(cls, key: str, *, now: datetime.datetime | None = None) -> None:
        """Count one event for `key`, forgetting this kind's events that have left the window (the table
        holds only what a throttle still counts, and nobody's addresses for longer than that)."""
        now = now or timezone.now()
        ThrottleEvent.objects.filter(kind=cls.kind, at__lte=now - cls.window()).delete()
        ThrottleEvent.objects.create(kind=cls.kind, key=key[:ThrottleEvent.KEY_LENGTH], at=now)


class PasswordResetPerEmail(Throttle):
    """"At most PASSWORD_RESET_LIMIT_PER_EMAIL reset emails to one email address in an hour": nobody can fill a
    colleague's inbox with reset links. The address is compared case-insensitively, as the reset form does."""

    kind = ThrottleEvent.Kind.PASSWORD_RESET_EMAIL

    @classmethod
    def limit(cls) -> int:
        return settings.PASSWORD_RESET_LIMIT_PER_EMAIL

    @classmethod
    def window(cls) -> datetime.timedelta:
        return datetime.timedelta(hours=1)


class PasswordResetPerAddress(Throttle):
    """"At most PASSWORD_RESET_LIMIT_PER_ADDRESS reset requests from one network address in an hour", whatever
    email addresses they name: a script cannot send reset emails to every address it can think of."""

    kind = ThrottleEvent.Kind.PASSWORD_RESET_ADDRESS

    @classmethod
    def limit(cls) -> int:
        return settings.PASSWORD_RESET_LIMIT_PER_ADDRESS

    @classmethod
    def window(cls) -> datetime.timedelta:
        return datetime.timedelta(hours=1)


class ApiTokenFailures(Throttle):
    """"After API_TOKEN_FAILURE_LIMIT refused bearer tokens from one network address within
    API_TOKEN_FAILURE_WINDOW_MINUTES, the address is answered 429 for every token, right or wrong, until the
    oldest of those refusals is that old": guessing tokens from one place stops at the limit."""

    kind = ThrottleEvent.Kind.API_TOKEN_FAILURE

    @classmethod
    def limit(cls) -> int:
        return settings.API_TOKEN_FAILURE_LIMIT

    @classmethod
    def window(cls) -> datetime.timedelta:
        return datetime.timedelta(minutes=settings.API_TOKEN_FAILURE_WINDOW_MINUTES)


def _address_key(address: str | None) -> str:
    return address or "unknown"


@transaction.atomic
def allow_password_reset(*, email: str, address: str | None, now: datetime.datetime | None = None) -> bool:
    """Whether a reset email may be sent to `email` for a request from `address`, by the PasswordResetPerEmail
    and PasswordResetPerAddress rules; an allowed request is counted against both. A refused one is not counted,
    so a user who waits an hour is never refused longer."""
    now = now or timezone.now()
    email_key = (email or "").strip().lower()
    address_key = _address_key(address)
    if (PasswordResetPerEmail.retry_after(email_key, now=now) is not None
            or PasswordResetPerAddress.retry_after(address_key, now=now) is not None):
        log.warning("Password reset refused: too many requests for this email address or from %s", address_key)
        return False
    PasswordResetPerEmail.record(email_key, now=now)
    PasswordResetPerAddress.record(address_key, now=now)
    return True


def api_token_wait(address: str | None, *, now: datetime.datetime | None = None) -> datetime.timedelta | None:
    """How long this address must wait before presenting another token (ApiTokenFailures), or None."""
    return ApiTokenFailures.retry_after(_address_key(address), now=now)


def record_api_token_failure(address: str | None, *, now: datetime.datetime | None = None) -> None:
    ApiTokenFailures.record(_address_key(address), now=now)
