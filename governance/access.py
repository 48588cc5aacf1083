"""Deactivating a login ends its access at once: its sessions are deleted and its API tokens revoked.

Django already refuses an inactive user on the next request (ModelBackend.get_user answers None for them, so
the session no longer signs anyone in, and governance.tokens refuses their tokens), but only for as long as they
stay inactive: reactivating them would bring back every old session and token. Ending both when the login is
deactivated makes it final.

A login is deactivated from the admin's change form, the admin's "Deactivate" action, governance.tokens
.deactivate_user or a shell `user.save()`. A pre_save/post_save pair on the user model catches every one of
them, comparing `is_active` with the stored row; the work itself is `end_access` below. (`QuerySet.update()`
sends no signals: code that deactivates in bulk goes through `end_access` itself.)
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.db.models.signals import post_save, pre_save
from django.utils import timezone


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def end_sessions(user) -> int:
    """Delete every unexpired session signed in as `user`; returns how many. Session data is encoded, so each
    unexpired row is decoded in turn (streamed with .iterator(), rows not held in memory). Only engines that
    keep sessions in the database (db, cached_db) can be ended here: a cookie session lives in the browser and
    ends on its next request, when Django refuses the inactive user."""
    store = _session_store()
    if not hasattr(store, "get_model_class"):
        return 0
    model = store.get_model_class()
    mine = str(user.pk)
    keys = [session.session_key
            for session in model.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=500)
            if str(session.get_decoded().get("_auth_user_id")) == mine]
    for key in keys:
        store(session_key=key).delete()  # through the store, so cached_db drops its cache entry too
    return len(keys)


def end_access(user) -> tuple[int, int]:
    """End a deactivated login's sessions and revoke its API tokens; returns (sessions, tokens)."""
    from .tokens import revoke_all_for_user

    return end_sessions(user), revoke_all_for_user(user=user)


def _remember_if_deactivating(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._deactivating = False
    if raw or instance.pk is None or instance._state.adding or instance.is_active:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    instance._deactivating = sender._default_manager.filter(pk=instance.pk, is_active=True).exists()


def _end_access_if_deactivated(sender, instance, created=False, raw=False, **kwargs):
    if getattr(instance, "_deactivating", False):
        instance._deactivating = False
        end_access(instance)


def connect() -> None:
    """Called from GovernanceConfig.ready()."""
    model = settings.AUTH_USER_MODEL
    pre_save.connect(_remember_if_deactivating, sender=model, dispatch_uid="governance.access.pre_save")
    post_save.connect(_end_access_if_deactivated, sender=model, dispatch_uid="governance.access.post_save")
