"""Hardened settings: the Content Security Policy and the other security headers, the cookies, the idle session
timeout and its keep-alive, the password length and the error pages (issue 13, item 1)."""

import datetime
import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.test import Client
from django.urls import path, reverse
from django.utils import timezone

from bradford_cs.urls import urlpatterns as service_urlpatterns
from tests import factories as f

ROOT = Path(__file__).resolve().parent.parent
# Script types a browser runs; anything else (application/json data blocks) is inert and outside the CSP.
EXECUTABLE_SCRIPT_TYPES = {"", "text/javascript", "module", "application/javascript"}


class PageParts(HTMLParser):
    """What of a page the CSP governs: its script and style elements and any inline style or handler attribute."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts, self.styles, self.style_attributes, self.handler_attributes = [], [], [], []
        self._in_script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.style_attributes.append((tag, attrs["style"]))
        self.handler_attributes += [(tag, name) for name in attrs if name.startswith("on")]
        if tag == "script":
            self._in_script = {"attrs": attrs, "text": ""}
            self.scripts.append(self._in_script)
        elif tag == "style":
            self.styles.append(attrs)

    def handle_data(self, data):
        if self._in_script is not None:
            self._in_script["text"] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None


def parse(response) -> PageParts:
    parts = PageParts()
    parts.feed(response.content.decode())
    return parts


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response["Content-Security-Policy"]
    directives = {}
    for item in header.split(";"):
        name, *sources = item.split()
        directives[name] = sources
    return directives


def nonce_of(directives) -> str | None:
    nonces = [s[len("'nonce-"):-1] for s in directives.get("script-src", []) if s.startswith("'nonce-")]
    return nonces[0] if nonces else None


def assert_obeys_the_policy(response):
    """Every script runs only as a file from this site or with the page's nonce; no inline style at all
    unless it carries the nonce; no event-handler attributes."""
    directives = policy(response)
    nonce = nonce_of(directives)
    parts = parse(response)
    for script in parts.scripts:
        attrs = script["attrs"]
        if attrs.get("type", "").lower() not in EXECUTABLE_SCRIPT_TYPES:
            continue
        if "nonce" in attrs:
            assert attrs["nonce"] == nonce, f"a script's nonce {attrs['nonce']!r} is not the header's {nonce!r}"
        elif "src" not in attrs:
            pytest.fail(f"an inline script without the nonce: {script['text'][:80]!r}")
        else:
            assert attrs["src"].startswith("/"), f"a script from elsewhere: {attrs['src']}"
    for style in parts.styles:
        assert style.get("nonce") == nonce and nonce, "an inline <style> without the page's nonce"
    assert parts.style_attributes == [], f"inline style attributes: {parts.style_attributes[:5]}"
    assert parts.handler_attributes == [], f"event-handler attributes: {parts.handler_attributes[:5]}"
    return parts


def test_the_policy_allows_this_site_and_the_nonce_only(client, db):
    response = client.get(reverse("login"))
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"][0] == "'self'" and nonce_of(directives)
    assert directives["style-src"][0] == "'self'" and directives["style-src"][1].startswith("'nonce-")
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_each_response_has_its_own_nonce(client, db):
    first, second = (nonce_of(policy(client.get(reverse("login")))) for _ in range(2))
    assert first and second and first != second


def test_the_sign_in_page_runs_its_scripts_by_nonce(client, db):
    response = client.get(reverse("login"))
    parts = assert_obeys_the_policy(response)
    nonce = nonce_of(policy(response))
    sources = {s["attrs"].get("src", "").split("?")[0] for s in parts.scripts if s["attrs"].get("nonce") == nonce}
    # The js-enabled snippet and the module starting GOV.UK Frontend, both files now, both with the nonce.
    assert {"/static/ui/js-enabled.js", "/static/ui/govuk-frontend-init.js"} <= sources
    # Signed out, there is no session to keep alive: no warning.
    assert b"session-timeout" not in response.content


SAMPLE = {
    "home": lambda: reverse("home"),
    "plan": lambda: reverse("plans:plan", kwargs={"slug": "improvement-plan-2022-24"}),
    "dashboard": lambda: reverse("plans:dashboard", kwargs={"slug": "improvement-plan-2022-24"}),
    "register": lambda: reverse("plans:register"),
    "action": lambda: reverse("plans:action", kwargs={"pk": _first_action_pk()}),
    "progress form": lambda: reverse("plans:update", kwargs={"pk": _first_action_pk()}),
    "board": lambda: reverse("governance:boards"),
    "meeting": lambda: reverse("governance:meeting", kwargs={"pk": 200001}),
    "report": lambda: reverse("governance:report", kwargs={"pk": 200001}),
    "password change": lambda: reverse("password_change"),
    "admin index": lambda: reverse("admin:index"),
    "admin changelist": lambda: reverse("admin:plans_action_changelist"),
    "admin plan changelist": lambda: reverse("admin:plans_plan_changelist"),  # its own template extends ours
    "admin change form": lambda: reverse("admin:plans_action_change", args=[_first_action_pk()]),
    "admin add form": lambda: reverse("admin:plans_plan_add"),
}


def _first_action_pk():
    from plans.models import Action

    return Action.objects.filter(theme__plan__slug="improvement-plan-2022-24").order_by("pk").values_list(
        "pk", flat=True)[0]


@pytest.fixture
def superuser_client(client, real_data):
    client.force_login(f.StaffUserFactory())
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("name", SAMPLE)
def test_every_page_of_the_sample_obeys_the_policy(superuser_client, name):
    response = superuser_client.get(SAMPLE[name]())
    assert response.status_code == 200, name
    parts = assert_obeys_the_policy(response)
    if not name.startswith("admin"):
        # Our pages carry their scripts with the nonce, and the nonce is the header's.
        nonce = nonce_of(policy(response))
        assert nonce and any(s["attrs"].get("nonce") == nonce for s in parts.scripts)


@pytest.mark.django_db
def test_the_admin_changelist_without_action_bars_gives_its_inline_style_the_nonce(superuser_client, monkeypatch):
    """Django's changelist writes one inline <style> when a list shows its actions neither above nor below
    (templates/admin/change_list.html gives it the nonce)."""
    from plans.models import Action

    monkeypatch.setattr(admin.site._registry[Action], "actions_on_top", False)
    monkeypatch.setattr(admin.site._registry[Action], "actions_on_bottom", False)
    response = superuser_client.get(reverse("admin:plans_action_changelist"))
    parts = assert_obeys_the_policy(response)
    assert len(parts.styles) == 1
    assert parts.styles[0]["nonce"] == nonce_of(policy(response))


@pytest.mark.django_db
def test_the_other_security_headers(client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    features = dict(item.strip().split("=") for item in response["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()", feature


@pytest.mark.django_db
def test_api_and_downloads_carry_the_headers_too(client):
    """Headers come from middleware, so every response has them, not only pages."""
    response = client.get("/api/plans/improvement-plan-2022-24/position/")
    assert response.status_code == 401
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]


# ---------------------------------------------------------------------------------------------------------
# Settings as production reads them (debug off), in a fresh interpreter.

PRODUCTION = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k" * 64, "DJANGO_ALLOWED_HOSTS": "tracker.example.org"}


def import_settings(env, code="pass"):
    """Import the settings in a fresh interpreter with exactly this environment, then run `code`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run([sys.executable, "-c", f"import json, bradford_cs.settings as s; {code}"],
                          env=clean | env, cwd=ROOT, capture_output=True, text=True)


def settings_in(env, *names):
    """These settings' values, as that environment makes them."""
    result = import_settings(env, f"print(json.dumps({{n: getattr(s, n) for n in {list(names)!r}}}))")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_with_debug_off_cookies_are_secure_httponly_and_samesite_and_hsts_is_on():
    values = settings_in(PRODUCTION, "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
                         "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE", "SECURE_HSTS_SECONDS",
                         "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT")
    assert values == {"SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_HTTPONLY": True, "SESSION_COOKIE_SAMESITE": "Lax",
                      "CSRF_COOKIE_SECURE": True, "CSRF_COOKIE_HTTPONLY": True, "CSRF_COOKIE_SAMESITE": "Lax",
                      "SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
                      "SECURE_SSL_REDIRECT": True}


@pytest.mark.django_db
def test_the_session_cookie_is_httponly_and_samesite(client):
    f.UserFactory(username="jenny")
    response = client.post(reverse("login"), {"username": "jenny", "password": "correct horse battery staple"})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == ""  # ends with the browser, as well as after the idle window


def test_sessions_live_in_the_database_and_end_after_the_idle_minutes_from_the_environment():
    default = settings_in(PRODUCTION, "SESSION_ENGINE", "SESSION_IDLE_MINUTES", "SESSION_COOKIE_AGE",
                          "SESSION_SLIDE_SECONDS")
    assert default == {"SESSION_ENGINE": "ui.sessions", "SESSION_IDLE_MINUTES": 30,
                       "SESSION_COOKIE_AGE": 1800, "SESSION_SLIDE_SECONDS": 60}
    from django.contrib.sessions.backends import db

    from ui.sessions import SessionStore
    assert issubclass(SessionStore, db.SessionStore)  # in the database: app servers hold no state
    shorter = settings_in(PRODUCTION | {"DJANGO_SESSION_IDLE_MINUTES": "15"}, "SESSION_COOKIE_AGE")
    assert shorter == {"SESSION_COOKIE_AGE": 900}


@pytest.mark.parametrize(("raw", "message"), [("0", "must be at least 1, not 0"), ("-5", "must be at least 1"),
                                              ("half an hour", "must be a whole number")])
def test_a_bad_idle_timeout_is_an_error(raw, message):
    result = import_settings(PRODUCTION | {"DJANGO_SESSION_IDLE_MINUTES": raw})
    assert result.returncode != 0
    assert f"DJANGO_SESSION_IDLE_MINUTES {message}" in result.stderr


# ---------------------------------------------------------------------------------------------------------
# The session-timeout warning and the keep-alive.


@pytest.mark.django_db
def test_signed_in_pages_carry_the_warning_with_the_idle_window(client, settings):
    settings.SESSION_COOKIE_AGE = 30 * 60
    settings.SESSION_IDLE_MINUTES = 30
    client.force_login(f.UserFactory())
    response = client.get(reverse("home"))
    page = response.content.decode()
    assert 'id="session-timeout" role="alertdialog" aria-modal="true" hidden' in page
    assert 'data-session-seconds="1800" data-warning-seconds="120"' in page
    assert f'action="{reverse("session_keep_alive")}"' in page
    assert "Stay signed in" in page
    assert "after 30 minutes without any activity" in page
    nonce = nonce_of(policy(response))
    assert f'src="/static/ui/session-timeout.js" nonce="{nonce}"' in page


@pytest.mark.django_db
def test_keep_alive_sends_a_visitor_who_is_not_signed_in_to_sign_in(client):
    response = client.post(reverse("session_keep_alive"))
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/?next=")


@pytest.mark.django_db
def test_keep_alive_refuses_a_post_without_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    client.force_login(f.UserFactory())
    response = client.post(reverse("session_keep_alive"))
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()


@pytest.mark.django_db
def test_keep_alive_takes_post_only(client):
    client.force_login(f.UserFactory())
    assert client.get(reverse("session_keep_alive")).status_code == 405


@pytest.mark.django_db
def test_keep_alive_answers_204_and_pushes_the_session_expiry_back():
    client = Client(enforce_csrf_checks=True)
    client.force_login(f.UserFactory())
    page = client.get(reverse("home")).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    key = client.session.session_key
    soon = timezone.now() + datetime.timedelta(minutes=1)
    Session.objects.filter(session_key=key).update(expire_date=soon)

    response = client.post(reverse("session_keep_alive"), {"csrfmiddlewaretoken": token})

    assert response.status_code == 204
    assert response.content == b""
    expiry = Session.objects.get(session_key=key).expire_date
    assert expiry > soon
    assert abs((expiry - timezone.now()).total_seconds() - 30 * 60) < 60  # a fresh idle window


@pytest.mark.django_db
def test_requests_slide_the_session_expiry_at_most_once_a_minute(client, django_assert_num_queries):
    from ui.middleware import SLID_AT

    client.force_login(f.UserFactory())
    key = client.session.session_key
    soon = timezone.now() + datetime.timedelta(minutes=5)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    client.get(reverse("session_keep_alive"))  # within the minute: the session is read, not written
    assert Session.objects.get(session_key=key).expire_date == soon

    session = client.session
    session[SLID_AT] -= 61
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=soon)
    client.get(reverse("session_keep_alive"))  # a minute on: any request slides it
    expiry = Session.objects.get(session_key=key).expire_date
    assert abs((expiry - timezone.now()).total_seconds() - 30 * 60) < 60


@pytest.mark.django_db
def test_an_idle_session_has_ended(client):
    client.force_login(f.UserFactory())
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


# ---------------------------------------------------------------------------------------------------------
# Passwords.


@pytest.mark.django_db
def test_a_password_of_eleven_characters_is_refused():
    with pytest.raises(ValidationError) as refused:
        validate_password("Kx7-mQ2#vLp")  # 11
    assert "at least 12 characters" in " ".join(refused.value.messages)
    validate_password("Kx7-mQ2#vLp9")  # 12: accepted


@pytest.mark.django_db
def test_changing_to_a_short_password_says_why(client):
    client.force_login(f.UserFactory(username="jenny"))
    response = client.post(reverse("password_change"), {
        "old_password": "correct horse battery staple", "new_password1": "Kx7-mQ2#vLp", "new_password2": "Kx7-mQ2#vLp"})
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()


# ---------------------------------------------------------------------------------------------------------
# Error pages, with debug off. A URLconf of this module adds views that fail on purpose to the service's own.


def raises(exception):
    def view(request):
        raise exception

    return view


urlpatterns = [
    path("test-errors/400/", raises(SuspiciousOperation("the host header was wrong: internal detail"))),
    path("test-errors/403/", raises(PermissionDenied("internal detail: the officer is not the lead"))),
    path("test-errors/500/", raises(RuntimeError("internal detail: division by zero in plans.querysets"))),
    *service_urlpatterns,
]

CODE_TRACES = ("Traceback", "internal detail", "RuntimeError", "SuspiciousOperation", "PermissionDenied",
               "File \"", "plans.querysets", "Exception", "DEBUG")


def assert_shows_nothing_of_the_code(response):
    page = response.content.decode()
    for trace in CODE_TRACES:
        assert trace not in page, trace
    assert 'class="govuk-heading-l"' in page
    assert "/static/build/app.css" in page


@pytest.fixture
def debug_off(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "heading"), [
    (400, "Sorry, there is a problem with your request"),
    (403, "You cannot do this"),
    (404, "Page not found"),
    (500, "Sorry, there is a problem with the service"),
])
def test_error_pages_are_govuk_pages_that_show_nothing_of_the_code(debug_off, status, heading):
    client = Client(raise_request_exception=False)
    client.force_login(f.UserFactory())
    url = "/no-such-page/" if status == 404 else f"/test-errors/{status}/"
    response = client.get(url)
    assert response.status_code == status
    assert f">{heading}</h1>" in response.content.decode()
    assert_shows_nothing_of_the_code(response)
    # With debug off, error pages carry the policy too (django-csp leaves them alone only in debug).
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert_obeys_the_policy(response)


def test_the_500_page_needs_no_request_and_no_database(settings):
    """Django's handler500 renders 500.html with no context at all; no database access is allowed here."""
    from django.test import RequestFactory
    from django.views.defaults import server_error

    settings.DEBUG = False
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with the service – Children&#x27;s Services Improvement Tracker" in page
    assert "<script" not in page
    assert_shows_nothing_of_the_code(response)


def test_the_400_page_needs_no_request_context_and_no_database(settings):
    from django.test import RequestFactory
    from django.views.defaults import bad_request

    settings.DEBUG = False
    response = bad_request(RequestFactory().get("/"), SuspiciousOperation("internal detail"))
    assert response.status_code == 400
    assert_shows_nothing_of_the_code(response)
