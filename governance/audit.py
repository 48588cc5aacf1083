"""The audit trail: who changed what and when, and who signed in, failed to, was locked out, exported, called
the feed or downloaded a pack (governance.models.AuditEvent).

- `record(kind, ...)` writes one event; views call it for exports, feed calls and pack downloads.
- `connect()` (from GovernanceConfig.ready) hooks every concrete model of plans, inspections and governance:
  a save records "created" or "changed" with each changed field's [before, after], a deletion (a superuser's
  included) records "deleted" with the last values, a many-to-many change records the ids before and after;
  and Django's (and axes') sign-in signals record sign-ins, sign-outs, failures and lockouts.
- The acting user and address come from the request the middleware binds (governance.middleware.
  AuditRequestMiddleware); with no request (a command, a service called directly) the actor is blank.

Loading fixtures (raw saves) records nothing, nor does anything inside `bulk()`.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import ipaddress
import json
import uuid
from contextvars import ContextVar

from django.apps import apps
from django.contrib.auth import signals as auth_signals
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.db.models import signals

from .visibility import ORGANISATION_PATHS

AUDITED_APPS = ("plans", "inspections", "governance")

# Not audited: the trail itself; throttle counters (one row per refused token or reset request, already a log);
# reminders sent (a row per person per meeting each run, itself the record of sending); refused stale saves
# (EditConflict: already a log of who tried what, written when an officer's save is turned away); and
# django-simple-history's records (written alongside every audited change: they would double it).
SKIPPED = {"governance.auditevent", "governance.throttleevent", "governance.meetingreminder", "plans.editconflict"}

# Fields never recorded, and whose change alone is not an event: bookkeeping Django or the service touches on
# every sign-in or API call.
IGNORED_FIELDS = {"last_login", "last_used_at"}
# Fields whose values are secret: a change is recorded, its values are not.
SECRET_FIELDS = {"password", "token_hash"}
HIDDEN = "(hidden)"
MAX_VALUE = 200  # characters kept of each value
MAX_IDS = 50  # ids kept of each side of a many-to-many change

NOBODY = object()  # record(organisation=NOBODY): the event concerns no organisation (one deleted)

_request: ContextVar = ContextVar("audit_request", default=None)
_bulk: ContextVar = ContextVar("audit_bulk", default=False)


# The request and bulk work -------------------------------------------------------------------------------

def bind_request(request):
    """Make `request` the one whose user and address events carry; returns a token for `unbind`."""
    return _request.set(request)


def unbind(token) -> None:
    _request.reset(token)


@contextlib.contextmanager
def bulk():
    """Record no change events inside this block: for seeding thousands of demo rows in one go."""
    token = _bulk.set(True)
    try:
        yield
    finally:
        _bulk.reset(token)


def _actor(request):
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


def _address(request) -> str | None:
    """The client's address by governance.throttling.ClientAddress, kept only if it is an IP address."""
    if request is None:
        return None
    from .throttling import client_address

    try:
        return str(ipaddress.ip_address(client_address(request) or ""))
    except ValueError:
        return None


# The organisation owning an object -----------------------------------------------------------------------

def _follow(obj, parts: list[str]):
    """Walk `parts` (a path of ORGANISATION_PATHS) from `obj` through relations already loaded; at the first
    one that is not, ask the database for the rest of the path in one query."""
    name, rest = parts[0], parts[1:]
    if not rest:
        return obj.pk if name == "pk" else getattr(obj, name)
    field = obj._meta.get_field(name)
    if field.is_cached(obj):
        related = getattr(obj, name)
        return None if related is None else _follow(related, rest)
    if field.many_to_one or (field.one_to_one and field.concrete):
        key = getattr(obj, field.attname)
        if key is None:
            return None
        return (field.related_model._base_manager.filter(pk=key)
                .values_list("__".join(rest), flat=True).first())
    if obj.pk is None:
        return None
    return type(obj)._base_manager.filter(pk=obj.pk).values_list("__".join(parts), flat=True).first()


def organisation_id_of(obj) -> int | None:
    """The id of the organisation owning `obj`, by governance.visibility.ORGANISATION_PATHS (None if the
    model has no path or the object hangs off nothing)."""
    label = obj._meta.label_lower
    if label == "plans.milestone":  # on an action or directly on a theme
        paths = ["action__theme__plan__organisation_id", "theme__plan__organisation_id"]
    else:
        path = ORGANISATION_PATHS.get(label)
        paths = [path] if path else []
    for path in paths:
        try:
            found = _follow(obj, path.split("__"))
        except ObjectDoesNotExist:
            found = None
        if found is not None:
            return found
    return None


def _user_organisation_id(user) -> int | None:
    """The organisation of a login's Person (loaded with the login by governance.backends: no query)."""
    if user is None:
        return None
    try:
        person = user.person
    except ObjectDoesNotExist:
        return None
    return person.organisation_id if person is not None else None


def _describe(obj) -> str:
    try:
        text = str(obj)
    except ObjectDoesNotExist:  # a __str__ reaching a row already gone
        text = ""
    return (text or f"{obj._meta.verbose_name} {obj.pk}")[:300]


# Writing an event ----------------------------------------------------------------------------------------

def record(kind, *, user=None, obj=None, organisation=None, changes=None, detail="", request=None, username=""):
    """Write one AuditEvent. The actor is `user`, else the signed-in user of `request` (or of the request
    being answered); the organisation is `organisation` (an Organisation or its id; NOBODY for none), else
    the owner of `obj`, else the actor's. Returns the event."""
    from django.contrib.contenttypes.models import ContentType

    from .models import AuditEvent, Organisation

    request = request if request is not None else _request.get()
    if user is None:
        user = _actor(request)
    if isinstance(organisation, Organisation):
        organisation = organisation.pk
    if organisation is None and obj is not None:
        organisation = organisation_id_of(obj)
    if organisation is None:
        organisation = _user_organisation_id(user)
    if organisation is NOBODY:
        organisation = None
    event = AuditEvent(
        kind=kind, user=user, username=(user.get_username() if user is not None else username)[:150],
        organisation_id=organisation, changes=changes or {}, detail=detail[:500], ip_address=_address(request))
    if obj is not None:
        event.content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        event.object_id = str(obj.pk)
        event.object_repr = _describe(obj)
    event.save()
    return event


# Values --------------------------------------------------------------------------------------------------

def _shorten(text: str) -> str:
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE - 1] + "…"


def _plain(value):
    """A value as JSON can hold it, long text cut short."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, bytes | memoryview | bytearray):
        return f"({len(value)} bytes)"
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict | list | tuple):
        return _shorten(json.dumps(value, default=str, ensure_ascii=False))
    return _shorten(str(value))


def _audited_fields(model, update_fields=None):
    """The concrete fields a save may change, less bookkeeping and binary content (packs' PDFs: their
    checksums are recorded instead)."""
    fields = [f for f in model._meta.concrete_fields
              if not f.primary_key and f.name not in IGNORED_FIELDS and not isinstance(f, models.BinaryField)]
    if update_fields is not None:
        named = set(update_fields)
        fields = [f for f in fields if f.name in named or f.attname in named]
    return fields


def _pair(field, before, after):
    if field.name in SECRET_FIELDS:
        return [HIDDEN if before else None, HIDDEN if after else None]
    return [_plain(before), _plain(after)]


def _differs(before, after) -> bool:
    try:
        if before == after:
            return False
    except (TypeError, ValueError):
        pass
    return _plain(before) != _plain(after)


# Signal receivers ----------------------------------------------------------------------------------------

def _quiet(instance, raw) -> bool:
    if raw:
        instance._audit_raw = True  # a fixture's many-to-many values are set after its raw save: skip them too
    return raw or _bulk.get() or getattr(instance, "_audit_raw", False)


def _before_save(sender, instance, raw=False, using=None, update_fields=None, **kwargs):
    """One query for the stored values of the fields this save may change (none for a new object)."""
    instance.__dict__.pop("_audit_before", None)
    if _quiet(instance, raw) or instance.pk is None:
        return
    fields = _audited_fields(sender, update_fields)
    if not fields:
        return
    instance._audit_before = (sender._base_manager.using(using).filter(pk=instance.pk)
                              .values(*[f.attname for f in fields]).first())


def _after_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if _quiet(instance, raw):
        return
    before = instance.__dict__.pop("_audit_before", None)
    fields = _audited_fields(sender, update_fields)
    if created:
        changes = {f.name: _pair(f, None, getattr(instance, f.attname)) for f in fields
                   if getattr(instance, f.attname) not in (None, "")}
        record("created", obj=instance, changes=changes)
        return
    if before is None:  # only bookkeeping fields were saved (a sign-in's last_login)
        return
    changes = {f.name: _pair(f, before[f.attname], getattr(instance, f.attname)) for f in fields
               if _differs(before[f.attname], getattr(instance, f.attname))}
    if changes:
        record("changed", obj=instance, changes=changes)


def _dying_organisations() -> set:
    return _deleting.get() or set()


_deleting: ContextVar = ContextVar("audit_deleting_organisations", default=None)


def _before_delete(sender, instance, **kwargs):
    """The owner and description while the rows they are read from still exist (a cascade removes them)."""
    if _bulk.get():
        return
    instance._audit_deleted = (organisation_id_of(instance), _describe(instance))
    if sender._meta.label_lower == "governance.organisation":
        _deleting.set(_dying_organisations() | {instance.pk})


def _after_delete(sender, instance, **kwargs):
    from .models import AuditEvent

    stashed = instance.__dict__.pop("_audit_deleted", None)
    if stashed is None:
        return
    organisation, description = stashed
    if sender._meta.label_lower == "governance.organisation":
        # Its events lose their organisation, as Django's SET_NULL does to those written before the deletion.
        AuditEvent.objects.filter(organisation_id=instance.pk).update(organisation=None)
        _deleting.set(_dying_organisations() - {instance.pk})
        organisation = NOBODY
    elif organisation in _dying_organisations():
        organisation = NOBODY  # set to null when its organisation row goes, as above
    elif organisation is None:
        organisation = NOBODY  # not the actor's: the object belonged to no organisation
    last = {f.name: _pair(f, getattr(instance, f.attname), None) for f in _audited_fields(sender)
            if getattr(instance, f.attname) not in (None, "")}
    event = record("deleted", obj=instance, organisation=organisation, changes=last)
    if event.object_repr != description:
        event.object_repr = description
        event.save(update_fields=["object_repr"])


def _m2m_name(sender, instance, reverse):
    for field in (instance._meta.get_fields() if reverse else instance._meta.many_to_many):
        if reverse and field.many_to_many and not field.concrete and getattr(field, "through", None) is sender:
            return field.get_accessor_name()
        if not reverse and field.remote_field.through is sender:
            return field.name
    return None


def _related_ids(instance, name) -> list:
    try:
        manager = getattr(instance, name)
    except (AttributeError, FieldDoesNotExist):
        return []
    return sorted(manager.values_list("pk", flat=True))


def _m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """The ids of the related objects before and after: one query (two for a clear)."""
    if _quiet(instance, False) or instance._meta.label_lower in SKIPPED:
        return
    name = _m2m_name(sender, instance, reverse)
    if name is None:
        return
    if action == "pre_clear":
        instance.__dict__.setdefault("_audit_m2m", {})[name] = _related_ids(instance, name)
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    after = _related_ids(instance, name)
    if action == "post_add":
        before = sorted(set(after) - set(pk_set or ()))
    elif action == "post_remove":
        before = sorted(set(after) | set(pk_set or ()))
    else:
        before = instance.__dict__.get("_audit_m2m", {}).pop(name, [])
    if before != after:
        record("changed", obj=instance, changes={name: [before[:MAX_IDS], after[:MAX_IDS]]})


def _signed_in(sender, request, user, **kwargs):
    record("signed_in", user=user, request=request)


def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        record("signed_out", user=user, request=request)


def _typed_username(credentials) -> str:
    from django.contrib.auth import get_user_model

    return str((credentials or {}).get(get_user_model().USERNAME_FIELD) or (credentials or {}).get("username")
               or "")[:150]


def _owner_of_username(username: str) -> int | None:
    """The organisation of the login with this user name, if there is one, so its admins see the attempts."""
    from django.contrib.auth import get_user_model

    if not username:
        return None
    User = get_user_model()
    return (User._default_manager.filter(**{User.USERNAME_FIELD: username})
            .values_list("person__organisation_id", flat=True).first())


def _sign_in_failed(sender, credentials, request=None, **kwargs):
    username = _typed_username(credentials)
    record("sign_in_failed", request=request, username=username, organisation=_owner_of_username(username),
           user=None, detail="Wrong user name or password, or the sign-in is locked")


def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    username = (username or "")[:150]
    event = record("locked_out", request=request, username=username, organisation=_owner_of_username(username),
                   detail="Too many failed sign-ins: locked for a while")
    if event.ip_address is None and ip_address:
        with contextlib.suppress(ValueError):
            event.ip_address = str(ipaddress.ip_address(ip_address))
            event.save(update_fields=["ip_address"])


def audited_models():
    """Every concrete model of the audited apps but those in SKIPPED and history records."""
    for label in AUDITED_APPS:
        for model in apps.get_app_config(label).get_models():
            history = any(field.name == "history_id" for field in model._meta.fields)
            if model._meta.label_lower in SKIPPED or history:
                continue
            yield model


def connect() -> None:
    """Hook the receivers up (GovernanceConfig.ready); dispatch_uid keeps a second call harmless."""
    for model in audited_models():
        label = model._meta.label_lower
        signals.pre_save.connect(_before_save, sender=model, dispatch_uid=f"audit-pre-save-{label}")
        signals.post_save.connect(_after_save, sender=model, dispatch_uid=f"audit-post-save-{label}")
        signals.pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"audit-pre-delete-{label}")
        signals.post_delete.connect(_after_delete, sender=model, dispatch_uid=f"audit-post-delete-{label}")
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            signals.m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"audit-m2m-{through._meta.label}")
    auth_signals.user_logged_in.connect(_signed_in, dispatch_uid="audit-signed-in")
    auth_signals.user_logged_out.connect(_signed_out, dispatch_uid="audit-signed-out")
    auth_signals.user_login_failed.connect(_sign_in_failed, dispatch_uid="audit-sign-in-failed")
    if apps.is_installed("axes"):
        from axes.signals import user_locked_out

        user_locked_out.connect(_locked_out, dispatch_uid="audit-locked-out")
