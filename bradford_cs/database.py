"""Reads from a PostgreSQL streaming replica, when DATABASE_REPLICA_URL names one (settings add the router
and the "replica" alias only then).

The rule:
- only GET and HEAD requests of the read-only board pages (REPLICA_URL_NAMES) read from the replica;
- everything else reads from the primary, and every write goes to the primary;
- for READ_YOUR_WRITES_SECONDS after a POST that changed plan data (a progress update, a measure value, a
  meeting's record, an import...), every request from that browser reads from the primary, so nobody is
  shown a page that lacks what they have just saved while the replica catches up;
- sign-in, sessions, tokens, throttling and the audit trail are always read from the primary: a replica a
  moment behind must never sign someone out, accept a revoked token or miss a failed sign-in.

The middleware decides per request and leaves the choice in a context variable the router reads; a write
through the router is noted the same way, and the middleware then notes the time of the write in the session
(kept in the primary database, so every app server sees it; no new cookie, and one session save on a request
that wrote anyway).
"""

import contextvars
import time

from django.conf import settings
from django.core.signals import request_finished
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
REPLICA_URL_NAMES = frozenset({
    "plans:dashboard",
    "plans:register", "plans:register_csv", "plans:register_xlsx",
    "plans:vital_signs", "plans:vital_signs_csv", "plans:vital_signs_xlsx",
    "plans:export",
    "plans:position_feed",
    "inspections:tracker",
    "governance:report", "governance:report_pdf", "governance:report_docx",
})
READ_YOUR_WRITES_SECONDS = 10
WROTE_AT = "_db_wrote_at"  # session key: when this browser last changed plan data
# Read from the primary whatever the page: what a replica's lag must not get wrong.
PRIMARY_ONLY = frozenset({
    "sessions.session", "governance.user", "governance.apitoken", "governance.throttleevent",
    "governance.auditevent", "axes.accessattempt", "axes.accessfailurelog", "axes.accesslog",
    "auth.group", "auth.permission", "contenttypes.contenttype",
})
# Writes to these apps are plan data (everything the service itself keeps) unless bookkeeping above.
PLAN_DATA_APPS = frozenset({"plans", "inspections", "governance"})

_reads_from = contextvars.ContextVar("bcs_reads_from", default=DEFAULT_DB_ALIAS)
_wrote = contextvars.ContextVar("bcs_wrote_plan_data", default=False)


def now() -> float:
    """The clock the rule reads (tests move it instead of sleeping)."""
    return time.time()


def _label(model) -> str:
    return model._meta.label_lower


class ReplicaRouter:
    """Reads go where the request's middleware said; writes and migrations to the primary only."""

    def db_for_read(self, model, **hints):
        alias = _reads_from.get()
        if alias == DEFAULT_DB_ALIAS or _label(model) in PRIMARY_ONLY:
            return DEFAULT_DB_ALIAS
        # Inside a transaction on the primary, a read elsewhere would not see what the transaction wrote.
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model, **hints):
        if model._meta.app_label in PLAN_DATA_APPS and _label(model) not in PRIMARY_ONLY:
            _wrote.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, copied: a row read from either may be related to one from the other

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def reads_from_replica(request) -> bool:
    """Whether this request may read from the replica (the rule in the module docstring)."""
    if REPLICA not in settings.DATABASES or request.method not in ("GET", "HEAD"):
        return False
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name not in REPLICA_URL_NAMES:
        return False
    session = getattr(request, "session", None)
    wrote_at = session.get(WROTE_AT) if session is not None else None
    return wrote_at is None or now() - wrote_at >= READ_YOUR_WRITES_SECONDS


class ReplicaRoutingMiddleware:
    """Chooses each request's database for reads (the router applies it) and, after a POST that changed plan
    data, notes it in the session so that the next READ_YOUR_WRITES_SECONDS of requests read from the primary.
    Sits inside SessionMiddleware, which then saves the session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _reads_from.set(DEFAULT_DB_ALIAS)
        _wrote.set(False)
        response = self.get_response(request)
        if request.method == "POST" and _wrote.get() and REPLICA in settings.DATABASES and hasattr(request, "session"):
            request.session[WROTE_AT] = now()
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The URL name is known only once the URL is resolved, so the choice is made here, before the view.
        if reads_from_replica(request):
            _reads_from.set(REPLICA)


def _back_to_primary(**kwargs):
    """A streamed export reads from the replica until its last row is sent; then the thread goes back to the
    primary, so work outside a request (commands, the next test) never reads from the replica."""
    _reads_from.set(DEFAULT_DB_ALIAS)


request_finished.connect(_back_to_primary, dispatch_uid="bradford_cs.database.back_to_primary")
